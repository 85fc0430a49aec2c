"""``kg_places``: administrative divisions and named localities (PLACE candidates).

Divisions come from the packaged gazetteer (full names and short forms, via a
``PhraseMatcher`` over the character tokens); towns, streets, zones and squares
from a head word (三门镇, 响石广场) with a trimmed proper-name modifier.
Whether a short form such as 天元 or 岳阳 is really a place is decided later,
against the whole article (``kg.resolve``).
"""

from __future__ import annotations

import bisect
import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.lexicon import Lexicon, alternation

from .component import RuleComponent
from .spans import add_candidate, placeholder, text_of
from .text import name_run_start, trim_modifier


class PlaceRecognizer(RuleComponent):
    """Finds division names and head-word localities."""

    heads: str  #: the file of locality head words
    max_run: int  #: the longest run of name characters before a head

    def load(self, lexicon: Lexicon) -> None:
        self.matcher = PhraseMatcher(self.nlp.vocab)
        self.matcher.add("PLACE", [self.nlp.make_doc(n) for n in sorted(lexicon.place_names)])
        self.head_table = lexicon.place_heads(self.heads)
        self.head_re = re.compile(alternation(list(self.head_table)))
        #: 我市, 本县 …: the paper's own division, resolved against the article's jurisdiction.
        self.self_reference = re.compile(
            f"[{lexicon.chars('self_reference_pronoun')}]([{lexicon.chars('self_reference')}])"
            f"(?![{lexicon.chars('self_reference_not_after')}])")

    def __call__(self, doc: Doc) -> Doc:
        lexicon = self.lexicon
        found: list[tuple[int, int, bool]] = []
        for _, start, end in sorted(self.matcher(doc), key=lambda m: (m[1], -m[2])):
            span = doc[start:end]
            if found and span.start_char < found[-1][1]:
                continue
            codes = lexicon.place_names.get(span.text)
            if codes is None:
                continue  # the characters of a name with a space between them (国会 同意 is not 会同)
            if len(span) == 2 and span.text[0] in lexicon.stopwords and span.start_char > 0:
                continue  # 和县 in 县人民检察院和县人民法院: a conjunction, not a county
            full = any(lexicon.divisions.by_code[c].name == span.text for c in codes)
            add_candidate(doc, span.start_char, span.end_char, "PLACE", span.text, "place.gazetteer", codes=codes, short=not full)
            found.append((span.start_char, span.end_char, not full))
        self._localities(doc, found)
        for match in self.self_reference.finditer(text_of(doc)):
            add_candidate(doc, match.start(), match.end(), "PLACE", placeholder(match.group(1)), "place.self_reference")
        return doc

    def _localities(self, doc: Doc, divisions_found: list[tuple[int, int, bool]]) -> None:
        text = text_of(doc)
        full = [(s, e) for s, e, short in divisions_found if not short]  # in text order, not overlapping
        full_starts = [s for s, _ in full]
        ends = {end for _, end in full}
        starts_of = {end: start for start, end, _ in divisions_found}
        for match in self.head_re.finditer(text):
            head, head_start = self.head_table[match.group()], match.start()
            before = bisect.bisect_right(full_starts, head_start) - 1
            if (before >= 0 and head_start < full[before][1]) or text[match.end():match.end() + 1] in head.not_after:
                continue  # inside a division's full name, or part of a common word
            run = name_run_start(text, head_start, self.max_run)
            floor = next((e for e in range(head_start, run - 1, -1) if e in ends), run)
            start = trim_modifier(text, floor, head_start, max_len=head.prefix, lexicon=self.lexicon)
            if start == head_start and head_start in starts_of:
                start = starts_of[head_start]
            if head_start - start < 2:
                continue
            add_candidate(doc, start, match.end(), "PLACE", text[start:match.end()], "place.head")
            ends.add(match.end())


@Language.factory("kg_places", assigns=["doc.spans"],
                  default_config={"resources": None, "heads": "place_heads.tsv", "max_run": 12})
def make_places(nlp: Language, name: str, resources: str | None, heads: str, max_run: int) -> PlaceRecognizer:
    return PlaceRecognizer(nlp, name, resources=resources, heads=heads, max_run=max_run)
