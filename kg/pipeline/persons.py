"""``kg_persons``: officials next to their titles (PER candidates and POST relations).

Three shapes of text give a person and their posts:

* title then name: ``醴陵市委副书记、政法委书记阳建``, ``沔渡派出所所长钟平熊``;
* a name card: a line holding only a name, then lines of titles
  (``阳建`` / ``醴陵市委副书记`` / ``醴陵市委政法委书记``);
* name then title, for the titles marked so (``习近平总书记``).

Which body each title of a chain belongs to is ``kg.pipeline.posts``'s to say.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import Lexicon, alternation

from .component import RuleComponent
from .posts import Item, PostReader
from .spans import add_candidate, text_of
from .text import person_name_at, word_boundary


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
        self._title_then_name(doc)
        self._name_cards(doc)
        self._name_then_title(doc)
        return doc

    def _title_then_name(self, doc: Doc) -> None:
        text = text_of(doc)
        reader = self.reader = PostReader(doc, self.lexicon)
        chain: list[Item] = []
        lead: list[Item] = []
        chain_end = name_end = -1
        for match in self.title_re.finditer(text):
            if reader.inside_org(match.start(), match.end()):
                continue
            item = reader.item(self.title_table[match.group()], match.start(), match.end())
            if not (chain and reader.joined(chain_end, item)):
                lead = lead if name_end >= 0 and reader.joined(name_end, item) else []
                chain = []
            chain.append(item)
            chain_end = item.end
            start = match.end() + self._of_before_name(text, match.end(), chain)
            end = person_name_at(text, start, self.lexicon)
            if end == start:
                continue
            person = add_candidate(doc, start, end, "PER", text[start:end], "per.title")
            if person is not None:
                reader.add_posts(person, chain, "post.title_name", lead=lead)
            lead, chain, name_end = chain, [], end

    @staticmethod
    def _of_before_name(text: str, at: int, chain: list[Item]) -> int:
        """1 when a former post's chain reaches its name through 的 (时任浙江省委书记的习近平), else 0."""
        return int(chain[0].former and text.startswith("的", at))

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
                self.reader.add_posts(person, chain, "post.card")

    def _title_lines(self, text: str, lines: list[tuple[int, int]]) -> list[Item]:
        chain = []
        for start, end in lines:
            line = text[start:end].rstrip()
            match = self.title_re.search(text, start, start + len(line))
            if not match or match.end() != start + len(line) or len(line) > self.max_title_line:
                break
            chain.append(self.reader.item(self.title_table[match.group()], match.start(), match.end()))
        return chain

    def _name_then_title(self, doc: Doc) -> None:
        text = text_of(doc)
        for match in self.name_after_title.finditer(text):
            for size in (3, 2):
                start = match.start() - size
                if start >= 0 and person_name_at(text, start, self.lexicon) == match.start() and word_boundary(text, start):
                    person = add_candidate(doc, start, match.start(), "PER", text[start:match.start()], "per.name_title")
                    title = self.title_table.get(match.group())
                    if person is not None and title and title.post:
                        item = replace(self.reader.item(title, match.start(), match.end()), anchored=True)  # the name anchors it
                        self.reader.add_posts(person, [item], "post.name_title")
                    break

@Language.factory("kg_persons", assigns=["doc.spans", "doc._.kg_relations"], requires=["doc.spans"],
                  default_config={"resources": None, "titles": "titles.tsv", "max_card_name": 4, "max_title_line": 24})
def make_persons(nlp: Language, name: str, resources: str | None, titles: str, max_card_name: int,
                 max_title_line: int) -> PersonRecognizer:
    return PersonRecognizer(nlp, name, resources=resources, titles=titles, max_card_name=max_card_name,
                            max_title_line=max_title_line)
