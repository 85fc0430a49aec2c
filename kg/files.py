"""Write files atomically: to a temporary name in the same folder, then renamed.

An interrupted run leaves the previous file whole. This module imports
nothing from the package, so every layer that writes a file can use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)`` and move the result over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``, atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


class StagedLines:
    """A text file written line by line under a temporary name, moved into place by ``commit``."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.temporary = Path(temporary)
        self.stream = os.fdopen(handle, "w", encoding="utf-8")

    def write(self, line: str) -> None:
        self.stream.write(line + "\n")

    def append(self, text: str) -> None:
        """Write ``text`` as it is (it ends its own lines)."""
        self.stream.write(text)

    def close(self) -> Path:
        """Finish writing and return the temporary file (to read it back before ``commit`` or ``discard``)."""
        self.stream.close()
        return self.temporary

    def commit(self) -> None:
        self.close()
        os.chmod(self.temporary, 0o666 & ~_umask())
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        self.close()
        self.temporary.unlink(missing_ok=True)
