"""Write the build's files: extractions.jsonl, graph.ttl/.nt/.jsonld/.trig, graph.gexf, graph.graphml, people.gexf, graph.html,
the researchers' tables (``tables/*.csv``) and ``graph.sqlite``.

Every file is written atomically (``kg.files``), so an interrupted run leaves
the previous file whole.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from . import record_io
from .assembly import Corpus
from .files import StagedLines, atomic_write
from .gephi import write_gexf, write_graphml
from .identity import Identities, person_id
from .networks import write_people_gexf
from .rdf import article_nquads, entity_quads, graph_iri, write_rdf
from .tables import TABLES, tables, write_csv, write_sqlite
from .view import render_html

RDF_FORMATS = {"graph.trig": "trig", "graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}


def _newest_date(graph: nx.MultiDiGraph) -> str:
    return max((d.get("date") or "" for _, d in graph.nodes(data=True) if d["type"] == "ARTICLE"), default="")


def write_outputs(extractions: StagedLines, named: StagedLines, corpus: Corpus, out: Path,
                  seconds: Counter | None = None) -> list[Path]:
    """Write every output file into ``out``; returns their paths.

    ``extractions`` is ``extractions.jsonl`` streamed to a temporary name and
    ``named`` the articles' named graphs streamed as N-Quads (a temporary
    file, removed at the end); the RDF files stream from it and the default
    graph made from ``graph``, so the evidence is never all in memory.
    The named graphs of articles that name a person ``identities`` tells
    apart from others of the name are made again with the person's own id.
    """
    seconds = Counter() if seconds is None else seconds
    graph, identities, careers, ties = corpus.graph, corpus.identities, corpus.spells, corpus.ties
    clock = time.perf_counter()
    records = extractions.close()
    default = entity_quads(graph, careers, identities)
    named_path = _renamed(named, records, identities)
    seconds["rdf (default graph)"] += time.perf_counter() - clock
    clock = time.perf_counter()
    researchers = tables(graph, careers, lambda: record_io.read(records), identities)
    seconds["tables"] += time.perf_counter() - clock
    writers: dict[str, Callable[[Path], None]] = {
        **{name: functools.partial(write_rdf, default, named_path, format=fmt) for name, fmt in RDF_FORMATS.items()},
        "graph.gexf": lambda tmp: write_gexf(graph, tmp, _newest_date(graph)),
        "graph.graphml": lambda tmp: write_graphml(graph, tmp),
        "people.gexf": lambda tmp: write_people_gexf(graph, ties, careers, tmp, _newest_date(graph)),
        "graph.html": lambda tmp: tmp.write_text(render_html(graph, spells=careers, ties=ties), encoding="utf-8"),
        "graph.sqlite": lambda tmp: write_sqlite(researchers, tmp),
        **{f"{TABLES}/{t.name}.csv": functools.partial(write_csv, t) for t in researchers},
    }
    try:
        extractions.commit()
        (out / TABLES).mkdir(exist_ok=True)
        paths = [out / "extractions.jsonl"]
        for name, write in writers.items():
            clock = time.perf_counter()
            atomic_write(out / name, write)
            seconds[f"write {name}"] += time.perf_counter() - clock
            paths.append(out / name)
    finally:
        named.discard()
    return paths


def _renamed(named: StagedLines, records: Path, identities: Identities) -> Path:
    """The named graphs' file, with the graphs of articles naming a person told apart made again."""
    path = named.close()
    docs = {doc for (doc, name), person in identities.ids.items() if person != person_id(name)}
    if not docs:
        return path
    graphs = {f"<{graph_iri(doc)}> .\n" for doc in docs}
    kept = path.with_name(path.name + ".renamed")
    with open(path, encoding="utf-8") as source, open(kept, "w", encoding="utf-8") as target:
        target.writelines(line for line in source if not line.endswith(tuple(graphs)))
        for extraction in record_io.read(records):
            if extraction.article.doc in docs:
                target.write(article_nquads(extraction, identities))
    os.replace(kept, path)
    return path
