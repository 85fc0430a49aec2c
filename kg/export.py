"""Write the build's files: extractions.jsonl, graph.ttl/.nt/.jsonld/.trig, graph.gexf, graph.graphml, graph.html.

Every file is written atomically (``kg.files``), so an interrupted run leaves
the previous file whole.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from .files import StagedLines, atomic_write
from .gephi import write_gexf, write_graphml
from .rdf import entity_quads, write_rdf
from .view import render_html

RDF_FORMATS = {"graph.trig": "trig", "graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}


def _newest_date(graph: nx.MultiDiGraph) -> str:
    return max((d.get("date") or "" for _, d in graph.nodes(data=True) if d["type"] == "ARTICLE"), default="")


def write_outputs(extractions: StagedLines, named: StagedLines, graph: nx.MultiDiGraph, out: Path,
                  seconds: Counter | None = None) -> list[Path]:
    """Write every output file into ``out``; returns their paths.

    ``extractions`` is ``extractions.jsonl`` streamed to a temporary name and
    ``named`` the articles' named graphs streamed as N-Quads (a temporary
    file, removed at the end); the RDF files stream from it and the default
    graph made from ``graph``, so the evidence is never all in memory.
    """
    seconds = Counter() if seconds is None else seconds
    clock = time.perf_counter()
    default = entity_quads(graph)
    seconds["rdf (default graph)"] += time.perf_counter() - clock
    named_path = named.close()
    writers: dict[str, Callable[[Path], None]] = {
        **{name: functools.partial(write_rdf, default, named_path, format=fmt) for name, fmt in RDF_FORMATS.items()},
        "graph.gexf": lambda tmp: write_gexf(graph, tmp, _newest_date(graph)),
        "graph.graphml": lambda tmp: write_graphml(graph, tmp),
        "graph.html": lambda tmp: tmp.write_text(render_html(graph), encoding="utf-8"),
    }
    try:
        extractions.commit()
        paths = [out / "extractions.jsonl"]
        for name, write in writers.items():
            clock = time.perf_counter()
            atomic_write(out / name, write)
            seconds[f"write {name}"] += time.perf_counter() - clock
            paths.append(out / name)
    finally:
        named.discard()
    return paths
