"""``kg_honours``: titles, awards and designations (HONOUR candidates).

* ``hon.verb``: the names after an award verb (荣获, 获评, 被评为 …), split at
  、/和 outside brackets, closed by 称号/荣誉, with a leading year or session
  (2021-2022年度, 首届) taken off and kept as the award's year; a name must be
  quoted or hold a marker word (先进, 模范, 示范 …);
* ``hon.quoted``: a quoted name holding a marker word, directly followed by
  its recipient (“全国模范司法所”荷塘区司法局桂花司法所).

The recipients found next to the honour are kept in ``kg_meta["recipients"]``
(character spans); ``kg_relations`` falls back to the clause subject.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lexicon import HAN, Lexicon

from .component import RuleComponent
from .spans import SpanIndex, add_candidate, candidates, text_of
from .text import clause_start, person_name_at

YEAR = re.compile(r"(?:了)?(?:(\d{4}(?:[-—至]\d{4})?)年度?|首届|第[一二三四五六七八九十\d]+届|连续\d+年)?")
QUOTED = re.compile(r"“([^“”\n]{2,30})”")
PERSON_LIST = re.compile(f"((?:[{HAN}]{{2,4}}、)*[{HAN}]{{2,4}})等(?:\\d+人)?$")
HOLDERS = ("ORG", "PER", "PLACE")


class HonourRecognizer(RuleComponent):
    """Finds honours after award verbs and before their recipients."""

    cues: str  #: the file of award verbs, marker words and closing words
    max_name: int  #: the longest honour name
    max_clause: int  #: how far back a recipient is looked for

    def load(self, lexicon: Lexicon) -> None:
        self.verbs, self.markers, self.suffixes = (lexicon.cue_re(self.cues, role) for role in ("verb", "marker", "suffix"))

    def __call__(self, doc: Doc) -> Doc:
        self.holders = SpanIndex([s for s in candidates(doc) if s.label_ in HOLDERS])
        for match in self.verbs.finditer(text_of(doc)):
            recipients = self._recipients_before(doc, match.start())
            for start, end, year in self._names_after(text_of(doc), match.end()):
                self._add(doc, start, end, "hon.verb", recipients, year)
        self._quoted_before_recipient(doc)
        return doc

    def _names_after(self, text: str, at: int) -> list[tuple[int, int, str]]:
        """(start, end, year) of each honour name in the list after a verb."""
        names = []
        for start, end in _split_list(text, at, self.max_name):
            outside = YEAR.match(text, start)
            start = outside.end()
            suffix = self.suffixes.search(text, start, end)
            end = suffix.start() if suffix else end
            quoted = "“" in text[start:end]
            if text[start:start + 1] == "“" and text[end - 1:end] == "”" and text.count("“", start, end) == 1:
                start, end = start + 1, end - 1
            inside = YEAR.match(text, start)
            year = inside.group(1) or outside.group(1) or ""
            start = inside.end()
            name = _unquote(text[start:end])
            if len(name) >= 2 and (quoted or self.markers.search(name)):
                names.append((start, end, year))
        return names

    def _quoted_before_recipient(self, doc: Doc) -> None:
        for match in QUOTED.finditer(text_of(doc)):
            recipient = _named_after(text_of(doc), self.holders, match.end())
            if recipient is not None and self.markers.search(match.group(1)):
                self._add(doc, match.start(1), match.end(1), "hon.quoted", [recipient], "")

    def _recipients_before(self, doc: Doc, cue: int) -> list[tuple[int, int, str]]:
        text = text_of(doc)
        start = clause_start(text, cue, self.max_clause)
        passive = text.rfind("被", start, cue)
        limit = passive if passive >= 0 else cue
        listed = PERSON_LIST.search(text, start, limit)
        if listed:
            return self._listed_persons(doc, listed)
        spans = self.holders.within(start, limit)
        persons = [s for s in spans if s.label_ == "PER"]
        if persons:
            return [(persons[-1].start_char, persons[-1].end_char, "PER")]
        outer = [s for s in spans if not any(o is not s and o.start_char <= s.start_char and s.end_char <= o.end_char and o.label_ != "PLACE" for o in spans)]
        heads = [s for s in outer if s.start_char == start or text[start : s.start_char].strip("、") == "" or _listed(text, outer, s, start)]
        if heads:
            return [(s.start_char, s.end_char, s.label_) for s in heads]
        return [(s.start_char, s.end_char, s.label_) for s in outer[:1]]

    def _listed_persons(self, doc: Doc, listed: re.Match[str]) -> list[tuple[int, int, str]]:
        found = []
        offset = listed.start(1)
        for name in listed.group(1).split("、"):
            if person_name_at(text_of(doc), offset, self.lexicon) == offset + len(name):
                person = add_candidate(doc, offset, offset + len(name), "PER", name, "per.honour_list")
                if person is not None:
                    self.holders.add(person)
                    found.append((offset, offset + len(name), "PER"))
            offset += len(name) + 1
        return found

    def _add(self, doc: Doc, start: int, end: int, rule: str, recipients: list, year: str) -> Span | None:
        return add_candidate(doc, start, end, "HONOUR", _unquote(text_of(doc)[start:end]), rule, recipients=recipients, year=year)


def _listed(text: str, spans: list[Span], span: Span, start: int) -> bool:
    """True when ``span`` is part of a 、-list of entities that opens the clause."""
    position = start
    for other in spans:
        if other.start_char != position:
            continue
        if other is span:
            return True
        position = other.end_char + (1 if text[other.end_char : other.end_char + 1] == "、" else 0)
    return False


def _named_after(text: str, holders: SpanIndex, at: int) -> tuple[int, int, str] | None:
    """The body named right after ``at``: of a chain (荷塘区司法局桂花司法所), its last link."""
    run_end = at
    while run_end < len(text) and text[run_end] not in ",。;:!?、\n“”()":
        run_end += 1
    inside = holders.within(at, run_end)
    if not any(s.start_char == at for s in inside):
        return None
    last = max(inside, key=lambda s: (s.end_char, -len(s), s.label_ != "PLACE"))
    return last.start_char, last.end_char, last.label_


def _unquote(name: str) -> str:
    return re.sub(r"[“”\"]", "", name).strip()


def _split_list(text: str, at: int, max_name: int) -> list[tuple[int, int]]:
    """Items of a list starting at ``at``, of at most ``max_name`` characters: split at 、 and 和
    outside brackets and quotes."""
    items, depth, start, index = [], 0, at, at
    limit = min(len(text), at + max_name * 3)
    while index < limit:
        char = text[index]
        if char in "(“":
            depth += 1
        elif char in ")”":
            depth = max(0, depth - 1)
        elif depth == 0 and (char in ",。;:!?\n" or text.startswith("等荣誉", index) or text.startswith("等", index) and index > start):
            break
        elif depth == 0 and char in "、和":
            items.append((start, index))
            start = index + 1
        index += 1
    items.append((start, index))
    return [(s, e) for s, e in items if 0 < e - s <= max_name]


@Language.factory("kg_honours", assigns=["doc.spans"], requires=["doc.spans"],
                  default_config={"resources": None, "cues": "honour_cues.tsv", "max_name": 30, "max_clause": 400})
def make_honours(nlp: Language, name: str, resources: str | None, cues: str, max_name: int,
                 max_clause: int) -> HonourRecognizer:
    return HonourRecognizer(nlp, name, resources=resources, cues=cues, max_name=max_name, max_clause=max_clause)
