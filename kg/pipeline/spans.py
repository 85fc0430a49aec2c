"""``Doc``/``Span`` extensions the govkg components share, and helpers to use them.

Every rule component adds candidate spans to ``doc.spans[CANDIDATES]``; each
span carries ``span._.kg_key`` (the name it stands for, possibly with a
jurisdiction placeholder such as ``⟨区⟩公安局``), ``span._.kg_rule`` (the id of
the rule that found it) and ``span._.kg_meta`` (a dict of rule-specific facts).
``kg_entities`` picks the final spans into ``doc.spans[ENTITIES]`` (nested
spans allowed) and ``doc.ents`` (outermost spans). Relations live on
``doc._.kg_relations`` as ``SpanRelation`` records.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg.tokenizers import TEXT

CANDIDATES = "kg_candidates"
ENTITIES = "kg"
SUBJECTS = "kg_subjects"
#: The ``doc.user_data`` key of the token indices that start the doc's sentences.
SENTENCE_STARTS = "kg_sentence_starts"
#: The ``doc.user_data`` key of the candidate spans' facts (``doc._.kg_info``).
SPAN_INFO = "kg_span_info"
OPEN, CLOSE = "⟨", "⟩"
#: The rule id of a span the NER model proposed starts with this (``ner.PER``).
MODEL_RULE_PREFIX = "ner."


@dataclass
class SpanRelation:
    """A relation between spans of one ``Doc``; literal fields are strings."""

    type: str
    args: dict[str, Span | str]
    rule: str
    evidence: Span
    meta: dict = field(default_factory=dict)


def register_extensions() -> None:
    """Register the extensions once (spaCy keeps them process-wide).

    Span facts live in ``doc._.kg_info`` keyed by (start, end, label): spaCy's
    own span-extension storage ignores the label, and a place and the
    organisation named by the same characters (炎陵县 / 炎陵县委) must not
    share facts. That dict is kept in ``doc.user_data[SPAN_INFO]``, where the
    span getters read it directly: through ``span.doc._`` each of the some
    800,000 reads of a 5,000-article build cost twice as long.
    """
    for name in ("kg_key", "kg_rule", "kg_meta"):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_getter(name[3:]))
    if not Doc.has_extension("kg_relations"):
        Doc.set_extension("kg_relations", default=None)
    if not Doc.has_extension("kg_info"):
        Doc.set_extension("kg_info", getter=lambda doc: doc.user_data.get(SPAN_INFO),
                          setter=lambda doc, info: doc.user_data.__setitem__(SPAN_INFO, info))


def _getter(field: str):
    empty = {"key": "", "rule": "", "meta": {}}[field]

    def get(span: Span) -> object:
        info = span.doc.user_data.get(SPAN_INFO) or {}
        return info.get((span.start_char, span.end_char, span.label_), {}).get(field, empty)

    return get


def placeholder(level: str) -> str:
    """A jurisdiction placeholder for a bare level character (区 -> ⟨区⟩)."""
    return f"{OPEN}{level}{CLOSE}"


class SpanIndex:
    """Spans in text order (by start, the longer first, then as given), to find those
    overlapping a span or inside a stretch of text without scanning them all."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=_order)
        self.keys = [_order(s) for s in self.spans]
        self.reach = max((s.end_char - s.start_char for s in self.spans), default=0)

    def add(self, span: Span) -> None:
        """Index one more span (after those of the same place already indexed)."""
        at = bisect.bisect_right(self.keys, _order(span))
        self.keys.insert(at, _order(span))
        self.spans.insert(at, span)
        self.reach = max(self.reach, span.end_char - span.start_char)

    def near(self, span: Span) -> list[Span]:
        """Every indexed span that overlaps ``span`` (and possibly a few that only touch it)."""
        return [s for s in self._starting(span.start_char - self.reach, span.end_char) if s.end_char > span.start_char]

    def within(self, start: int, end: int) -> list[Span]:
        """Every indexed span inside ``[start, end)`` characters, in text order."""
        return [s for s in self._starting(start, end) if s.end_char <= end]

    def _starting(self, start: int, end: int) -> list[Span]:
        """The spans that start in ``[start, end)``."""
        low = bisect.bisect_left(self.keys, (start, -_FAR))
        return self.spans[low : bisect.bisect_left(self.keys, (end, -_FAR), low)]


_FAR = 1 << 62


def _order(span: Span) -> tuple[int, int]:
    return span.start_char, -span.end_char


def text_of(doc: Doc) -> str:
    """The doc's text, as its tokenizer kept it (``kg.tokenizers``) or else computed once: spaCy rebuilds
    ``doc.text`` from its tokens on every access."""
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text
    return text


def place_key(place: Span) -> str:
    """The key a place lends to a name built on it: a short form stays a placeholder (⟨天元⟩)."""
    return placeholder(place.text) if place._.kg_meta.get("short") else place.text


def add_candidate(doc: Doc, start: int, end: int, label: str, key: str, rule: str, **meta: object) -> Span | None:
    """Add a candidate span by character offsets; returns it, or None if it does not align
    or crosses white space (a name never holds a space: 国会 同意 is not 会同)."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None or not key or _has_space(text_of(doc), span.start_char, span.end_char):
        return None
    facts = doc.user_data.setdefault(SPAN_INFO, {})  # ``doc._.kg_info``, read by the span getters
    facts[(span.start_char, span.end_char, label)] = {"key": key, "rule": rule, "meta": dict(meta)}
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    doc.spans[CANDIDATES].append(span)
    return span


def _has_space(text: str, start: int, end: int) -> bool:
    return any(char.isspace() for char in text[start:end])


def candidates(doc: Doc, label: str | None = None) -> list[Span]:
    """Candidate spans, optionally of one label, in text order."""
    spans = doc.spans[CANDIDATES] if CANDIDATES in doc.spans else []
    return sorted((s for s in spans if label is None or s.label_ == label), key=lambda s: (s.start_char, -s.end_char))


def unique_spans(spans: list[Span]) -> list[Span]:
    """The spans with one per (start, end, label): the first one offered."""
    seen: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        seen.setdefault((span.start_char, span.end_char, span.label_), span)
    return list(seen.values())


def sentence_of(span: Span) -> Span:
    """The sentence holding the start of ``span`` (the whole doc when no sentences are set),
    as ``span.sent`` gives it but found by bisection: ``span.sent`` walks the tokens, which
    makes a long sentence cost its length for every span in it."""
    doc = span.doc
    if not doc.has_annotation("SENT_START"):
        return doc[:]
    starts = doc.user_data.get(SENTENCE_STARTS)  # kept by kg_sentences
    if starts is None:
        starts = doc.user_data[SENTENCE_STARTS] = [token.i for token in doc if token.is_sent_start]
    first = starts[bisect.bisect_right(starts, span.start) - 1] if starts and starts[0] <= span.start else 0
    after = bisect.bisect_right(starts, span.start)
    return doc[first : starts[after] if after < len(starts) else len(doc)]


def relations(doc: Doc) -> list[SpanRelation]:
    """The relation list of a doc, created on first use."""
    if doc._.kg_relations is None:
        doc._.kg_relations = []
    return doc._.kg_relations
