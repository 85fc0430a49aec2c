"""JSONL files: one article per line, as a JSON object with ``text`` and optional ``id``, ``title``, ``date``, ``source``.

The file is read a line at a time, each line decoded on its own and held
under the size limit, so a huge file streams; a bad line is a ``Problem``
naming ``file:line`` and the other lines are still read. A UTF-16 or UTF-32
file cannot be split into lines as bytes and is decoded whole.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import InputError
from kg.records import Article, Problem

from .decode import SNIFF_BYTES, count_surrogates, decode, decode_file, has_bom, replace_surrogates, sniff, too_big
from .header import find_date
from .opening import Reading
from .parse import parse_page


#: Header fields a record may give besides ``text``.
OPTIONAL_FIELDS = ("id", "title", "date", "source")
#: Longest header field kept (an id, title, date or source name is far shorter).
MAX_FIELD_CHARS = 1_000


@dataclass(frozen=True)
class _JsonLine:
    number: int
    text: str
    encoding: str = "utf-8"
    problem: str = ""
    note: str = ""


def jsonl_articles(handle: Reading, path: Path, max_bytes: int) -> Iterator[Article | Problem]:
    """Articles of an opened JSONL file (each line under ``max_bytes``); a ``Problem`` per bad line."""
    source = str(path)
    head = sniff(handle, source, None)
    if has_bom(head, utf8=False):
        data = head + handle.read(max_bytes + 1 - len(head))
        if handle.size() > max_bytes or len(data) > max_bytes:
            raise InputError(source, too_big(max(handle.size(), len(data)), max_bytes, "file"))
        decoded = decode_file(data, source)
        lines = (_JsonLine(n, line, decoded.encoding) for n, line in enumerate(decoded.text.split("\n"), 1))
        yield from _jsonl_records(path, lines)
    else:
        yield from _jsonl_records(path, _jsonl_lines(handle, head, source, max_bytes))


def _jsonl_lines(handle: Reading, head: bytes, source: str, max_bytes: int) -> Iterator[_JsonLine]:
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
            yield _JsonLine(number, "", problem=too_big(size, max_bytes, f"line {number}"))
            continue
        end = newline + 1 if newline >= 0 else len(buffer)
        line, buffer = buffer[:end], buffer[end:]
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            yield _JsonLine(number, "")
            continue
        try:
            decoded = decode(line, source)
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
                article, notes = _jsonl_article(path, line.number, line.text, line.encoding)
            except InputError as error:
                yield Problem(error.source, error.problem)
                continue
            yield article
            notes = [line.note, *notes] if line.note else notes
            if notes:
                yield Problem(where, f"line {line.number}: " + "; ".join(n.removeprefix(f"line {line.number} ") for n in notes))
    if blank:
        yield Problem(str(path), "empty file")


def _jsonl_article(path: Path, number: int, line: str, encoding: str) -> tuple[Article, list[str]]:
    """The article of one JSONL line, and what was left out or repaired in it (one note each)."""
    where = f"{path}:{number}"
    record = _json_object(line, where, number)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, f'line {number} has no non-empty "text"')
    notes: list[str] = []
    text = _repaired(text, "text", notes)
    field = {key: value for key in OPTIONAL_FIELDS if (value := _optional(record, key, notes))}
    date = field.get("date", "")
    if date and not find_date(date):
        notes.append(f'"date" {_shown(date)} is not a date: left out')
    article = parse_page(field.get("id", f"{path.name}:{number}"), text, str(path), encoding)
    given = {"title": field.get("title"), "date": find_date(date), "newspaper": field.get("source")}
    return replace(article, **{key: value for key, value in given.items() if value}), notes


def _json_object(line: str, where: str, number: int) -> dict:
    """The JSON object on a line, or ``InputError`` saying why it is none."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(where, f"line {number} is not valid JSON ({error.msg})") from error
    except RecursionError as error:
        raise InputError(where, f"line {number} nests arrays or objects too deeply to read") from error
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise InputError(where, f"line {number} cannot be read: {error}") from error
    if not isinstance(record, dict):
        raise InputError(where, f"line {number} is not a JSON object")
    return record


def _optional(record: dict, key: str, notes: list[str]) -> str:
    """A header field of a record as clean text, or ``""`` (with a note) when it is not usable."""
    value = record.get(key)
    if value is None or value == "":
        return ""
    if key == "id" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        notes.append(f'"{key}" is {_json_kind(value)}, not a string: left out')
        return ""
    if len(value) > MAX_FIELD_CHARS:
        notes.append(f'"{key}" is {len(value):,} characters long, over {MAX_FIELD_CHARS:,}: left out')
        return ""
    return _repaired(value, key, notes).strip()


def _repaired(value: str, key: str, notes: list[str]) -> str:
    """``value`` with lone surrogates (which no UTF-8 file can hold) replaced by U+FFFD, one for one."""
    count = count_surrogates(value)
    if count:
        notes.append(f'{count} lone surrogate{"s" if count > 1 else ""} in "{key}" replaced by U+FFFD')
    return replace_surrogates(value)


def _json_kind(value: object) -> str:
    kinds = {dict: "an object", list: "an array", bool: "a boolean", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")
