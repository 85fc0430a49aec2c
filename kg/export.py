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
from pathlib import Path

import networkx as nx

from . import manifest, record_io
from .manifest import FORMATS
from .assembly import Corpus, assemble
from .errors import KgError
from .files import StagedLines, atomic_write
from .gephi import write_gexf, write_graphml
from .identity import Decision, Group, Identities, person_id
from .networks import write_people_gexf
from .outdir import OutputFolder
from .records import Extraction
from .rdf import article_nquads, graph_iri
from .rdf_files import write_default_graph, write_rdf
from .tables import TABLES, RowStore, StoredRows, tables, write_csv, write_sqlite
from .view import render_html

#: RDF files and the pyoxigraph format each is written in.
RDF_FORMATS = {"graph.trig": "trig", "graph.nq": "nquads", "graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}
#: Below this many nodes every file is written in this process: starting another (its imports) would cost more than it saves.
PARALLEL_FROM_NODES = 2_000
#: Writers by how long they take on a large corpus, longest first, so parallel workers finish together.
_LONGEST_FIRST = ("graph.html", "graph.jsonld", "graph.trig", "graph.ttl", "graph.nq", "graph.nt", "graph.gexf",
                  "graph.graphml", "people.gexf", "graph.sqlite")


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
                  rows: RowStore | None = None) -> list[Path]:
    """Write the files of ``formats`` (keys of ``FORMATS``) into ``out``; returns their paths.

    ``read`` gives the extractions (afresh on each call) and ``named`` holds
    the articles' named graphs streamed as N-Quads (a temporary file, removed
    at the end); the RDF files stream from it and the default graph made
    from ``corpus``, so the evidence is never all in memory. The named graphs
    of articles that name a person the corpus tells apart from others of the
    name are made again with the person's own id. With ``jobs`` above 1 the
    RDF files are written by other processes while this one writes the others (``_run``). ``rows``: the
    tables' rows ``assemble_for`` gathered (needed for the tables; removed at the end).
    """
    seconds = Counter() if seconds is None else seconds
    chosen = {FORMATS[f] for f in formats}
    jobs = jobs if corpus.graph.number_of_nodes() >= PARALLEL_FROM_NODES else 1
    try:
        writers = _writers(corpus, read, named, chosen, seconds, rows.close() if rows is not None else None)
        for name, elapsed in _run(writers, out, jobs):
            seconds[f"write {name}"] += elapsed
    finally:
        named.discard()
        _default_graph_path(named).unlink(missing_ok=True)
        if rows is not None:
            rows.discard()
    return [out / name for name in writers]


def export(out: Path, formats: Iterable[str] | None = None, *, jobs: int = 1) -> list[str]:
    """Write again, from the folder's ``extractions.jsonl``, the files of ``formats`` (default: the stale ones,
    see ``kg.manifest``), with the who-is-who decisions of the build that made it. Returns the outputs written."""
    with OutputFolder(out) as folder:
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
        named = StagedLines(folder.staging / "graph.nq")
        if {FORMATS[k] for k in wanted} & set(RDF_FORMATS):  # the named graphs only for an RDF file
            for extraction in read():
                named.append(article_nquads(extraction))
        write_outputs(read, named, corpus, folder.staging, formats=wanted, jobs=jobs, rows=rows)
        manifest.record(folder.staging, folder.out, decisions)
        folder.commit()
    return [FORMATS[k] for k in wanted]


def _writers(corpus: Corpus, read: record_io.Records, named: StagedLines, chosen: set[str],
             seconds: Counter, rows: tuple[StoredRows, StoredRows] | None) -> dict[str, Callable[[Path], None]]:
    """The function that writes each chosen file to a path it is given, in ``_LONGEST_FIRST`` order."""
    graph, identities, careers, ties = corpus.graph, corpus.identities, corpus.spells, corpus.ties
    writers: dict[str, Callable[[Path], None]] = {}
    if chosen & set(RDF_FORMATS):
        clock = time.perf_counter()
        default = _default_graph_path(named)
        write_default_graph(graph, careers, identities, default)
        named_path = _renamed(named, read, identities)
        seconds["rdf (default graph)"] += time.perf_counter() - clock
        writers |= {name: functools.partial(write_rdf, default, named_path, format=fmt) for name, fmt in RDF_FORMATS.items()}
    writers |= {
        "graph.gexf": lambda tmp: write_gexf(graph, tmp, _newest_date(graph)),
        "graph.graphml": lambda tmp: write_graphml(graph, tmp),
        "people.gexf": lambda tmp: write_people_gexf(graph, ties, careers, tmp, _newest_date(graph)),
        "graph.html": lambda tmp: tmp.write_text(render_html(graph, spells=careers, ties=ties), encoding="utf-8"),
    }
    if chosen & {"graph.sqlite", TABLES}:
        if rows is None:
            raise ValueError("the tables need the rows assemble_for gathered")
        clock = time.perf_counter()
        researchers = tables(graph, careers, rows, identities)
        seconds["tables"] += time.perf_counter() - clock
        writers["graph.sqlite"] = lambda tmp: write_sqlite(researchers, tmp)
        writers |= {f"{TABLES}/{t.name}.csv": functools.partial(write_csv, t) for t in researchers}
    order = {name: i for i, name in enumerate(_LONGEST_FIRST)}
    return {name: writers[name] for name in sorted(writers, key=lambda n: order.get(n, len(order)))
            if name in chosen or name.partition("/")[0] in chosen}


def _run(writers: dict[str, Callable[[Path], None]], out: Path, jobs: int) -> Iterator[tuple[str, float]]:
    """Write each file atomically into ``out``; yields (name, seconds) as each is done.

    With ``jobs`` above 1, ``jobs - 1`` fresh processes write the RDF files, which need nothing but
    the N-Quads files (``write_rdf``), while this process writes the others, which walk the graph.
    They are spawned, not forked: a forked child shares this process's pages only until it writes to
    them, and it writes to most, since every object it touches has its reference count changed and
    every object it makes fills a free slot of a shared page (a forked RDF writer of the 100,000-article
    build copied 2.6 GB of them)."""
    spawned = [name for name in writers if name in RDF_FORMATS]
    if jobs <= 1 or not spawned:
        yield from (_write_one(out, name, write) for name, write in writers.items())
        return
    with multiprocessing.get_context("spawn").Pool(min(jobs - 1, len(spawned))) as pool:
        done = pool.imap_unordered(_write_job, [(out, name, writers[name]) for name in spawned], chunksize=1)
        yield from (_write_one(out, name, write) for name, write in writers.items() if name not in spawned)
        yield from done


def _write_job(job: tuple[Path, str, Callable[[Path], None]]) -> tuple[str, float]:
    return _write_one(*job)


def _write_one(out: Path, name: str, write: Callable[[Path], None]) -> tuple[str, float]:
    clock = time.perf_counter()
    atomic_write(out / name, write)
    return name, time.perf_counter() - clock


def _renamed(named: StagedLines, read: record_io.Records, identities: Identities) -> Path:
    """The named graphs' file, with the graphs of articles naming a person told apart made again."""
    path = named.close()
    docs = {doc for (doc, name), person in identities.ids.items() if person != person_id(name)}
    if not docs:
        return path
    graphs = {f"<{graph_iri(doc)}> .\n" for doc in docs}
    kept = path.with_name(path.name + ".renamed")
    with open(path, encoding="utf-8") as source, open(kept, "w", encoding="utf-8") as target:
        target.writelines(line for line in source if _graph_term(line) not in graphs)
        for extraction in read.of(docs):
            target.write(article_nquads(extraction, identities))
    os.replace(kept, path)
    return path


def _default_graph_path(named: StagedLines) -> Path:
    """Where the default graph's N-Quads wait for the RDF writers: beside the named graphs' temporary file."""
    return named.temporary.with_name(named.temporary.name + ".default")


def _graph_term(line: str) -> str:
    """The graph term that ends an N-Quads line of a named graph, as ``<IRI> .\\n`` (an IRI holds no ``<``)."""
    return line[line.rfind("<"):]
