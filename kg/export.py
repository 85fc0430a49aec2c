"""Write the build's files: extractions.jsonl, graph.ttl/.nt/.nq/.jsonld/.trig, graph.gexf, graph.graphml, people.gexf, graph.html,
the researchers' tables (``tables/*.csv``) and ``graph.sqlite``.

Every file is written atomically (``kg.files``), so an interrupted run leaves
the previous file whole.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from . import manifest, record_io
from .manifest import FORMATS
from .assembly import Corpus, assemble, walked_again
from .errors import KgError
from .files import StagedLines, atomic_write
from .forked import can_fork, forked
from .gephi import write_gexf, write_graphml
from .identity import Decision, Group, Identities, person_id
from .networks import write_people_gexf
from .outdir import OutputFolder
from .records import Extraction
from .rdf import article_nquads, graph_iri
from .rdf_added import Changes, write_added
from .rdf_files import Part, named_start, write_default_graph, write_rdf
from .tables import TABLES, RowStore, StoredRows, Table, tables, write_csv, write_sqlite
from .view import render_html

#: RDF files and the pyoxigraph format each is written in.
RDF_FORMATS = {"graph.trig": "trig", "graph.nq": "nquads", "graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}
#: Below this many nodes every file is written in this process: starting another (its imports) would cost more than it saves.
PARALLEL_FROM_NODES = 2_000
#: Graphs below this many nodes have their RDF files written by a forked process (``_run``). At 10,000 generated
#: articles (52,000 nodes) the pages it copied raised the build's peak, all processes together, from about 930 to
#: 1,200 MB; a build of 100,000 articles (over 100,000 nodes, its articles alone) spawns one, as it did when its
#: memory was measured within 4 GB.
FORK_BELOW_NODES = 100_000
#: The stage each file's writing is timed under: this and the file's name.
WRITE = "write "
#: The stage the default graph's making is timed under.
DEFAULT_GRAPH = "rdf (default graph)"
#: The stage ``write_outputs``' last job on the corpus (keeping it for ``kg build --add``) is timed under.
KEEP = "keep the corpus"
#: The tables whose rows come from the articles one by one: a build that adds articles adds their rows.
ARTICLE_TABLES = ("mentions", "evidence")


@dataclass(frozen=True)
class Earlier:
    """The files of the build that articles are added to (``kg build --add``): its folder and where the
    articles' named graphs begin in its ``graph.nq`` and ``graph.trig`` (``Written.starts``)."""

    folder: Path
    starts: dict[str, int]
    changes: Changes | None = None  #: what the added articles change in its default graph (None: make it whole)

    def parts(self) -> list[Part]:
        return [Part(self.folder / "graph.nq", self.starts["graph.nq"])]

    def trig(self) -> Part | None:
        start = self.starts.get("graph.trig")
        return Part(self.folder / "graph.trig", start) if start is not None else None


@dataclass(frozen=True)
class Written:
    """The files ``write_outputs`` wrote, and where the articles' named graphs begin in the RDF datasets."""

    paths: list[Path]
    starts: dict[str, int]


def _newest_date(graph: nx.MultiDiGraph) -> str:
    return max((d.get("date") or "" for _, d in graph.nodes(data=True) if d["type"] == "ARTICLE"), default="")


def assemble_for(read: Callable[[], Iterable[Extraction]], decisions: Iterable[Decision], formats: Iterable[str],
                 scratch: Path, groups: list[Group] | None = None) -> tuple[Corpus, RowStore | None]:
    """The corpus (``kg.assembly``, with the articles' ``groups`` when known) and, when ``formats`` write
    the tables, their mentions and evidence gathered in the same pass over the records, into a file in
    the folder ``scratch`` (``write_outputs`` removes it)."""
    rows = RowStore(scratch) if {FORMATS[f] for f in formats} & {"graph.sqlite", TABLES} else None
    try:
        return assemble(read, decisions, also=rows.add if rows is not None else None, groups=groups), rows
    except BaseException:
        if rows is not None:
            rows.discard()
        raise


def write_outputs(read: record_io.Records, named: StagedLines, corpus: Corpus, out: Path,
                  seconds: Counter | None = None, formats: Iterable[str] = FORMATS, jobs: int = 1,
                  rows: RowStore | None = None, earlier: Earlier | None = None,
                  keep: Callable[[], None] = lambda: None) -> Written:
    """Write the files of ``formats`` (keys of ``FORMATS``) into ``out``.

    ``read`` gives the extractions (afresh on each call) and ``named`` holds
    the articles' named graphs streamed as N-Quads (a temporary file, removed
    at the end); the RDF files stream from it and the default graph made
    from ``corpus``, so the evidence is never all in memory. The named graphs
    of articles that name a person the corpus tells apart from others of the
    name are made again with the person's own id. With ``jobs`` above 1 the
    RDF files are written by another process while this one writes the others (``_run``). ``rows``: the
    tables' rows ``assemble_for`` gathered (needed for the tables; removed at the end). ``earlier``: the
    build whose articles ``read``, ``named`` and ``rows`` follow (``kg build --add``): its named graphs
    and its article tables' rows come first. ``keep`` is a last job on the corpus as assembled, before
    the files are written (``_run``).
    """
    seconds = Counter() if seconds is None else seconds
    chosen = {FORMATS[f] for f in formats}
    jobs = jobs if corpus.graph.number_of_nodes() >= PARALLEL_FROM_NODES else 1
    rdf = _RdfFiles(corpus, read, named, [name for name in RDF_FORMATS if name in chosen], earlier)
    others = _GraphFiles(corpus, chosen, rows.close() if rows is not None else None, earlier)
    written: list[str] = []
    try:
        for stage, elapsed in _run(rdf, others, out, jobs, keep):
            seconds[stage] += elapsed
            if stage.startswith(WRITE):
                written.append(stage.removeprefix(WRITE))
        starts = {"graph.nq": _default_graph_path(named).stat().st_size} if "graph.nq" in written else {}
        if "graph.trig" in written:
            starts["graph.trig"] = named_start(out / "graph.trig")
    finally:
        named.discard()
        _default_graph_path(named).unlink(missing_ok=True)
        if rows is not None:
            rows.discard()
    return Written([out / name for name in sorted(written)], starts)


def export(out: Path, formats: Iterable[str] | None = None, *, jobs: int = 1) -> list[str]:
    """Write again, from the folder's ``extractions.jsonl``, the files of ``formats`` (default: the stale ones,
    see ``kg.manifest``), with the who-is-who decisions of the build that made it. Returns the outputs written."""
    with OutputFolder(out) as folder, walked_again():
        source = folder.out / manifest.EXTRACTIONS
        if not source.is_file():
            raise KgError(f"{out}: no extractions.jsonl to export from (run kg build first)")
        wanted = list(formats) if formats is not None else [k for k, name in FORMATS.items() if name in manifest.stale(folder.out)]
        if not wanted:
            return []
        shutil.copyfile(source, folder.staging / manifest.EXTRACTIONS)
        read = record_io.reader(folder.staging / manifest.EXTRACTIONS)
        decisions = manifest.load(folder.out).decisions
        corpus, rows = assemble_for(read, decisions, wanted, folder.staging)
        written = write_outputs(read, named_graphs(read, folder.staging, wanted), corpus, folder.staging,
                                formats=wanted, jobs=jobs, rows=rows)
        manifest.record(folder.staging, folder.out, decisions, written.starts)
        folder.commit()
    return [FORMATS[k] for k in wanted]


def named_graphs(read: record_io.Records, staging: Path, formats: Iterable[str]) -> StagedLines:
    """The articles' named graphs made from their records, as N-Quads in a temporary file in ``staging``
    (left empty when ``formats`` write no RDF file)."""
    named = StagedLines(staging / "graph.nq")
    if {FORMATS[k] for k in formats} & set(RDF_FORMATS):
        for extraction in read():
            named.append(article_nquads(extraction))
    return named


@dataclass
class _RdfFiles:
    """The chosen RDF files, written from N-Quads files: the default graph's, made from the corpus
    (``prepare``), and the articles' named graphs, streamed by the build (after an ``earlier`` build's)."""

    corpus: Corpus
    read: record_io.Records
    named: StagedLines
    names: list[str]
    earlier: Earlier | None = None

    def prepare(self) -> tuple[Path, list[Part]]:
        """Write the default graph's file and make the named graphs' one whole; their paths."""
        default = _default_graph_path(self.named)
        _write_default_graph(self.corpus, self.earlier, default)
        named = Part(_renamed(self.named.close(), self.read, self.corpus.identities))
        return default, [*self.earlier.parts(), named] if self.earlier is not None else [named]

    def writers(self, default: Path, named: list[Part]) -> dict[str, Callable[[Path], None]]:
        kept = self.earlier.trig() if self.earlier is not None else None
        return {name: functools.partial(write_rdf, default, named[-1:], format="trig", kept=kept)
                if name == "graph.trig" and kept is not None else
                functools.partial(write_rdf, default, named, format=RDF_FORMATS[name]) for name in self.names}

    def write(self, out: Path) -> Iterator[tuple[str, float]]:
        """Make the default graph, then write each file into ``out``; yields (stage, seconds) as each is done."""
        clock = time.perf_counter()
        paths = self.prepare()
        yield DEFAULT_GRAPH, time.perf_counter() - clock
        yield from (_write_one(out, name, write) for name, write in self.writers(*paths).items())


@dataclass
class _GraphFiles:
    """The chosen files that walk the graph: the page, the Gephi files, the tables and ``graph.sqlite``."""

    corpus: Corpus
    chosen: set[str]
    rows: tuple[StoredRows, StoredRows] | None
    earlier: Earlier | None = None

    def write(self, out: Path) -> Iterator[tuple[str, float]]:
        """Write each file into ``out`` (the tables' rows first made, if any is chosen); yields (stage, seconds)."""
        writers = {name: write for name, write in self._writers().items() if name in self.chosen}
        if self.chosen & {"graph.sqlite", TABLES}:
            clock = time.perf_counter()
            researchers = self._tables()
            yield "tables", time.perf_counter() - clock
            if "graph.sqlite" in self.chosen:
                writers["graph.sqlite"] = functools.partial(write_sqlite, researchers, after=self._earlier("graph.sqlite"),
                                                            added=ARTICLE_TABLES)
            if TABLES in self.chosen:
                writers |= {f"{TABLES}/{t.name}.csv": functools.partial(
                    write_csv, t, after=self._earlier(f"{TABLES}/{t.name}.csv") if t.name in ARTICLE_TABLES else None)
                    for t in researchers}
        yield from (_write_one(out, name, write) for name, write in writers.items())

    def _earlier(self, name: str) -> Path | None:
        """The earlier build's file ``name``, whose article rows the new ones follow (None if none)."""
        return self.earlier.folder / name if self.earlier is not None else None

    def _writers(self) -> dict[str, Callable[[Path], None]]:
        graph, careers, ties = self.corpus.graph, self.corpus.spells, self.corpus.ties
        return {
            "graph.gexf": lambda tmp: write_gexf(graph, tmp, _newest_date(graph)),
            "graph.graphml": lambda tmp: write_graphml(graph, tmp),
            "people.gexf": lambda tmp: write_people_gexf(graph, ties, careers, tmp, _newest_date(graph)),
            "graph.html": lambda tmp: tmp.write_text(render_html(graph, spells=careers, ties=ties), encoding="utf-8"),
        }

    def _tables(self) -> list[Table]:
        if self.rows is None:
            raise ValueError("the tables need the rows assemble_for gathered")
        return tables(self.corpus.graph, self.corpus.spells, self.rows, self.corpus.identities)


def _run(rdf: _RdfFiles, others: _GraphFiles, out: Path, jobs: int, keep: Callable[[], None] = lambda: None
         ) -> Iterator[tuple[str, float]]:
    """Write every file atomically into ``out``; yields (stage, seconds) as each is done.

    With ``jobs`` above 1 another process writes the RDF files while this one writes the others. It is
    forked (``kg.forked``) where the graph is small enough for the pages a child copies to stay cheap: it
    starts at once, with the corpus in hand, and makes the default graph itself; it then does ``keep``,
    on the corpus as it was when it started. A larger graph's default graph is made here, and a fresh
    process, spawned, writes the RDF files from the N-Quads files alone: a forked child shares this
    process's pages only until it writes to them, and it writes to most, since every object it touches
    has its reference count changed (a forked RDF writer of the 100,000-article build copied 2.6 GB of
    them). Otherwise ``keep`` is done here, before the other files."""
    if not rdf.names or jobs <= 1:
        yield _timed(KEEP, keep)
        yield from rdf.write(out) if rdf.names else ()
        yield from others.write(out)
        return
    if rdf.corpus.graph.number_of_nodes() < FORK_BELOW_NODES and can_fork():
        rdf.named.close()
        with forked(lambda: [*rdf.write(out), _timed(KEEP, keep)]) as written:
            yield from others.write(out)
            yield from written()
        return
    clock = time.perf_counter()
    writers = rdf.writers(*rdf.prepare())
    yield DEFAULT_GRAPH, time.perf_counter() - clock
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        done = pool.imap_unordered(_write_job, [(out, name, write) for name, write in writers.items()], chunksize=1)
        yield _timed(KEEP, keep)
        yield from others.write(out)
        yield from done


def _timed(stage: str, job: Callable[[], object]) -> tuple[str, float]:
    clock = time.perf_counter()
    job()
    return stage, time.perf_counter() - clock


def _write_job(job: tuple[Path, str, Callable[[Path], None]]) -> tuple[str, float]:
    return _write_one(*job)


def _write_one(out: Path, name: str, write: Callable[[Path], None]) -> tuple[str, float]:
    clock = time.perf_counter()
    atomic_write(out / name, write)
    return f"{WRITE}{name}", time.perf_counter() - clock


def _write_default_graph(corpus: Corpus, earlier: Earlier | None, path: Path) -> None:
    """The default graph's N-Quads into ``path``: the ``earlier`` build's with what the articles added to it
    change made again (``kg.rdf_added``), else made whole."""
    if earlier is not None and earlier.changes is not None:
        write_added(earlier.folder / "graph.nq", earlier.starts["graph.nq"], corpus.graph, corpus.identities,
                    earlier.changes, path)
    else:
        write_default_graph(corpus.graph, corpus.spells, corpus.identities, path)


def _renamed(path: Path, read: record_io.Records, identities: Identities) -> Path:
    """The named graphs' file ``path``, with the graphs of articles naming a person told apart made again,
    each in its place (its lines are together, and the articles in the order ``read`` gives them)."""
    docs = {doc for (doc, name), person in identities.ids.items() if person != person_id(name)}
    graphs = {f"<{graph_iri(doc)}> .\n": doc for doc in docs}  # how each line of their named graphs ends
    if not graphs:
        return path
    again = read.of(docs)
    kept, last = path.with_name(path.name + ".renamed"), ""
    with open(path, encoding="utf-8") as source, open(kept, "w", encoding="utf-8") as target:
        for line in source:
            term = _graph_term(line)
            if term not in graphs:
                target.write(line)
            elif term != last:
                extraction = next(again)
                if extraction.article.doc != graphs[term]:
                    raise KgError(f"{path}: the named graphs are not in the order of the records")
                target.write(article_nquads(extraction, identities))
            last = term
    os.replace(kept, path)
    return path


def _default_graph_path(named: StagedLines) -> Path:
    """Where the default graph's N-Quads wait for the RDF writers: beside the named graphs' temporary file."""
    return named.temporary.with_name(named.temporary.name + ".default")


def _graph_term(line: str) -> str:
    """The graph term that ends an N-Quads line of a named graph, as ``<IRI> .\\n`` (an IRI holds no ``<``)."""
    return line[line.rfind("<"):]
