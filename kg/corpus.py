"""Read news articles from files, folders and JSONL into ``Article`` records.

Offsets in every record (bylines, paragraph pieces) point into ``Article.text``:
the decoded text with any BOM removed and ``\\r\\n``/``\\r`` turned into ``\\n``.
Besides the text, each article gets what its page header says: newspaper,
page, date, title and bylines, and its body split into paragraphs, with
sentences that the print layout broke across blocks joined again.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.errors import InputError
from kg.records import Article, Byline, Paragraph, Problem

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl")
ENCODINGS = ("utf-8", "gb18030")
#: Share of control characters above which decoded bytes count as binary.
BINARY_CONTROL_SHARE = 0.3
#: A line this long that ends mid-sentence may continue in the next line,
#: which must be this long too (shorter lines are headings or name cards).
JOIN_MIN_CHARS = 30
#: The first line this long that is not header, caption or heading starts the body.
BODY_MIN_CHARS = 40
#: Telephone/date/editor lines are at most this long.
INFO_MAX_CHARS = 100
TITLE_HEADING_LEVELS = 2
#: A photo credit (``记者 周圆 摄``) is looked for in this many last characters of a line.
PHOTO_CREDIT_CHARS = 40

_HAN = r"\u4e00-\u9fff"
_PAPER = rf"[{_HAN}]{{1,8}}?(?:日报|晚报|时报|早报|商报|周报|报)"
_CUE = r"讯?(?:全媒体)?记者|通讯员|文/图|摄影|(?:责任|美术)?编辑|校对"
_STOP = rf"{_CUE}|摄|供图"
_NAME = rf"(?:(?!{_STOP})[{_HAN}]){{2,4}}(?=(?:{_STOP})|[^{_HAN}]|$)"
_NAMES = rf"{_NAME}(?:(?:\s*[、，,]\s*|[ \t\u3000]+){_NAME})*"

_BYLINE_PREFIX = re.compile(
    rf"(?:文/图\s*(?={_PAPER}))?(?:本报|(?P<paper>{_PAPER})(?:[·•・][^\s/]*?)?)?(?=[ \t\u3000]*(?:{_CUE}))"
)
_SEGMENT = re.compile(rf"\s*(?P<cue>{_CUE})(?P<sep>[ \t\u3000]*[/／:：]?[ \t\u3000]*)(?P<names>{_NAMES})")
#: ``本报讯（记者 周圆）…``: a byline in brackets at the start of the first paragraph.
_DATELINE = re.compile(rf"^\s*(?:本报|(?P<paper>{_PAPER}))?讯\s*[（(](?P<inner>[^（()）]{{2,60}})[）)]")
_EDITOR_SEGMENT = re.compile(rf"(?P<cue>(?:责任|美术)?编辑|校对)\s*[:：]\s*(?P<names>{_NAMES})")
_PHOTO_TAIL = re.compile(
    rf"(?<![{_HAN}])(?:(?:{_CUE})[ \t\u3000]*[/／]?[ \t\u3000]*)?(?P<names>{_NAMES})"
    rf"(?:[ \t\u3000]+|[ \t\u3000]*[/／][ \t\u3000]*)(?:摄影?|供图)\s*$"
)
_NAME_RUN = re.compile(rf"[{_HAN}]+")
_PAPER_LINE = re.compile(rf"^\s*(?P<paper>{_PAPER})\s+(?P<page>[A-Za-z]?\d{{1,2}}|第\d{{1,3}}版)\s*$")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[-/](?P<m2>\d{1,2})[-/](?P<d2>\d{1,2})(?!\d))"
)
_EDITOR_CUE = re.compile(r"(?:(?:责任|美术)?编辑|校对)\s*[:：]")
_PHONE = re.compile(r"电话\s*[:：]")
_DATE_LINE = re.compile(rf"^\s*{_DATE.pattern}\s*(?:星期[一二三四五六日天])?\s*$")
_HEADING = re.compile(r"^\s*(?P<marks>#{1,6})\s+")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、|[-*•]\s)")
_CAPTION = re.compile(r"(?:供图|摄)\s*$")
_SENTENCE_END = re.compile(r"(?:[。！？!?；;…]|\.\.\.)[”’」』）)》】\"'\]]*\s*$")
_CLAUSE_MARK = re.compile(r"[，,、。；;：:！？!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?")

_ROLE_BY_CUE = (("记者", "reporter"), ("通讯员", "correspondent"), ("文/图", "reporter"), ("摄影", "photo"))


def read_articles(inputs: Iterable[str | Path], *, max_bytes: int = 50_000_000) -> Iterator[Article | Problem]:
    """Yield an ``Article`` per article and a ``Problem`` per unreadable input, never raising.

    Inputs are read in the order given; folders are walked recursively in
    sorted order of relative path, taking ``.txt``, ``.md`` and ``.jsonl``.
    """
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = _article_files(path)
            if not files:
                yield Problem(str(given), "no .txt, .md or .jsonl files")
            for file in files:
                yield from _read_file(file, max_bytes)
        elif path.is_file():
            yield from _read_file(path, max_bytes)
        else:
            yield Problem(str(given), "no such file or folder")


def read_text_file(path: str | Path, *, max_bytes: int = 50_000_000) -> Article:
    """Read one article from a text file; raise ``InputError`` saying why it cannot be read."""
    text, encoding = _decode_file(Path(path), max_bytes)
    return parse_article(Path(path).name, text, str(path), encoding)


def parse_article(doc: str, text: str, source: str, encoding: str = "utf-8") -> Article:
    """Build an ``Article`` from decoded text: header, bylines and repaired paragraphs."""
    text = normalize_newlines(text)
    lines = _lines(text)
    kinds = [_line_kind(line) for _, line in lines]
    header = _header_lines(lines, kinds)
    paper, page = _paper_and_page(lines, kinds, header)
    return Article(
        doc=doc,
        text=text,
        source=source,
        title=_title(lines, kinds),
        newspaper=paper,
        page=page,
        date=next((d for _, line in header if (d := find_date(line))), ""),
        bylines=_bylines(lines, kinds),
        paragraphs=_paragraphs(lines, kinds),
        encoding=encoding,
    )


def paragraph_text(article: Article, paragraph: Paragraph) -> str:
    """The text of a paragraph: its pieces concatenated."""
    return "".join(article.text[start:end] for start, end in paragraph.pieces)


def normalize_newlines(text: str) -> str:
    """Drop a leading BOM and turn ``\\r\\n`` and ``\\r`` into ``\\n``."""
    return _NEWLINES.sub("\n", text.removeprefix("\ufeff"))


def find_date(line: str) -> str:
    """The first valid date in ``line`` as ``YYYY-MM-DD``, or ``""``."""
    for match in _DATE.finditer(line):
        month, day = match["m"] or match["m2"], match["d"] or match["d2"]
        try:
            return datetime.date(int(match["y"]), int(month), int(day)).isoformat()
        except ValueError:
            continue
    return ""


# -- files -------------------------------------------------------------------


def _article_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file():
            found.append((relative.parts, path))
    return [path for _, path in sorted(found)]


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    try:
        if path.suffix.lower() == ".jsonl":
            yield from _read_jsonl(path, max_bytes)
        else:
            yield read_text_file(path, max_bytes=max_bytes)
    except InputError as error:
        yield Problem(error.source, error.problem)


def _decode_file(path: Path, max_bytes: int) -> tuple[str, str]:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(str(path), f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from error
    return _decode_bytes(data, str(path))


def _decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    if b"\x00" in data:
        raise InputError(source, "binary file, not text")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and text.startswith("\ufeff"):
            encoding = "utf-8-sig"
        text = normalize_newlines(text)
        if len(_CONTROL.findall(text)) > BINARY_CONTROL_SHARE * len(text):
            raise InputError(source, "binary file, not text")
        if not text.strip():
            raise InputError(source, "empty file")
        return text, encoding
    raise InputError(source, f"cannot decode as {' or '.join(ENCODINGS)}")


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    text, encoding = _decode_file(path, max_bytes)
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                yield _jsonl_article(path, number, line, encoding)
            except InputError as error:
                yield Problem(error.source, error.problem)


def _jsonl_article(path: Path, number: int, line: str, encoding: str) -> Article:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(where, f"line {number} is not valid JSON ({error.msg})") from error
    if not isinstance(record, dict):
        raise InputError(where, f"line {number} is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, f'line {number} has no non-empty "text"')
    field = {key: str(record[key]).strip() for key in ("id", "title", "date", "source") if record.get(key)}
    article = parse_article(field.get("id", f"{path.name}:{number}"), text, str(path), encoding)
    given = {
        "title": field.get("title"),
        "date": find_date(field.get("date", "")) or field.get("date"),
        "newspaper": field.get("source"),
    }
    return replace(article, **{key: value for key, value in given.items() if value})


# -- header ------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, str]]:
    """``(offset, line)`` for every line of ``text``."""
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    return lines


def _line_kind(line: str) -> str:
    """One of ``blank``, ``paper``, ``info``, ``byline`` (page header) or ``body``."""
    if not line.strip():
        return "blank"
    if _PAPER_LINE.match(line):
        return "paper"
    if len(line) <= INFO_MAX_CHARS and (
        _EDITOR_CUE.search(line) or _DATE_LINE.match(line) or (_PHONE.search(line) and find_date(line))
    ):
        return "info"
    if _byline_segments(line) is not None or _photo_credit(line, whole_line=True):
        return "byline"
    return "body"


def _header_lines(lines: list[tuple[int, str]], kinds: list[str]) -> list[tuple[int, str]]:
    """Lines before the body starts, plus page-header lines anywhere."""
    header, in_body = [], False
    for (offset, line), kind in zip(lines, kinds):
        content = line.strip()
        if kind == "body" and len(content) >= BODY_MIN_CHARS and not _CAPTION.search(content):
            in_body = in_body or not _HEADING.match(line)
        if kind in ("paper", "info", "byline") or (kind == "body" and not in_body):
            header.append((offset, line))
    return header


def _paper_and_page(lines: list[tuple[int, str]], kinds: list[str], header: list[tuple[int, str]]) -> tuple[str, str]:
    for _, line in header:
        if match := _PAPER_LINE.match(line):
            return match["paper"], match["page"]
    for (_, line), kind in zip(lines, kinds):
        match = (_BYLINE_PREFIX if kind == "byline" else _DATELINE).match(line.strip())
        if match and match["paper"]:
            return match["paper"], ""
    return "", ""


def _title(lines: list[tuple[int, str]], kinds: list[str]) -> str:
    for _, line in lines:
        if (match := _HEADING.match(line)) and len(match["marks"]) <= TITLE_HEADING_LEVELS:
            return line[match.end() :].strip()
    for (_, line), kind in zip(lines, kinds):
        if kind == "body" and not _CAPTION.search(line):
            return _HEADING.sub("", line).strip()
    return ""


# -- bylines -----------------------------------------------------------------


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


def _photo_credit(line: str, *, whole_line: bool = False) -> tuple[int, int] | None:
    """The span of the names in a photo credit ending ``line`` (or making it up)."""
    if not _CAPTION.search(line):
        return None
    match = _PHOTO_TAIL.search(line, max(0, len(line.rstrip()) - PHOTO_CREDIT_CHARS))
    if not match or (whole_line and line[: match.start()].strip()):
        return None
    return match.start("names"), match.end("names")


def _role(cue: str) -> str:
    return next((role for word, role in _ROLE_BY_CUE if word in cue), "editor")


def _bylines(lines: list[tuple[int, str]], kinds: list[str]) -> tuple[Byline, ...]:
    found: list[Byline] = []
    for (offset, line), kind in zip(lines, kinds):
        runs: list[tuple[str, int, int]] = []
        if kind == "byline":
            runs = _byline_segments(line) or []
        elif kind == "info":
            runs = [(m["cue"], m.start("names"), m.end("names")) for m in _EDITOR_SEGMENT.finditer(line)]
        elif kind == "body" and (frame := _DATELINE.match(line)):
            runs = _byline_segments(line, frame.start("inner"), frame.end("inner"), framed=True) or []
        if kind in ("byline", "body") and not runs and (span := _photo_credit(line)):
            runs = [("摄影", *span)]
        for cue, start, end in runs:
            for name in _NAME_RUN.finditer(line, start, end):
                found.append(Byline(_role(cue), name[0], offset + name.start(), offset + name.end()))
    unique: dict[tuple[str, str], Byline] = {}
    for byline in found:
        unique.setdefault((byline.role, byline.name), byline)
    return tuple(unique.values())


# -- paragraphs --------------------------------------------------------------


def _content_span(offset: int, line: str) -> tuple[int, int] | None:
    """The span of a line's content, without heading marks or surrounding whitespace."""
    match = _HEADING.match(line)
    start = match.end() if match else len(line) - len(line.lstrip())
    end = len(line.rstrip())
    return (offset + start, offset + end) if end > start else None


def _continues(previous: str, following: str) -> bool:
    """Whether the body line ``following`` carries on a sentence that ``previous`` broke off."""
    before, after = previous.strip(), following.strip()
    return (
        min(len(before), len(after)) >= JOIN_MIN_CHARS
        and bool(_CLAUSE_MARK.search(before))
        and not _SENTENCE_END.search(before)
        and not any(_HEADING.match(line) or _CAPTION.search(line) for line in (before, after))
        and not _LIST_ITEM.match(after)
    )


def _paragraphs(lines: list[tuple[int, str]], kinds: list[str]) -> tuple[Paragraph, ...]:
    paragraphs: list[list[tuple[int, int]]] = []
    previous = None  # the last body line, unless a page-header line came since
    for (offset, line), kind in zip(lines, kinds):
        span = _content_span(offset, line) if kind == "body" else None
        if span is None:
            previous = previous if kind == "blank" else None
            continue
        if previous is not None and _continues(previous, line):
            paragraphs[-1].append(span)
        else:
            paragraphs.append([span])
        previous = line
    return tuple(Paragraph(tuple(pieces)) for pieces in paragraphs)
