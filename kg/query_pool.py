"""Queries run in worker processes, so a query past its timeout really stops.

``QueryPool(store, workers=4, timeout=30, memory_mb=256, max_rows=10_000)``
forks ``workers`` processes from the process that loaded the store, so the
graph's memory is shared copy-on-write. ``pool.run(text, accept)`` hands a
query to an idle worker (waiting at most ``timeout`` seconds for one) and waits
at most ``timeout`` seconds for its answer; a worker that has not answered by
then is killed and replaced, so its slot comes back. Each worker's address
space is capped (``RLIMIT_AS``) at its size when forked plus ``memory_mb``: a
query that needs more fails (rdflib raises MemoryError, pyoxigraph aborts) and
the worker is replaced, as is one that crashes. Answers come back as
``Serialized`` bytes of at most ``max_rows`` rows.

Linux (``fork``, ``/proc/self/status``); a worker runs nothing but queries: it
imports, logs and prints nothing, so forking from a threaded server is safe.
"""

from __future__ import annotations

import gc
import os
import queue
import resource
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection

from .errors import KgError
from .query import QueryError, QueryRefused, Store, on_deep_stack
from .sparql_results import Serialized

MEGABYTE = 1024 * 1024


class PoolError(KgError):
    """A query that got no answer: no free worker, a timeout, or a worker that died."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _Worker:
    pid: int
    conn: Connection


class QueryPool:
    """Worker processes that answer queries over one loaded store."""

    def __init__(self, store: Store, *, workers: int = 4, timeout: float = 30.0, memory_mb: int = 256,
                 max_rows: int = 10_000) -> None:
        self.store = store
        self.size = workers
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.max_rows = max_rows
        self._spawning = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: dict[int, _Worker] = {}
        self._closed = False
        gc.freeze()  # the loaded graph's objects stay out of the collector, so workers do not copy their pages
        for _ in range(workers):
            self._idle.put(self._spawn())

    @property
    def pids(self) -> list[int]:
        """The workers' process ids (for measuring their memory)."""
        return list(self._workers)

    def run(self, text: str, accept: str) -> Serialized:
        """The answer to ``text`` in the format ``accept`` prefers; ``PoolError``, ``QueryRefused`` or ``QueryError`` if none."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolError(f"all {self.size} query workers are busy: try again later", 503) from None
        healthy = False
        try:
            worker = self._send(worker, (text, accept, self.max_rows))
            if not worker.conn.poll(self.timeout):
                raise PoolError(f"query timed out after {self.timeout:g} s; it was stopped", 503)
            reply = worker.conn.recv()
            healthy = reply[0] != "memory"
        except (EOFError, OSError):
            ending, status = self._reap(worker)
            raise PoolError(f"the query stopped its worker ({ending}); it was replaced", status) from None
        finally:
            self._idle.put(worker if healthy else self._replace(worker))
        return _unpack(reply)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in list(self._workers.values()):
            self._reap(worker)

    # -- workers --------------------------------------------------------------
    def _send(self, worker: _Worker, request: tuple[str, str, int]) -> _Worker:
        """Send a request; a worker that died while idle is replaced and the request sent to the new one."""
        try:
            worker.conn.send(request)
            return worker
        except OSError:
            worker = self._replace(worker)
            worker.conn.send(request)
            return worker

    def _spawn(self) -> _Worker:
        with self._spawning:  # no other worker inherits this pipe's child end
            parent, child = Pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the worker
                _worker_main(child, self.store, self.memory_mb * MEGABYTE)
            child.close()
        worker = _Worker(pid, parent)
        self._workers[pid] = worker
        return worker

    def _replace(self, worker: _Worker) -> _Worker:
        self._reap(worker)
        return worker if self._closed else self._spawn()

    def _reap(self, worker: _Worker) -> tuple[str, int]:
        """Kill a worker (if still alive) and collect it; says how it ended, with the HTTP status to answer."""
        self._workers.pop(worker.pid, None)
        try:
            os.kill(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            _, status = os.waitpid(worker.pid, 0)
        except ChildProcessError:
            status = 0
        worker.conn.close()
        return _ending(status, self.memory_mb)


def _ending(status: int, memory_mb: int) -> tuple[str, int]:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGSEGV:
            return "it crashed: the query is too complex for the engine", 500
        if number == signal.SIGABRT:  # pyoxigraph aborts when an allocation fails
            return f"it ran out of memory: a query may use {memory_mb} MB", 503
        return f"signal {signal.Signals(number).name}", 500
    return f"exit status {os.WEXITSTATUS(status)}", 500


def _unpack(reply: tuple) -> Serialized:
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "refused":
        raise QueryRefused(reply[2], reply[1])
    if kind == "error":
        raise QueryError(reply[1])
    if kind == "memory":
        raise PoolError(reply[1], 503)
    raise PoolError(f"the query failed: {reply[1]}", 500)


# -- the worker process ---------------------------------------------------------
def _worker_main(conn: Connection, store: Store, memory: int) -> None:  # pragma: no cover - runs in the worker
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
        quiet = os.open(os.devnull, os.O_RDWR)  # an engine's last words (an abort) would go to the server's terminal
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        os.closerange(3, conn.fileno())
        os.closerange(conn.fileno() + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
        on_deep_stack(lambda: _answer_queries(conn, store, memory))
        code = 0
    finally:
        os._exit(code)


def _exit_when_orphaned(parent: int) -> None:  # pragma: no cover - runs in the worker
    """Stop a runaway query whose server is gone (killed, so it could not stop its workers)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _answer_queries(conn: Connection, store: Store, memory: int) -> None:  # pragma: no cover - runs in the worker
    _limit_memory(memory)
    while True:
        try:
            text, accept, max_rows = conn.recv()
        except EOFError:
            return
        try:
            reply: tuple = ("ok", store.serialize(text, accept, max_rows))
        except QueryRefused as refusal:
            reply = ("refused", refusal.status, str(refusal))
        except QueryError as error:
            reply = ("error", str(error))
        except MemoryError:
            conn.send(("memory", f"the query ran out of memory: a query may use {memory // MEGABYTE} MB"))
            return
        except Exception as error:  # reported to the client as a 500
            reply = ("failed", f"{type(error).__name__}: {error}")
        conn.send(reply)


def _limit_memory(extra: int) -> None:  # pragma: no cover - runs in the worker
    """Cap the address space at its present size plus ``extra`` bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))
