"""``kg_appointments``: appointments and removals (PER candidates and POSTs with a status and a date).

Two shapes, each cue listed in ``appointment_cues.tsv`` with its shape and the
status it gives:

* the person after the cue: ``任命董军为国防部部长`` (appointed),
  ``免去唐登杰的民政部部长职务`` (removed), ``免去其…职务`` for the person named last;
* the person before it, a comma allowed between: ``代玉建,当选为…``, ``X辞去…职务``,
  and a biography's ``王宇飞,生前任…支队长`` (former) or ``现任`` (current).

The post is a title chain (``kg.pipeline.posts``) that runs to the end of
the clause or to a closing word (职务, 人选). Its date is the last date written
before the cue in the sentence, else in the line that introduces a list of
appointments (``…于2023年12月29日的决定：``); it is kept as written, and
``kg.resolve`` reads it against the article's date.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.dates import find_dates
from kg.lexicon import Lexicon, alternation

from .component import RuleComponent
from .posts import Item, PostReader
from .spans import add_candidate, text_of
from .text import CLAUSE_ENDS, person_name_at, sentence_start, word_boundary

PERSON_POST = "person_post"


class AppointmentReader(RuleComponent):
    """Finds ``任命X为Y``-style sentences and records the posts they give or take."""

    cues: str  #: the file of appointment and removal cues
    titles: str  #: the file of official titles
    max_post: int  #: the longest post phrase, in characters
    max_lead_lines: int  #: how many lines back a list's introducing line is looked for

    def load(self, lexicon: Lexicon) -> None:
        rows = lexicon.tsv(self.cues)
        self.shapes = {row["cue"]: (row["shape"], row["status"]) for row in rows}
        self.cue_re = re.compile(alternation(list(self.shapes)))
        self.title_table = lexicon.titles(self.titles)
        self.title_re = re.compile(alternation(list(self.title_table)))
        self.phrase_ends = lexicon.words("post_phrase_end")
        self.links = lexicon.words("person_post_link")
        self.pronouns = lexicon.words("previous_person")

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        reader = PostReader(doc, self.lexicon)
        last_person: Span | None = None
        for match in self.cue_re.finditer(text):
            shape, status = self.shapes[match.group()]
            person, post_start = (self._person_after(doc, match.end(), last_person) if shape == PERSON_POST
                                  else (self._person_before(doc, match.start()), match.end()))
            if person is None:
                continue
            last_person = person
            chain = self._post_chain(reader, text, post_start)
            if chain:
                reader.add_posts(person, chain, f"post.{status}", status=status,
                                 date=self._date(text, match.start()))
        return doc

    def _person_after(self, doc: Doc, at: int, last: Span | None) -> tuple[Span | None, int]:
        """The person named right after a cue, and where the post starts."""
        text = text_of(doc)
        pronoun = next((p for p in self.pronouns if text.startswith(p, at)), "")
        if pronoun and last is not None:
            return last, at + len(pronoun)
        end = person_name_at(text, at, self.lexicon)
        link = next((w for w in self.links if text.startswith(w, end)), "")
        if end == at or not link:
            return None, at
        return add_candidate(doc, at, end, "PER", text[at:end], "per.appointment"), end + len(link)

    def _person_before(self, doc: Doc, at: int) -> Span | None:
        """The person whose name ends right before a cue, or a comma before it, else the sentence's
        topic: the last name before the cue that a comma follows (谢雨丰,一名青年民警,生前是…)."""
        text = text_of(doc)
        ends = [at - text.startswith(",", at - 1)]
        comma = at - 1
        while (comma := text.rfind(",", sentence_start(text, at), comma)) >= 0:
            ends.append(comma)
        for end in ends:
            start = self._name_ending_at(text, end)
            if start is not None:
                return add_candidate(doc, start, end, "PER", text[start:end], "per.appointment")
        return None

    def _name_ending_at(self, text: str, end: int) -> int | None:
        """Where a name ending at ``end`` starts; it must start a word (not 平全票 of 习近平全票当选)."""
        return next((end - size for size in (3, 2, 4) if end - size >= 0
                     and person_name_at(text, end - size, self.lexicon) == end and word_boundary(text, end - size)), None)

    def _post_chain(self, reader: PostReader, text: str, start: int) -> list[Item]:
        """The title chain from ``start`` to the end of the post phrase; empty when it does not end in a title."""
        end = self._phrase_end(text, start)
        chain: list[Item] = []
        for match in self.title_re.finditer(text, start, end):
            if reader.inside_org(match.start(), match.end()):
                continue
            item = reader.item(self.title_table[match.group()], match.start(), match.end())
            if item.start < start:  # nothing before the phrase belongs to its first item
                item.start = start
                item.body = item.body if item.body is not None and item.body.start_char >= start else None
                item.place = item.place if item.place is not None and item.place.start_char >= start else None
            if chain and not reader.joined(chain[-1].end, item):
                chain = []
            chain.append(item)
        return chain if chain and chain[-1].end == end else []

    def _phrase_end(self, text: str, start: int) -> int:
        """Where a post phrase ends: before a closing word or at the end of the clause."""
        stop = start
        while stop < len(text) and stop - start < self.max_post and text[stop] not in CLAUSE_ENDS:
            stop += 1
        closing = [at for at in (text.find(word, start, stop) for word in self.phrase_ends) if at >= 0]
        return min(closing, default=stop)

    def _date(self, text: str, cue_at: int) -> str:
        """The date an appointment is made on, as written: in its sentence, else in the line leading a list."""
        line_start = text.rfind("\n", 0, cue_at) + 1
        dates = find_dates(text, sentence_start(text, cue_at), cue_at)
        if dates:
            return text[slice(*dates[-1])]
        return self._lead_date(text, line_start)

    def _lead_date(self, text: str, line_start: int) -> str:
        """The last date of the line ending in a colon that leads the list holding ``line_start``."""
        end = line_start - 1
        for _ in range(self.max_lead_lines):
            if end <= 0:
                return ""
            start = text.rfind("\n", 0, end) + 1
            if text[start:end].rstrip().endswith(":"):
                dates = find_dates(text, start, end)
                return text[slice(*dates[-1])] if dates else ""
            end = start - 1
        return ""


@Language.factory("kg_appointments", assigns=["doc.spans", "doc._.kg_relations"], requires=["doc.spans"],
                  default_config={"resources": None, "cues": "appointment_cues.tsv", "titles": "titles.tsv",
                                  "max_post": 40, "max_lead_lines": 8})
def make_appointments(nlp: Language, name: str, resources: str | None, cues: str, titles: str, max_post: int,
                      max_lead_lines: int) -> AppointmentReader:
    return AppointmentReader(nlp, name, resources=resources, cues=cues, titles=titles, max_post=max_post,
                             max_lead_lines=max_lead_lines)
