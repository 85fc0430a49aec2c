"""``kg_orgs``: organisation names built from head words (ORG candidates).

An organisation name is a chain: an optional place (天元区, 天元, or a bare
level character 区), then head words from ``org_heads.tsv``, each with an
optional modifier: 区委|政法委|执法监督室, 市公安局|综合管理支队|反扒大队,
炎陵县公安局|沔渡派出所. Every link of a chain is a candidate; a link knows
its parent link (``kg_meta["parent"]``), which gives PART_OF. The key of a
link is its canonical name, with ``⟨区⟩``-style placeholders where the text
leaves the jurisdiction implicit; ``kg.resolve`` fills them in.

Besides chains: national bodies by name (民政部) or by a national word
(国家消防救援局, 全国总工会), a party organisation inside the body before it
(湖北省政府原党组 → 湖北省政府党组), companies with their whole name
(吉林省农业投资集团有限公司) and villages named after their place (积石山县团结村).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lexicon import Lexicon, OrgHead, alternation

from .component import RuleComponent
from .spans import add_candidate, candidates, place_key, placeholder, text_of
from .text import NOUN_TAGS, PROPER_NOUN_TAGS, level_prefix, name_run_start, noun_before, trim_modifier, words_of


ORDINAL = re.compile(r"第[一二三四五六七八九十百0-9]{1,4}$")


@dataclass
class Link:
    start: int
    end: int
    key: str


class OrgRecognizer(RuleComponent):
    """Finds organisation chains around head words."""

    heads: str  #: the file of organisation head words
    long_prefix: int  #: a head whose modifier may be this long takes it only after the last 的
    max_run: int  #: the longest run of name characters before a head

    def load(self, lexicon: Lexicon) -> None:
        table = lexicon.org_heads(self.heads)
        self.head_table = {head: row for head, row in table.items() if row.kind != "nation"}
        self.nation = tuple(head for head, row in table.items() if row.kind == "nation")
        self.head_re = re.compile(alternation(list(self.head_table)))

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        places: dict[int, Span] = {}
        for span in candidates(doc, "PLACE"):
            if span.end_char not in places or len(span) > len(places[span.end_char]):
                places[span.end_char] = span
        full_places = {end: span for end, span in places.items() if not span._.kg_meta.get("short")}
        last: Link | None = None
        for match in self.head_re.finditer(text):
            head = self.head_table[match.group()]
            if text[match.end() : match.end() + 1] and text[match.end()] in head.not_after:
                continue
            parent = self._chained(text, last, match.start(), head)
            link = self._link(doc, head, match.start(), match.end(), parent, places, full_places, last)
            if link:
                last = link
        return doc

    def _chained(self, text: str, last: Link | None, start: int, head: OrgHead) -> Link | None:
        """The link a head continues: one ending right before it, or before a status word (原) for a cell."""
        if last is None:
            return None
        if last.end == start:
            return last
        gap = text[last.end : start]
        return last if head.kind == "cell" and 0 < len(gap) <= 2 and gap in self.lexicon.words("former_mark") else None

    def _link(self, doc: Doc, head: OrgHead, start: int, end: int, parent: Link | None,
              places: dict[int, Span], full_places: dict[int, Span], last: Link | None) -> Link | None:
        text = text_of(doc)
        if head.kind == "national":  # not another country's or party's (美国|国务院, 农工|党中央)
            foreign = noun_before(text, start, tags=NOUN_TAGS if head.head.startswith("党") else PROPER_NOUN_TAGS)
            return None if foreign else self._add(doc, start, end, head.canonical, "org.national", None)
        if head.kind == "company":
            return self._company(doc, head, start, end, last)
        if head.kind == "cell":
            cell = self._cell(doc, head, start, end, last)
            if cell or head.canonical != "党委":
                return cell
        if head.kind in ("party", "inst", "cell"):
            if parent and head.kind == "inst":
                return self._add(doc, parent.start, end, parent.key + head.canonical, "org.chain", parent)
            nation = self._nation_before(text, start)
            if nation and head.kind == "inst":
                return self._add(doc, start - len(nation), end, nation + head.canonical, "org.national", None)
            place = places.get(start)
            if place is not None:
                key = place_key(place) + head.canonical
                return self._add(doc, place.start_char, end, key, "org.place", None)
            level = level_prefix(text, start, self.lexicon) if head.kind != "cell" else ""
            if level:
                return self._add(doc, start - 1, end, placeholder(level) + head.canonical, "org.level", None)
            return None
        if head.kind == "village":
            return self._village(doc, head, start, end, places)
        floor = name_run_start(text, start, self.max_run)
        if last and floor <= last.end <= start:
            floor = last.end
        if head.kind == "agency":
            return self._agency(doc, head, floor, start, end, last)
        floor = next((e for e in range(start, floor, -1) if e in full_places), floor)
        cut = text.rfind("的", floor, start) if head.prefix >= self.long_prefix else -1
        if cut >= 0:
            modifier_start = max(cut + 1, start - head.prefix)
        else:
            modifier_start = trim_modifier(text, floor, start, max_len=head.prefix, lexicon=self.lexicon) if head.prefix else start
            if head.kind == "unit":
                modifier_start = self._after_verb(text, modifier_start, start)
        if modifier_start == start and start in full_places and head.kind == "unit":
            modifier_start = full_places[start].start_char
        parent = last if last and last.end == modifier_start else None
        modifier = text[modifier_start:start]
        if head.kind == "unit" and (len(modifier) < 2 or (head.prefix <= 4 and self._verb_modifier(modifier))
                                    or self._common_noun(modifier + head.head)) and not parent:
            return None
        if head.kind == "sub" and not parent and len(modifier) + len(head.head) < 4:
            return None
        key = self._modifier_key(text, modifier_start, modifier) + head.canonical
        if parent and not head.standalone:
            key = parent.key + key
        rule = "org.unit" if head.kind == "unit" else "org.sub"
        in_place = full_places.get(modifier_start)
        if in_place is not None and not head.standalone and not parent:
            key = place_key(in_place) + key
            modifier_start, in_place = in_place.start_char, None
        span_start = parent.start if parent and not head.standalone else modifier_start
        return self._add(doc, span_start, end, key, rule, parent, standalone=head.standalone,
                         place=(in_place.start_char, in_place.end_char) if in_place is not None and not parent else None)

    def _nation_before(self, text: str, at: int) -> str:
        """The national word (全国, 国家) written right before ``at``, or ""."""
        return next((word for word in self.nation if text.startswith(word, at - len(word))), "")

    def _agency(self, doc: Doc, head: OrgHead, floor: int, start: int, end: int, last: Link | None) -> Link | None:
        """A department of the link before it (人大常委会代表工作委员会), else a national body:
        a national word, a modifier and the head (国家消防救援局)."""
        text = text_of(doc)
        begin = trim_modifier(text, floor, start, max_len=head.prefix, lexicon=self.lexicon)
        if self._glued(text, start, end):
            return None
        gap = words_of(text[floor:start])
        if last and floor == last.end and start - floor <= head.prefix and not any(tag == "v" or tag in self.lexicon.words("stop_pos") and tag != "c" for _, tag in gap):
            return self._add(doc, last.start, end, last.key + text[floor:start] + head.canonical, "org.sub", last)
        nation = next((w for w in self.nation if text.startswith(w, begin)), "") or self._nation_before(text, begin)
        begin = begin if text.startswith(nation, begin) else begin - len(nation)
        if not nation or start - begin - len(nation) < 2:
            return None
        return self._add(doc, begin, end, text[begin:start] + head.canonical, "org.agency", None)

    def _cell(self, doc: Doc, head: OrgHead, start: int, end: int, last: Link | None) -> Link | None:
        """A party organisation of the body before it, maybe with an ordinal (社区第二党支部)."""
        text = text_of(doc)
        ordinal = ORDINAL.search(text, max(0, start - 5), start)
        at = start - len(ordinal.group()) if ordinal else start
        parent = self._chained(text, last, at, head)
        if parent is None:
            return None
        key = parent.key + text[at:start] + head.canonical
        return self._add(doc, parent.start, end, key, "org.cell", parent)

    def _company(self, doc: Doc, head: OrgHead, start: int, end: int, last: Link | None) -> Link | None:
        """A company: its whole name run, places included (吉林省农业投资集团有限公司)."""
        text = text_of(doc)
        floor = name_run_start(text, start, self.max_run)
        if last and floor <= last.end <= start:
            floor = last.end
        begin = self._after_verb(text, trim_modifier(text, floor, start, max_len=head.prefix, lexicon=self.lexicon), start)
        if start - begin < 2:
            return None
        return self._add(doc, begin, end, text[begin:start] + head.canonical, "org.company", None)

    def _after_verb(self, text: str, begin: int, start: int) -> int:
        """The start of a modifier past a verb that opens it (回到|清华大学, 拜访|跨国公司)."""
        words = words_of(text[begin:start])
        if len(words) > 1 and words[0][1] == "v" and start - begin - len(words[0][0]) >= 2:
            return begin + len(words[0][0])
        return begin

    def _verb_modifier(self, modifier: str) -> bool:
        """Whether a short proper-name modifier ends in a verb, which names no body (上报社区, 担任社区)."""
        words = words_of(modifier)
        return bool(words) and words[-1][1][:1] in self.lexicon.words("predicate_pos") and words[-1][1] not in self.lexicon.words("proper_tags")

    def _common_noun(self, name: str) -> bool:
        """Whether jieba's dictionary has the whole name as one common word (物业公司, 居民小区)."""
        words = words_of(name)
        return len(words) == 1 and not words[0][1].startswith(self.lexicon.words("proper_tags"))

    @staticmethod
    def _glued(text: str, start: int, end: int) -> bool:
        """Whether a one-character head ends a two-character word with the character before it (大局, 乡村)."""
        if end - start > 1:
            return False
        words = words_of(text[max(0, start - 3) : end])
        return bool(words) and len(words[-1][0]) == 2

    def _village(self, doc: Doc, head: OrgHead, start: int, end: int, places: dict[int, Span]) -> Link | None:
        """A village named right after the place it lies in (边临镇东于架村, 积石山县团结村)."""
        text = text_of(doc)
        levels, generic = self.lexicon.chars("level"), self.lexicon.chars("generic_before_level")
        for size in range(2, head.prefix + 1):
            begin = start - size
            name = text[begin:start]
            if begin < 1 or name[0] in generic or not all("\u4e00" <= c <= "\u9fff" for c in name):
                continue
            if (any(c in levels + head.head for c in name)
                    or any(name.startswith(word) for word in self.lexicon.stopwords) or self._common_noun(name + head.head)):
                continue
            place = places.get(begin)
            if place is not None or text[begin - 1] in levels:
                return self._add(doc, begin, end, name + head.canonical, "org.village", None,
                                 place=(place.start_char, place.end_char) if place is not None else None)
        return None

    def _modifier_key(self, text: str, start: int, modifier: str) -> str:
        level = level_prefix(text, start + 1, self.lexicon) if len(modifier) > 2 else ""
        if level:
            return placeholder(level) + modifier[1:]
        return modifier

    @staticmethod
    def _add(doc: Doc, start: int, end: int, key: str, rule: str, parent: Link | None, **meta: object) -> Link | None:
        span = add_candidate(doc, start, end, "ORG", key, rule, parent=(parent.start, parent.end) if parent else None, **meta)
        return Link(start, end, key) if span is not None else None


@Language.factory("kg_orgs", assigns=["doc.spans"], requires=["doc.spans"],
                  default_config={"resources": None, "heads": "org_heads.tsv", "long_prefix": 12, "max_run": 40})
def make_orgs(nlp: Language, name: str, resources: str | None, heads: str, long_prefix: int, max_run: int) -> OrgRecognizer:
    return OrgRecognizer(nlp, name, resources=resources, heads=heads, long_prefix=long_prefix, max_run=max_run)
