"""A per-article cache of extractions, keyed by content and pipeline version.

A re-run only processes new or changed articles. The key of an article is a
hash of everything the extraction reads from it (id, text, header fields);
the pipeline version is a hash of the package's version, its rule data and
the code of every extraction stage, so a change to a rule invalidates the
cache by itself. An entry holds the extraction record (``kg.record_io``) and
the article's RDF named graph (N-Quads), as gzip-compressed JSON written
atomically; an unreadable entry is treated as missing.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import tempfile
import zlib
from importlib import resources
from pathlib import Path

import spacy

from . import __version__
from .record_io import extraction_from_json, extraction_json
from .records import Article, Extraction

#: What the extraction depends on, besides the package version and the spaCy version.
STAGES = ("corpus.py", "normalize.py", "extract.py", "resolve.py", "records.py", "graph.py", "rdf.py", "vocab.py",
          "pipeline", "resources", "ner", "models", "record_io.py")
#: gzip level of the entries: fast, and N-Quads shrink about tenfold
COMPRESSION = 1


@functools.cache
def pipeline_version() -> str:
    """A short hash of the code and data that turn an article into an extraction."""
    digest = hashlib.sha256(f"{__version__} spacy {spacy.__version__}".encode())
    root = resources.files("kg")
    for stage in STAGES:
        for path in sorted(_files(root.joinpath(stage)), key=lambda p: str(p)):
            digest.update(str(path).rsplit("kg", 1)[-1].encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _files(entry) -> list:
    if entry.is_file():
        return [entry]
    if not entry.is_dir():
        return []
    return [f for child in entry.iterdir() if child.name != "__pycache__" for f in _files(child)
            if not f.name.endswith(".pyc")]


def article_key(article: Article) -> str:
    """A hash of what the extraction reads from the article."""
    fields = [article.doc, article.text, article.title, article.date, article.newspaper, article.page, article.source]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


class Cache:
    """Extractions on disk under ``folder/VERSION/`` (``VERSION-rules`` without the NER model)."""

    def __init__(self, folder: str | Path, *, ner: bool = True) -> None:
        self.folder = Path(folder) / (pipeline_version() + ("" if ner else "-rules"))

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json.gz"

    def get(self, article: Article) -> tuple[Extraction, str] | None:
        """The cached extraction of this very article and its named graph (N-Quads), or None."""
        try:
            data = json.loads(gzip.decompress(self._path(article_key(article)).read_bytes()))
            return extraction_from_json(data, article), data["nquads"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, zlib.error):
            return None

    def put(self, extraction: Extraction, nquads: str, key: str | None = None) -> None:
        """Store an extraction and its named graph under ``key`` (by default its article's
        key: pass the key of the full article when the extraction carries a slim one)."""
        path = self._path(key or article_key(extraction.article))
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = json.dumps({**extraction_json(extraction), "nquads": nquads}, ensure_ascii=False)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(gzip.compress(entry.encode("utf-8"), compresslevel=COMPRESSION))
        os.replace(temporary, path)


__all__ = ["Cache", "article_key", "pipeline_version"]
