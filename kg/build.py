"""The library API behind ``kg build``: read, extract, resolve, graph, export.

Articles stream from the reader through the cache to an executor
(``kg.parallel``: this process, a process pool, or Dask) and back as slim
extractions with their RDF named graphs. Those stream on to disk
(``extractions.jsonl`` and a temporary N-Quads file the RDF exports read
back). Once all are in, ``kg.assembly`` reads the records back to tell persons
apart and make the graph, the careers and the persons' ties; the graph in
memory keeps entities, relations and a few evidence sentences per relation, so
memory grows with the graph, not with the text.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest, record_io, state
from .adding import Added, Previous, add, previous_build
from .assembly import Corpus, walked_again
from .cache import VERSIONS, Cache, article_key, pipeline_version
from .corpus import read_articles
from .corpus.files import DEFAULT_MAX_BYTES
from .export import FORMATS, Earlier, assemble_for, named_graphs, write_outputs
from .files import StagedLines, atomic_write
from .identity import Decision, Group, groups_of
from .outdir import OutputFolder
from .parallel import Outcome, run
from .records import Article, Known, Problem
from .state import State
from .tables import TABLES, RowStore
from .unchanged import Unchanged


CACHE_FOLDER = ".kg-cache"
#: Files larger than this are refused (``kg build --max-bytes``); longer texts are read in chunks.
MAX_BYTES = DEFAULT_MAX_BYTES


@dataclass
class BuildReport:
    """What a build read, skipped and wrote."""

    articles: int = 0
    cached: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    characters: int = 0
    seconds: Counter = field(default_factory=Counter)
    stale: list[str] = field(default_factory=list)  #: outputs of an earlier build left as they were (``kg export``)
    already: list[str] = field(default_factory=list)  #: articles read that the build added to holds: not added again
    notes: list[str] = field(default_factory=list)  #: how the build went, where the user may want to know


def extract_articles(inputs: Iterable[str | Path], *, on_problem: Callable[[Problem], None] = lambda p: None,
                     cache: Cache | None = None, on_cached: Callable[[str], None] = lambda doc: None,
                     max_bytes: int = MAX_BYTES, jobs: int = 1, executor: str = "local", scheduler: str | None = None,
                     seconds: Counter | None = None, ner: bool = True, meta: str | Path | None = None,
                     then: Callable[[], object] = lambda: None, built: Callable[[str], bool] | None = None
                     ) -> Iterator[Outcome]:
    """Slim extractions (with their named graphs) of every readable article, in input order; problems go
    to ``on_problem``.

    With a ``cache``, an article already extracted by the same pipeline
    version is taken from it as its record line (and its id reported to
    ``on_cached``); the others go to the executor. The articles of an input
    file unchanged since the last build come from the cache without the
    file being read (``kg.unchanged``; not with ``meta``). ``seconds`` collects the time of each stage. ``meta`` is a CSV of
    dates and sources that override the articles' own (``kg.corpus.meta``). ``then`` is done once every
    input is read, while the last articles are being extracted. ``built`` (``kg build --add``) says whether
    the build added to holds an article: an unchanged file's article it holds is passed over, not even
    taken from the cache, and the files listed unchanged stay listed.
    """
    seconds = Counter() if seconds is None else seconds
    files = (Unchanged(cache.folder, cache.entry_path, max_bytes, keep=built is not None)
             if cache is not None and meta is None else None)
    lookup = _Lookup(cache, files, max_bytes, on_problem, on_cached, built or (lambda doc: False))

    def items() -> Iterator[Article | Outcome]:
        clock = time.perf_counter()
        for item in read_articles(inputs, max_bytes=max_bytes, meta=meta, known=files.known if files else None):
            seconds["read"] += time.perf_counter() - clock
            if isinstance(item, Problem):
                on_problem(item)
                if files is not None:
                    files.spoiled(item.source)
            else:
                seconds["characters"] += item.chars if isinstance(item, Known) else len(item.text)
                yield from lookup(item)
            clock = time.perf_counter()
        then()

    for outcome in run(items(), jobs=jobs, executor=executor, scheduler=scheduler, ner=ner):
        if isinstance(outcome, Problem):  # the article's extraction failed
            lookup.keys.popleft()
            on_problem(outcome)
            continue
        if not outcome.cached:
            seconds["nlp"] += outcome.nlp_seconds
            seconds["resolve"] += outcome.resolve_seconds
            seconds["rdf (per article)"] += outcome.rdf_seconds
            lookup.store(outcome)
        yield outcome
    if files is not None:
        files.save()


@dataclass
class _Lookup:
    """Where each article read comes from: its cache entry (found unchanged, or checked), else the pipeline."""

    cache: Cache | None
    files: Unchanged | None
    max_bytes: int
    on_problem: Callable[[Problem], None]
    on_cached: Callable[[str], None]
    built: Callable[[str], bool]  #: whether the build added to holds an article already
    keys: deque[str] = field(default_factory=deque)  #: the cache keys of the articles sent to the pipeline

    def __call__(self, item: Article | Known) -> Iterator[Article | Outcome]:
        """The article's outcome from the cache, else the article to extract (nothing for an unchanged
        file's article already built)."""
        if isinstance(item, Known):
            assert self.cache is not None and self.files is not None  # only a build with the cache knows unchanged files
            if self.built(item.doc):
                self.files.saw(item.source, item.doc, item.key, item.chars)
                return
            entry, key, chars = self.cache.get_known(item), item.key, item.chars
            if entry is None:  # gone since the file was found unchanged: read the article again
                yield from self._read_again(item)
                return
        else:
            key, chars = article_key(item), len(item.text)
            entry = self.cache.get_record(item, key) if self.cache is not None else None
        if self.files is not None:
            self.files.saw(item.source, item.doc, key, chars)
        if entry is None:
            self.keys.append(key)
            yield item
            return
        self.on_cached(item.doc)
        yield Outcome(entry.line, entry.nquads, tuple(groups_of(record_io.persons_and_posts(entry.record))), cached=True)

    def _read_again(self, known: Known) -> Iterator[Article | Outcome]:
        again = [a for a in read_articles([known.source], max_bytes=self.max_bytes)
                 if isinstance(a, Article) and a.doc == known.doc]
        if not again:
            self.on_problem(Problem(known.source, f"{known.doc}: its cache entry cannot be read and the file no "
                                                  "longer gives it: skipped"))
        for article in again:
            yield from self(article)

    def store(self, outcome: Outcome) -> None:
        """Put a fresh extraction in the cache, under the key of the article it came from."""
        key = self.keys.popleft()
        if self.cache is not None:
            self.cache.put_line(outcome.line, outcome.nquads, key)


def build(inputs: Iterable[str | Path], out: str | Path, *, on_problem: Callable[[Problem], None] = lambda p: None,
          cache: bool = True, max_bytes: int = MAX_BYTES, jobs: int = 1, executor: str = "local",
          scheduler: str | None = None, ner: bool = True, decisions: Iterable[Decision] = (),
          meta: str | Path | None = None, on_article: Callable[[BuildReport], None] = lambda r: None,
          formats: Iterable[str] = tuple(FORMATS), add: bool = False) -> BuildReport:
    """Build the knowledge graph of ``inputs`` into the folder ``out``.

    Extractions are cached per article in ``out/.kg-cache`` unless ``cache``
    is False; ``ner=False`` leaves the NER model out (the rules alone, many
    times faster); ``decisions`` correct who is who (``kg.identity``); ``meta``
    is a CSV correcting the articles' dates and sources (``kg.corpus.meta``);
    ``on_article`` hears the report after each article (a progress bar).
    ``formats`` (keys of ``kg.export.FORMATS``) are the files written beside
    ``extractions.jsonl``, by ``jobs`` processes at once; files of other
    formats an earlier build wrote stay as they were, recorded as stale
    (``kg.manifest``) until ``kg export`` writes them again. With ``add``, the
    inputs are added to the build already in ``out``: its articles are kept,
    not read again (an input already among them is skipped), and its corpus
    and files are added to where the build kept them (``kg.adding``).
    Nothing is written when no article could be read.
    """
    report = BuildReport()
    decisions = list(decisions)

    def problem(item: Problem) -> None:
        report.problems.append(item)
        on_problem(item)

    def cached(_: str) -> None:
        report.cached += 1

    def invalid(path: Path, why: str) -> None:
        problem(Problem(str(path), f"invalid cache entry ({why}): extracted again"))

    with OutputFolder(out) as folder, walked_again():
        store = Cache(folder.out / CACHE_FOLDER, ner=ner, on_invalid=invalid) if cache else None
        version = pipeline_version(ner, memo=folder.out / CACHE_FOLDER / VERSIONS) if cache or add else ""
        earlier = previous_build(folder.out, version, decisions, formats) if add else None
        built = _Built(earlier, report.already) if earlier is not None else None
        outcomes = extract_articles(inputs, on_problem=problem, cache=store, on_cached=cached, max_bytes=max_bytes,
                                    jobs=jobs, executor=executor, scheduler=scheduler, seconds=report.seconds, ner=ner,
                                    meta=meta, then=lambda: earlier and earlier.kept,  # read while the workers extract
                                    built=built.holds if built is not None else None)
        if built is not None:
            outcomes = filter(built.new, outcomes)
        _write(folder, outcomes, report, _Settings(decisions, tuple(formats), jobs, version, earlier), on_article)
    if report.already:
        shown = ", ".join(report.already[:3]) + (", …" if len(report.already) > 3 else "")
        report.notes.append(f"{len(report.already)} article(s) already in this build, not added again: {shown}")
    return report


@dataclass(frozen=True)
class _Settings:
    """What a build writes: with which decisions, which formats, how many jobs; the pipeline version its state
    is kept under (none: no state is kept); the build it adds to."""

    decisions: list[Decision]
    formats: tuple[str, ...]
    jobs: int
    version: str
    earlier: Previous | None


@dataclass
class _Built:
    """The articles of the ``earlier`` build, and those this one adds after them; an article read again is
    noted in ``already``. The earlier build's are read on first use (its state, once the first unchanged
    file or extracted article comes in: the build reads it meanwhile)."""

    earlier: Previous
    already: list[str]

    def holds(self, doc: str) -> bool:
        """Whether the article is in the build already (then noted)."""
        if doc in self.earlier.docs():
            self.already.append(doc)
            return True
        return False

    def new(self, outcome: Outcome) -> bool:
        """Whether the outcome's article is not in the build already, and so now is."""
        if self.holds(outcome.doc):
            return False
        self.earlier.docs().add(outcome.doc)
        return True


def _write(folder: OutputFolder, outcomes: Iterator[Outcome], report: BuildReport, settings: _Settings,
           on_article: Callable[[BuildReport], None]) -> None:
    """Stream the outcomes into ``folder``'s staging folder and, when any article was read, swap the outputs in.

    Who is who is told from what each record says of its persons, gathered
    as the records stream in; the graph is then made in one pass over
    ``extractions.jsonl`` (or the new records added to an earlier build's corpus)."""
    clock = time.perf_counter()
    lines = StagedLines(folder.staging / manifest.EXTRACTIONS)
    named = StagedLines(folder.staging / "graph.nq")
    groups: list[Group] = []  # who is who is read as the records come, not in a pass of its own
    try:
        for outcome in outcomes:
            lines.write(outcome.line)
            named.append(outcome.nquads)
            groups += outcome.groups
            report.articles += 1
            on_article(report)
    except BaseException:
        lines.discard()
        named.discard()
        raise
    report.characters = report.seconds.pop("characters", 0)
    report.seconds["extract (wall)"] = time.perf_counter() - clock
    if not report.articles:
        lines.discard()
        named.discard()
        _remove_empty(folder.out)
        return
    clock = time.perf_counter()
    try:
        made = _assembled(folder.staging, lines, named, groups, settings, report)
        corpus = made.corpus
        report.seconds["graph"] = time.perf_counter() - clock
        report.entities = sum(1 for _, d in corpus.graph.nodes(data=True) if d["type"] != "ARTICLE")
        report.relations = corpus.graph.number_of_edges()
        current = made.extractions
        written = write_outputs(made.read, made.named, corpus, folder.staging, seconds=report.seconds,
                                formats=settings.formats, jobs=settings.jobs, rows=made.rows, earlier=made.earlier,
                                keep=_keeping(folder.staging, made, groups, current, settings))
    finally:
        lines.discard()
    report.stale = manifest.record(folder.staging, folder.out, settings.decisions, written.starts, current)
    folder.commit()
    report.outputs = [folder.out / manifest.EXTRACTIONS, *(folder.out / p.relative_to(folder.staging) for p in written.paths)]


@dataclass
class _Made:
    """The corpus a build assembled, and what its files are written from: the records, their named graphs,
    the tables' rows; with articles added to an earlier build, the build whose files they add to, and
    what they changed (``kg.adding``)."""

    extractions: str  #: the digest of the extractions.jsonl written
    read: record_io.Records
    named: StagedLines
    corpus: Corpus
    rows: RowStore | None
    earlier: Earlier | None = None
    added: Added | None = None


def _keeping(staging: Path, made: _Made, groups: list[Group], current: str, settings: _Settings) -> Callable[[], None]:
    """The job that keeps the corpus (``kg.state``) for articles to be added to, with ``groups``, every
    article's, and the digest of its extractions ``current``: nothing where the build keeps none."""
    if not settings.version or not state.keeps(made.corpus):
        groups.clear()  # who is who is told: not kept through the exports
        return lambda: None
    whole = State(current, settings.version, settings.decisions, made.corpus, groups)
    if made.added is None or settings.earlier is None or settings.earlier.kept.state is None:
        return lambda: state.save(staging, whole)
    addition, read_bytes = made.added.addition(current), settings.earlier.kept.state.read_bytes
    return lambda: state.save_added(staging, whole, addition, settings.earlier.folder / state.STATE, read_bytes)


def _assembled(staging: Path, lines: StagedLines, named: StagedLines, groups: list[Group], settings: _Settings,
               report: BuildReport) -> _Made:
    """Put ``extractions.jsonl`` in ``staging`` (the earlier build's records, then the new ``lines``) and
    assemble the corpus: the new records added to the earlier build's corpus where they can be
    (``kg.adding``), else from every record. ``groups`` become every article's."""
    earlier = settings.earlier
    if earlier is None:
        lines.commit()
        read = record_io.reader(staging / manifest.EXTRACTIONS, check=False)
        return _Made(manifest.digest(read.path), read, named,
                     *assemble_for(read, settings.decisions, settings.formats, staging, groups))
    new = record_io.reader(lines.close(), check=False)
    atomic_write(staging / manifest.EXTRACTIONS, lambda path: _joined([earlier.extractions, new.path], path))
    kept, why = earlier.kept, earlier.kept.why
    # the earlier records' bytes were hashed when its state was checked: hash the new ones after them
    current = manifest.short(manifest.hashed(new.path, kept.hashed)) if kept.hashed is not None else \
        manifest.digest(staging / manifest.EXTRACTIONS)
    if kept.state is not None:
        rows = RowStore(staging) if {FORMATS[f] for f in settings.formats} & {"graph.sqlite", TABLES} else None
        added = add(kept.state.corpus, kept.state.groups, new(), list(groups), settings.decisions,
                    also=rows.add if rows is not None else None)
        if added is not None:
            groups[:] = [*kept.state.groups, *groups]
            return _Made(current, new, named, added.corpus, rows, Earlier(earlier.folder, kept.starts, added.changes), added)
        if rows is not None:
            rows.discard()
        why = "who is who changed for articles it holds"
    report.notes.append(f"added by assembling every record again: {why}")
    named.discard()
    read = record_io.reader(staging / manifest.EXTRACTIONS, check=False)
    groups[:] = [*kept.state.groups, *groups] if kept.state is not None else [g for e in read() for g in groups_of(e)]
    return _Made(current, read, named_graphs(read, staging, settings.formats),
                 *assemble_for(read, settings.decisions, settings.formats, staging, groups))


def _joined(parts: list[Path], path: Path) -> None:
    """Write the files ``parts`` one after the other into ``path``."""
    with open(path, "wb") as target:
        for part in parts:
            with open(part, "rb") as source:
                shutil.copyfileobj(source, target, 1 << 20)


def _remove_empty(folder: Path) -> None:
    """Take away an output folder this run created and left empty (nothing could be read)."""
    try:
        folder.rmdir()
    except OSError:
        pass


__all__ = ["Article", "BuildReport", "build", "extract_articles"]
