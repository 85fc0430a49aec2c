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

from .decode import SNIFF_BYTES, decode, decode_file, has_bom, sniff, too_big
from .header import find_date
from .opening import Reading
from .parse import parse_page


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
