"""``kg_entities``: choose the final entity spans from the rule candidates.

Nested organisations stay (天元区委 inside 天元区委政法委: both are
organisations); a place inside a place is part of its name (群丰镇, not 丰镇). A span inside a span of another type is dropped when the
outer type owns it: a place inside an organisation name is part of the
name, a person inside a programme name is not a mention of that person.
A span a relation names (the place a post is on) always stays.
The survivors go to ``doc.spans["kg"]``; the outermost of them to ``doc.ents``.

Model candidates (rule ids ``ner.*``, from ``kg_ner``, which offers only
spans with the shape of their type) are combined with the rule candidates by
one policy (``docs/ner.md``): the rules are chosen first, as if the model
were absent; a model span is then added only where no rule candidate of any
type touches its characters (rules own PROGRAMME, HONOUR, title-adjacent
persons and every organisation or place they name). The model adds spans; it
never removes or reshapes a rule span.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .spans import ENTITIES, MODEL_RULE_PREFIX, SpanIndex, candidates, register_extensions, relations, unique_spans

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
        spans = unique_spans(candidates(doc))
        rules = [s for s in spans if not _from_model(s)]
        index = SpanIndex(rules)
        needed = _needed(doc)
        kept = [s for s in rules if _offsets(s) in needed or not self._owned(s, index.near(s))]
        added = [s for s in spans if _from_model(s) and not any(_touch(s, r) for r in index.near(s))]
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


def _offsets(span: Span) -> tuple[int, int, str]:
    return span.start_char, span.end_char, span.label_


def _needed(doc: Doc) -> set[tuple[int, int, str]]:
    """The bodies and places a post is on: a place stays, inside a body's name too (湖北省 of 湖北省政府)."""
    return {_offsets(org) for relation in relations(doc) if isinstance(org := relation.args.get("org"), Span)}


def _from_model(span: Span) -> bool:
    return span._.kg_rule.startswith(MODEL_RULE_PREFIX)


def _touch(a: Span, b: Span) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


@Language.factory("kg_entities", assigns=["doc.ents", "doc.spans"], requires=["doc.spans"])
def make_entities(nlp: Language, name: str) -> EntityChooser:
    return EntityChooser(nlp, name)
