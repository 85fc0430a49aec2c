"""The overview of a large graph: entities in communities, the isolated ones left out of the picture.

A build of real news has thousands of entities, most of them named once and tied
to nothing. Above ``OVERVIEW_ABOVE`` entity nodes the page (``kg.view``) opens on
an overview instead of the most connected nodes:

* the persons' ties of ``kg.networks`` (same sentence, co-membership of a body,
  陪同) join the graph's relations as typed edges (``TIE_RELATIONS``), so a
  person named in one sentence with another is not alone;
* entities with no edge to another entity are *isolated*: left out of the
  picture, counted in the page header, and kept in the page's data so that a
  search finds one and draws it with its article;
* the others fall into communities (networkx's Louvain with a fixed seed, so
  the same graph gives the same communities), each laid out on its own and
  packed in rows, biggest first; a community's label is its most central
  names (highest degree, ties by id), and the page draws each community of
  ``CLUSTER_MIN`` or more as one node until it is clicked;
* an entity carried for search keeps its ``CARRIED_EDGES`` strongest edges;
* articles are in the page, hidden until their type is ticked.

It also holds the frozen layout of large graphs (``frozen_layout``), which both
the overview and the capped page use.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .records import Evidence

#: above this many entity nodes (articles not counted) the page opens on the overview
OVERVIEW_ABOVE = 500
#: the persons' ties of ``kg.networks``, as relations of the overview
TIE_RELATIONS = {"same_sentence": "SAME_SENTENCE", "co_member": "CO_MEMBER", "accompanied": "ACCOMPANIED"}
TIE_LABELS = {"SAME_SENTENCE": "同句", "CO_MEMBER": "同单位", "ACCOMPANIED": "陪同"}
#: communities of this many entities or more are drawn as one node until opened
CLUSTER_MIN = 3
#: names in a community's label
LABEL_NAMES = 3
#: the most central entities whose names are drawn at any zoom
CENTRAL_LABELS = 40
#: most entities drawn, and isolated entities carried for search
MAX_DRAWN = 5_000
MAX_RESERVE = 20_000
#: most edges drawn: fewer than on the capped page, since vis makes each one again for the closed communities
MAX_EDGES = 5_000
#: edges carried for each entity not drawn at load (the reserve, found by search): its strongest, which the page
#: draws when it finds the entity and the other end is drawn (its others are in graph.gexf)
CARRIED_EDGES = 1
COMMUNITY_SEED = 7
#: up to this many nodes a layout step takes every pair of nodes at once; above it, the pairs in
#: neighbouring grid cells (most communities are small, and for them the grid costs more than it saves)
ALL_PAIRS_UP_TO = 64
PALETTE = ("#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f",
           "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def wants_overview(graph: nx.MultiDiGraph) -> bool:
    """Whether ``graph`` has more than ``OVERVIEW_ABOVE`` entity nodes."""
    return sum(1 for _, d in graph.nodes(data=True) if d["type"] != "ARTICLE") > OVERVIEW_ABOVE


@contextmanager
def ties_added(graph: nx.MultiDiGraph, ties: dict) -> Iterator[nx.MultiDiGraph]:
    """``graph`` with the persons' ``ties`` (``kg.networks.people_ties``) as edges while the block runs:
    relation ``TIE_RELATIONS[kind]``, weight the tie's, dated by its articles, the first sentence as
    evidence, and a co-membership titled by its bodies. They are taken out again after, so the graph is
    not copied (a copy of the graph of 100,000 articles takes hundreds of MB)."""
    added: list[tuple[str, str, str]] = []
    try:
        for (kind, a, b), tie in sorted(ties.items(), key=lambda item: item[0]):
            key = TIE_RELATIONS[kind]
            if a not in graph or b not in graph or graph.has_edge(a, b, key):
                continue
            evidence = [Evidence(tie.evidence[0], tie.evidence[1], tie.evidence[1] + len(tie.evidence[2]), tie.evidence[2],
                                 f"tie.{kind}")] if tie.evidence else []
            bodies = sorted(tie.bodies)
            title = "、".join(bodies[:2]) + (f" 等{len(bodies)}个" if len(bodies) > 2 else "")
            graph.add_edge(a, b, key=key, relation=key, evidence=evidence, weight=len(tie.counted), docs=set(tie.docs),
                           **({"title": title} if title else {}))
            added.append((a, b, key))
        yield graph
    finally:
        graph.remove_edges_from(added)


@dataclass
class Overview:
    """What the overview draws and carries."""

    graph: nx.MultiDiGraph  # drawn entities, the articles, the reserve; edges among drawn nodes and to articles
    drawn: list[str]  # entity nodes in the picture
    reserve: list[str]  # isolated (or beyond ``MAX_DRAWN``) entities, searchable but not drawn
    communities: list[list[str]]  # most central first; biggest community first
    central: list[str]  # the entities whose names are always drawn
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    isolated: int = 0
    left_out: int = 0  # entities neither drawn nor carried


def entity_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """Entities tied by any edge of ``graph`` (either direction), weighted by the edges' weights."""
    out = nx.Graph()
    out.add_nodes_from(n for n, d in graph.nodes(data=True) if d["type"] != "ARTICLE")
    for a, b, data in graph.edges(data=True):
        if a != b and a in out and b in out:
            weight = data.get("weight") or 1
            out.add_edge(a, b, weight=out[a][b]["weight"] + weight if out.has_edge(a, b) else weight)
    return out


def sorted_subgraph(graph: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The sub-graph of ``nodes``, its nodes and edges added in sorted order: a networkx sub-graph view may list
    them in the order of a set of strings, which changes with each process's string hashing, and Louvain's
    communities (seeded) follow the order it is given."""
    view = graph.subgraph(nodes)
    out = nx.Graph()
    out.add_nodes_from(sorted(nodes))
    out.add_edges_from(sorted((min(a, b), max(a, b), data) for a, b, data in view.edges(data=True)))
    return out


def overview(graph: nx.MultiDiGraph, layout: Callable[[list[nx.Graph]], list[dict[str, tuple[int, int]]]], edge_limit: int,
             strongest: Callable[[nx.MultiDiGraph, int], list]) -> Overview:
    """The overview of ``graph`` (with its ties already added): ``layout`` lays out communities, each on its own, ``strongest``
    picks at most ``edge_limit`` edges (``kg.view.strongest_edges``)."""
    entities = entity_graph(graph)
    degree = dict(entities.degree())
    tied = sorted((n for n in entities if degree[n]), key=lambda n: (-degree[n], n))
    drawn, beyond = tied[:MAX_DRAWN], tied[MAX_DRAWN:]
    loose = sorted((n for n in entities if not degree[n]), key=lambda n: (-len(graph.nodes[n]["articles"]), n))
    reserve = (beyond + loose)[:MAX_RESERVE]
    core = sorted_subgraph(entities, drawn)
    found = nx.community.louvain_communities(core, weight="weight", seed=COMMUNITY_SEED) if drawn else []
    communities = sorted((sorted(c, key=lambda n: (-degree[n], n)) for c in found), key=lambda c: (-len(c), c[0]))
    articles = [n for n, d in graph.nodes(data=True) if d["type"] == "ARTICLE"]
    shown = set(drawn) | set(articles)
    among = graph.subgraph(shown)
    kept = strongest(among, edge_limit)
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, graph.nodes[n]) for n in sorted(shown | set(reserve)))
    out.add_edges_from((u, v, k, graph.edges[u, v, k]) for u, v, k in kept)
    out.add_edges_from((u, v, k, graph.edges[u, v, k]) for u, v, k in carried_edges(graph, out, shown))
    central = sorted(drawn, key=lambda n: (-degree[n], n))[:CENTRAL_LABELS]
    positions = community_positions(core, communities, layout)
    positions.update(_article_positions(graph, articles, positions))
    return Overview(out, drawn, reserve, communities, central, positions, isolated=len(loose),
                    left_out=len(beyond) + len(loose) - len(reserve))


def carried_edges(graph: nx.MultiDiGraph, carried: nx.MultiDiGraph, shown: set[str]) -> list[tuple[str, str, str]]:
    """The edges of ``graph`` among the nodes of ``carried`` with an end not ``shown``: each such end's
    ``CARRIED_EDGES`` strongest (by weight, else evidence; ties by source, target, key)."""
    def strength(edge: tuple[str, str, str]) -> int:
        data = graph.edges[edge]
        return data.get("weight", len(data["evidence"]))

    edges = sorted(((u, v, k) for u, v, k in graph.edges(keys=True) if u in carried and v in carried and not {u, v} <= shown),
                   key=lambda e: (-strength(e), e))
    kept: list[tuple[str, str, str]] = []
    count: Counter[str] = Counter()
    for edge in edges:
        ends = [n for n in edge[:2] if n not in shown]
        if any(count[n] < CARRIED_EDGES for n in ends):
            kept.append(edge)
            count.update(ends)
    return kept


def community_positions(core: nx.Graph, communities: list[list[str]],
                        layout: Callable[[list[nx.Graph]], list[dict[str, tuple[int, int]]]]) -> dict[str, tuple[int, int]]:
    """Each community (of three entities or more) laid out on its own by ``layout``, in a disc of radius growing with the square root of its size, the
    discs packed in rows (a row as wide as the square root of their total area), biggest first."""
    radii = [60 + 45 * math.sqrt(len(c)) for c in communities]
    width = math.sqrt(sum((2 * r) ** 2 for r in radii)) * 1.2
    positions: dict[str, tuple[int, int]] = {}
    laid = iter(layout([core.subgraph(members) for members in communities if len(members) > 2]))
    x = y = row = 0.0
    for members, radius in zip(communities, radii):
        if x and x + 2 * radius > width:
            x, y, row = 0.0, y + row, 0.0
        centre = (x + radius, y + radius)
        x, row = x + 2 * radius, max(row, 2 * radius)
        local = next(laid) if len(members) > 2 else {}
        points = np.array([local.get(n, (i * 2 - 1, 0)) for i, n in enumerate(members)], dtype=float)
        points -= points.mean(axis=0)
        reach = max(float(np.sqrt((points ** 2).sum(axis=1)).max()), 1e-9)
        points *= (radius - 30) / reach if len(members) > 1 else 0
        positions.update({n: (int(round(centre[0] + px)), int(round(centre[1] + py))) for n, (px, py) in zip(members, points)})
    return positions


def _article_positions(graph: nx.MultiDiGraph, articles: list[str], placed: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """An article beside its first drawn entity, else in rows below the communities."""
    near: dict[str, tuple[int, int]] = {}
    for node, data in sorted(graph.nodes(data=True)):
        if node in placed:
            for doc in data["articles"][:1]:
                near.setdefault(f"article:{doc}", placed[node])
    bottom = max((y for _, y in placed.values()), default=0) + 300
    out = {}
    for number, article in enumerate(sorted(articles)):
        x, y = near.get(article, (60 * (number % 100), bottom + 60 * (number // 100)))
        out[article] = (x + 25 + number % 7 * 9, y + 25 + number % 5 * 9) if article in near else (x, y)
    return out


def page_overview(view: Overview, labels: dict[str, str]) -> dict:
    """The page's ``overview`` data: communities (id, label, colour, members), central names, the reserve and
    each carried entity's first article, and the counts of the header."""
    groups = []
    for number, members in enumerate(view.communities):
        names = [labels[n] for n in members[:LABEL_NAMES]]
        groups.append({"id": f"community:{number}", "label": " · ".join(names) + (f" (+{len(members) - len(names)})" if len(members) > len(names) else ""),
                       "colour": PALETTE[number % len(PALETTE)], "members": members, "cluster": len(members) >= CLUSTER_MIN})
    first_article = {n: f"article:{view.graph.nodes[n]['articles'][0]}" for n in view.reserve
                     if view.graph.nodes[n]["articles"] and f"article:{view.graph.nodes[n]['articles'][0]}" in view.graph}
    return {"communities": groups, "central": view.central, "reserve": view.reserve, "firstArticle": first_article,
            "drawn": len(view.drawn), "isolated": view.isolated, "leftOut": view.left_out}


# -- the frozen layout of large graphs ---------------------------------------------------------------


def frozen_layout(graph: nx.Graph, *, seed: int = 7, iterations: int = 100, scale: float = 70.0) -> dict[str, tuple[int, int]]:
    """Integer x/y for every node: grid Fruchterman-Reingold with gravity, vectorised with numpy.

    Repulsion acts between nodes closer than twice the ideal edge length,
    found, above ``ALL_PAIRS_UP_TO`` nodes, through a grid of cells that size
    (Fruchterman and Reingold's own speed-up), so a step costs O(nodes +
    edges), not O(nodes²); attraction acts along edges; a weak pull towards
    the centre keeps the components together; the temperature cools
    linearly. Same graph and seed, same positions.
    """
    return frozen_layouts([graph], seed=seed, iterations=iterations, scale=scale)[0]


def frozen_layouts(graphs: list[nx.Graph], *, seed: int = 7, iterations: int = 100,
                   scale: float = 70.0) -> list[dict[str, tuple[int, int]]]:
    """``frozen_layout`` of each graph, the same positions; the graphs of up to ``ALL_PAIRS_UP_TO`` nodes move
    in one simulation together, each in its own space (no force acts between two graphs), so that a hundred
    small communities cost one simulation's steps, not a hundred."""
    small = [g for g in graphs if len(g) <= ALL_PAIRS_UP_TO]
    laid = iter(_simulate(small, seed, iterations, scale, every_pair=True))
    return [next(laid) if len(g) <= ALL_PAIRS_UP_TO else _simulate([g], seed, iterations, scale, every_pair=False)[0]
            for g in graphs]


def _simulate(graphs: list[nx.Graph], seed: int, iterations: int, scale: float, *,
              every_pair: bool) -> list[dict[str, tuple[int, int]]]:
    """The layout of each graph, moved side by side in one set of arrays (``every_pair``: repulsion between every
    two nodes of a graph; else between those in neighbouring grid cells, for one graph)."""
    nodes = [sorted(graph) for graph in graphs]
    sizes = [len(names) for names in nodes]
    offsets = np.cumsum([0, *sizes])
    n = int(offsets[-1])
    if n == 0:
        return [{} for _ in graphs]
    pos = np.concatenate([(np.random.default_rng(seed).random((size, 2)) - 0.5) * math.sqrt(size) for size in sizes])
    side = np.repeat([math.sqrt(size) for size in sizes], sizes)
    pairs = np.concatenate([_edge_pairs(graph, names) + start for graph, names, start in zip(graphs, nodes, offsets)])
    pairs_of_graphs = np.concatenate([np.stack(np.nonzero(~np.eye(size, dtype=bool)), axis=1) + start
                                      for size, start in zip(sizes, offsets)]) if every_pair else None
    reach = 2.0
    for step in range(iterations):
        temperature = side / 10 * (1 - step / iterations) + 0.02
        source, target = pairs_of_graphs.T if pairs_of_graphs is not None else _near_pairs(pos, reach)
        delta = pos[source] - pos[target]
        dist2 = np.maximum(np.einsum("ij,ij->i", delta, delta), 1e-6)
        push = 3.0 * delta / dist2[:, None] * (dist2 < reach * reach)[:, None]
        disp = np.stack([np.bincount(source, push[:, 0], n), np.bincount(source, push[:, 1], n)], axis=1).astype(float, copy=False)
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            pull = delta * np.sqrt(np.einsum("ij,ij->i", delta, delta))[:, None]
            for column in (0, 1):
                disp[:, column] += np.bincount(pairs[:, 1], pull[:, column], n) - np.bincount(pairs[:, 0], pull[:, column], n)
        disp -= 0.01 * pos
        length = np.maximum(np.sqrt(np.einsum("ij,ij->i", disp, disp)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
    out = []
    for names, start, end in zip(nodes, offsets, offsets[1:]):
        own = pos[start:end] - pos[start:end].mean(axis=0) if end > start else pos[start:end]
        out.append({node: (int(round(x * scale)), int(round(y * scale))) for node, (x, y) in zip(names, own)})
    return out


def _edge_pairs(graph: nx.Graph, nodes: list[str]) -> np.ndarray:
    """The graph's edges as sorted pairs of positions in ``nodes``, no loops, each once."""
    index = {node: i for i, node in enumerate(nodes)}
    return np.array(sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in graph.edges() if u != v}),
                    dtype=np.int64).reshape(-1, 2)


def _near_pairs(pos: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Ordered pairs (i, j), i != j, of nodes in the same or neighbouring grid cells."""
    n = len(pos)
    keys = np.floor(pos / cell).astype(np.int64)
    keys -= keys.min(axis=0)
    width = int(keys[:, 0].max()) + 3
    ids = (keys[:, 1] + 1) * width + keys[:, 0] + 1
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    sources, targets = [], []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            wanted = ids + dy * width + dx
            low = np.searchsorted(ordered, wanted, "left")
            counts = np.searchsorted(ordered, wanted, "right") - low
            total = int(counts.sum())
            sources.append(np.repeat(np.arange(n), counts))
            targets.append(order[np.repeat(low - np.cumsum(counts) + counts, counts) + np.arange(total)])
    source, target = np.concatenate(sources), np.concatenate(targets)
    keep = source != target
    return source[keep], target[keep]
