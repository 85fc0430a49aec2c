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
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg import segmenter
from kg.lexicon import Lexicon, alternation
from kg.resources import ResourceError

from .component import RuleComponent
from .spans import add_candidate, placeholder, text_of
from .text import name_run_start, trim_modifier, words_of


#: The characters that stand for an autonomous division's kind after its short form (临夏州).
AUTONOMOUS_KINDS = "州县旗"
#: Characters of context either side of a short form that jieba cuts into words.
WORD_CONTEXT = 6
#: A two-character word this frequent in jieba's dictionary (城乡 2,316, 城镇, 乡镇) is a common word.
GLUED_WORD_FREQ = 1000
#: jieba's tags of a word that may open with a place's short form: a place, a body (北京人民大会堂).
NAME_TAGS = frozenset({"ns", "nt"})


class PlaceRecognizer(RuleComponent):
    """Finds division names and head-word localities."""

    heads: str  #: the file of locality head words
    word_shorts: str  #: the file of county short forms that are ordinary words (公安, 资源)
    max_run: int  #: the longest run of name characters before a head

    def load(self, lexicon: Lexicon) -> None:
        self.matcher = PhraseMatcher(self.nlp.vocab)
        self.matcher.add("PLACE", orth_patterns(self.nlp.vocab, lexicon.place_names))
        self.head_table = lexicon.place_heads(self.heads)
        self.common_shorts = _word_shorts(lexicon, self.word_shorts)
        #: 市 in 市公安局: a level character right before a short form makes it a word of a body's name.
        self.level_chars = lexicon.chars("self_reference")
        self.head_re = re.compile(alternation(list(self.head_table)))
        #: 我市, 本县 …: the paper's own division, resolved against the article's jurisdiction.
        self.self_reference = re.compile(
            f"[{lexicon.chars('self_reference_pronoun')}]([{lexicon.chars('self_reference')}])"
            f"(?![{lexicon.chars('self_reference_not_after')}])")

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        found: list[tuple[int, int, bool]] = []
        for start, end, codes, full in self._divisions(doc, text):
            add_candidate(doc, start, end, "PLACE", text[start:end], "place.gazetteer", codes=codes, short=not full)
            found.append((start, end, not full))
        self._localities(doc, found)
        for match in self.self_reference.finditer(text):
            add_candidate(doc, match.start(), match.end(), "PLACE", placeholder(match.group(1)), "place.self_reference")
        return doc

    def _divisions(self, doc: Doc, text: str) -> list[tuple[int, int, tuple[str, ...], bool]]:
        """Gazetteer names as (start, end, codes, full), in text order; of overlapping ones the
        longest wins (日喀则, not 达日, in 抵达日喀则)."""
        lexicon = self.lexicon
        taken: list[tuple[int, int, tuple[str, ...], bool]] = []
        for _, start, end in sorted(self.matcher(doc), key=lambda m: (m[1] - m[2], m[1])):
            span = doc[start:end]
            if any(span.start_char < e and s < span.end_char for s, e, _, _ in taken):
                continue
            codes = lexicon.place_names.get(span.text)
            if codes is None:
                continue  # the characters of a name with a space between them (国会 同意 is not 会同)
            if len(span) == 2 and span.text[0] in lexicon.stopwords and span.start_char > 0:
                continue  # 和县 in 县人民检察院和县人民法院: a conjunction, not a county
            full = any(lexicon.divisions.by_code[c].name == span.text for c in codes)
            if not full and not self._short_form_stands(doc, span.start_char, span.text, codes):
                continue
            if not full and not is_word_at(text, span.start_char, span.end_char):
                continue  # 长治 in 长治久安, 广安 in 推广安装
            end_char, codes = (span.end_char, codes) if full else self._kind_abbreviation(text, span.end_char, codes)
            taken.append((span.start_char, end_char, codes, full))
        return sorted(taken)

    def _kind_abbreviation(self, text: str, end: int, codes: tuple[str, ...]) -> tuple[int, tuple[str, ...]]:
        """临夏州, 积石山县: a short form and the last character of an autonomous division's
        kind (自治州, 自治县, 自治旗) name that division."""
        kind = text[end:end + 1]
        if not kind or kind not in AUTONOMOUS_KINDS:
            return end, codes
        named = tuple(c for c in codes if self.lexicon.divisions.by_code[c].name.endswith("自治" + kind))
        return (end + 1, named) if named else (end, codes)

    def _short_form_stands(self, doc: Doc, start: int, short: str, codes: tuple[str, ...]) -> bool:
        """Whether a short form that is also an ordinary word (公安, 资源) names its county here:
        right after its parent's name, or where the article writes the full name too and not
        right after a level character."""
        if short not in self.common_shorts:
            return True
        text, table = text_of(doc), self.lexicon.divisions
        if any(text.endswith(a.name, 0, start) for c in codes for a in table.ancestors(table.by_code[c])):
            return True  # 沧州市运河公安分局: right after its own city
        if start > 0 and text[start - 1] in self.level_chars:
            return False  # 市公安局, 县资源局: ⟨市⟩ + a body's name
        return any(table.by_code[c].name in text for c in codes)

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
            if head_start - start < 2 or _glued_head(text, start, head_start):
                continue
            add_candidate(doc, start, match.end(), "PLACE", text[start:match.end()], "place.head")
            ends.add(match.end())


def orth_patterns(vocab: Vocab, names: Iterable[str]) -> list[list[int]]:
    """Names as ``PhraseMatcher`` patterns over the pipeline's character tokens: the ORTH ids of their
    characters, the form spaCy itself adds when it unpickles a matcher. The matches are those of a
    ``Doc`` per name (``nlp.make_doc``), at a tenth of the cost: a character token's ORTH is its text's id."""
    strings = vocab.strings
    return [[strings.add(char) for char in name] for name in sorted(names)]


def is_word_at(text: str, start: int, end: int) -> bool:
    """Whether jieba cuts ``text[start:end]`` out as a word, or as the start of a place's or
    body's name (桂林山水, 北京人民大会堂), in the clause around it."""
    floor = max(start - WORD_CONTEXT, text.rfind("\n", 0, start) + 1)
    at = floor
    for word, tag in words_of(text[floor:min(end + WORD_CONTEXT, len(text))].split("\n")[0]):
        if at == start:
            return at + len(word) == end or (at + len(word) > end and tag in NAME_TAGS)
        if at > start:
            return False
        at += len(word)
    return False


def _glued_head(text: str, start: int, head_start: int) -> bool:
    """Whether a head's first character closes a common word with the character before it,
    after a word of its own (城乡, 城镇: 统筹城乡 is no 乡 named 统筹城; 潞城镇 is a town), by
    jieba's dictionary frequency."""
    return head_start - start >= 3 and segmenter.frequency(text[head_start - 1:head_start + 1]) >= GLUED_WORD_FREQ


def _word_shorts(lexicon: Lexicon, name: str) -> frozenset[str]:
    """The short forms that are ordinary words; a test's own lexicon folder may have none."""
    try:
        return frozenset(lexicon.lines(name))
    except ResourceError:
        if lexicon.folder is None:
            raise
        return frozenset()


@Language.factory("kg_places", assigns=["doc.spans"],
                  default_config={"resources": None, "heads": "place_heads.tsv", "word_shorts": "word_shorts.txt",
                                  "max_run": 12})
def make_places(nlp: Language, name: str, resources: str | None, heads: str, word_shorts: str,
                max_run: int) -> PlaceRecognizer:
    return PlaceRecognizer(nlp, name, resources=resources, heads=heads, word_shorts=word_shorts, max_run=max_run)
