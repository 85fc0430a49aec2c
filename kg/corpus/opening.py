"""Opening one input file safely: never blocking on a FIFO, refusing what is not a regular file,
and turning every read error into an ``InputError`` that says why."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError


def stat_problem(path: Path, error: OSError) -> str:
    """Why a path cannot be read, from the error its ``stat`` or ``open`` raised."""
    if error.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(error, FileNotFoundError):
        if path.is_symlink():
            return f"dangling symlink to {os.readlink(path)}"
        return "no such file or folder"
    return f"cannot read: {error.strerror or error}"


def mode_name(mode: int) -> str:
    """What a file that is not a regular file or folder is (``a FIFO``, ``a socket`` …)."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Reading]:
    """A regular file opened for reading (never blocking on a FIFO); ``InputError`` if it cannot be."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise InputError(str(path), stat_problem(path, error)) from error
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(str(path), f"not a regular file ({mode_name(mode)})")
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        yield Reading(handle, str(path))


class Reading:
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
