"""The output folder of a build: one build at a time, and all its files replace the old ones together.

``OutputFolder(out)`` is a context manager. Entering it takes a lock (the
sibling file ``.NAME.kg-lock``, held with ``flock``, so a build that is
killed frees it) and clears what a crashed build left. The build writes
every output into ``staging`` (the sibling folder ``.NAME.kg-staging``);
``commit()`` then carries the old folder's other entries (the cache, a
user's own files) into it and exchanges the two folders in one atomic
``renameat2(RENAME_EXCHANGE)``, and deletes the old outputs. A crash before
the exchange leaves the old set of files, after it the new one; the next
run puts back what was carried and removes the rest. Where folders cannot
be exchanged (not Linux, another file system), the files are moved one by
one, each atomically.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from pathlib import Path
from types import TracebackType

from .errors import KgError

#: Names the staging folder carried over from the old folder, written before they move.
CARRIED = ".kg-carried"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputBusy(KgError):
    """Another build is writing to the same output folder."""


class OutputFolder:
    """An output folder locked for one build, with a staging folder to write into."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out).absolute()
        if self.out.exists() and not self.out.is_dir():
            raise KgError(f"{out}: not a folder")
        self.lock_path = self.out.with_name(f".{self.out.name}.kg-lock")
        self.staging = self.out.with_name(f".{self.out.name}.kg-staging")
        self._lock: int | None = None

    def __enter__(self) -> OutputFolder:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _take_lock(self.lock_path, self.out)
        recover(self.out, self.staging)
        self.staging.mkdir()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock is not None:
            self.lock_path.unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def commit(self) -> None:
        """Make the staged files the folder's files, all at once."""
        if not self.out.exists():
            os.rename(self.staging, self.out)
            return
        staged = {entry.name for entry in self.staging.iterdir()}
        carried = sorted(entry.name for entry in self.out.iterdir() if entry.name not in staged)
        (self.staging / CARRIED).write_text("".join(f"{name}\n" for name in carried), encoding="utf-8")
        for name in carried:
            os.rename(self.out / name, self.staging / name)
        if _exchange(self.staging, self.out):
            (self.out / CARRIED).unlink()
        else:
            _move_each(self.staging, self.out, staged)
        shutil.rmtree(self.staging, ignore_errors=True)


def _take_lock(path: Path, out: Path) -> int:
    """Hold the lock file at ``path``, or raise ``OutputBusy`` naming the process that holds it."""
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(handle)
            raise OutputBusy(f"{out}: another kg build (process {holder}) is writing here; "
                             "wait for it to finish or choose another --out") from None
        if _same_file(handle, path):  # not unlinked by the build that held it just before
            os.ftruncate(handle, 0)
            os.write(handle, str(os.getpid()).encode())
            return handle
        os.close(handle)


def _same_file(handle: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle).st_ino
    except FileNotFoundError:
        return False


def recover(out: Path, staging: Path) -> None:
    """Clear what a crashed build left: put back the entries it had carried out of ``out``, drop the rest."""
    if not staging.exists():
        (out / CARRIED).unlink(missing_ok=True)
        return
    _put_back(staging, out)
    (out / CARRIED).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _put_back(staging: Path, out: Path) -> None:
    """Move the entries the journal says were carried out of ``out`` back into it (those still in ``staging``)."""
    journal = staging / CARRIED
    names = journal.read_text(encoding="utf-8").split("\n") if journal.exists() else []
    for name in filter(None, names):
        if (staging / name).exists() and not (out / name).exists():
            os.rename(staging / name, out / name)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _move_each(staging: Path, out: Path, names: set[str]) -> None:
    """The fallback: carried entries back, then each staged entry over its old self."""
    _put_back(staging, out)
    for name in sorted(names):
        target = out / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(staging / name, target)


__all__ = ["OutputBusy", "OutputFolder", "recover"]
