"""``kg_relations``: PART_OF, AWARD and RUNS between the chosen entity spans.

* PART_OF: each link of an organisation chain to its parent link
  (区委政法委 -> 区委), a unit to the place written before it (群丰镇新塘社区),
  and a locality to the place written right before it (株洲经开区龙头铺镇).
* AWARD: an honour to the recipients its rule found, else to the subject.
* RUNS: a programme to the body written right before it, else, when a launch
  verb governs it and it is no policy set above (…战略), to the subject, else,
  when it carries its own head (…行动, …工程), to the article's main actor.

The subject of a mention is the last organisation or place that opens a
clause of its sentence before it, else the last such subject earlier in the
paragraph. When there is none, the relation's argument is left empty with
``meta["fallback"] = True``; ``kg.resolve`` fills in the article's main actor.
"""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc, Span

from .component import RuleComponent
from .spans import ENTITIES, SUBJECTS, SpanIndex, SpanRelation, relations, sentence_of, text_of
from .text import next_word, opens_clause

HOLDERS = ("ORG", "PLACE")


class RelationFinder(RuleComponent):
    """Adds PART_OF, AWARD and RUNS relations to ``doc._.kg_relations``."""

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans[ENTITIES]) if ENTITIES in doc.spans else []
        by_offsets = {(s.start_char, s.end_char, s.label_): s for s in spans}
        found = relations(doc)
        found[:] = [r for r in found if all(_kept(v, by_offsets) for v in r.args.values())]
        self._part_of(doc, spans, by_offsets, found)
        subjects = _subjects(doc, spans, self.lexicon.words("predicate_pos"))
        for span in spans:
            if span.label_ == "HONOUR":
                self._award(doc, span, by_offsets, subjects, found)
            elif span.label_ == "PROGRAMME":
                self._runs(doc, span, by_offsets, subjects, found)
        return doc

    def _part_of(self, doc: Doc, spans: list[Span], by_offsets: dict, found: list[SpanRelation]) -> None:
        places_by_end = {s.end_char: s for s in spans if s.label_ == "PLACE"}
        for span in spans:
            meta = span._.kg_meta
            parent = None
            if span.label_ == "ORG":
                for key in ("parent", "place"):
                    if meta.get(key):
                        label = "ORG" if key == "parent" else "PLACE"
                        parent = by_offsets.get((*meta[key], label))
                        if parent is not None:
                            break
            elif span.label_ == "PLACE" and span._.kg_rule == "place.head":
                parent = places_by_end.get(span.start_char)
            if parent is not None:
                found.append(SpanRelation("PART_OF", {"child": span, "parent": parent}, f"part_of.{span._.kg_rule}", sentence_of(span)))

    def _award(self, doc: Doc, honour: Span, by_offsets: dict, subjects: Subjects, found: list[SpanRelation]) -> None:
        meta = honour._.kg_meta
        recipients = [by_offsets.get(tuple(r)) for r in meta.get("recipients") or []]
        recipients = [r for r in recipients if r is not None]
        if not recipients and meta.get("unnamed"):
            return  # the text names a recipient that is no entity (1670人被授予…)
        recipients = recipients or [subjects.at(honour)]
        for recipient in recipients:
            args = {"recipient": recipient if recipient is not None else "", "honour": honour, "year": meta.get("year", "")}
            rule = "award." + honour._.kg_rule.split(".")[-1] + ("" if recipient is not None else ".main_actor")
            found.append(SpanRelation("AWARD", args, rule, sentence_of(honour), {"fallback": recipient is None}))

    def _runs(self, doc: Doc, programme: Span, by_offsets: dict, subjects: Subjects, found: list[SpanRelation]) -> None:
        runner_at = programme._.kg_meta.get("runner")
        runner = None
        if runner_at:
            runner = by_offsets.get((*runner_at, "ORG")) or by_offsets.get((*runner_at, "PLACE"))
        meta = programme._.kg_meta
        if runner is None and (meta.get("policy") or not meta.get("run", True)):
            return  # a policy set above, or a programme nobody in the clause launches
        rule = "runs.adjacent" if runner is not None else "runs.subject"
        runner = runner if runner is not None else subjects.at(programme)
        if runner is None and not meta.get("headed", True):
            return  # a bare quoted phrase is too weak to give the article's main actor
        args = {"org": runner if runner is not None else "", "programme": programme}
        found.append(SpanRelation("RUNS", args, rule if runner is not None else "runs.main_actor",
                                  sentence_of(programme), {"fallback": runner is None}))


def _kept(value: Span | str, by_offsets: dict) -> bool:
    return isinstance(value, str) or (value.start_char, value.end_char, value.label_) in by_offsets


class Subjects:
    """The subjects of a doc in text order, one per start offset."""

    def __init__(self, spans: list[Span]) -> None:
        by_start = {s.start_char: s for s in spans}
        self.starts = sorted(by_start)
        self.spans = [by_start[start] for start in self.starts]

    def at(self, mention: Span) -> Span | None:
        """The subject in force at ``mention``: the last one before it in its paragraph."""
        text = text_of(mention.doc)
        paragraph_start = text.rfind("\n", 0, mention.start_char) + 1
        index = bisect.bisect_left(self.starts, mention.start_char) - 1
        return self.spans[index] if index >= 0 and self.starts[index] >= paragraph_start else None


def _subjects(doc: Doc, spans: list[Span], predicate_tags: tuple[str, ...]) -> Subjects:
    """Organisations and places that open a clause and act in it, by start offset.

    The word after the name must be a verb, adverb or preposition (天元区举…,
    区公安局开展…); a name that modifies a noun (株洲市第十三次党代会) or
    is acted upon (…被评为) is no subject. ``predicate_tags`` are the jieba tags of a predicate's first word.
    """
    text = text_of(doc)
    holders = [s for s in spans if s.label_ in HOLDERS]
    index = SpanIndex(holders)
    outer = [s for s in holders if not any(
        o is not s and o.start_char <= s.start_char and s.end_char <= o.end_char for o in index.near(s))]
    subjects = Subjects([s for s in outer if opens_clause(text, s.start_char) and _acts(text, s.end_char, predicate_tags)])
    doc.spans[SUBJECTS] = subjects.spans
    return subjects


def _acts(text: str, end: int, predicate_tags: tuple[str, ...]) -> bool:
    """True when the words after ``end`` start a predicate."""
    if text.startswith("(", end):
        close = text.find(")", end)
        end = close + 1 if 0 < close < end + 12 else end
    word = next_word(text, end)
    return bool(word) and word[0] != "被" and word[1][:1] in predicate_tags


@Language.factory("kg_relations", assigns=["doc._.kg_relations"], requires=["doc.spans"],
                  default_config={"resources": None})
def make_relations(nlp: Language, name: str, resources: str | None) -> RelationFinder:
    return RelationFinder(nlp, name, resources=resources)
