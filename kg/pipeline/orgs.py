"""``kg_orgs``: organisation names built from head words (ORG candidates).

An organisation name is a chain: an optional place (天元区, 天元, or a bare
level character 区), then head words from ``org_heads.tsv``, each with an
optional modifier: 区委|政法委|执法监督室, 市公安局|综合管理支队|反扒大队,
炎陵县公安局|沔渡派出所. Every link of a chain is a candidate; a link knows
its parent link (``kg_meta["parent"]``), which gives PART_OF. The key of a
link is its canonical name, with ``⟨区⟩``-style placeholders where the text
leaves the jurisdiction implicit; ``kg.resolve`` fills them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lexicon import Lexicon, OrgHead, alternation

from .component import RuleComponent
from .spans import add_candidate, candidates, place_key, placeholder, text_of
from .text import level_prefix, name_run_start, trim_modifier


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
        self.head_table = lexicon.org_heads(self.heads)
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
            parent = last if last and last.end == match.start() else None
            link = self._link(doc, head, match.start(), match.end(), parent, places, full_places, last)
            if link:
                last = link
        return doc

    def _link(self, doc: Doc, head: OrgHead, start: int, end: int, parent: Link | None,
              places: dict[int, Span], full_places: dict[int, Span], last: Link | None) -> Link | None:
        text = text_of(doc)
        if head.kind == "national":
            return self._add(doc, start, end, head.canonical, "org.national", None)
        if head.kind in ("party", "inst"):
            if parent and head.kind == "inst":
                return self._add(doc, parent.start, end, parent.key + head.canonical, "org.chain", parent)
            place = places.get(start)
            if place is not None:
                key = place_key(place) + head.canonical
                return self._add(doc, place.start_char, end, key, "org.place", None)
            level = level_prefix(text, start, self.lexicon)
            if level:
                return self._add(doc, start - 1, end, placeholder(level) + head.canonical, "org.level", None)
            return None
        floor = name_run_start(text, start, self.max_run)
        if last and floor <= last.end <= start:
            floor = last.end
        floor = next((e for e in range(start, floor, -1) if e in full_places), floor)
        cut = text.rfind("的", floor, start) if head.prefix >= self.long_prefix else -1
        if cut >= 0:
            modifier_start = max(cut + 1, start - head.prefix)
        else:
            modifier_start = trim_modifier(text, floor, start, max_len=head.prefix, lexicon=self.lexicon) if head.prefix else start
        if modifier_start == start and start in full_places and head.kind == "unit":
            modifier_start = full_places[start].start_char
        parent = last if last and last.end == modifier_start else None
        modifier = text[modifier_start:start]
        if head.kind == "unit" and len(modifier) < 2 and not parent:
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
