"""Input files unchanged since the last build: their articles come from the cache without being read.

After a build with the cache, ``inputs.json`` in the cache's version folder
lists every input file that gave articles and no problem: its absolute path,
size and modification time, and for each of its articles the id, the cache key,
the length of the text and the size and time of its cache entry. The next
build with the same ``--max-bytes`` (and no ``--meta``: its rows change the
articles) does not open a file whose size and time are those listed and whose
entries are as they were: its articles are taken from those entries without
checking them again (``kg.cache.Cache.get_known``; they were checked when
read or written). A file changed in the ``RACY_SECONDS`` before the build
started, or during it, is not listed, since its time may not show a later
change (git's "racily clean" files); a changed pipeline has a new version
folder, so a new list.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from .cache import RACY_SECONDS
from .files import write_text
from .records import Known

#: the list's file in the cache's version folder
INDEX = "inputs.json"
FORMAT = 1


class Unchanged:
    """The input files of the last build (``known``) and those of this one (``saw``, ``spoiled``, ``save``)."""

    def __init__(self, folder: Path, entry_path: Callable[[str], Path], max_bytes: int, *, keep: bool = False) -> None:
        self.path = folder / INDEX
        self.entry_path = entry_path  #: the cache entry of a key
        self.max_bytes = max_bytes
        self.keep = keep  #: list again the files listed before that this build did not see (it adds to that build)
        self.started = time.time()
        self.listed = self._load()
        self.seen: dict[str, list[Known]] = defaultdict(list)
        self.spoiled_files: set[str] = set()

    def _load(self) -> dict[str, list]:
        try:
            index = json.loads(self.path.read_text(encoding="utf-8"))
            if index.get("format") == FORMAT and index.get("max_bytes") == self.max_bytes:
                return index["files"] if isinstance(index.get("files"), dict) else {}
        except (OSError, ValueError, AttributeError):
            pass
        return {}

    def known(self, path: Path) -> list[Known] | None:
        """The articles of ``path`` when it and their cache entries are as the last build left them, else None."""
        name = os.path.abspath(path)
        listed = self.listed.get(name)
        if not listed or _stamp(Path(name)) != listed[0]:
            return None
        articles = []
        for doc, key, chars, entry in listed[1]:
            if _stamp(self.entry_path(key)) != entry:
                return None
            articles.append(Known(doc, str(path), key, chars))
        return articles

    def saw(self, source: str, doc: str, key: str, chars: int) -> None:
        """An article read (or known) from the file ``source`` in this build, under cache ``key``."""
        self.seen[os.path.abspath(source)].append(Known(doc, source, key, chars))

    def spoiled(self, source: str) -> None:
        """A problem named ``source`` (a file, or a line of it as ``FILE:LINE``): that file is not listed."""
        file, _, line = source.rpartition(":")
        self.spoiled_files.add(os.path.abspath(source))
        if file and line.isdigit():  # a line of a JSONL file (or a file so named: then both are read again)
            self.spoiled_files.add(os.path.abspath(file))

    def save(self) -> None:
        """List the files of this build that gave articles and no problem, with their entries as they are now
        (and, with ``keep``, the files listed before that it did not see and that gave it no problem)."""
        files = {name: listed for name, listed in self.listed.items()
                 if name not in self.seen and name not in self.spoiled_files} if self.keep else {}
        for name, articles in self.seen.items():
            if name in self.spoiled_files:
                continue
            stamp, entries = _stamp(Path(name)), [_stamp(self.entry_path(article.key)) for article in articles]
            if stamp and stamp[1] < (self.started - RACY_SECONDS) * 1e9 and all(entries):
                files[name] = [stamp, [[a.doc, a.key, a.chars, entry] for a, entry in zip(articles, entries)]]
        if files or self.listed:
            index = {"format": FORMAT, "max_bytes": self.max_bytes, "files": files}
            write_text(self.path, json.dumps(index, ensure_ascii=False))


def _stamp(path: Path) -> list[int] | None:
    """A file's size and modification time (ns), or None when it cannot be read."""
    try:
        found = path.stat()
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns]
