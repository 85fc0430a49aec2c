"""Dates and sources from outside an article's text: its file name, and a researcher's CSV (``kg build --meta``).

An article's date is, in this order of precedence: the date a ``--meta`` CSV
gives it (a researcher's correction), the date its page header or JSONL record
gives, and a date in its file name (``2021-11-24``, ``2021_11_24``,
``20211124``, ``2021年11月24日``). A CSV ``source`` fills ``Article.newspaper``
when the article names none.

The CSV has a header naming ``file`` or ``id`` (or both), ``date`` and
optionally ``source``. ``file`` names a text or HTML file as the input gives it:
a path or its last parts (``seeds/a.txt``, ``a.txt``); ``id`` names a JSONL
record (or a file's bare name). A row giving both names the record ``id`` in
the file ``file``. Bad rows are a ``Problem`` each, naming ``file:line``; the
other rows are still read.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from kg.errors import InputError
from kg.records import Article, Problem

from .decode import decode_file, sniff, too_big
from .opening import opened

FIRST_YEAR, LAST_YEAR = 1949, 2100
#: Largest ``--meta`` CSV read.
MAX_META_BYTES = 50_000_000
#: Entries naming no article are listed up to this many in the closing warning.
UNUSED_SHOWN = 10

_DAY = (r"(?P<y>\d{4})(?:(?P<sep>[-_./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|(?P<m8>\d\d)(?P<d8>\d\d)"
        r"|\s*年\s*(?P<mc>\d{1,2})\s*月\s*(?P<dc>\d{1,2})\s*日)")
_NAME_DAY = re.compile(rf"(?<!\d){_DAY}(?!\d)")
_CELL_DAY = re.compile(rf"\s*{_DAY}\s*")


def date_in_name(name: str) -> str:
    """The first valid date (1949 to 2100) in a file name as ``YYYY-MM-DD``, or ``""``.

    Eight digits count only as a run of their own (``rmrb20211124.txt``, not ``120211124``).
    """
    return next(filter(None, (_valid(match) for match in _NAME_DAY.finditer(name))), "")


def parse_date(value: str) -> str:
    """A CSV cell holding just a date (``2021-11-24``, ``2021/11/24``, ``20211124``, ``2021年11月24日``)
    as ``YYYY-MM-DD``, or ``""``."""
    match = _CELL_DAY.fullmatch(value)
    return _valid(match) if match else ""


def _valid(match: re.Match) -> str:
    month = match["m"] or match["m8"] or match["mc"]
    day = match["d"] or match["d8"] or match["dc"]
    try:
        date = datetime.date(int(match["y"]), int(month), int(day))
    except ValueError:
        return ""
    return date.isoformat() if FIRST_YEAR <= date.year <= LAST_YEAR else ""


@dataclass(frozen=True)
class Entry:
    """One row of a ``--meta`` CSV: which article (``file`` and/or ``id``), its date and source."""

    line: int
    file: str = ""
    id: str = ""
    date: str = ""
    source: str = ""

    def names(self) -> str:
        return " ".join(f"{key} {value!r}" for key, value in (("file", self.file), ("id", self.id)) if value)


@dataclass
class Meta:
    """The entries of a ``--meta`` CSV, looked up by article, and the problems met reading it."""

    path: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._by_id: dict[str, list[Entry]] = {}
        self._by_name: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.id:
                self._by_id.setdefault(entry.id, []).append(entry)
            else:
                self._by_name.setdefault(_parts(entry.file)[-1], []).append(entry)

    def entry_for(self, article: Article) -> Entry | None:
        """The entry naming ``article``, if any."""
        source = _parts(article.source)
        for entry in self._by_id.get(article.doc, []):
            if not entry.file or _ends_with(source, _parts(entry.file)):
                return entry
        if article.source.lower().endswith(".jsonl"):
            return None
        return next((e for e in self._by_name.get(source[-1], []) if _ends_with(source, _parts(e.file))), None)

    def apply(self, article: Article) -> Article:
        """``article`` with the date its entry gives and, when it names none, the newspaper."""
        entry = self.entry_for(article)
        if entry is None:
            return article
        self.used.add(entry.line)
        return replace(article, date=entry.date or article.date, newspaper=article.newspaper or entry.source)

    def unused(self) -> Problem | None:
        """One warning listing the entries that named no article read, or None."""
        unused = [entry for entry in self.entries if entry.line not in self.used]
        if not unused:
            return None
        shown = ", ".join(f"line {e.line} ({e.names()})" for e in unused[:UNUSED_SHOWN])
        more = f" and {len(unused) - UNUSED_SHOWN} more" if len(unused) > UNUSED_SHOWN else ""
        count = f"{len(unused)} entr{'ies' if len(unused) > 1 else 'y'}"
        return Problem(self.path, f"{count} named no article of the input: {shown}{more}")


def _parts(path: str) -> tuple[str, ...]:
    """The parts of a path, ``\\`` taken as ``/`` and ``.`` parts dropped."""
    return tuple(part for part in PurePosixPath(path.replace("\\", "/")).parts if part != ".") or ("",)


def _ends_with(parts: tuple[str, ...], tail: tuple[str, ...]) -> bool:
    return len(tail) <= len(parts) and parts[len(parts) - len(tail) :] == tail


def read_meta(path: str | Path) -> Meta:
    """The entries of a ``--meta`` CSV; a file that cannot be read gives one problem and no entry."""
    source = str(path)
    try:
        text = _csv_text(Path(path))
    except InputError as error:
        return Meta(source, problems=[Problem(error.source, f"{error.problem}: no --meta entry read")])
    entries: list[Entry] = []
    problems: list[Problem] = []
    first: dict[tuple[tuple[str, ...], str], int] = {}
    for item in _rows(source, text):
        if isinstance(item, Entry) and (again := first.setdefault(_named(item), item.line)) != item.line:
            item = Problem(f"{source}:{item.line}", f"{item.names()} already given on line {again}: row skipped")
        (entries if isinstance(item, Entry) else problems).append(item)
    return Meta(source, entries, problems)


def _named(entry: Entry) -> tuple[tuple[str, ...], str]:
    """What an entry names, the same however its path is written."""
    return (_parts(entry.file) if entry.file else (), entry.id)


def _csv_text(path: Path) -> str:
    with opened(path) as handle:
        head = sniff(handle, str(path), MAX_META_BYTES)
        data = head + handle.read(MAX_META_BYTES + 1 - len(head))
    if len(data) > MAX_META_BYTES:
        raise InputError(str(path), too_big(len(data), MAX_META_BYTES, "file"))
    decoded = decode_file(data, str(path))
    if decoded.note:
        raise InputError(str(path), f"not readable as text ({decoded.note})")
    return decoded.text


def _rows(source: str, text: str) -> Iterator[Entry | Problem]:
    """An ``Entry`` or a ``Problem`` for each row after the header."""
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if not ({"file", "id"} & set(header) and "date" in header):
            found = ", ".join(repr(cell[:30]) for cell in header[:6] if cell) or "nothing"
            yield Problem(f"{source}:1", f"the header names {found}, not file or id, date and optionally source "
                                         f"(is this a CSV?): no --meta entry read")
            return
        for row in reader:
            if any(cell.strip() for cell in row):
                yield _entry(dict(zip(header, (cell.strip() for cell in row))), f"{source}:{reader.line_num}",
                             reader.line_num)
    except csv.Error as error:
        yield Problem(f"{source}:{reader.line_num}", f"not CSV ({error}): the rest of the file is not read")


def _entry(cells: dict[str, str], where: str, line: int) -> Entry | Problem:
    file, id_, date, paper = (cells.get(key, "") for key in ("file", "id", "date", "source"))
    if not (file or id_):
        return Problem(where, "names no article (file or id is empty): row skipped")
    if file.lower().endswith(".jsonl") and not id_:
        return Problem(where, f"file {file!r} is a JSONL file, not an article: give the record's id: row skipped")
    if not (date or paper):
        return Problem(where, "gives neither date nor source: row skipped")
    if date and not parse_date(date):
        return Problem(where, f"date {date[:40]!r} is not a date between {FIRST_YEAR} and {LAST_YEAR} "
                              f"(write 2021-11-24): row skipped")
    return Entry(line, file, id_, parse_date(date) if date else "", paper)
