"""``kg_entities``: choose the final entity spans from the rule candidates.

Nested organisations stay (天元区委 inside 天元区委政法委: both are
organisations); a place inside a place is part of its name (群丰镇, not 丰镇). A span inside a span of another type is dropped when the
outer type owns it: a place inside an organisation name is part of the
name, a person inside a programme name is not a mention of that person.
The survivors go to ``doc.spans["kg"]``; the outermost of them to ``doc.ents``.

Model candidates (rule ids ``ner.*``, from ``kg_ner``) are combined with the
rule candidates by one policy (``docs/ner.md``): the rules are chosen first,
as if the model were absent; a model span is then added only where no rule
candidate of any type touches its characters (rules own PROGRAMME, HONOUR,
title-adjacent persons and every organisation or place they name), and only
when it has the shape of its type (``model_span_ok``). The model adds
spans; it never removes or reshapes a rule span.
"""

from __future__ import annotations

import functools
import re

import jieba.posseg as posseg
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.ner.data import address_forms
from kg.ner.model import given_name_chars
from kg.resources import surnames

from .lexicon import alternation, org_heads, place_names
from .places import place_heads
from .spans import ENTITIES, SpanIndex, candidates, register_extensions, text_of

#: inner label -> outer labels that swallow it
SWALLOWED_BY = {
    "PLACE": {"ORG", "PROGRAMME", "HONOUR", "PER"},
    "PER": {"ORG", "PROGRAMME", "HONOUR"},
    "ORG": {"HONOUR", "PROGRAMME"},
    "PROGRAMME": {"HONOUR"},
    "HONOUR": set(),
}


def _inside(inner: Span, outer: Span) -> bool:
    return outer.start_char <= inner.start_char and inner.end_char <= outer.end_char and len(outer) > len(inner)


def _crosses(a: Span, b: Span) -> bool:
    return a.start_char < b.start_char < a.end_char < b.end_char or b.start_char < a.start_char < b.end_char < a.end_char


class EntityChooser:
    """Keeps the candidates no other type owns, and sets ``doc.ents``."""

    def __init__(self, nlp: Language, name: str = "kg_entities") -> None:
        register_extensions()
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        spans = _unique(candidates(doc))
        rules = [s for s in spans if not _from_model(s)]
        index = SpanIndex(rules)
        kept = [s for s in rules if not self._owned(s, index.near(s))]
        added = [s for s in spans if _from_model(s) and not any(_touch(s, r) for r in index.near(s)) and model_span_ok(s, spans)]
        kept = sorted(kept + added, key=lambda s: (s.start_char, -s.end_char))
        doc.spans[ENTITIES] = kept
        doc.ents = filter_spans(kept)
        return doc

    @staticmethod
    def _owned(span: Span, spans: list[Span]) -> bool:
        for other in spans:
            if other is span:
                continue
            if other.label_ == span.label_ == "PLACE" and _inside(span, other):
                return True
            if other.label_ == span.label_:
                continue
            if other.label_ in SWALLOWED_BY[span.label_] and (_inside(span, other) or (len(other) == len(span) and other.start == span.start)):
                return True
            if _crosses(span, other) and len(other) > len(span):
                return True
        return False


# -- model spans (kg_ner) ---------------------------------------------------------------

MODEL_RULE_PREFIX = "ner."
#: Shortest and longest model span kept, per label (PER: 2-4 characters, guidelines).
MODEL_LENGTH = {"PER": (2, 4), "ORG": (3, 30), "PLACE": (2, 12)}
_HAN_ONLY = re.compile(r"[\u3400-\u9fff]+")
#: A PER with one of these is an anonymised form (游某), a PER ending in one a placeholder (路人甲).
ANONYMOUS, PLACEHOLDER_END = "某", "甲乙丙"
#: jieba tags of proper names: a span jieba's dictionary knows under another tag is a common word;
#: the modifier of an ORG or PLACE must not be a dictionary word unless it is a place or organisation name.
PROPER_TAGS = ("nr", "ns", "nt", "nz")
MODIFIER_TAGS = ("ns", "nt", "nz")
PLACE_LEVELS = "省市县区镇乡村"
OPENING_QUOTES, CLOSING_QUOTES = "“\"‘《", "”\"’》"


def _from_model(span: Span) -> bool:
    return span._.kg_rule.startswith(MODEL_RULE_PREFIX)


def _touch(a: Span, b: Span) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


def _glued(a: Span, b: Span) -> bool:
    return a.end_char == b.start_char or b.end_char == a.start_char


def _quoted(span: Span) -> bool:
    text, start, end = text_of(span.doc), span.start_char, span.end_char
    return 0 < start and end < len(text) and text[start - 1] in OPENING_QUOTES and text[end] in CLOSING_QUOTES


def common_word(text: str, proper: tuple[str, ...] = PROPER_TAGS) -> bool:
    """Whether jieba's dictionary has ``text`` as a word whose tag is not one of ``proper`` (检察机关/n, 完善/v)."""
    tag = posseg.dt.word_tag_tab.get(text)
    return tag is not None and not tag.startswith(proper)


@functools.cache
def _head_at_end(label: str) -> re.Pattern[str]:
    """The head words of ORG (``org_heads.tsv``) or PLACE (``place_heads.tsv`` and the level characters), at the end."""
    words = list(org_heads()) if label == "ORG" else [*place_heads()[1], *PLACE_LEVELS]
    return re.compile(f"(?:{alternation(words)})$")


def _headed(text: str, label: str) -> bool:
    """Whether ``text`` ends in a head word of its label after a modifier that is not a common word."""
    match = _head_at_end(label).search(text)
    return match is not None and match.start() > 0 and not common_word(text[: match.start()], MODIFIER_TAGS)


def model_span_ok(span: Span, others: list[Span] = ()) -> bool:
    """Whether a model span has the shape of a name of its type (the policy of ``docs/ner.md``).

    Every label: Han characters only, not exactly inside quotes (a quoted term
    is a programme, honour or slogan), not a common word of jieba's dictionary.
    PER: 2-4 characters, a surname from the lexicon, given-name characters seen
    in the training names, no 某, no placeholder end (路人甲), not a surname and a
    form of address (张女士), not glued to another candidate (张艳春|国学工作室).
    ORG: ends in an organisation head word after a modifier that jieba's
    dictionary does not know, or knows as a place or organisation name (梓园社区,
    not 法治政府 or 智慧法院). PLACE: not in the division lexicon (the rules'),
    ends in a level character or place head with such a modifier.
    """
    low, high = MODEL_LENGTH.get(span.label_, (0, 0))
    text = span.text
    if not low <= len(text) <= high or not _HAN_ONLY.fullmatch(text) or _quoted(span) or common_word(text):
        return False
    if span.label_ == "PER":
        return (text[0] in surnames() and not any(c in ANONYMOUS for c in text) and text[-1] not in PLACEHOLDER_END
                and all(c in given_name_chars() for c in text[1:]) and not address_forms().fullmatch(text, 1)
                and not any(_glued(span, other) for other in others))
    if span.label_ == "ORG":
        return _headed(text, "ORG")
    return text not in place_names() and _headed(text, "PLACE")


def _unique(spans: list[Span]) -> list[Span]:
    seen: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        seen.setdefault((span.start_char, span.end_char, span.label_), span)
    return list(seen.values())


@Language.factory("kg_entities", assigns=["doc.ents", "doc.spans"], requires=["doc.spans"])
def make_entities(nlp: Language, name: str) -> EntityChooser:
    return EntityChooser(nlp, name)
