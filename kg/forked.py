"""A job run in a forked child process, which answers through a pipe: what the job returned, or what it raised.

``kg.export`` writes the RDF files so while this process writes the others.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import TypeVar

from .errors import KgError, printable

T = TypeVar("T")


def can_fork() -> bool:
    """Whether this process may fork: the platform has it and no other thread runs (a thread's locks would be
    copied held)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextlib.contextmanager
def forked(job: Callable[[], T]) -> Iterator[Callable[[], T]]:
    """Run ``job`` in a forked child; gives a function that waits for its result (raising what it raised).
    Leaving the block early ends the child."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # what waits in their buffers is this process's to write, not the child's too
    frozen = gc.get_freeze_count()  # left out of collections already (``kg.assembly.cycles_left_alone``): stay so
    gc.freeze()  # the child's collections then leave this process's objects, and their pages, alone
    child = multiprocessing.get_context("fork").Process(target=_answer, args=(job, sending), daemon=True)
    child.start()
    if not frozen:
        gc.unfreeze()
    sending.close()

    def result() -> T:
        try:
            failed, value = receiving.recv()
        except EOFError:
            child.join()  # its exit code is known once it is reaped
            raise KgError(f"the process writing the RDF files ended without a word (exit code {child.exitcode})") from None
        finally:
            child.join()
        if failed:
            raise value
        return value

    try:
        yield result
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
        receiving.close()


def _answer(job: Callable[[], T], sending: Connection) -> None:
    """In the child: send (False, what ``job`` returns) or (True, what it raised)."""
    try:
        answer: tuple[bool, object] = (False, job())
    except BaseException as error:  # noqa: BLE001 - the parent raises it
        answer = (True, error)
    try:
        sending.send(answer)
    except Exception as error:  # noqa: BLE001 - the answer could not be pickled
        sending.send((True, KgError(f"the process writing the RDF files failed: {printable(str(answer[1] if answer[0] else error))}")))
