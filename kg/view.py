"""A self-contained interactive HTML view of the graph (vis-network data, the script inlined).

The node and edge data are vis-network's options, made as pyvis's ``Node`` and
``Edge`` make them (not with its ``Network``, whose ``add_node`` and ``add_edge``
look every id up in a list: quadratic in the graph's size; nor with the classes
themselves, since importing pyvis imports IPython, a tenth of a one-article
build's start-up). The page template is ours and inlines
the vis-network script that the pyvis package ships, so opening the file
makes no network request. Tooltip and panel text travels as JSON data and
the page puts it into the document with ``textContent`` only, so a name such
as ``<img src=x onerror=alert(1)>`` shows as text.

Up to ``FREEZE_ABOVE`` nodes the browser lays the graph out (physics with a
fixed seed, switched off once it has stabilised); above it the layout is
computed here, once, and the page draws fixed positions with physics off.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import networkx as nx
from jinja2 import Environment

from . import record_io
from .errors import KgError
from .files import write_text
from .assembly import assemble
from .careers import Spell
from .graph import KEPT_EVIDENCE, evidence_order
from .identity import Decision
from .records import Evidence, Extraction
from .resources import bylines
from .view_overview import (MAX_EDGES, PALETTE, TIE_LABELS, Overview, frozen_layout, frozen_layouts, overview, page_overview, ties_added,
                            wants_overview)
from .view_time import article_dates, careers_of, page_spans, spell_index, time_spans
from .view_focus import focus_panel_html
from .view_pack import node_label, node_size, pack, split

TYPES = ("PER", "ORG", "PLACE", "PROGRAMME", "HONOUR", "ARTICLE")
TYPE_NAMES = {"PER": "人物", "ORG": "机构", "PLACE": "地方", "PROGRAMME": "工作", "HONOUR": "荣誉", "ARTICLE": "文章"}
COLOURS = {"PER": "#e15759", "ORG": "#4e79a7", "PLACE": "#59a14f", "PROGRAMME": "#f28e2b",
           "HONOUR": "#b07aa1", "ARTICLE": "#9c9c9c"}
SHAPES = {"PER": "dot", "ORG": "square", "PLACE": "triangle", "PROGRAMME": "diamond", "HONOUR": "star", "ARTICLE": "hexagon"}
#: the legend's glyph for each shape
GLYPHS = {"dot": "●", "square": "■", "triangle": "▲", "diamond": "◆", "star": "★", "hexagon": "⬢"}
RELATIONS = ("POST", "AWARD", "RUNS", "PART_OF", "AUTHOR", "DISCIPLINE")
RELATION_LABELS = {"POST": "任职", "AWARD": "获评", "RUNS": "开展", "PART_OF": "隶属", "AUTHOR": "撰稿", "DISCIPLINE": "执纪", **TIE_LABELS}
ROLE_LABELS = bylines().labels

#: above this many nodes the layout is computed once in Python and frozen
FREEZE_ABOVE = 500
#: The build's graph.html shows at most this many nodes, the most connected, and this many edges between them
#: (each shown node's strongest first, then by weight); the other formats hold them all. Measured in
#: docs/view.md: 57,000 edges cost 6 s a redraw, 10,000 without drawn labels 0.1 s.
MAX_VIEW_NODES = 5_000
MAX_VIEW_EDGES = 10_000
#: articles listed per node
MAX_ARTICLES = 5
LAYOUT_SEED = 7


def vis_network_js() -> str:
    """The vis-network script shipped inside the pyvis package (found, not imported)."""
    lib = Path(find_spec("pyvis").origin).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return lib.read_text(encoding="utf-8")


# -- reading a build back ---------------------------------------------------------------


def read_extractions(path: str | Path) -> list[Extraction]:
    """The records of a build's ``extractions.jsonl`` (``path`` is the file or the build folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / "extractions.jsonl"
    if not path.is_file():
        raise KgError(f"{path}: no such file (give a build folder or its extractions.jsonl; run `kg build` first)")
    extractions = list(record_io.read(path))
    if not extractions:
        raise KgError(f"{path}: no extraction record in the file")
    return extractions


def load_graph(path: str | Path, decisions: Iterable[Decision] = ()) -> nx.MultiDiGraph:
    """The graph of a build, rebuilt from its ``extractions.jsonl`` as the build made it: persons told apart
    by ``kg.identity`` (with the build's ``decisions``, if it had any), and the careers' spells in
    ``graph.graph["spells"]``, and the persons' ties (``kg.networks``) in ``graph.graph["ties"]``."""
    extractions = read_extractions(path)
    corpus = assemble(lambda: extractions, decisions)
    corpus.graph.graph.update(spells=corpus.spells, ties=corpus.ties)
    return corpus.graph


# -- focusing on one entity ---------------------------------------------------------------


def find_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Node ids whose id, canonical name or an alias is ``name``, sorted."""
    if name in graph:
        return [name]
    return sorted(node for node, data in graph.nodes(data=True) if name == data["label"] or name in data["aliases"])


def neighbourhood(graph: nx.MultiDiGraph, name: str, *, depth: int = 2) -> tuple[nx.MultiDiGraph, str]:
    """The sub-graph within ``depth`` edges (either direction) of the entity named ``name``.

    ``name`` is a canonical name, an alias or a node id (``org:天元区委``).
    Returns the sub-graph and the id of its centre; raises ``KgError`` when no
    entity or more than one has that name, listing the candidates.
    """
    if depth < 0:
        raise KgError(f"depth must be 0 or more, not {depth}")
    found = find_nodes(graph, name)
    if not found:
        close = sorted(node for node, data in graph.nodes(data=True) if name in data["label"])[:10]
        hint = f"; names that contain it: {', '.join(close)}" if close else ""
        raise KgError(f"no entity is named {name!r} in the graph{hint}")
    if len(found) > 1:
        raise KgError(f"{name!r} names {len(found)} entities; give one of: {', '.join(found)}")
    centre = found[0]
    sub = nx.ego_graph(graph, centre, radius=depth, undirected=True)
    sub.graph.update(article_titles=_article_titles(graph), article_dates=article_dates(graph), spells=graph.graph.get("spells", []))
    return sub, centre


# -- page data ---------------------------------------------------------------


def _edge_label(data: dict) -> str:
    extra = data.get("title") or data.get("year") or ROLE_LABELS.get(data.get("role", ""), data.get("role", ""))
    return " ".join(filter(None, [RELATION_LABELS[data["relation"]], str(extra or "")]))


def _edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, dict]]:
    """Edges in a fixed order that does not depend on how their keys were made."""
    def order(edge: tuple[str, str, dict]) -> tuple[str, ...]:
        source, target, data = edge
        return (source, target, data["relation"], *(str(data.get(f) or "") for f in ("title", "year", "role")))

    return sorted(graph.edges(data=True), key=order)


def _article_titles(graph: nx.MultiDiGraph) -> dict[str, str]:
    """How the page cites each article of the graph: its title and file."""
    return {data["doc"]: f"{data['label']} ({data['doc']})" for _, data in graph.nodes(data=True) if data["type"] == "ARTICLE"}


def _evidence(items: Iterable[Evidence], total: int, titles: dict[str, str]) -> tuple[list[list[str]], int]:
    """The first ``KEPT_EVIDENCE`` distinct sentences of ``items`` as [sentence, article], and how many more of
    the ``total`` pieces of evidence there are."""
    unique = sorted({evidence_order(e) for e in items})[:KEPT_EVIDENCE]
    return [[sentence, titles.get(doc, doc)] for doc, _, sentence in unique], max(0, total - len(unique))


def _weight(edge: dict) -> int:
    """How many pieces of evidence an edge has (all of them, not only those it keeps)."""
    return edge.get("weight", len(edge["evidence"]))


def page_data(graph: nx.MultiDiGraph, *, frozen: bool | None = None, focus: str | None = None, spells: list[Spell] | None = None,
              positions: dict[str, tuple[int, int]] | None = None, colours: dict[str, str] | None = None) -> dict:
    """Everything the page needs: vis nodes and edges, tooltip text, legend, options, and the
    dates of nodes and edges and the persons' careers (``kg.view_time``; ``spells`` default to ``graph.graph["spells"]``).
    ``positions`` (frozen) and ``colours`` by node, where given, replace the layout and the type's colour."""
    frozen = graph.number_of_nodes() > FREEZE_ABOVE if frozen is None else frozen
    frozen = frozen or positions is not None
    spells = graph.graph.get("spells", []) if spells is None else spells
    positions = positions if positions is not None else frozen_layout(nx.Graph(graph)) if frozen else {}
    colours = colours or {}
    titles = {**graph.graph.get("article_titles", {}), **_article_titles(graph)}
    degree = dict(graph.degree())
    edges = _edges(graph)
    node_spans, edge_spans = time_spans(graph, edges, spell_index(spells), {**graph.graph.get("article_dates", {}), **article_dates(graph)})
    career = careers_of(spells, (n for n, d in graph.nodes(data=True) if d["type"] == "PER"))
    vis_nodes: list[dict] = []
    vis_edges: list[dict] = []
    info: dict[str, dict] = {}
    incident: dict[str, list[Evidence]] = {node: [] for node in graph}
    incident_count: Counter[str] = Counter()
    posts: dict[str, list[str]] = {node: [] for node in graph}
    for source, target, data in edges:
        incident[source].extend(data["evidence"])
        incident[target].extend(data["evidence"])
        incident_count.update({source: _weight(data), target: _weight(data)})
        if data["relation"] == "POST":
            title = data.get("title") or ""
            posts[source].append(" ".join(filter(None, [graph.nodes[target]["label"], title])))
            posts[target].append(" ".join(filter(None, [graph.nodes[source]["label"], title])))
    for node, data in sorted(graph.nodes(data=True)):
        kind = data["type"]
        extra = {"x": positions[node][0], "y": positions[node][1]} if node in positions else {}
        vis_nodes.append({"color": colours.get(node, COLOURS[kind]), "size": node_size(degree[node]), **extra,
                          "id": node, "label": node_label(kind, data["label"]) or node, "shape": SHAPES[kind]})
        evidence, more = _evidence(incident[node], incident_count[node], titles)
        info[node] = {
            "type": kind, "name": data["label"], "aliases": list(data["aliases"]), "posts": sorted(set(posts[node])),
            "evidence": evidence, "more": more, "degree": degree[node],
            "articles": [titles.get(doc, doc) for doc in data["articles"][:MAX_ARTICLES]] if kind != "ARTICLE" else [],
            "articleCount": len(data["articles"]), "when": page_spans(node_spans[node]),
            **({"career": career.get(node, [])} if kind == "PER" else {}),
            **({"date": data.get("date") or "", "newspaper": data.get("newspaper") or "", "doc": data.get("doc") or ""}
               if kind == "ARTICLE" else {}),
        }
    edge_info: dict[str, dict] = {}
    parallel: Counter[tuple[str, str]] = Counter()
    for number, (source, target, data) in enumerate(edges):
        edge_id = f"e{number}"
        pair = (min(source, target), max(source, target))
        rank = parallel[pair]
        parallel[pair] += 1
        smooth = {"enabled": True, "type": "curvedCW" if rank % 2 else "curvedCCW", "roundness": 0.15 * ((rank + 1) // 2)} \
            if rank else {"enabled": False}
        drawn_label = {} if frozen else {"label": _edge_label(data)}  # a large page draws only the highlighted ones
        tie = {"arrows": {"to": {"enabled": False}}, "dashes": True} if data["relation"] in TIE_LABELS else {}
        edge = {"id": edge_id, "smooth": smooth, **drawn_label, **tie, "from": source, "to": target}
        edge.setdefault("arrows", "to")  # a directed edge, unless it is a tie
        vis_edges.append(edge)
        evidence, more = _evidence(data["evidence"], _weight(data), titles)
        edge_info[edge_id] = {"relation": data["relation"], "label": _edge_label(data), "from": graph.nodes[source]["label"],
                              "to": graph.nodes[target]["label"], "evidence": evidence, "more": more,
                              "when": page_spans(edge_spans[number])}
    type_counts = Counter(data["type"] for _, data in graph.nodes(data=True))
    relation_counts = Counter(data["relation"] for _, _, data in edges)
    return {
        "nodes": vis_nodes,
        "edges": vis_edges,
        "info": info,
        "edgeInfo": edge_info,
        "types": [{"type": t, "name": TYPE_NAMES[t], "colour": COLOURS[t], "shape": SHAPES[t], "glyph": GLYPHS[SHAPES[t]],
                   "count": type_counts[t]}
                  for t in TYPES],
        "relations": [{"relation": r, "name": RELATION_LABELS[r], "count": relation_counts[r]}
                      for r in (*RELATIONS, *(t for t in TIE_LABELS if relation_counts[t]))],
        "frozen": frozen,
        "focus": focus or "",
    }


def most_connected(graph: nx.MultiDiGraph, limit: int = MAX_VIEW_NODES, edge_limit: int = MAX_VIEW_EDGES) -> nx.MultiDiGraph:
    """The sub-graph of the ``limit`` nodes of highest degree (ties by id) and at most ``edge_limit`` edges
    between them, or the graph itself when it is within both."""
    if graph.number_of_nodes() <= limit and graph.number_of_edges() <= edge_limit:
        return graph
    degree = dict(graph.degree())
    kept = sorted(graph, key=lambda node: (-degree[node], node))[:limit]
    shown = graph.subgraph(kept)
    edges = strongest_edges(shown, edge_limit)
    sub = nx.MultiDiGraph()
    sub.add_nodes_from((node, graph.nodes[node]) for node in kept)
    sub.add_edges_from((u, v, k, shown.edges[u, v, k]) for u, v, k in edges)
    return sub


def strongest_edges(graph: nx.MultiDiGraph, limit: int) -> list[tuple[str, str, str]]:
    """``limit`` edges (source, target, key): every node's strongest edge first, so that no node loses all of
    its edges to the hubs', then the others by weight (ties by source, target, key)."""
    weighted = sorted((-_weight(data), (u, v, k)) for u, v, k, data in graph.edges(keys=True, data=True))
    order = [edge for _, edge in weighted]
    chosen: dict[tuple[str, str, str], None] = {}
    covered: set[str] = set()
    for edge in order:
        if edge[0] not in covered or edge[1] not in covered:
            chosen[edge] = None
            covered.update(edge[:2])
    for edge in order:
        chosen.setdefault(edge)
    return list(chosen)[:limit]


def render_html(graph: nx.MultiDiGraph, *, frozen: bool | None = None, focus: str | None = None, title: str = "govkg graph",
                spells: list[Spell] | None = None, ties: dict | None = None, overview_page: bool | None = None) -> str:
    """The whole page as one string: script, style and data inlined.

    ``frozen`` forces (True) or forbids (False) the precomputed layout; by
    default graphs above ``FREEZE_ABOVE`` nodes get it. ``focus`` is a node id
    selected, highlighted and zoomed to when the page opens. ``spells`` (``kg.careers``; by default
    ``graph.graph["spells"]``, which ``load_graph`` sets) date the posts and make the persons' timelines.
    ``overview_page`` forces (True) or forbids (False) the overview (``kg.view_overview``) that a page without
    ``focus`` gets above ``OVERVIEW_ABOVE`` entities; the persons' ``ties`` (``kg.networks.people_ties``; by
    default ``graph.graph["ties"]``) are edges of the overview.
    """
    if focus is not None and focus not in graph:
        raise KgError(f"focus {focus!r} is not a node of the graph")
    if overview_page if overview_page is not None else focus is None and wants_overview(graph):
        return _render_overview(graph, title=title, spells=spells, ties=graph.graph.get("ties", {}) if ties is None else ties)
    shown = most_connected(graph) if focus is None else graph
    data = page_data(shown, frozen=frozen, focus=focus, spells=spells)
    return _render(data, title, shown, graph, focus_panel_html(graph, focus, spells))


def _render_overview(graph: nx.MultiDiGraph, *, title: str, spells: list[Spell] | None, ties: dict) -> str:
    with ties_added(graph, ties) as tied:
        view = overview(tied, lambda subs: frozen_layouts(subs, iterations=60), MAX_EDGES, strongest_edges)
    colours = dict(_community_colours(view))
    data = page_data(view.graph, positions=view.positions, colours=colours, spells=spells)
    data["overview"] = page_overview(view, {n: d["label"] for n, d in view.graph.nodes(data=True)})
    closed = [c for c in data["overview"]["communities"] if c["cluster"]]
    # carried, not drawn until needed: the reserve, the articles and the members of each closed community (drawn
    # as one precomputed node, so the browser creates a few hundred nodes and clusters none)
    carried = set(view.reserve) | {n for n, d in view.graph.nodes(data=True) if d["type"] == "ARTICLE"} | \
        {m for c in closed for m in c["members"]}
    data["reserveNodes"] = [n for n in data["nodes"] if n["id"] in carried]
    data["nodes"] = [n for n in data["nodes"] if n["id"] not in carried] + [_community_node(c, view.positions) for c in closed]
    load, rest = split(pack(data))
    return _render(load, title, view.graph, graph, rest=rest)


def _community_node(community: dict, positions: dict[str, tuple[int, int]]) -> dict:
    """A closed community's node: at its members' centre, sized by their number."""
    xs, ys = zip(*(positions[m] for m in community["members"]))
    return {"id": community["id"], "shape": "dot", "size": round(min(25 + 20 * math.sqrt(len(xs)), 420)),
            "color": {"background": community["colour"], "border": "#ffffff"}, "borderWidth": 2, "opacity": 0.75,
            "x": round(sum(xs) / len(xs)), "y": round(sum(ys) / len(ys))}


def _community_colours(view: Overview) -> list[tuple[str, str]]:
    return [(n, PALETTE[number % len(PALETTE)]) for number, members in enumerate(view.communities) for n in members]


def _render(data: dict, title: str, shown: nx.MultiDiGraph, graph: nx.MultiDiGraph, focus_panel: str = "",
            rest: dict | None = None) -> str:
    """The page of ``data``; an overview's ``rest`` (``kg.view_pack.split``) in a block of its own."""
    environment = Environment(autoescape=True, keep_trailing_newline=True)
    template = environment.from_string(resources.files("kg").joinpath("templates/graph.html.j2").read_text(encoding="utf-8"))
    return template.render(vis_js=vis_network_js(), data=_script_json(data), rest=_script_json(rest) if rest else "",
                           title=title, types=data["types"], relations=data["relations"], nodes=shown.number_of_nodes(), edges=shown.number_of_edges(),
                           total_nodes=graph.number_of_nodes(), total_edges=graph.number_of_edges(), extent=_extent(data),
                           overview=data.get("overview"), focus_panel=focus_panel)


def _extent(data: dict) -> tuple[str, str]:
    """The first and last day of the page's dates, or two empty strings."""
    if "dates" in data:  # packed: all of them, sorted (kg.view_pack)
        return (data["dates"][0], data["dates"][-1]) if data["dates"] else ("", "")
    days = [day for item in (*data["info"].values(), *data["edgeInfo"].values()) for span in item["when"]
            for day in ([span] if isinstance(span, str) else span)]
    return (min(days), max(days)) if days else ("", "")


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element (no ``</script>`` can close it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def write_view(graph_path: str | Path, out: str | Path, *, focus: str | None = None, depth: int = 2,
               decisions: Iterable[Decision] = ()) -> tuple[int, int]:
    """Write the view of a build (or of the neighbourhood of ``focus``) to ``out``; returns (nodes, edges)."""
    graph = load_graph(graph_path, decisions)
    centre = None
    title = "govkg graph"
    if focus is not None:
        graph, centre = neighbourhood(graph, focus, depth=depth)
        title = f"govkg: {graph.nodes[centre]['label']} (depth {depth})"
    write_text(Path(out), render_html(graph, focus=centre, title=title))
    return graph.number_of_nodes(), graph.number_of_edges()
