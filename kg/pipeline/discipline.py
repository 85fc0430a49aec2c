"""``kg_discipline``: discipline events (DISCIPLINE relations: person, event, announcing body, date).

A cue of ``discipline_cues.tsv`` (立案审查调查, 接受纪律审查和监察调查, 开除党籍,
提起公诉 …) gives an event to every person its sentence names before it, at most ``reach`` characters before
(``中央纪委国家监委对…胡衡华,…陈文浩…进行了立案审查调查``: each is investigated),
announced by the last discipline, procuratorial, judicial or police body the
sentence names before those persons (中央纪委国家监委, not the 中共中央 that
approved it), else by the article's main actor. Its date is the
last one written in the sentence before the cue, kept as written (``kg.resolve``
reads it against the article's date). The component runs after ``kg_entities``,
on the chosen spans, so persons the model found count too.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.dates import find_dates
from kg.lexicon import Lexicon, alternation

from .component import RuleComponent
from .spans import ENTITIES, SpanIndex, SpanRelation, relations, sentence_of, text_of
from .text import sentence_start


class DisciplineReader(RuleComponent):
    """Adds a DISCIPLINE relation per person and cue."""

    cues: str  #: the file of discipline cues
    reach: int  #: how far before the cue a person may be named (a boilerplate sentence names leaders far away)

    def load(self, lexicon: Lexicon) -> None:
        self.events = {row["cue"]: row["event"] for row in lexicon.tsv(self.cues)}
        self.cue_re = re.compile(alternation(list(self.events)))
        self.announcers = lexicon.words("announcing_body")

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans[ENTITIES]) if ENTITIES in doc.spans else []
        index = SpanIndex([s for s in spans if s.label_ in ("PER", "ORG")])
        text = text_of(doc)
        for match in self.cue_re.finditer(text):
            start = sentence_start(text, match.start())
            before = index.within(start, match.start())
            persons = [s for s in before if s.label_ == "PER" and match.start() - s.end_char <= self.reach]
            if not persons:
                continue
            body = next((s for s in reversed(before) if s.label_ == "ORG" and s.end_char <= persons[0].start_char
                         and any(word in s._.kg_key for word in self.announcers)), None)
            dates = find_dates(text, start, match.start())
            date = text[slice(*dates[-1])] if dates else ""
            for person in persons:
                self._add(doc, person, self.events[match.group()], body, date)
        return doc

    @staticmethod
    def _add(doc: Doc, person: Span, event: str, body: Span | None, date: str) -> None:
        args: dict[str, Span | str] = {"person": person, "org": body if body is not None else "", "event": event, "date": date}
        rule = "discipline." + event + ("" if body is not None else ".main_actor")
        relations(doc).append(SpanRelation("DISCIPLINE", args, rule, sentence_of(person), {"fallback": body is None}))


@Language.factory("kg_discipline", assigns=["doc._.kg_relations"], requires=["doc.spans"],
                  default_config={"resources": None, "cues": "discipline_cues.tsv", "reach": 60})
def make_discipline(nlp: Language, name: str, resources: str | None, cues: str, reach: int) -> DisciplineReader:
    return DisciplineReader(nlp, name, resources=resources, cues=cues, reach=reach)
