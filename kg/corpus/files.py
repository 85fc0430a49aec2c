"""Reading inputs: folders walked, and each file handed to the reader its suffix calls for.

``read_articles`` is the entry point and never raises for a bad input: it
yields a ``Problem`` that names the file (and line, in JSONL) and says why
it was skipped or only partly read. A folder is walked once, symlinks
included, without loops; a file is read under a size limit (``opening``
opens it, ``decode`` turns its bytes into text, ``jsonl`` and ``parse``
make articles of it).
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.errors import InputError
from kg.records import Article, Known, Problem

from .decode import LONE_SURROGATE, decode_file, replace_surrogates, sniff, too_big
from .jsonl import jsonl_articles
from .meta import date_in_name, read_meta
from .opening import mode_name, opened, stat_problem
from .parse import parse_page

#: The articles of a file unchanged since the last build (``kg.unchanged``), or None to read it.
KnownFile = Callable[[Path], list[Known] | None]

HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl", *HTML_SUFFIXES)
#: Files larger than this are refused (``max_bytes``); a JSONL file is read line by line, each line under it.
DEFAULT_MAX_BYTES = 20_000_000


def read_articles(inputs: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
                  meta: str | Path | None = None, known: KnownFile | None = None) -> Iterator[Article | Known | Problem]:
    """Yield an ``Article`` per article and a ``Problem`` per input skipped or only partly read, never raising.

    Inputs are read in the order given; folders are walked recursively in
    sorted order of relative path, taking ``.txt``, ``.md``, ``.jsonl``,
    ``.html`` and ``.htm`` files and skipping names that start with a dot.
    Other files in a folder are counted in one ``Problem`` for the folder.
    A symlinked folder is followed once: a link back into a folder being
    read is a ``Problem`` (a symlink loop), as is a dangling link. Files over
    ``max_bytes`` are refused; JSONL files are read a line at a time, and
    each line must be under ``max_bytes``.

    A file name that is not UTF-8 (a GBK name from a Chinese archive) is read,
    and shown decoded as GB18030 when it is that, else with ``\\xNN`` escapes.
    An article whose id was already read is skipped, with a ``Problem`` naming both.

    ``meta`` is a CSV of dates and sources that override what the articles say
    (``kg.corpus.meta``): its bad rows come first, as problems, and its rows
    that named no article read come last, as one.

    ``known`` gives, for a file unchanged since the last build, its articles as ``Known`` (their cache
    keys), which are yielded instead of reading it (``kg.unchanged``); it gives None for any other file.
    """
    table = read_meta(meta) if meta is not None else None
    yield from table.problems if table else ()
    first_source: dict[str, str] = {}
    for item in _read_inputs(inputs, max_bytes, known):
        item = _shown_safely(item) if not isinstance(item, Known) else item
        if isinstance(item, Article | Known):
            if item.doc in first_source:
                yield Problem(item.source, f"duplicate id {item.doc!r} (first read from {first_source[item.doc]}): skipped")
                continue
            first_source[item.doc] = item.source
            item = table.apply(item) if table and isinstance(item, Article) else item
        yield item
    if table and (unused := table.unused()):
        yield unused


def _read_inputs(inputs: Iterable[str | Path], max_bytes: int, known: KnownFile | None) -> Iterator[Article | Known | Problem]:
    for given in inputs:
        path = Path(given)
        kind = _file_kind(path)
        if isinstance(kind, Problem):
            yield kind
        elif kind == "folder":
            yield from _read_folder(path, max_bytes, known)
        else:
            yield from _read_file(path, max_bytes, known)


def _shown_safely(item: Article | Problem) -> Article | Problem:
    """The item with file names that can be written anywhere (see ``display_name``)."""
    if isinstance(item, Problem):
        return Problem(display_name(item.source), display_name(item.problem))
    return replace(item, doc=display_name(item.doc), source=display_name(item.source))


def display_name(text: str) -> str:
    """A path or message as text that any file or terminal takes: the bytes of a name that is not
    UTF-8 (which Python holds as lone surrogates) read as GB18030 when they are that, name by name,
    else shown as ``\\xNN``; any other lone surrogate becomes U+FFFD."""
    if not LONE_SURROGATE.search(text):
        return text
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:
        return replace_surrogates(text)
    return "/".join(_decoded_name(part) for part in raw.split(b"/"))


def _decoded_name(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def read_text_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article from a text or HTML file; raise ``InputError`` saying why it cannot be read.

    A file read only in part (a few undecodable bytes) is returned all the
    same; ``read_articles`` reports it.
    """
    article, _ = _read_text_file(Path(path), max_bytes)
    return article


def _file_kind(path: Path) -> str | Problem:
    """``"folder"`` or ``"file"`` for an input that can be read, else the ``Problem`` with it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return Problem(str(path), stat_problem(path, error))
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return Problem(str(path), f"not a regular file ({mode_name(mode)})")


def _read_folder(folder: Path, max_bytes: int, known: KnownFile | None) -> Iterator[Article | Known | Problem]:
    try:
        found, ignored = _walk(folder)
    except OSError as error:  # the folder went away while it was being read
        yield Problem(str(folder), stat_problem(folder, error))
        return
    if not any(isinstance(item, Path) for item in found):
        yield Problem(str(folder), f"no {_suffix_list()} files" + _ignored_note(ignored))
        yield from (item for item in found if isinstance(item, Problem))
        return
    for item in found:
        if isinstance(item, Problem):
            yield item
        else:
            yield from _read_file(item, max_bytes, known)
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
            found.append(Problem(str(path), stat_problem(path, error)))
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
            found.append(Problem(str(path), f"not a regular file ({mode_name(info.st_mode)})"))
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


def _read_file(path: Path, max_bytes: int, known: KnownFile | None = None) -> Iterator[Article | Known | Problem]:
    if known is not None and (articles := known(path)) is not None:
        yield from articles
        return
    try:
        if path.suffix.lower() == ".jsonl":
            with opened(path) as handle:
                yield from jsonl_articles(handle, path, max_bytes)
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
    with opened(path) as handle:
        head = sniff(handle, source, max_bytes)
        data = head + handle.read(max_bytes + 1 - len(head))
    if len(data) > max_bytes:
        raise InputError(source, too_big(len(data), max_bytes, "file"))
    decoded = decode_file(data, source)
    html = True if path.suffix.lower() in HTML_SUFFIXES else None
    article = parse_page(path.name, decoded.text, source, decoded.encoding, html=html)
    if not article.date:
        article = replace(article, date=date_in_name(path.name))
    return article, decoded.note
