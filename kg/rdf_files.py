"""The build's RDF files, written with pyoxigraph from two N-Quads files: the default graph's and the
articles' named graphs' (``kg.export`` streams the latter as the articles are extracted).

The default graph is sorted in runs of ``SORT_RUN`` triples, each written to
a temporary file and merged as it is written (``write_default_graph``), so
its quads are never all in memory; each encoding then streams both files
(``write_rdf``), needing nothing else, so it can be written in a process of
its own.
"""

from __future__ import annotations

import heapq
import itertools
import operator
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from .assembly import assemble
from .careers import Spell
from .identity import Identities
from .rdf import DATA, PREFIXES, Triple, article_quads, default_triples, entity_quads, literal_key, sorted_quads
from .records import Extraction

T = TypeVar("T")

OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
              "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
DATASET_FORMATS = ("trig", "nquads")
#: the buffer in which the N-Quads files are copied into graph.nq
COPY_BYTES = 1 << 20
#: subjects that belong to one article, so their triples cannot come twice
ARTICLE_OWN = (str(DATA["article/"]), str(DATA["evidence/"]))
_OWN_LINES = tuple(f"<{prefix}".encode() for prefix in ARTICLE_OWN)
#: How many triples of the default graph are sorted in memory at a time (some 500 MB at 100,000
#: articles if all were).
SORT_RUN = 250_000


def write_default_graph(graph: nx.MultiDiGraph, spells: Iterable[Spell], identities: Identities, path: str | Path) -> None:
    """The default graph (``kg.rdf.entity_quads``: the same bytes) as N-Quads in ``path``, sorted in runs
    of ``SORT_RUN`` triples on disk beside it and merged."""
    with tempfile.TemporaryDirectory(prefix=".default-graph.", dir=Path(path).parent) as folder:
        sets = default_triples(graph, spells, identities, SORT_RUN)
        runs = [_sorted_run(triples, Path(folder) / f"{number}.nq") for number, triples in enumerate(sets)]
        if len(runs) == 1:
            os.replace(runs[0], path)
        else:
            ox.serialize(_merged(runs), str(path), format=ox.RdfFormat.N_QUADS)


def _sorted_run(triples: set[Triple], path: Path) -> Path:
    ox.serialize(sorted_quads(triples, None), str(path), format=ox.RdfFormat.N_QUADS)
    return path


def _merged(runs: list[Path]) -> Iterator[ox.Quad]:
    """The quads of sorted N-Quads files in one order (``kg.rdf.sorted_quads``'), each once."""
    streams = [ox.parse(path=str(run), format=ox.RdfFormat.N_QUADS) for run in runs]
    last = None
    for key, quad in heapq.merge(*(((quad_key(q), q) for q in stream) for stream in streams), key=operator.itemgetter(0)):
        if key != last:
            yield quad
        last = key


def quad_key(quad: ox.Quad) -> tuple[str, str, str]:
    """A pyoxigraph quad's place in the order of ``kg.rdf.sorted_quads`` (which sorts rdflib terms)."""
    term = quad.object
    key = literal_key(term.value, term.language, term.datatype.value) if isinstance(term, ox.Literal) else term.value
    return quad.subject.value, quad.predicate.value, key


@dataclass(frozen=True)
class Part:
    """A file's bytes from ``start`` on: the articles' named graphs, as a file of their own or the end of one
    an earlier build wrote (``kg build --add``)."""

    path: Path
    start: int = 0

    def open(self) -> BinaryIO:
        stream = open(self.path, "rb")
        stream.seek(self.start)
        return stream


def write_rdf(default: str | Path, named: Sequence[Part], path: str | Path, format: str, *, kept: Part | None = None) -> None:
    """Stream the default graph, then the articles' named graphs, read back from the N-Quads file ``default``
    (``write_default_graph``) and the ``named`` parts, into ``path``; a triple format gets their union.
    N-Quads and N-Triples take the files' lines as they are (pyoxigraph wrote them, one quad a line, each
    term spelt one way), without parsing them again: N-Triples drops a named graph's term from its lines.
    ``kept``: TriG of earlier named graphs, copied as it is between the default graph and ``named``
    (TriG serialises each graph on its own, so the file is the one written from all the graphs at once)."""
    if format == "nquads":
        with open(path, "wb") as target:
            for part in (Part(Path(default)), *named):
                with part.open() as source:
                    shutil.copyfileobj(source, target, COPY_BYTES)
        return
    if format == "nt":
        with open(path, "wb") as target:
            target.writelines(_once(_triple_lines(default, named), lambda line: not line.startswith(_OWN_LINES)))
        return
    if kept is not None:
        _write_trig(default, named, path, kept)
        return
    quads = itertools.chain(_quads(Part(Path(default))), *map(_quads, named))
    items = quads if format in DATASET_FORMATS else union(quads)
    ox.serialize(items, str(path), format=OX_FORMATS[format], prefixes=_prefixes())


def _write_trig(default: str | Path, named: Sequence[Part], path: str | Path, kept: Part) -> None:
    """TriG of the default graph, then ``kept`` (earlier named graphs in TriG), then the ``named`` parts."""
    ox.serialize(_quads(Part(Path(default))), str(path), format=ox.RdfFormat.TRIG, prefixes=_prefixes())
    added = Path(f"{path}.added")
    ox.serialize(itertools.chain(*map(_quads, named)), str(added), format=ox.RdfFormat.TRIG, prefixes=_prefixes())
    try:
        with open(path, "ab") as target, kept.open() as earlier, open(added, "rb") as source:
            shutil.copyfileobj(earlier, target, COPY_BYTES)
            line = source.readline()
            while line.startswith(b"@prefix"):  # declared once, at the top
                line = source.readline()
            target.write(line)
            shutil.copyfileobj(source, target, COPY_BYTES)
    finally:
        added.unlink(missing_ok=True)


#: How a line opening a named graph in TriG ends (no IRI holds ``{``, and a literal's line breaks are escaped).
_OPENS_GRAPH = b"> {\n"


def named_start(path: str | Path) -> int:
    """Where the first named graph of a TriG file pyoxigraph wrote begins (its size if it has none)."""
    at, tail = 0, b""  # the bytes read before ``tail``, the unfinished line read last
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(COPY_BYTES), b""):
            text = tail + block
            found = text.find(_OPENS_GRAPH)
            if found >= 0:
                return at + text.rfind(b"\n", 0, found) + 1
            line = text.rfind(b"\n") + 1
            at, tail = at + line, text[line:]
    return at + len(tail)


def _quads(part: Part) -> Iterator[ox.Quad]:
    with part.open() as stream:
        yield from ox.parse(stream, format=ox.RdfFormat.N_QUADS)


def _prefixes() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items() if prefix != "id"}


def union(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of ``quads``, each once."""
    return _once((quad.triple for quad in quads), lambda triple: not triple.subject.value.startswith(ARTICLE_OWN))


def _once(items: Iterable[T], shared: Callable[[T], bool]) -> Iterator[T]:
    """``items``, each once. Only those several articles can report (``shared``: memberships, awards,
    statements, roles) are remembered, by a 64-bit hash, so memory grows with the graph, not with the
    evidence (two such items sharing a hash, odds of about one in a million at 100,000 articles, would
    lose one of them)."""
    seen: set[int] = set()
    for item in items:
        if shared(item):
            key = hash(item)
            if key in seen:
                continue
            seen.add(key)
        yield item


def _triple_lines(default: str | Path, named: Sequence[Part]) -> Iterator[bytes]:
    """The N-Triples lines of the N-Quads files: the default graph's as they are, each named graph's
    without its graph term, which ends the line (``<IRI> .``; the last ``<`` of the line opens it)."""
    with open(default, "rb") as lines:
        yield from lines
    for part in named:
        with part.open() as lines:
            for line in lines:
                yield line[:line.rfind(b"<")] + b".\n"


def to_graph(extractions: Iterable[Extraction]) -> Graph:
    """The triples a build's ``graph.ttl`` holds for ``extractions``, as an rdflib ``Graph`` (for code that
    wants rdflib, and tests that want no build)."""
    extractions = list(extractions)
    corpus = assemble(lambda: extractions)
    quads = itertools.chain(entity_quads(corpus.graph, corpus.spells, corpus.identities),
                            (q for e in extractions for q in article_quads(e, corpus.identities)))
    text = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph.parse(data=text.decode("utf-8"), format="nt")
