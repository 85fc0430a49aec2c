"""Title chains: which body each title of a chain belongs to, and the POSTs they give.

A chain is a run of items joined by 、 兼 和 or a comma, each item
``[status][body][status]title`` (``湖北省政府原党组成员、副省长``). By the
conventions of the annotation guidelines:

* a title naming a body inside it (``党组成员``, ``政法委书记``) gives that body
  under the item's own body, else under the chain's body in force
  (湖北省政府 + 党组 -> 湖北省政府党组);
* a government head (``副省长``, ``市长``) takes a place: the item's own, else
  the place of the chain's body in force (重庆市委副书记、市长 -> 重庆市);
* any other title takes the item's own body, else the body in force
  (四川省人大常委会原党组副书记、副主任 -> 四川省人大常委会); an internal unit named
  without its parent is the body in force's (…检察院检察委员会委员、第一检察部副主任);
* a status word (原, 时任 …) marks its item former, and every item after it
  that names no body of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.lexicon import Lexicon, Title

from .spans import SpanRelation, add_candidate, candidates, place_key, relations, sentence_of, text_of
from .text import noun_before

FORMER = "former"
#: A body key opening with a bare level's placeholder (⟨区⟩委).
PLACEHOLDER_LEVEL = re.compile("⟨([省市区县镇乡])⟩")
#: A term's or session's ordinal, which may stand between a body and its title.
ORDINAL = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,4}[任届]$")


@dataclass
class Item:
    """One ``[status][body][status]title`` of a chain, by character offsets."""

    title: Title
    start: int  #: where the item starts (its status word or body)
    title_start: int
    end: int
    former: bool
    body: Span | None  #: the organisation written before the title
    place: Span | None  #: the place written before the title, when no organisation is
    borrowed: bool = False  #: the body is named earlier and stands here as a bare 村 or 社区
    anchored: bool = True  #: no noun or name is written before it (俄罗斯|总理): a title's implied body may apply


@dataclass
class Context:
    """What a chain has established so far: its body, its place, its party committee, its status."""

    body: Span | None = None
    place: Span | None = None
    party: Span | None = None
    former: bool = False


class PostReader:
    """Reads the items of title chains in one doc and turns a chain into POST relations."""

    def __init__(self, doc: Doc, lexicon: Lexicon) -> None:
        self.doc = doc
        self.text = text_of(doc)
        self.former_marks = sorted(lexicon.words("former_mark"), key=len, reverse=True)
        self.joiners = lexicon.words("chain_joiner")
        self.fillers = sorted(lexicon.words("title_filler"), key=len, reverse=True)
        self.bare_units = lexicon.words("bare_unit")
        self.orgs_by_end: dict[int, Span] = {}
        self.places_by_end: dict[int, Span] = {}
        self.places_by_start: dict[int, Span] = {}
        self.org_interior: set[int] = set()
        for span in candidates(doc):
            self._index(span)

    def _index(self, span: Span) -> None:
        by_end = {"ORG": self.orgs_by_end, "PLACE": self.places_by_end}.get(span.label_)
        if by_end is None:
            return
        if span.label_ == "ORG":
            self.org_interior.update(range(span.start_char, span.end_char - 1))
        known = by_end.get(span.end_char)
        if known is None or span.start_char < known.start_char:
            by_end[span.end_char] = span
        if span.label_ == "PLACE":
            known = self.places_by_start.get(span.start_char)
            if known is None or span.end_char > known.end_char:
                self.places_by_start[span.start_char] = span

    def item(self, title: Title, start: int, end: int) -> Item:
        """The item whose title is ``text[start:end]``, with what is written before it."""
        at, former = self._former_before(self._ordinal_before(self._filler_before(start)))
        body = self.orgs_by_end.get(at)
        place = self.places_by_end.get(at) if body is None else None
        prefix = body if body is not None else place
        if prefix is not None:
            at, former_before = self._former_before(prefix.start_char)
            former = former or former_before
        elif (unit := self._bare_unit_before(at)) is not None:
            at, body = unit
            return Item(title, at, start, end, former, body, None, borrowed=True)
        return Item(title, at, start, end, former, body, place, anchored=prefix is not None or not noun_before(self.text, at))

    def _bare_unit_before(self, at: int) -> tuple[int, Span] | None:
        """A bare 村 or 社区 before ``at`` and the village or community of that kind named last before it
        (到达团结村,村党支部书记韩凯 -> 团结村)."""
        word = next((w for w in self.bare_units if self.text.startswith(w, at - len(w))), "")
        if not word:
            return None
        named = [s for end, s in self.orgs_by_end.items() if end <= at - len(word) and s._.kg_key.endswith(word)]
        return (at - len(word), max(named, key=lambda s: s.end_char)) if named else None

    def inside_org(self, start: int, end: int) -> bool:
        """True when ``text[start:end]`` lies inside an organisation's name, short of its end (委员 in 委员会)."""
        return end - 1 in self.org_interior

    def joined(self, end: int, item: Item) -> bool:
        """True when ``item`` continues a chain (or a name) that ends at ``end``."""
        gap = self.text[end : item.start]
        return gap == "" or gap in self.joiners

    def _filler_before(self, at: int) -> int:
        """Where a filler between a body and its title starts (黄梅派出所|的一名|民警)."""
        return next((at - len(w) for w in self.fillers if self.text.startswith(w, at - len(w))), at)

    def _ordinal_before(self, at: int) -> int:
        """Where a term's ordinal written before a title starts (澳门特别行政区|第六任|行政长官)."""
        match = ORDINAL.search(self.text, max(0, at - 8), at)
        return match.start() if match else at

    def _former_before(self, at: int) -> tuple[int, bool]:
        for mark in self.former_marks:
            if self.text.startswith(mark, at - len(mark)):
                return at - len(mark), True
        return at, False

    def add_posts(self, person: Span, chain: list[Item], rule: str, *, status: str = "", date: str = "",
                  lead: list[Item] | None = None) -> int:
        """Add a POST for each item of ``chain`` that names a body; returns how many were added.

        ``lead`` is a chain written just before, for another person (山东省委书记林武和省长周乃翔):
        it sets the body and place in force, and gives no post.
        """
        context = Context()
        for item in lead or []:
            self._org_of(item, context)
        context = Context(place=context.place)  # only a place carries over (…书记林武和省长周乃翔)
        added = 0
        for item in chain:
            own = item.body is not None or item.place is not None
            context.former = item.former or (context.former and not own)
            org = self._org_of(item, context)
            if org is None or not item.title.post:
                continue
            args: dict[str, Span | str] = {"person": person, "org": org, "title": item.title.post,
                                           "status": status or (FORMER if context.former else "current")}
            if date:
                args["date"] = date
            relations(self.doc).append(SpanRelation("POST", args, rule, sentence_of(person)))
            added += 1
        return added

    def _org_of(self, item: Item, context: Context) -> Span | None:
        """The body (or place) of ``item``; updates the chain's context."""
        title = item.title
        if item.body is not None and context.body is not None and _bare_unit(item.body):
            return self._add_org(item.body.start_char, item.body.end_char, context.body._.kg_key + item.body._.kg_key,
                                 "org.chain_unit")
        if item.body is not None:
            context.body, context.place = item.body, self._place_of(item.body)
            if item.body._.kg_key.endswith("委"):
                context.party = item.body
        elif item.place is not None:
            context.place = item.place
        if title.on_place:
            return context.place if context.place is not None or not title.default_org else self._default_place(item)
        if title.org_suffix:
            return self._inner_body(item, context)
        if item.body is not None:
            return item.body
        if item.place is not None and title.place_org:
            return self._place_body(item.place, title.place_org, context)
        if context.body is not None and item.place is None:
            return context.body
        return self._named(title.default_org) if item.anchored else None

    def _inner_body(self, item: Item, context: Context) -> Span | None:
        """The body a title names inside it (党组 of 湖北省政府), under the item's or the chain's body."""
        suffix, title = item.title.org_suffix, item.title
        suffix_end = item.title_start + len(suffix)
        whole = self.orgs_by_end.get(suffix_end)
        if whole is not None and whole.start_char < item.title_start:
            return whole
        if item.body is None and item.place is None and title.default_org:
            return self._add_org(item.title_start, suffix_end, title.default_org, "org.title_default") if item.anchored else None
        parent = item.body if item.body is not None else None
        if parent is None and item.place is not None:
            parent_key, start = place_key(item.place), item.place.start_char
        else:
            if parent is None:
                parent = context.body if suffix.startswith("党") or context.party is None else context.party
            if parent is None:
                return None
            parent_key, start = parent._.kg_key, (parent.start_char if item.body is not None and not item.borrowed
                                                  else item.start if item.borrowed else item.title_start)
        org = self._add_org(start, suffix_end, parent_key + suffix, "org.title")
        if org is not None and suffix.endswith("委") and not suffix.startswith("党"):
            context.party = context.party or parent
        return org

    def _default_place(self, item: Item) -> Span | None:
        """The place a head of state's title names (国家主席 -> 中华人民共和国), over the title's own words."""
        if not item.anchored or not item.title.org_suffix:
            return None
        end = item.title_start + len(item.title.org_suffix)
        return add_candidate(self.doc, item.title_start, end, "PLACE", item.title.default_org, "place.title_default")

    def _place_body(self, place: Span, place_org: str, context: Context) -> Span | None:
        """The body a place's title implies (炎陵县副书记 -> 炎陵县委)."""
        body = self._add_org(place.start_char, place.end_char, place_key(place) + place_org, "org.title_place")
        if body is not None:
            context.body = body
            if place_org == "委":
                context.party = body
        return body

    def _place_of(self, body: Span) -> Span | None:
        """The place a body's name opens with (重庆市委 -> 重庆市), if any; for a body named by a bare level
        (区委), that level as a place for resolution to fill in (⟨区⟩ -> the article's district)."""
        place = self.places_by_start.get(body.start_char)
        if place is not None and place.end_char <= body.end_char:
            return place
        level = PLACEHOLDER_LEVEL.match(body._.kg_key)
        if level is None or not self.text.startswith(level.group(1), body.start_char):
            return None
        return add_candidate(self.doc, body.start_char, body.start_char + len(level.group(1)), "PLACE", level.group(),
                             "place.title_level")

    def _named(self, key: str) -> Span | None:
        """The first organisation of the doc whose key is ``key``."""
        if not key:
            return None
        return next((s for s in candidates(self.doc, "ORG") if s._.kg_key == key), None)

    def _add_org(self, start: int, end: int, key: str, rule: str) -> Span | None:
        span = add_candidate(self.doc, start, end, "ORG", key, rule)
        if span is not None:
            self._index(span)
        return span


def _bare_unit(body: Span) -> bool:
    """Whether ``body`` is an internal unit named without its parent (第一检察部, 执行局)."""
    return body._.kg_rule == "org.sub" and not body._.kg_meta.get("parent") and not body._.kg_meta.get("place")
