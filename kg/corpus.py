"""Read news articles from files, folders and JSONL into ``Article`` records.

Offsets in every record (bylines, paragraph pieces) point into ``Article.text``:
the decoded text with any BOM removed and ``\\r\\n``/``\\r`` turned into ``\\n``.
For an HTML page, ``Article.text`` is the text extracted from the markup
(``html_text``), not the markup itself, so offsets point into that text.
Besides the text, each article gets what its page header says: newspaper,
page, date, title and bylines, and its body split into paragraphs, with
sentences that the print layout broke across blocks joined again.

Reading never raises for a bad input: ``read_articles`` yields a ``Problem``
that names the file (and line, in JSONL) and says why it was skipped or only
partly read. Bytes are decoded as UTF-8, as UTF-16/UTF-32 when a BOM says so,
and otherwise as GB18030 or Big5, whichever reads as more plausible Chinese;
the choice is kept in ``Article.encoding``.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import errno
import functools
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError
from kg.records import Article, Byline, Paragraph, Problem

HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl", *HTML_SUFFIXES)
#: Files larger than this are refused (``max_bytes``); a JSONL file is read line by line, each line under it.
DEFAULT_MAX_BYTES = 20_000_000
#: Tried in this order when a file is not UTF-8 and has no BOM: GB18030 (a superset
#: of GB2312 and GBK) and cp950 (Big5 as Windows writes it).
LEGACY_ENCODINGS = ("gb18030", "cp950")
#: Byte-order marks, longest first (a UTF-32-LE BOM starts with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Leading bytes of common binary formats, for a message that says what the file is.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "empty ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
)
#: How many leading bytes decide whether a file is binary, before the rest is read.
SNIFF_BYTES = 8192
#: Share of control characters above which decoded bytes count as binary.
BINARY_CONTROL_SHARE = 0.3
#: A file none of the encodings reads cleanly is still read when at most this share
#: of its characters (or one in ten or more) are undecodable bytes, replaced by
#: U+FFFD and reported.
MAX_UNDECODABLE_SHARE = 0.01
#: How many characters of each candidate decoding are scored to choose between them.
SCORE_CHARS = 65_536
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
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>/]", re.IGNORECASE | re.DOTALL
)
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_WIDE = r"\u2018-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_HTML_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_WIDE}])")

_ROLE_BY_CUE = (("记者", "reporter"), ("通讯员", "correspondent"), ("文/图", "reporter"), ("摄影", "photo"))


def read_articles(inputs: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Problem]:
    """Yield an ``Article`` per article and a ``Problem`` per input skipped or only partly read, never raising.

    Inputs are read in the order given; folders are walked recursively in
    sorted order of relative path, taking ``.txt``, ``.md``, ``.jsonl``,
    ``.html`` and ``.htm`` files and skipping names that start with a dot.
    Other files in a folder are counted in one ``Problem`` for the folder.
    A symlinked folder is followed once: a link back into a folder being
    read is a ``Problem`` (a symlink loop), as is a dangling link. Files over
    ``max_bytes`` are refused; JSONL files are read a line at a time, and
    each line must be under ``max_bytes``.
    """
    for given in inputs:
        path = Path(given)
        kind = _file_kind(path)
        if isinstance(kind, Problem):
            yield kind
        elif kind == "folder":
            yield from _read_folder(path, max_bytes)
        else:
            yield from _read_file(path, max_bytes)


def read_text_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article from a text or HTML file; raise ``InputError`` saying why it cannot be read.

    A file read only in part (a few undecodable bytes) is returned all the
    same; ``read_articles`` reports it.
    """
    article, _ = _read_text_file(Path(path), max_bytes)
    return article


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


def parse_page(doc: str, text: str, source: str, encoding: str = "utf-8", *, html: bool | None = None) -> Article:
    """``parse_article`` for text that may be an HTML page (``html=None``: if it looks like one).

    A page is reduced to its text by ``html_text``; that text becomes
    ``Article.text``. Its ``<title>`` is the title unless an ``<h1>``/``<h2>``
    heading gives one. Raises ``InputError`` when a page holds no text.
    """
    if html is False or (html is None and not looks_like_html(text)):
        return parse_article(doc, text, source, encoding)
    page = html_text(text)
    if not page.text.strip():
        raise InputError(source, "HTML page without text")
    article = parse_article(doc, page.text, source, encoding)
    return replace(article, title=page.title) if page.title and not page.headed else article


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


def looks_like_html(text: str) -> bool:
    """Whether ``text`` starts like an HTML page (a doctype, ``<html>``, ``<head>`` or ``<body>``)."""
    return bool(_HTML_START.match(text, 0, 4096))


@dataclass(frozen=True)
class HtmlPage:
    """The text of an HTML page, its ``<title>``, and whether it has an h1/h2 heading."""

    text: str
    title: str
    headed: bool


def html_text(markup: str) -> HtmlPage:
    """The text of an HTML page: scripts, styles and markup dropped, entities unescaped.

    Block elements (``p``, ``div``, ``li``, ``tr`` …) become paragraphs
    separated by a blank line and ``<br>`` a line break; headings are written
    with Markdown marks (``<h1>`` → ``# ``), so the page header rules see
    them. Runs of spaces and line breaks collapse to one space as a browser
    shows them, and a line break between two Chinese characters disappears.
    """
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return parser.page()


# -- files -------------------------------------------------------------------


def _file_kind(path: Path) -> str | Problem:
    """``"folder"`` or ``"file"`` for an input that can be read, else the ``Problem`` with it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return Problem(str(path), _stat_problem(path, error))
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return Problem(str(path), f"not a regular file ({_mode_name(mode)})")


def _stat_problem(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(error, FileNotFoundError):
        if path.is_symlink():
            return f"dangling symlink to {os.readlink(path)}"
        return "no such file or folder"
    return f"cannot read: {error.strerror or error}"


def _mode_name(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


def _read_folder(folder: Path, max_bytes: int) -> Iterator[Article | Problem]:
    try:
        found, ignored = _walk(folder)
    except OSError as error:  # the folder went away while it was being read
        yield Problem(str(folder), _stat_problem(folder, error))
        return
    if not any(isinstance(item, Path) for item in found):
        yield Problem(str(folder), f"no {_suffix_list()} files" + _ignored_note(ignored))
        yield from (item for item in found if isinstance(item, Problem))
        return
    for item in found:
        if isinstance(item, Problem):
            yield item
        else:
            yield from _read_file(item, max_bytes)
    if ignored:
        yield Problem(str(folder), _ignored_note(ignored).removeprefix("; "))


def _suffix_list() -> str:
    return ", ".join(ARTICLE_SUFFIXES[:-1]) + " or " + ARTICLE_SUFFIXES[-1]


def _ignored_note(ignored: Counter) -> str:
    if not ignored:
        return ""
    kinds = ", ".join(f"{suffix} {count}" for suffix, count in sorted(ignored.items()))
    total = sum(ignored.values())
    return f"; ignored {total} other file{'s' if total > 1 else ''} ({kinds})"


def _walk(folder: Path) -> tuple[list[Path | Problem], Counter]:
    """Article files under ``folder`` in sorted order, with a ``Problem`` in place of
    each link or file that cannot be followed, and the suffixes of other files.

    Symlinks are followed, but every folder and file is read once: a link to
    a folder it sits in is a loop, and a link to something the walk reaches
    by its own path, or reached before through another link, is skipped.
    """
    found: list[Path | Problem] = []
    ignored: Counter = Counter()
    own = _own_paths(folder)
    root = folder.stat()
    seen: dict[tuple[int, int], Path] = {(root.st_dev, root.st_ino): folder}
    stack = [(iter(_entries(folder, found)), {(root.st_dev, root.st_ino): folder})]
    while stack:
        entries, ancestors = stack[-1]
        path = next(entries, None)
        if path is None:
            stack.pop()
            continue
        try:
            info = path.stat()
        except OSError as error:
            found.append(Problem(str(path), _stat_problem(path, error)))
            continue
        identity = (info.st_dev, info.st_ino)
        is_folder = stat.S_ISDIR(info.st_mode)
        if not is_folder and path.suffix.lower() not in ARTICLE_SUFFIXES:
            ignored[path.suffix.lower() or "no suffix"] += 1
        elif is_folder and identity in ancestors:
            found.append(Problem(str(path), f"symlink loop: leads back to {ancestors[identity]}, a folder it is in"))
        elif identity in own and path.is_symlink():
            what = "folder" if is_folder else "file"
            found.append(Problem(str(path), f"symlink to {os.readlink(path)}, a {what} read at its own path"))
        elif identity in seen:
            found.append(Problem(str(path), f"same {'folder' if is_folder else 'file'} as {seen[identity]}, already read"))
        elif is_folder:
            seen[identity] = path
            stack.append((iter(_entries(path, found)), {**ancestors, identity: path}))
        elif not stat.S_ISREG(info.st_mode):
            found.append(Problem(str(path), f"not a regular file ({_mode_name(info.st_mode)})"))
        else:
            seen[identity] = path
            found.append(path)
    return found, ignored


def _own_paths(folder: Path) -> set[tuple[int, int]]:
    """``(device, inode)`` of every folder and article file reached without following a symlink."""
    own: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or entry.is_symlink():
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISDIR(info.st_mode):
                        stack.append(Path(entry.path))
                    elif Path(entry.name).suffix.lower() not in ARTICLE_SUFFIXES:
                        continue
                    own.add((info.st_dev, info.st_ino))
        except OSError:
            continue
    return own


def _entries(folder: Path, found: list[Path | Problem]) -> list[Path]:
    """The entries of a folder not starting with a dot, sorted by name; a ``Problem`` if it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if not entry.name.startswith("."))
    except OSError as error:
        found.append(Problem(str(folder), f"cannot list folder: {error.strerror or error}"))
        return []
    return [folder / name for name in names]


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    try:
        if path.suffix.lower() == ".jsonl":
            yield from _read_jsonl(path, max_bytes)
            return
        article, note = _read_text_file(path, max_bytes)
    except InputError as error:
        yield Problem(error.source, error.problem)
        return
    yield article
    if note:
        yield Problem(str(path), note)


def _read_text_file(path: Path, max_bytes: int) -> tuple[Article, str]:
    """The article in a text or HTML file, and a note if only part of it could be decoded."""
    source = str(path)
    with _opened(path) as handle:
        head = _sniff(handle, source, max_bytes)
        data = head + handle.read(max_bytes + 1 - len(head))
    if len(data) > max_bytes:
        raise InputError(source, _too_big(len(data), max_bytes, "file"))
    decoded = _decode_bytes(data, source)
    html = True if path.suffix.lower() in HTML_SUFFIXES else None
    article = parse_page(path.name, decoded.text, source, decoded.encoding, html=html)
    return article, decoded.note


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[_Reading]:
    """A regular file opened for reading (never blocking on a FIFO); ``InputError`` if it cannot be."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise InputError(str(path), _stat_problem(path, error)) from error
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(str(path), f"not a regular file ({_mode_name(mode)})")
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        yield _Reading(handle, str(path))


class _Reading:
    """A binary file whose read errors become ``InputError``."""

    def __init__(self, handle: BinaryIO, source: str) -> None:
        self.handle, self.source = handle, source

    def read(self, size: int) -> bytes:
        try:
            return self.handle.read(size)
        except OSError as error:
            raise InputError(self.source, f"cannot read: {error.strerror or error}") from error

    def readline(self, size: int) -> bytes:
        try:
            return self.handle.readline(size)
        except OSError as error:
            raise InputError(self.source, f"cannot read: {error.strerror or error}") from error

    def size(self) -> int:
        return os.fstat(self.handle.fileno()).st_size


def _sniff(handle: _Reading, source: str, max_bytes: int | None) -> bytes:
    """The first bytes of a file, after refusing a file over ``max_bytes`` or a binary one."""
    size = handle.size()
    if max_bytes is not None and size > max_bytes:
        raise InputError(source, _too_big(size, max_bytes, "file"))
    head = handle.read(SNIFF_BYTES)
    if not any(head.startswith(bom) for bom, _ in BOMS):
        _refuse_binary(head, source)
    return head


def _too_big(size: int, limit: int, what: str) -> str:
    return f"{what} is {_bytes(size)}, over the limit of {_bytes(limit)}"


def _bytes(size: int) -> str:
    return f"{size:,} bytes" + (f" ({size / 1_000_000:.1f} MB)" if size >= 1_000_000 else "")


def _refuse_binary(data: bytes, source: str) -> None:
    for magic, name in MAGIC:
        if data.startswith(magic) and (name != "Windows executable" or b"\x00" in data):
            raise InputError(source, f"binary file, not text ({name})")
    if b"\x00" in data:
        raise InputError(source, "binary file, not text")


@dataclass(frozen=True)
class _Decoded:
    text: str
    encoding: str
    note: str = ""


def _decode_bytes(data: bytes, source: str) -> _Decoded:
    """Decode a file's bytes: BOM, else strict UTF-8, else the likelier legacy encoding."""
    decoded = _decode(data, source)
    text = normalize_newlines(decoded.text)
    if len(_CONTROL.findall(text)) > BINARY_CONTROL_SHARE * len(text):
        raise InputError(source, "binary file, not text")
    if not text.strip():
        raise InputError(source, "empty file" + (" (whitespace only)" if text else ""))
    return replace(decoded, text=text)


def _decode(data: bytes, source: str) -> _Decoded:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return _Decoded(body.decode(encoding), encoding)
            except UnicodeDecodeError:
                return _lenient(body, source, (encoding,))
    _refuse_binary(data, source)
    try:
        return _Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    options = [encoding for encoding in LEGACY_ENCODINGS if encoding != declared]
    if declared in LEGACY_ENCODINGS:
        options.insert(0, declared)
    elif declared:
        options.append(declared)
    strict = []
    for encoding in options:
        try:
            strict.append(_Decoded(data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    if declared in LEGACY_ENCODINGS and strict and strict[0].encoding == declared:
        return strict[0]
    legacy = [d for d in strict if d.encoding in LEGACY_ENCODINGS] or strict
    if legacy:
        return max(legacy, key=lambda d: (_plausibility(d.text), -options.index(d.encoding)))
    return _lenient(data, source, ("utf-8", *LEGACY_ENCODINGS))


def _lenient(data: bytes, source: str, encodings: tuple[str, ...]) -> _Decoded:
    """The decoding with the fewest undecodable bytes, if they are few; else ``InputError``."""
    tries = [(data.decode(encoding, errors="replace"), encoding) for encoding in encodings]
    text, encoding = min(tries, key=lambda t: (t[0].count("\ufffd"), -_plausibility(t[0]), encodings.index(t[1])))
    bad = text.count("\ufffd")
    if bad > max(1, MAX_UNDECODABLE_SHARE * len(text)) or len(text) < 10 * bad:
        names = ", ".join(encodings[:-1]) + " or " + encodings[-1] if len(encodings) > 1 else encodings[0]
        raise InputError(source, f"cannot decode as {names}")
    line = text.count("\n", 0, text.index("\ufffd")) + 1
    note = (f"partly read as {encoding}: {bad} undecodable byte sequence{'s' if bad > 1 else ''} "
            f"replaced by U+FFFD, the first on line {line}")
    return _Decoded(text, encoding, note)


def _declared_charset(data: bytes) -> str:
    """The codec an HTML ``<meta charset>`` names in the first bytes (GB2312/GBK as gb18030, Big5 as cp950)."""
    match = _META_CHARSET.search(data, 0, 4096)
    if not match:
        return ""
    try:
        name = codecs.lookup(match[1].decode("ascii")).name
    except LookupError:
        return ""
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "big5hkscs": "cp950"}.get(name, name)


@functools.cache
def _common_hanzi() -> frozenset[str]:
    """The most used Chinese characters: GB2312 level 1 (3,755 simplified) and Big5 level 1 (5,401 traditional)."""
    chars = set()
    for high in range(0xB0, 0xD8):
        chars.update(_decoded_pairs(high, range(0xA1, 0xFF), "gb2312"))
    for high in range(0xA4, 0xC7):
        lows = [*range(0x40, 0x7F), *(range(0xA1, 0xFF) if high < 0xC6 else ())]
        chars.update(_decoded_pairs(high, lows, "cp950"))
    return frozenset(chars)


def _decoded_pairs(high: int, lows: Iterable[int], encoding: str) -> list[str]:
    chars = []
    for low in lows:
        try:
            chars.append(bytes((high, low)).decode(encoding))
        except UnicodeDecodeError:
            continue
    return chars


def _plausibility(text: str) -> int:
    """How much the start of a decoding looks like Chinese text: common characters
    count for it; private-use, unassigned, control and replacement characters against."""
    common = _common_hanzi()
    score = 0
    for char in text[:SCORE_CHARS]:
        if char < "\x80":
            continue
        if char in common:
            score += 1
        elif char == "\ufffd" or unicodedata.category(char) in ("Co", "Cn", "Cc", "Cs"):
            score -= 4
    return score


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    """Articles of a JSONL file, a line at a time (each line under ``max_bytes``); a ``Problem`` per bad line."""
    source = str(path)
    with _opened(path) as handle:
        head = _sniff(handle, source, None)
        if any(head.startswith(bom) for bom, encoding in BOMS if encoding != "utf-8-sig"):
            # UTF-16/32 cannot be split into lines as bytes: decoded whole, under the size limit
            data = head + handle.read(max_bytes + 1 - len(head))
            if handle.size() > max_bytes or len(data) > max_bytes:
                raise InputError(source, _too_big(max(handle.size(), len(data)), max_bytes, "file"))
            decoded = _decode_bytes(data, source)
            lines = (_JsonLine(n, line, decoded.encoding) for n, line in enumerate(decoded.text.split("\n"), 1))
            yield from _jsonl_records(path, lines)
        else:
            yield from _jsonl_records(path, _jsonl_lines(handle, head, source, max_bytes))


@dataclass(frozen=True)
class _JsonLine:
    number: int
    text: str
    encoding: str = "utf-8"
    problem: str = ""
    note: str = ""


def _jsonl_lines(handle: _Reading, head: bytes, source: str, max_bytes: int) -> Iterator[_JsonLine]:
    """Each line of a JSONL file, decoded on its own; a line over ``max_bytes`` is skipped unread."""
    buffer, number = head, 0
    while True:
        newline = buffer.find(b"\n")
        while newline < 0 and len(buffer) <= max_bytes:
            more = handle.readline(max_bytes + 1 - len(buffer))
            if not more:
                break
            buffer += more
            newline = buffer.find(b"\n")
        if not buffer:
            return
        number += 1
        if newline > max_bytes or (newline < 0 and len(buffer) > max_bytes):
            size = newline if newline >= 0 else len(buffer)
            buffer = buffer[newline + 1 :] if newline >= 0 else b""
            while newline < 0 and (rest := handle.readline(SNIFF_BYTES * 16)):
                newline = rest.find(b"\n")
                size += newline if newline >= 0 else len(rest)
            yield _JsonLine(number, "", problem=_too_big(size, max_bytes, f"line {number}"))
            continue
        end = newline + 1 if newline >= 0 else len(buffer)
        line, buffer = buffer[:end], buffer[end:]
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            yield _JsonLine(number, "")
            continue
        try:
            decoded = _decode(line, source)
        except InputError as error:
            yield _JsonLine(number, "", problem=f"line {number}: {error.problem}")
            continue
        yield _JsonLine(number, decoded.text, decoded.encoding, note=decoded.note and f"line {number} {decoded.note}")


def _jsonl_records(path: Path, lines: Iterable[_JsonLine]) -> Iterator[Article | Problem]:
    blank = True
    for line in lines:
        where = f"{path}:{line.number}"
        blank = blank and not line.problem and not line.text.strip()
        if line.problem:
            yield Problem(where, line.problem)
        elif line.text.strip():
            try:
                yield _jsonl_article(path, line.number, line.text, line.encoding)
            except InputError as error:
                yield Problem(error.source, error.problem)
                continue
            if line.note:
                yield Problem(where, line.note)
    if blank:
        yield Problem(str(path), "empty file")


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
    article = parse_page(field.get("id", f"{path.name}:{number}"), text, str(path), encoding)
    given = {
        "title": field.get("title"),
        "date": find_date(field.get("date", "")) or field.get("date"),
        "newspaper": field.get("source"),
    }
    return replace(article, **{key: value for key, value in given.items() if value})


# -- HTML --------------------------------------------------------------------

#: Elements whose content is never text.
_HTML_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"})
#: Elements that start and end a block (a paragraph of the text).
_HTML_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
_HEADING_MARKS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}


class _HtmlText(HTMLParser):
    """Collects the text of a page as blocks, each with the break that goes before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (break before, text)
        self.pending = ""
        self.line: list[str] = []
        self.skip: list[str] = []
        self.pre = 0
        self.heading = ""
        self.headed = False
        self.in_title = False
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.append(tag)
        elif tag in _HTML_SKIP:
            self.skip.append(tag)
        elif tag == "title":
            self.in_title = True
        elif tag == "br":
            self._flush("\n")
        elif tag in _HTML_BLOCKS:
            self._flush("\n\n")
            self.pre += tag == "pre"
            self.heading = _HEADING_MARKS.get(tag, self.heading)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in _HTML_SKIP:  # <script/> has no content to skip
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
        elif tag == "title":
            self.in_title = False
        elif tag in _HTML_BLOCKS:
            self._flush("\n\n")
            self.pre = max(0, self.pre - (tag == "pre"))
            self.heading = ""

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
        else:
            self.line.append(data.replace("\n", "\x00") if self.pre else data)

    def _break(self, separator: str) -> None:
        if self.blocks and len(separator) > len(self.pending):
            self.pending = separator

    def _flush(self, separator: str) -> None:
        text = _collapse_spaces("".join(self.line))
        self.line = []
        for index, piece in enumerate(text.split("\x00")):  # line breaks inside <pre>
            piece = piece.strip(" ")
            if index:
                self._break("\n" if piece else "\n\n")
            if piece:
                if self.heading:
                    self.headed = self.headed or self.heading in ("# ", "## ")
                    piece, self.heading = self.heading + piece, ""
                self.blocks.append((self.pending, piece))
                self.pending = ""
        self._break(separator)

    def page(self) -> HtmlPage:
        self._flush("\n\n")
        text = "".join(separator + block for separator, block in self.blocks)
        title = _collapse_spaces("".join(self.title)).strip()
        return HtmlPage(text + "\n" if text else "", title, self.headed)


def _collapse_spaces(text: str) -> str:
    """Collapse HTML white space as a browser shows it; a line break between Chinese characters goes."""
    return _HTML_SPACES.sub(" ", _HTML_WIDE_BREAK.sub("", text))


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
