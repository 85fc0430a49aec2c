"""Write the build's files: extractions.jsonl, graph.ttl/.nt/.jsonld/.trig, graph.gexf, graph.graphml, graph.html.

Every file is written to a temporary name in the same folder and renamed, so
an interrupted run leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx
from rdflib import Dataset, Graph

from . import jsonl
from .rdf import default_graph, to_dataset, to_graph
from .records import Extraction
from .view import render_html

FLAT_SEPARATOR = "|"


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(temporary_path)`` and move the result over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only string and number attributes, as GEXF and GraphML need."""
    flat = nx.MultiDiGraph()
    degree = dict(graph.degree())
    for node, data in sorted(graph.nodes(data=True)):
        attrs = {k: _flat(v) for k, v in data.items()}
        attrs["article_count"] = len(data["articles"])
        attrs["degree"] = degree[node]
        flat.add_node(node, **attrs)
    for source, target, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        attrs = {k: _flat(v) for k, v in data.items() if k != "evidence"}
        attrs["weight"] = len(data["evidence"]) or 1
        attrs["docs"] = FLAT_SEPARATOR.join(sorted({e.doc for e in data["evidence"]}))
        attrs["evidence"] = data["evidence"][0].sentence if data["evidence"] else ""
        flat.add_edge(source, target, key=key, **attrs)
    return flat


def _flat(value: object) -> object:
    if isinstance(value, (list, tuple, set)):
        return FLAT_SEPARATOR.join(sorted(str(v) for v in value))
    return value


def gexf_text(flat: nx.MultiDiGraph, date: str) -> str:
    """GEXF (dynamic: nodes and edges start at the date of the first article that
    reports them) whose header date is the newest article date, not the day of the run."""
    dated = flat.copy()
    for _, data in list(dated.nodes(data=True)) + [(None, d) for _, _, d in dated.edges(data=True)]:
        if data.get("first_date"):
            data["start"] = data["first_date"]
    text = "\n".join(nx.generate_gexf(dated)) + "\n"
    text = re.sub(r"<creator>[^<]*</creator>", "<creator>govkg</creator>", text, count=1)
    text = re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{date}"' if date else "", text, count=1)
    return "<?xml version='1.0' encoding='utf-8'?>\n" + text


def _newest_date(graph: nx.MultiDiGraph) -> str:
    return max((d.get("date") or "" for _, d in graph.nodes(data=True) if d["type"] == "ARTICLE"), default="")


def jsonld_text(union: Graph) -> str:
    """Compact JSON-LD with nodes sorted by id (rdflib's own order changes between runs)."""
    document = _sorted_json(json.loads(union.serialize(format="json-ld", auto_compact=True)))
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _sorted_json(value: object) -> object:
    """Every JSON array sorted (RDF values are unordered), recursively."""
    if isinstance(value, dict):
        return {k: _sorted_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_json(v) for v in value), key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def trig_text(dataset: Dataset) -> str:
    """TriG with the default graph first and the named graphs in IRI order."""
    contexts = sorted(dataset.graphs(), key=lambda g: (g.identifier != default_graph(dataset).identifier, str(g.identifier)))
    blocks = []
    for context in contexts:
        if not len(context):
            continue
        body = Graph(namespace_manager=dataset.namespace_manager)
        for triple in context:
            body.add(triple)
        turtle = "\n".join(line for line in body.serialize(format="turtle").splitlines() if not line.startswith("@prefix"))
        name = "" if context.identifier == default_graph(dataset).identifier else f"<{context.identifier}> "
        blocks.append(f"{name}{{\n{turtle.strip()}\n}}\n")
    body = "\n".join(blocks)
    used = "".join(f"@prefix {p}: <{n}> .\n" for p, n in sorted(dataset.namespaces()) if p and f"{p}:" in body)
    return used + "\n" + body


def _sorted_lines(text: str) -> str:
    """N-Triples with its lines sorted, so the file is the same on every run."""
    return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))


def write_outputs(extractions: Iterable[Extraction], graph: nx.MultiDiGraph, out: Path,
                  seconds: Counter | None = None) -> list[Path]:
    """Write every output file into ``out``; returns their paths."""
    lines = "".join(jsonl.dumps(e) + "\n" for e in sorted(extractions, key=lambda e: e.article.doc))
    flat = flat_graph(graph)
    seconds = Counter() if seconds is None else seconds
    clock = time.perf_counter()
    union, dataset = to_graph(graph), to_dataset(graph)
    seconds["rdf"] += time.perf_counter() - clock
    writers: dict[str, Callable[[Path], None]] = {
        "extractions.jsonl": lambda tmp: tmp.write_text(lines, encoding="utf-8"),
        "graph.ttl": lambda tmp: union.serialize(tmp, format="turtle", encoding="utf-8"),
        "graph.nt": lambda tmp: tmp.write_text(_sorted_lines(union.serialize(format="nt")), encoding="utf-8"),
        "graph.jsonld": lambda tmp: tmp.write_text(jsonld_text(union), encoding="utf-8"),
        "graph.trig": lambda tmp: tmp.write_text(trig_text(dataset), encoding="utf-8"),
        "graph.gexf": lambda tmp: tmp.write_text(gexf_text(flat, _newest_date(graph)), encoding="utf-8"),
        "graph.graphml": lambda tmp: nx.write_graphml(flat, tmp),
        "graph.html": lambda tmp: tmp.write_text(render_html(graph), encoding="utf-8"),
    }
    paths = []
    for name, write in writers.items():
        clock = time.perf_counter()
        atomic_write(out / name, write)
        seconds[f"write {name}"] += time.perf_counter() - clock
        paths.append(out / name)
    return paths
