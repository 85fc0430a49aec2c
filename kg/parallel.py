"""Where the per-article stages run: in this process, a local process pool, or a Dask cluster.

Every executor maps ``extract_batch`` over a stream of articles and yields the
results in input order, holding at most a window of articles in flight, so
memory stays bounded however long the stream. Outcomes already known (from
the cache) ride in the same stream and come out in their place, as soon as
everything before them has. Workers load the pipeline
once (``shared_nlp`` is cached per process) and return slim extractions:
the article's text stays behind, only its metadata, the records and the
article's RDF named graph (N-Quads text) travel.

A local pool starts only when a second batch of articles shows up within a
window of the first: one batch, or batches far apart among cached articles,
run in this process, which spares the pool's start. The stages (spaCy, the
pipeline, rdflib) are imported on first use, so a build whose every article
is cached imports none of them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import chain

from . import record_io
from .errors import KgError, printable
from .identity import Group, groups_of
from .records import Article, Extraction, Problem

EXECUTORS = ("local", "dask")
#: Articles a worker takes at a time, and batches in flight per worker.
BATCH = 8
IN_FLIGHT = 4
_PR_SET_PDEATHSIG = 1
#: The longest extraction error shown (on one line, without control characters)
ERROR_CHARS = 300


@dataclass(frozen=True)
class Outcome:
    """An article's record line (``kg.record_io``), its named graph as N-Quads, what it says of who its persons
    are (``kg.identity.groups_of``) and the seconds its stages took (0 when it came from the cache).

    A worker makes the line and the groups itself, so that what travels back is text and a few small records,
    not the extraction's objects, and the build only writes the line as it is: unpickling the objects, writing
    them as JSON and reading their groups cost the main process 0.65 ms an article of the generated corpus,
    taking the line 0.07 ms (a two-job build of the real items: about 3 % less time)."""

    line: str
    nquads: str
    groups: tuple[Group, ...] = ()
    nlp_seconds: float = 0.0
    resolve_seconds: float = 0.0
    rdf_seconds: float = 0.0
    cached: bool = False

    @property
    def doc(self) -> str:
        """The article's id."""
        return record_io.doc_of(self.line)


def slim(extraction: Extraction) -> Extraction:
    """The extraction without the article's text and paragraphs (kept: its metadata)."""
    return replace(extraction, article=replace(extraction.article, text="", paragraphs=()))


def extract_batch(articles: list[Article], ner: bool = True) -> list[Outcome | Problem]:
    """Run the pipeline (with or without the NER model), resolution and RDF conversion on a batch of articles,
    the pipeline once over all of it (its time is shared out among the articles by their length).

    When that raises, each article runs alone, and one that still raises becomes a ``Problem`` naming it:
    an error in extraction costs that article, not its batch or the run.
    """
    try:
        return _extract(articles, ner)
    except Exception:  # noqa: BLE001  (any error of any stage; each article is tried again alone)
        return [_extract_alone(article, ner) for article in articles]


def _extract_alone(article: Article, ner: bool) -> Outcome | Problem:
    try:
        return _extract([article], ner)[0]
    except Exception as error:  # noqa: BLE001
        return left_out(article, printable(f"{type(error).__name__}: {error}", ERROR_CHARS))


def left_out(article: Article, why: str) -> Problem:
    """The problem of an article whose extraction failed: its file, and its id when the file holds several."""
    where = article.source if article.source.endswith(article.doc) else f"{article.source} ({article.doc})"
    return Problem(where, f"extraction failed, article left out: {why}")


def _stages() -> None:
    """Import the per-article stages (spaCy and the pipeline, resolution, rdflib): a process that
    only passes cached outcomes on never needs them; a pool's forked workers inherit them."""
    from . import extract, rdf, resolve  # noqa: F401


def _extract(articles: list[Article], ner: bool) -> list[Outcome]:
    from .extract import read_batch
    from .rdf import article_nquads
    from .resolve import resolve

    start = time.perf_counter()
    readings = read_batch(articles, ner=ner)
    per_char = (time.perf_counter() - start) / max(1, sum(len(article.text) for article in articles))
    outcomes = []
    for article, reading in zip(articles, readings):
        start = time.perf_counter()
        extraction = slim(resolve(reading))
        resolved = time.perf_counter()
        nquads = article_nquads(extraction)
        outcomes.append(Outcome(record_io.dumps(extraction), nquads, tuple(groups_of(extraction)),
                                per_char * len(article.text), resolved - start, time.perf_counter() - resolved))
    return outcomes


def die_with_parent() -> None:
    """Have the kernel end this worker when the build that started it dies (Linux), even by ``kill -9``."""
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # elsewhere a worker ends when it next finds its queue closed


def default_jobs() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(items: Iterable[Article | Outcome], *, jobs: int = 1, executor: str = "local", scheduler: str | None = None,
        ner: bool = True) -> Iterator[Outcome | Problem]:
    """``extract_batch`` over the articles of ``items``, in order, on the chosen executor; an ``Outcome`` among
    them (a cached article) is passed through in its place."""
    if executor == "dask":
        yield from _dask(items, scheduler, ner)
    elif executor != "local":
        raise KgError(f"unknown executor {executor!r}: choose one of {', '.join(EXECUTORS)}")
    elif jobs <= 1:
        yield from _here(_batches(items), ner)
    else:
        yield from _local(_batches(items), jobs, ner)


def _here(batches: Iterable[list], ner: bool) -> Iterator[Outcome | Problem]:
    """The batches' outcomes, extracted in this process (known outcomes as they are)."""
    for batch in batches:
        yield from batch if _done(batch) else extract_batch(batch, ner)


def _local(batches: Iterator[list], jobs: int, ner: bool) -> Iterator[Outcome | Problem]:
    """The batches in this process until a second batch of articles comes within a window (``jobs`` workers'
    worth) of the first; from there on, on a process pool. Known outcomes before any article pass at once."""
    held: list[list] = []
    articles = items = 0
    for batch in batches:
        if not held and _done(batch):
            yield from batch
            continue
        held.append(batch)
        articles, items = articles + (not _done(batch)), items + len(batch)
        if articles > 1:
            yield from _pooled(chain(held, batches), jobs, ner)
            return
        if items >= jobs * IN_FLIGHT * BATCH:  # one batch of articles in a whole window: alone, it runs here
            yield from _here(held, ner)
            held, articles, items = [], 0, 0
    yield from _here(held, ner)


def _pooled(batches: Iterator[list], jobs: int, ner: bool) -> Iterator[Outcome | Problem]:
    pool = _Pool(jobs, ner)
    try:
        yield from _windowed(pool.submit, batches, jobs, pool.collect)
    finally:
        pool.close()


class _Pool:
    """A local process pool that outlives a worker's death (a crash in native code, the kernel's OOM killer):
    the batches the broken pool held run again article by article in a new pool, and an article that
    kills its worker once more becomes a ``Problem``."""

    def __init__(self, jobs: int, ner: bool) -> None:
        _stages()
        self.jobs, self.ner = jobs, ner
        self.generation = 0
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=die_with_parent)

    def submit(self, batch: list[Article]) -> tuple[Future, int]:
        return self.pool.submit(extract_batch, batch, self.ner), self.generation

    def collect(self, submitted: tuple[Future, int], batch: list[Article]) -> list[Outcome | Problem]:
        future, generation = submitted
        try:
            return future.result()
        except BrokenProcessPool:
            self._renew(generation)
            return [self._alone(article) for article in batch]

    def _alone(self, article: Article) -> Outcome | Problem:
        future, generation = self.submit([article])
        try:
            return future.result()[0]
        except BrokenProcessPool:
            self._renew(generation)
            return left_out(article, "its worker process died")

    def _renew(self, generation: int) -> None:
        """A new pool, unless the broken one was already replaced."""
        if generation == self.generation:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new()
            self.generation += 1

    def close(self) -> None:
        self.pool.shutdown()


def _batches(items: Iterable[Article | Outcome]) -> Iterator[list[Article] | list[Outcome]]:
    """Runs of up to ``BATCH`` articles, and runs of known outcomes, in order."""
    batch: list = []
    for item in items:
        if batch and (isinstance(item, Outcome) != _done(batch) or len(batch) == BATCH):
            yield batch
            batch = []
        batch.append(item)
    if batch:
        yield batch


def _done(batch: list) -> bool:
    return isinstance(batch[0], Outcome)


def _windowed(submit: Callable[[list[Article]], object], batches: Iterable[list], workers: int,
              collect: Callable[[object, list[Article]], list] = lambda future, batch: future.result(),
              ) -> Iterator[Outcome | Problem]:
    """Submit batches (of ``_batches``), keeping at most ``IN_FLIGHT`` batches' worth of articles per worker
    waiting (known outcomes included); yield in order, known outcomes as soon as nothing before them is waiting.
    ``collect(submitted, batch)`` waits for a submitted batch's outcomes."""
    pending: deque[tuple[object, list]] = deque()
    waiting = 0
    for batch in batches:
        pending.append((batch if _done(batch) else submit(batch), batch))
        waiting += len(batch)
        while pending and (_done(pending[0][1]) or waiting >= workers * IN_FLIGHT * BATCH):
            head, batch_of_head = pending.popleft()
            waiting -= len(batch_of_head)
            yield from batch_of_head if _done(batch_of_head) else collect(head, batch_of_head)
    while pending:
        head, batch_of_head = pending.popleft()
        yield from batch_of_head if _done(batch_of_head) else collect(head, batch_of_head)


def _dask(items: Iterable[Article | Outcome], scheduler: str | None, ner: bool) -> Iterator[Outcome | Problem]:
    if not scheduler:
        raise KgError("--executor dask needs --scheduler ADDRESS (e.g. tcp://127.0.0.1:8786)")
    try:
        from distributed import Client
    except ImportError as error:
        raise KgError("--executor dask needs the dask extra: pip install 'govkg[dask]'") from error
    with Client(scheduler, set_as_default=False) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _windowed(lambda batch: client.submit(extract_batch, batch, ner, pure=False), _batches(items), workers)
