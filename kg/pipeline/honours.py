"""``kg_honours``: titles, awards and designations (HONOUR candidates).

* ``hon.verb``: the names after an award verb (荣获, 获评, 被评为 …), split at
  、/和 outside brackets, closed by 称号/荣誉, with a leading year or session
  (2021-2022年度, 首届) taken off and kept as the award's year; a name must be
  quoted or hold a marker word (先进, 模范, 示范 …). A verb that gives
  (授予, 追授) names its recipients first (授予张三同志“全国模范检察官”称号);
* ``hon.quoted``: a quoted name holding a marker word, directly followed by
  its recipient (“全国模范司法所”荷塘区司法局桂花司法所).

The recipients are kept in ``kg_meta["recipients"]`` (character spans): of a
chain of names (郫都区公安局犀浦派出所) only its last link receives the honour,
never the body or place it belongs to. With no recipient in the clause, the
holder that opens the sentence receives it; when the clause names one that is
no entity (1670人被授予…), ``kg_meta["unnamed"]`` is set and no award is made;
else ``kg_relations`` falls back to the clause subject. The award's year is
the one in the name, else the last year written in the sentence before the verb
(去年 kept as written: ``kg.resolve`` reads it against the article's date, and
gives an award with no year the article's).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lexicon import HAN, Lexicon, alternation

from .component import RuleComponent
from .spans import SpanIndex, add_candidate, candidates, text_of
from .text import clause_start, next_word, person_name_at, sentence_start, words_of

YEAR = re.compile(r"(?:了|过|的)?(?:(\d{4}(?:[-—至]\d{4})?)年度?|首届|第[一二三四五六七八九十\d]+届|连续\d+年)?")
SENTENCE_YEAR = re.compile(r"(\d{4})(?:[-—至]\d{4})?年|(前年|去年|今年)")
DATE = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月(?:\d{1,2}日)?|连续\d+年|\d+年来|[了,、\s]")
QUOTED = re.compile(r"“([^“”\n]{2,30})”")
PERSON_LIST = re.compile(f"((?:[{HAN}]{{2,4}}、)*[{HAN}]{{2,4}})等(?:\\d+人)?$")
GIVEN_TAIL = re.compile(r"(?:同志|等\d+[人名]|等)?")
LIST_GLUE = ("、", "和", "及", "与", "、和")
HOLDERS = ("ORG", "PER", "PLACE")
Recipient = tuple[int, int, str]


class HonourRecognizer(RuleComponent):
    """Finds honours after award verbs and before their recipients."""

    cues: str  #: the file of award verbs, marker words, closing words and lead words
    max_name: int  #: the longest honour name
    max_clause: int  #: how far back a recipient is looked for

    def load(self, lexicon: Lexicon) -> None:
        groups = lexicon.cues(self.cues)
        self.markers, self.suffixes = (lexicon.cue_re(self.cues, role) for role in ("marker", "suffix"))
        self.give = groups["give"]
        self.verbs = re.compile(f"(?:{alternation(groups['verb'] | groups['give'])})(?![{''.join(groups['noun_end'])}])")
        self.lead = re.compile(f"(?:{alternation(groups['lead'])}|{DATE.pattern})*")

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        self.holders = SpanIndex([s for s in candidates(doc) if s.label_ in HOLDERS])
        verbs = list(self.verbs.finditer(text))
        for index, match in enumerate(verbs):
            later = verbs[index + 1] if index + 1 < len(verbs) else None
            if later is not None and self._in_first_name(text, match.end(), later.start()):
                continue  # 获得…授予的“…”称号: the later verb names the honour
            recipients, at, unnamed = self._recipients(doc, match, verbs[:index])
            year = self._sentence_year(text, match.start())
            for start, end, own_year in self._names_after(text, at):
                self._add(doc, start, end, "hon.verb", recipients, own_year or year, unnamed)
        self._quoted_before_recipient(doc)
        return doc

    def _in_first_name(self, text: str, at: int, later: int) -> bool:
        items = _split_list(text, at, self.max_name)
        return bool(items) and later < items[-1][1]

    def _recipients(self, doc: Doc, match: re.Match[str], earlier: list[re.Match[str]]) -> tuple[list[Recipient], int, bool]:
        """The recipients of the honour a verb introduces, where its name starts, and whether
        the recipient is written but is no entity."""
        text = text_of(doc)
        if match.group() in self.give and text.startswith("的", match.end()):
            before = [m for m in earlier if m.start() >= clause_start(text, match.start(), self.max_clause)]
            limit = before[-1].start() if before else self._giver_start(text, match.start())
            return self._before(doc, limit, match.end() + 1)
        if match.group() in self.give:
            after, at = self._recipients_after(doc, match.end())
            if after:
                return after, at, False
            towards = text.rfind("向", clause_start(text, match.start(), self.max_clause), match.start())
            if towards >= 0:
                return self._chain_heads(text, self.holders.within(towards + 1, match.start()), towards + 1), at, False
        return self._before(doc, match.start(), match.end())

    def _before(self, doc: Doc, limit: int, at: int) -> tuple[list[Recipient], int, bool]:
        recipients, unnamed = self._recipients_before(doc, limit)
        return recipients, at, unnamed

    def _giver_start(self, text: str, cue: int) -> int:
        """Start of the run of bodies right before ``cue`` (党中央、国务院授予的…): they give, not receive."""
        start = cue
        while True:
            links = [s for s in self.holders.within(max(0, start - 40), start) if s.end_char in (start, start - 1)]
            if not links:
                return start
            link = min(links, key=lambda s: s.start_char)
            if link.end_char == start - 1 and text[start - 1] not in "、和":
                return start
            start = link.start_char

    def _recipients_after(self, doc: Doc, at: int) -> tuple[list[Recipient], int]:
        """Persons and bodies named right after a giving verb, and where the honour starts."""
        text, found, position = text_of(doc), [], at
        while True:
            starting = [s for s in self.holders.within(position, position + 40) if s.start_char == position]
            starting = starting or self._person_at(doc, position, lambda end: GIVEN_TAIL.match(text, end).end() > end or text[end:end + 1] in "、和“")
            if not starting:
                break
            link = max(starting, key=len)
            found.append((link.start_char, link.end_char, link.label_))
            position = GIVEN_TAIL.match(text, link.end_char).end()
            if text[position:position + 1] not in ("、", "和"):
                break
            position += 1
        return found, position

    def _sentence_year(self, text: str, cue: int) -> str:
        start = sentence_start(text, cue)
        years = [digits or relative for digits, relative in SENTENCE_YEAR.findall(text, start, cue)]
        return years[-1] if years else ""

    def _names_after(self, text: str, at: int) -> list[tuple[int, int, str]]:
        """(start, end, year) of each honour name in the list after a verb."""
        names = []
        for start, end in _split_list(text, at, self.max_name):
            outside = YEAR.match(text, start)
            start = outside.end()
            suffix = self.suffixes.search(text, start, end)
            end = suffix.start() if suffix else end
            while end > start and text[end - 1] == "的":
                end -= 1
            quoted = "“" in text[start:end]
            if self._is_body(start, end):
                continue
            start, end = _quoted_extent(text, start, end)
            inside = YEAR.match(text, start)
            year = inside.group(1) or outside.group(1) or ""
            start = inside.end()
            name = _unquote(text[start:end])
            if len(name) >= 2 and (quoted or self.markers.search(name) and len(self.markers.sub("", name)) >= 2):
                names.append((start, end, year))
        return names

    def _is_body(self, start: int, end: int) -> bool:
        """True when the name ends in an organisation (入选…突击大队): a body is joined, not conferred."""
        return any(s.label_ == "ORG" and s.end_char == end and s.start_char >= start for s in self.holders.within(start, end))

    def _quoted_before_recipient(self, doc: Doc) -> None:
        for match in QUOTED.finditer(text_of(doc)):
            recipient = _named_after(text_of(doc), self.holders, match.end())
            if recipient is not None and self.markers.search(match.group(1)):
                self._add(doc, match.start(1), match.end(1), "hon.quoted", [recipient], "", False)

    def _recipients_before(self, doc: Doc, cue: int) -> tuple[list[Recipient], bool]:
        """The recipients written in the clause before ``cue`` (before its 被), and whether one
        is written that is no entity."""
        text = text_of(doc)
        start = clause_start(text, cue, self.max_clause)
        passive = text.rfind("被", start, cue)
        limit = passive if passive >= 0 else cue
        listed = PERSON_LIST.search(text, start, limit)
        if listed:
            return self._listed_persons(doc, listed), False
        spans = self.holders.within(start, limit)
        persons = [s for s in spans if s.label_ == "PER"]
        if persons:
            return [(persons[-1].start_char, persons[-1].end_char, "PER")], False
        outer = [s for s in spans if not any(o is not s and o.start_char <= s.start_char and s.end_char <= o.end_char and o.label_ != "PLACE" for o in spans)]
        if outer:
            return self._chain_heads(text, outer, start), False
        opener = self._sentence_opener(doc, start)
        if opener:
            return opener, False
        residue = text[start:limit]
        return [], self.lead.fullmatch(residue) is None and not residue.endswith(("》", "”"))

    def _person_at(self, doc: Doc, at: int, followed: Callable[[int], bool]) -> list[Span]:
        """A person name starting at ``at`` that no rule has found yet, when ``followed`` accepts
        its end; it is added as a candidate."""
        end = person_name_at(text_of(doc), at, self.lexicon)
        person = add_candidate(doc, at, end, "PER", text_of(doc)[at:end], "per.honour") if end > at and followed(end) else None
        if person is None:
            return []
        self.holders.add(person)
        return [person]

    def _sentence_opener(self, doc: Doc, start: int) -> list[Recipient]:
        """The holder that opens the sentence holding the clause at ``start`` (李丰是…的,曾荣获…)."""
        text = text_of(doc)
        opening = sentence_start(text, start)
        if opening >= start:
            return []
        opening = self.lead.match(text, opening).end()
        acts = self.lexicon.words("predicate_pos")

        def followed(end: int) -> bool:
            return (next_word(text, end) or ("", "x"))[1][:1] in acts

        spans = [s for s in self.holders.within(opening, start) if s.start_char == opening]
        if not (spans or self._person_at(doc, opening, followed)):
            return []
        heads = self._chain_heads(text, self.holders.within(opening, start), opening)[:1]
        return heads if followed(heads[0][1]) else []

    def _chain_heads(self, text: str, spans: list[Span], start: int) -> list[Recipient]:
        """The last link of each chain in a list of names: 郫都区公安局犀浦派出所、X镇 → 犀浦派出所, X镇.

        The list opens the clause at ``start``; when it does not, the first name's chain alone counts."""
        spans = sorted(spans, key=lambda s: (s.start_char, -s.end_char))
        if not spans:
            return []
        heads: list[Recipient] = []
        first = spans[0]
        chain, position = [first], first.end_char
        for span in spans[1:]:
            if span.start_char < position:
                continue
            if span.start_char == position:
                chain.append(span)
            elif first.start_char == start and text[position:span.start_char] in LIST_GLUE:
                heads.append(_offsets(chain[-1]))
                chain = [span]
            else:
                break
            position = span.end_char
        heads.append(_offsets(chain[-1]))
        return heads

    def _listed_persons(self, doc: Doc, listed: re.Match[str]) -> list[Recipient]:
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

    def _add(self, doc: Doc, start: int, end: int, rule: str, recipients: list, year: str, unnamed: bool) -> Span | None:
        return add_candidate(doc, start, end, "HONOUR", _unquote(text_of(doc)[start:end]), rule,
                             recipients=recipients, year=year, unnamed=unnamed and not recipients)


def _offsets(span: Span) -> Recipient:
    return span.start_char, span.end_char, span.label_


def _quoted_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """The name in an item holding a quote: the quote and what is glued to it (湖南省“…”),
    but not a clause that follows it (“友谊勋章”的国际友人…)."""
    opening = text.find("“", start, end)
    closing = text.find("”", opening, end)
    if opening < 0 or closing < 0:
        return start, end
    tail = text[closing + 1 : end]
    if opening == start and (closing + 1 == end or tail.startswith("的") or len(tail) > 4):
        return start + 1, closing
    if tail.startswith("的") or len(tail) > 4:
        return start, closing + 1
    return start, end


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


def _conjunction(text: str, start: int, index: int) -> bool:
    """Whether the 和 at ``index`` is a word of its own (不是 共和国, 和平)."""
    position = start
    for word, _ in words_of(text[start : index + 3]):
        if position == index:
            return word == "和"
        position += len(word)
        if position > index:
            return False
    return False


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
        elif depth == 0 and (char == "、" or char == "和" and _conjunction(text, start, index)):
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
