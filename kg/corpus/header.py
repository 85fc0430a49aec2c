"""The page header of an article: newspaper, page, date, title and bylines.

Each line of an article is one of ``blank``, ``paper`` (``株洲日报 A3``),
``info`` (telephone, date and editor fields), ``byline`` (``记者/周圆
通讯员/马杰``) or ``body``. The byline cues (记者, 通讯员, 责任编辑, 摄 …)
and the role each names come from ``kg/resources/bylines.tsv``; the regular
expressions here are built from that table, and a cue it lacks is an error.
"""

from __future__ import annotations

import datetime
import re

from kg.records import Byline
from kg.resources import bylines

#: The first line this long that is not header, caption or heading starts the body.
BODY_MIN_CHARS = 40
#: Telephone/date/editor lines are at most this long.
INFO_MAX_CHARS = 100
TITLE_HEADING_LEVELS = 2
#: A dateline opens one of the first body lines (the title and a subtitle may come before it).
DATELINE_LINES = 3
#: A photo credit (``记者 周圆 摄``) is looked for in this many last characters of a line.
PHOTO_CREDIT_CHARS = 40

Lines = list[tuple[int, str]]


def _cues(place: str) -> str:
    """A regex alternation of the byline cues read in ``place``, longest first."""
    return "|".join(re.escape(cue) for cue in bylines().cues(place))


_HAN = r"\u4e00-\u9fff"
#: A newspaper or a news site (株洲日报, 浙江在线, 央视网, 中国新闻网).
_PAPER = rf"[{_HAN}]{{1,8}}?(?:日报|晚报|时报|早报|商报|周报|报|在线|新闻网|网|电视台)"
#: A cue before names; a dateline's 讯 may be glued to some (本报讯记者张三), and is not part of the cue.
_LEAD = rf"(?:讯(?={_cues('dateline')}))?"
_CUE = rf"{_LEAD}(?:{_cues('byline')})"
_CREDIT = _cues("credit")
_STOP = rf"{_CUE}|{_CREDIT}|{_cues('field')}"
_NAME = rf"(?:(?!{_STOP})[{_HAN}]){{2,4}}(?=(?:{_STOP})|[^{_HAN}]|$)"
_NAMES = rf"{_NAME}(?:(?:\s*[、，,]\s*|[ \t\u3000]+){_NAME})*"

_BYLINE_PREFIX = re.compile(
    rf"(?:(?:{_cues('paper')})\s*(?={_PAPER}))?(?:本报|(?P<paper>{_PAPER})(?:[·•・][^\s/]*?)?)?"
    rf"(?=[ \t\u3000]*(?:{_CUE}))"
)
_SEGMENT = re.compile(
    rf"\s*{_LEAD}(?P<cue>{_cues('byline')})(?P<sep>[ \t\u3000]*[/／:：]?[ \t\u3000]*)(?P<names>{_NAMES})"
)
#: ``本报讯（记者 周圆）…``, ``浙江在线01月23日讯 (浙江日报记者 周圆)``, ``央视网消息（新闻联播）：``:
#: the dateline opening the first paragraph, with a byline or a column in brackets.
_DATELINE = re.compile(
    rf"^\s*(?:本报|(?![据从经])(?P<paper>{_PAPER}))?(?:\s*(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日)?(?:讯|消息)"
    rf"(?:\s*[（(](?P<inner>[^（()）]{{2,60}})[）)])?"
)
#: ``来源：株洲日报``: the page names the medium it took the article from.
_SOURCE = re.compile(rf"来源\s*[:：]\s*(?P<paper>{_PAPER})(?![{_HAN}])")
#: ``（文/图 周圆）``: a byline in brackets closing a line.
_BRACKETED = re.compile(r"[（(](?P<inner>[^（()）]{2,40})[）)]\s*$")
_FIELD = rf"(?P<cue>{_cues('field')})\s*[:：]"
_FIELD_SEGMENT = re.compile(rf"{_FIELD}\s*(?P<names>{_NAMES})")
_PHOTO_TAIL = re.compile(
    rf"(?<![{_HAN}])(?:(?:{_CUE})[ \t\u3000]*[/／]?[ \t\u3000]*)?(?P<names>{_NAMES})"
    rf"(?:[ \t\u3000]+|[ \t\u3000]*[/／][ \t\u3000]*)(?P<cue>{_CREDIT})\s*$"
)
_NAME_RUN = re.compile(rf"[{_HAN}]+")
_PAPER_LINE = re.compile(rf"^\s*(?P<paper>{_PAPER})\s+(?P<page>[A-Za-z]?\d{{1,2}}|第\d{{1,3}}版)\s*$")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[-/](?P<m2>\d{1,2})[-/](?P<d2>\d{1,2})(?!\d))"
)
_FIELD_CUE = re.compile(_FIELD)
_PHONE = re.compile(r"电话\s*[:：]")
_DATE_LINE = re.compile(rf"^\s*{_DATE.pattern}\s*(?:星期[一二三四五六日天])?\s*$")
#: A Markdown heading mark at the start of a line.
HEADING = re.compile(r"^\s*(?P<marks>#{1,6})\s+")
#: A line ending in a photo credit cue (``通讯员供图``, ``记者 周圆 摄``).
CAPTION = re.compile(rf"(?:{_CREDIT})\s*$")


def find_date(line: str) -> str:
    """The first valid date in ``line`` as ``YYYY-MM-DD``, or ``""``."""
    for match in _DATE.finditer(line):
        month, day = match["m"] or match["m2"], match["d"] or match["d2"]
        try:
            return datetime.date(int(match["y"]), int(month), int(day)).isoformat()
        except ValueError:
            continue
    return ""


def line_kind(line: str) -> str:
    """One of ``blank``, ``paper``, ``info``, ``byline`` (page header) or ``body``."""
    if not line.strip():
        return "blank"
    if _PAPER_LINE.match(line):
        return "paper"
    if len(line) <= INFO_MAX_CHARS and (
        _FIELD_CUE.search(line) or _SOURCE.search(line) or _DATE_LINE.match(line)
        or (_PHONE.search(line) and find_date(line))
    ):
        return "info"
    if _byline_segments(line) is not None or _photo_credit(line, whole_line=True):
        return "byline"
    return "body"


def header_lines(lines: Lines, kinds: list[str]) -> Lines:
    """Lines before the body starts, plus page-header lines anywhere."""
    header, in_body = [], False
    for (offset, line), kind in zip(lines, kinds):
        content = line.strip()
        if kind == "body" and len(content) >= BODY_MIN_CHARS and not CAPTION.search(content):
            in_body = in_body or not HEADING.match(line)
        if kind in ("paper", "info", "byline") or (kind == "body" and not in_body):
            header.append((offset, line))
    return header


def paper_and_page(lines: Lines, kinds: list[str], header: Lines) -> tuple[str, str]:
    """The newspaper and page of a ``株洲日报 A3`` line, else the medium a dateline, a
    ``来源:`` field or a byline names (the dateline's first: it is the publisher's own)."""
    for _, line in header:
        if match := _PAPER_LINE.match(line):
            return match["paper"], match["page"]
    opening = [line for (_, line), kind in zip(lines, kinds) if kind == "body"][:DATELINE_LINES]
    fields = [line for (_, line), kind in zip(lines, kinds) if kind == "info"]
    bylined = [line for (_, line), kind in zip(lines, kinds) if kind == "byline"]
    for pattern, candidates in ((_DATELINE, opening), (_SOURCE, fields), (_BYLINE_PREFIX, bylined)):
        for line in candidates:
            match = pattern.search(line) if pattern is _SOURCE else pattern.match(line.strip())
            if match and match["paper"]:
                return match["paper"], ""
    return "", ""


def title(lines: Lines, kinds: list[str]) -> str:
    """The first h1/h2 heading, else the first body line that is not a caption."""
    for _, line in lines:
        if (match := HEADING.match(line)) and len(match["marks"]) <= TITLE_HEADING_LEVELS:
            return line[match.end() :].strip()
    for (_, line), kind in zip(lines, kinds):
        if kind == "body" and not CAPTION.search(line):
            return HEADING.sub("", line).strip()
    return ""


def find_bylines(lines: Lines, kinds: list[str]) -> tuple[Byline, ...]:
    """Everyone the page credits, once per role and name, in text order."""
    table = bylines()
    found: list[Byline] = []
    for (offset, line), kind in zip(lines, kinds):
        for cue, start, end in _credit_runs(line, kind):
            for name in _NAME_RUN.finditer(line, start, end):
                found.append(Byline(table.role_of(cue), name[0], offset + name.start(), offset + name.end()))
    unique: dict[tuple[str, str], Byline] = {}
    for byline in found:
        unique.setdefault((byline.role, byline.name), byline)
    return tuple(unique.values())


def _credit_runs(line: str, kind: str) -> list[tuple[str, int, int]]:
    """``(cue, start, end)`` of each run of names a line credits."""
    runs: list[tuple[str, int, int]] = []
    if kind == "byline":
        runs = _byline_segments(line) or []
    elif kind == "info":
        runs = [(m["cue"], m.start("names"), m.end("names")) for m in _FIELD_SEGMENT.finditer(line)]
    elif kind == "body" and (frame := _DATELINE.match(line)) and frame["inner"]:
        runs = _byline_segments(line, frame.start("inner"), frame.end("inner"), framed=True) or []
    if kind in ("byline", "body") and not runs and (frame := _BRACKETED.search(line)):
        runs = _byline_segments(line, frame.start("inner"), frame.end("inner"), framed=True) or []
    if kind in ("byline", "body") and not runs and (credit := _photo_credit(line)):
        runs = [credit]
    return runs


def _byline_segments(
    line: str, start: int = 0, end: int | None = None, *, framed: bool = False
) -> list[tuple[str, int, int]] | None:
    """``(cue, start, end)`` of each name run if ``line[start:end]`` is all byline, else ``None``.

    A lone cue glued to two to four characters (``记者手记``) is a heading, not
    a byline, unless a newspaper, a separator or brackets (``framed``) say otherwise.
    """
    end = len(line) if end is None else end
    start = end - len(line[start:end].lstrip())
    if not (prefix := _BYLINE_PREFIX.match(line, start, end)):
        return None
    segments, separators, position = [], [], prefix.end()
    while match := _SEGMENT.match(line, position, end):
        segments.append((match["cue"], match.start("names"), match.end("names")))
        separators.append(match["sep"])
        position = match.end()
    if not segments or line[position:end].strip():
        return None
    marked = framed or prefix.group().strip() or len(segments) > 1 or separators[0]
    return segments if marked else None


def _photo_credit(line: str, *, whole_line: bool = False) -> tuple[str, int, int] | None:
    """The cue and the span of the names of a photo credit ending ``line`` (or making it up)."""
    if not CAPTION.search(line):
        return None
    match = _PHOTO_TAIL.search(line, max(0, len(line.rstrip()) - PHOTO_CREDIT_CHARS))
    if not match or (whole_line and line[: match.start()].strip()):
        return None
    return match["cue"], match.start("names"), match.end("names")
