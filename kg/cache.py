"""A per-article cache of extractions, keyed by content and pipeline version.

A re-run only processes new or changed articles. The key of an article is a
hash of everything the extraction reads from it (id, text, header fields,
bylines, paragraphs); the pipeline version is a hash of what turns an
article into an extraction: the package and spaCy versions, the pipeline's
spaCy config, every file under ``kg/resources/`` and ``kg/models/``, and the
source of every ``kg`` module the per-article stages import (found by
following the imports from ``kg.parallel``), so a change to a rule, a
lexicon or a new data file invalidates the cache by itself. Computing that
version reads every data file and imports spaCy, so the cache folder
remembers it (``versions.json``, written once the folder holds an entry: no
folder is made only to remember a version) under a stamp of the files' names,
sizes and times: a build that finds them unchanged reads no data file and imports no
spaCy. An entry holds the extraction's record line (``kg.record_io``), a
line break and the article's RDF named graph (N-Quads), gzip-compressed and
written atomically, so a build passes the line on as it is; an unreadable
entry is treated as missing.
"""

from __future__ import annotations

import ast
import functools
import gzip
import hashlib
import importlib.metadata
import json
import os
import re
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import KgError
from .record_io import RecordError, check_record, dumps, extraction_from_json, meta_json
from .records import Article, Extraction, Known

#: the package's folder, and the data folders every file of which the version covers
PACKAGE = Path(__file__).resolve().parent
RESOURCES = PACKAGE / "resources"
MODELS = PACKAGE / "models"
#: where the per-article stages start (the workers' entry point) and the module that writes their entries
ENTRY_MODULES = ("kg.parallel", "kg.record_io")
#: gzip level of the entries: fast, and N-Quads shrink about tenfold
COMPRESSION = 1


#: the file in a cache folder that remembers the versions computed there, and how many it keeps
VERSIONS = "versions.json"
KEPT_VERSIONS = 16
#: A stamp with a file changed this recently is not remembered: the file system's clock ticks coarsely,
#: so a file written again within the same tick would keep its times (git's "racily clean" files).
RACY_SECONDS = 2.0
#: versions computed or read in this process, by stamp
_known: dict[str, str] = {}


def pipeline_version(ner: bool = True, *, resources: Path | None = None, models: Path | None = None,
                     package: Path | None = None, memo: Path | None = None) -> str:
    """A short hash of the code, configuration and data that turn an article into an extraction
    (``ner``: with the NER model). The roots default to the package's own folders.

    The version is computed once for each stamp of its files (``_stamp``), in this process and,
    with ``memo`` (a JSON file in a folder that exists), in every process that finds the files
    unchanged since."""
    roots = (resources or RESOURCES, models or MODELS, package or PACKAGE)
    key, settled = _stamp(ner, *roots)
    if not settled:
        return _version(ner, *roots)
    remembered = _read_memo(memo) if memo else {}
    version = _known.get(key) or remembered.get(key) or _version(ner, *roots)
    _known[key] = version
    if memo and remembered.get(key) != version and memo.parent.is_dir():
        _write_memo(memo, remembered, key, version)
    return version


def _stamp(ner: bool, resources: Path, models: Path, package: Path) -> tuple[str, bool]:
    """A hash of the name, size, modification and change time of every file the version reads (and of
    every other module of the package), and of the package and spaCy versions: a file written since,
    whatever its content and however its times were set, changes it (its change time). And whether
    every file is older than ``RACY_SECONDS``."""
    digest = hashlib.sha256(f"govkg {__version__} spacy {importlib.metadata.version('spacy')} ner {ner}\n".encode())
    newest = 0
    for root, paths in ((resources, _data_files(resources)), (models, _data_files(models)),
                        (package, sorted(package.rglob("*.py")))):
        digest.update(f"{root}\n".encode())
        for path in paths:
            info = path.stat()
            digest.update(f"{path.relative_to(root).as_posix()} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}\n"
                          .encode())
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
    return digest.hexdigest(), newest < time.time_ns() - RACY_SECONDS * 1e9


def _version(ner: bool, resources: Path, models: Path, package: Path) -> str:
    """``pipeline_version`` computed from the files' contents and the pipeline's spaCy config."""
    import spacy

    from .pipeline import config_text

    digest = hashlib.sha256(f"govkg {__version__} spacy {spacy.__version__} ner {ner}\n".encode())
    digest.update(config_text(ner=ner).encode("utf-8"))
    for label, root in (("resources", resources), ("models", models)):
        for path in _data_files(root):
            digest.update(_named_bytes(f"{label}/{path.relative_to(root).as_posix()}", path))
    for path in stage_modules(package):
        digest.update(_named_bytes(f"kg/{path.relative_to(package).as_posix()}", path))
    return digest.hexdigest()[:16]


def _read_memo(path: Path) -> dict[str, str]:
    """The stamps and versions a cache folder remembers (none when the file is missing or damaged)."""
    try:
        remembered = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(remembered, dict):
        return {}
    return {key: value for key, value in remembered.items() if isinstance(value, str) and _is_version(value)}


def _is_version(text: str) -> bool:
    return re.fullmatch("[0-9a-f]{16}", text) is not None


def _write_memo(path: Path, remembered: dict[str, str], key: str, version: str) -> None:
    """Remember ``version`` under ``key``, with the latest others; a folder that cannot be written is left as it is."""
    others = [(other, known) for other, known in remembered.items() if other != key]
    kept = dict(others[-(KEPT_VERSIONS - 1):]) | {key: version}
    try:
        _write_atomic(path, json.dumps(kept, indent=1).encode("utf-8"))
    except OSError:
        pass


def _named_bytes(name: str, path: Path) -> bytes:
    """A file's name and bytes, each prefixed by its length, so that no two sets of files hash alike."""
    data = path.read_bytes()
    return f"{len(name)}:{name}{len(data)}:".encode() + data


def _data_files(root: Path) -> list[Path]:
    """Every file under ``root``, recursively and sorted, without Python caches."""
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


# -- the modules of the per-article stages ------------------------------------------------------


def stage_modules(package: Path | None = None, entries: tuple[str, ...] = ENTRY_MODULES) -> list[Path]:
    """The source files of the ``kg`` modules that ``entries`` import, directly or not (entries and
    the packages around them included), sorted; imports are read from the source, not run."""
    package = package or PACKAGE
    found: dict[str, Path] = {}
    todo = list(entries)
    while todo:
        name = todo.pop()
        path = None if name in found else _module_file(package, name)
        if path is None:
            continue
        found[name] = path
        todo.extend(_parents(name))
        todo.extend(imported_modules(path, name))
    return sorted(found.values())


def _module_file(package: Path, name: str) -> Path | None:
    """The source of module ``name`` (``kg`` or ``kg.…``) under ``package``, or None if it is not a module there."""
    parts = name.split(".")
    if parts[0] != "kg":
        return None
    base = package.joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _parents(name: str) -> Iterator[str]:
    """The packages an import of ``name`` runs first (``kg.a.b`` -> ``kg``, ``kg.a``)."""
    parts = name.split(".")
    return (".".join(parts[:end]) for end in range(1, len(parts)))


def imported_modules(path: Path, name: str) -> tuple[str, ...]:
    """Every module name an ``import`` in the source of module ``name`` could load (anywhere in it: lazy
    imports too); ``from m import x`` gives ``m`` and ``m.x``, which counts only if it is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_in(path.read_bytes(), str(path), package)


@functools.lru_cache(maxsize=1024)
def _imports_in(source: bytes, filename: str, package: str) -> tuple[str, ...]:
    """``imported_modules`` of one source text, parsed once per process (a build checks the version often)."""
    names: list[str] = []
    for node in _statements(ast.parse(source, filename=filename).body):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return tuple(names)


def _statements(body: list[ast.AST]) -> Iterator[ast.AST]:
    """Every statement in ``body`` and in the blocks nested in it (an import is a statement, never part
    of an expression, so the walk skips expressions)."""
    for node in body:
        yield node
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from _statements(getattr(node, block, ()))


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of ``from … import``, relative imports resolved against ``package``."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[:len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


# -- entries ---------------------------------------------------------------------------------


def article_key(article: Article) -> str:
    """A hash of what the extraction reads from the article."""
    fields = [article.doc, article.text, article.title, article.date, article.newspaper, article.page, article.source,
              repr(article.bylines), repr(article.paragraphs)]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


class Cache:
    """Extractions on disk under ``folder/VERSION/`` (``VERSION-rules`` without the NER model).

    Every entry is checked when read: its size once decompressed (at most ``MAX_BYTES_PER_CHAR``
    per character of the article, so a gzip bomb is not inflated), its record (``check_record``)
    and its N-Quads, which must parse. An entry that fails is reported to ``on_invalid`` (its path
    and what is wrong) and counts as missing, so the article is extracted again and the entry replaced.
    """

    def __init__(self, folder: str | Path, *, ner: bool = True,
                 on_invalid: Callable[[Path, str], None] = lambda path, problem: None) -> None:
        self.root = Path(folder)
        self.ner = ner
        self.folder = self.root / (pipeline_version(ner, memo=self.root / VERSIONS) + ("" if ner else "-rules"))
        self.on_invalid = on_invalid
        self._remembered = self.root.is_dir()  # then the line above has written the memo, or could not

    def entry_path(self, key: str) -> Path:
        """Where the entry of ``key`` is."""
        return self.folder / key[:2] / f"{key}.json.gz"

    def get(self, article: Article) -> tuple[Extraction, str] | None:
        """The cached extraction of this very article and its named graph (N-Quads), or None."""
        found = self.get_record(article)
        return None if found is None else (extraction_from_json(found.record, article, check=False), found.nquads)

    def get_record(self, article: Article, key: str | None = None) -> Entry | None:
        """The cached extraction of this very article (whose ``key`` it is, if known) as its record, checked,
        and its named graph, or None: what a build writes, without making the objects or the JSON again."""
        path = self.entry_path(key or article_key(article))
        try:
            line, nquads = _entry_text(path, len(article.text))
            record = json.loads(line)
            check_record(record)
            _check_nquads(nquads)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, zlib.error) as error:
            self.on_invalid(path, f"cannot be read: {error}")
            return None
        except (ValueError, RecursionError, RecordError, InvalidEntry) as error:  # JSON and UTF-8 errors are ValueErrors
            self.on_invalid(path, str(error))
            return None
        meta = meta_json(article, record.get("meta", {}).get("jurisdiction", ()))  # the article as read this time
        if meta != record.get("meta"):
            record["meta"] = meta
            line = json.dumps(record, ensure_ascii=False)
        return Entry(line, record, nquads)

    def get_known(self, known: Known) -> Entry | None:
        """The entry of an article of an unchanged input file (``kg.unchanged``), as stored: it was checked when
        its article was read, and it has not changed since; None if it cannot be read now."""
        try:
            line, nquads = _entry_text(self.entry_path(known.key), known.chars)
            record = json.loads(line)
        except (OSError, EOFError, zlib.error, ValueError, RecursionError, InvalidEntry):
            return None
        return Entry(line, record, nquads) if isinstance(record, dict) else None

    def put(self, extraction: Extraction, nquads: str, key: str | None = None) -> None:
        """Store an extraction and its named graph under ``key`` (by default its article's key: pass the key
        of the full article when the extraction carries a slim one)."""
        self.put_line(dumps(extraction), nquads, key or article_key(extraction.article))

    def put_line(self, line: str, nquads: str, key: str) -> None:
        """Store an extraction's record line and its named graph under the article's ``key``."""
        path = self.entry_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = f"{line}\n{nquads}"
        _write_atomic(path, gzip.compress(entry.encode("utf-8"), compresslevel=COMPRESSION))
        if not self._remembered:  # the cache's folder exists now: remember its version there
            pipeline_version(self.ner, memo=self.root / VERSIONS)
            self._remembered = True


@dataclass(frozen=True)
class Entry:
    """A cache entry: the record line (``kg.record_io``), the same record decoded, the named graph (N-Quads)."""

    line: str
    record: dict
    nquads: str


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


class InvalidEntry(KgError):
    """A cache entry that is not what the cache writes."""


#: An entry may inflate to this many bytes per character of its article (the seeds need about 12), plus MIN_LIMIT.
MAX_BYTES_PER_CHAR = 64
MIN_LIMIT = 1 << 20


def _entry_text(path: Path, chars: int) -> tuple[str, str]:
    """The record line and the N-Quads of the entry at ``path``, of an article of ``chars`` characters."""
    line, newline, nquads = _inflate(path, MAX_BYTES_PER_CHAR * chars + MIN_LIMIT).decode("utf-8").partition("\n")
    if not newline:
        raise InvalidEntry("no N-Quads text")
    return line, nquads


def _inflate(path: Path, limit: int) -> bytes:
    """The decompressed bytes of a gzip file, refusing to inflate past ``limit``."""
    with gzip.open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidEntry(f"inflates to over {limit:,} bytes")
    return data


def _check_nquads(text: str) -> None:
    try:
        for _ in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
            pass
    except SyntaxError as error:
        raise InvalidEntry(f"its N-Quads do not parse: {error}") from error


__all__ = ["Cache", "Entry", "InvalidEntry", "article_key", "pipeline_version", "stage_modules"]
