"""``kg_places``: administrative divisions and named localities (PLACE candidates).

Divisions come from the packaged gazetteer (full names and short forms, via a
``PhraseMatcher`` over the character tokens); towns, streets, zones and squares
from a head word (三门镇, 响石广场) with a trimmed proper-name modifier.
Whether a short form such as 天元 or 岳阳 is really a place is decided later,
against the whole article (``kg.resolve``).
"""

from __future__ import annotations

import functools
import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.resources import divisions, read_tsv

from .lexicon import alternation, place_names, stopwords
from .spans import add_candidate, placeholder, register_extensions, text_of
from .text import name_run_start, trim_modifier


#: Characters that, right after a head, show it is part of a common word (乡镇, 乡贤).
NOT_AFTER = {"乡": "镇贤村土亲下情音愁里", "镇": "压守静定痛"}
#: 我市, 本县 …: the paper's own division, resolved against the article's jurisdiction.
SELF_REFERENCE = re.compile("(?:我|本)([省市区县])(?![委政长])")


@functools.cache
def place_heads() -> tuple[re.Pattern[str], dict[str, int]]:
    heads = {row["head"]: int(row["prefix"]) for row in read_tsv("place_heads.tsv")}
    return re.compile(alternation(list(heads))), heads


class PlaceRecognizer:
    """Finds division names and head-word localities."""

    def __init__(self, nlp: Language, name: str = "kg_places") -> None:
        register_extensions()
        self.name = name
        self.matcher = PhraseMatcher(nlp.vocab)
        self.matcher.add("PLACE", [nlp.make_doc(n) for n in sorted(place_names())])

    def __call__(self, doc: Doc) -> Doc:
        table = place_names()
        found: list[tuple[int, int, bool]] = []
        for _, start, end in sorted(self.matcher(doc), key=lambda m: (m[1], -m[2])):
            span = doc[start:end]
            if found and span.start_char < found[-1][1]:
                continue
            codes = table[span.text]
            if len(span) == 2 and span.text[0] in stopwords()[0] and span.start_char > 0:
                continue  # 和县 in 县人民检察院和县人民法院: a conjunction, not a county
            full = any(divisions().by_code[c].name == span.text for c in codes)
            add_candidate(doc, span.start_char, span.end_char, "PLACE", span.text, "place.gazetteer", codes=codes, short=not full)
            found.append((span.start_char, span.end_char, not full))
        self._localities(doc, found)
        for match in SELF_REFERENCE.finditer(text_of(doc)):
            add_candidate(doc, match.start(), match.end(), "PLACE", placeholder(match.group(1)), "place.self_reference")
        return doc

    def _localities(self, doc: Doc, divisions_found: list[tuple[int, int, bool]]) -> None:
        pattern, heads = place_heads()
        full = [(s, e) for s, e, short in divisions_found if not short]
        ends = {end for _, end in full}
        starts_of = {end: start for start, end, _ in divisions_found}
        for match in pattern.finditer(text_of(doc)):
            head_start = match.start()
            if any(s <= head_start < e for s, e in full) or text_of(doc)[match.end():match.end() + 1] in NOT_AFTER.get(match.group(), ""):
                continue
            run = name_run_start(text_of(doc), head_start, 12)
            floor = max([e for e in ends if run <= e <= head_start], default=run)
            start = trim_modifier(text_of(doc), floor, head_start, max_len=heads[match.group()])
            if start == head_start and head_start in starts_of:
                start = starts_of[head_start]
            if head_start - start < 2:
                continue
            add_candidate(doc, start, match.end(), "PLACE", text_of(doc)[start:match.end()], "place.head")
            ends.add(match.end())


@Language.factory("kg_places", assigns=["doc.spans"])
def make_places(nlp: Language, name: str) -> PlaceRecognizer:
    return PlaceRecognizer(nlp, name)
