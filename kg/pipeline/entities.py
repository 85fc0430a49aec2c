"""``kg_entities``: choose the final entity spans from the rule candidates.

Nested organisations stay (天元区委 inside 天元区委政法委: both are
organisations); a place inside a place is part of its name (群丰镇, not 丰镇). A span inside a span of another type is dropped when the
outer type owns it: a place inside an organisation name is part of the
name, a person inside a programme name is not a mention of that person.
The survivors go to ``doc.spans["kg"]``; the outermost of them to ``doc.ents``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .spans import ENTITIES, SpanIndex, candidates, register_extensions

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
        index = SpanIndex(spans)
        kept = [s for s in spans if not self._owned(s, index.near(s))]
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


def _unique(spans: list[Span]) -> list[Span]:
    seen: dict[tuple[int, int, str], Span] = {}
    for span in spans:
        seen.setdefault((span.start_char, span.end_char, span.label_), span)
    return list(seen.values())


@Language.factory("kg_entities", assigns=["doc.ents", "doc.spans"], requires=["doc.spans"])
def make_entities(nlp: Language, name: str) -> EntityChooser:
    return EntityChooser(nlp, name)
