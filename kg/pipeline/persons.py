"""``kg_persons``: officials next to their titles (PER candidates and POST relations).

Three shapes of text give a person and their posts:

* title then name: ``醴陵市委副书记、政法委书记阳建``, ``沔渡派出所所长钟平熊``;
* a name card: a line holding only a name, then lines of titles
  (``阳建`` / ``醴陵市委副书记`` / ``醴陵市委政法委书记``);
* name then title, for the titles marked so (``习近平总书记``).

A title's organisation is the ORG that ends where the title starts, or the
place's body (``炎陵县副书记`` -> 炎陵县委), or for a title naming its body
(``政法委书记``) that body under the party committee of the title before it.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lexicon import Lexicon, Title, alternation

from .component import RuleComponent
from .spans import SpanRelation, add_candidate, candidates, place_key, relations, sentence_of, text_of
from .text import person_name_at


class PersonRecognizer(RuleComponent):
    """Finds persons by their titles and records their posts."""

    titles: str  #: the file of official titles
    max_card_name: int  #: the longest name on a name card's first line
    max_title_line: int  #: the longest line of titles under it

    def load(self, lexicon: Lexicon) -> None:
        self.title_table = lexicon.titles(self.titles)
        self.title_re = re.compile(alternation(list(self.title_table)))
        self.name_after_title = re.compile("|".join(lexicon.words("name_after_title")))

    def __call__(self, doc: Doc) -> Doc:
        ends = {"ORG": {}, "PLACE": {}}
        for span in candidates(doc):
            if span.label_ in ends:
                ends[span.label_].setdefault(span.end_char, span)
        self.ends = ends
        self._title_then_name(doc)
        self._name_cards(doc)
        self._name_then_title(doc)
        return doc

    def _title_then_name(self, doc: Doc) -> None:
        text = text_of(doc)
        chain: list[tuple[Title, int, int]] = []
        for match in self.title_re.finditer(text):
            if chain and text[chain[-1][2] : match.start()] not in ("、", ""):
                chain = []
            chain.append((self.title_table[match.group()], match.start(), match.end()))
            end = person_name_at(text, match.end(), self.lexicon)
            if end == match.end():
                continue
            person = add_candidate(doc, match.end(), end, "PER", text[match.end():end], "per.title")
            if person is not None:
                self._posts(doc, person, chain, "post.title_name")
            chain = []

    def _name_cards(self, doc: Doc) -> None:
        text = text_of(doc)
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        for index, (start, end) in enumerate(lines):
            name = text[start:end].strip()
            offset = start + text[start:end].index(name) if name else start
            if not name or len(name) > self.max_card_name or person_name_at(text, offset, self.lexicon) != offset + len(name):
                continue
            chain = self._title_lines(text, lines[index + 1 : index + 4])
            if not chain:
                continue
            person = add_candidate(doc, offset, offset + len(name), "PER", name, "per.card")
            if person is not None:
                self._posts(doc, person, chain, "post.card")

    def _title_lines(self, text: str, lines: list[tuple[int, int]]) -> list[tuple[Title, int, int]]:
        chain = []
        for start, end in lines:
            line = text[start:end].rstrip()
            match = self.title_re.search(text, start, start + len(line))
            if not match or match.end() != start + len(line) or len(line) > self.max_title_line:
                break
            chain.append((self.title_table[match.group()], match.start(), match.end()))
        return chain

    def _name_then_title(self, doc: Doc) -> None:
        text = text_of(doc)
        for match in self.name_after_title.finditer(text):
            for size in (3, 2):
                start = match.start() - size
                if start >= 0 and person_name_at(text, start, self.lexicon) == match.start():
                    person = add_candidate(doc, start, match.start(), "PER", text[start:match.start()], "per.name_title")
                    title = self.title_table.get(match.group())
                    if person is not None and title and title.post:
                        self._posts(doc, person, [(title, match.start(), match.end())], "post.name_title")
                    break

    def _posts(self, doc: Doc, person: Span, chain: list[tuple[Title, int, int]], rule: str) -> None:
        party = ""
        for title, start, end in chain:
            org, party = self._org_of(doc, title, start, party)
            if not title.post:
                continue
            if org is not None:
                args: dict[str, Span | str] = {"person": person, "org": org, "title": title.post}
                relations(doc).append(SpanRelation("POST", args, rule, sentence_of(person)))

    def _org_of(self, doc: Doc, title: Title, start: int, party: str) -> tuple[Span | None, str]:
        """The organisation a title at ``start`` belongs to, and the party committee key in force."""
        if title.org_suffix:
            inside = self.ends["ORG"].get(start + len(title.org_suffix))
            if inside is not None:
                return inside, party
            if party:
                key = party + title.org_suffix
                return add_candidate(doc, start, start + len(title.org_suffix), "ORG", key, "org.title"), party
        org = self.ends["ORG"].get(start)
        if org is not None:
            key = org._.kg_key
            return org, key if key.endswith("委") else party
        place = self.ends["PLACE"].get(start)
        if place is not None and title.place_org:
            key = place_key(place) + title.place_org
            made = add_candidate(doc, place.start_char, place.end_char, "ORG", key, "org.title_place")
            return made, key if title.place_org == "委" else party
        if title.default_org:
            named = [s for s in candidates(doc, "ORG") if s._.kg_key == title.default_org]
            return (named[0] if named else None), party
        return None, party


@Language.factory("kg_persons", assigns=["doc.spans", "doc._.kg_relations"], requires=["doc.spans"],
                  default_config={"resources": None, "titles": "titles.tsv", "max_card_name": 4, "max_title_line": 24})
def make_persons(nlp: Language, name: str, resources: str | None, titles: str, max_card_name: int,
                 max_title_line: int) -> PersonRecognizer:
    return PersonRecognizer(nlp, name, resources=resources, titles=titles, max_card_name=max_card_name,
                            max_title_line=max_title_line)
