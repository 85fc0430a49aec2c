"""Part of a graph, for code that walks a whole graph to walk only that part (``kg.adding``, ``kg.rdf_added``).

``Walked(graph, nodes)`` reads as ``graph`` does where such code reads it:
``nodes(data=...)`` and ``edges(data=...)`` give only ``nodes`` and the edges
among them, while any node of the graph can still be looked up
(``nodes[node]``) or tested (``node in part``). Articles added to a build
change only the nodes they name and the edges among those, so the graph's
finishing (``kg.graph.finish_graph``) and the default graph's triples
(``kg.rdf.default_triples``) need walk no more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import networkx as nx


class Walked:
    """``graph`` walked over ``nodes`` and the edges among them alone."""

    def __init__(self, graph: nx.MultiDiGraph, nodes: Iterable[str]) -> None:
        self.graph = graph
        self.nodes = _Nodes(graph, frozenset(node for node in nodes if node in graph))

    def edges(self, data: bool = False) -> Iterator[tuple]:
        among = self.nodes.among
        return ((u, v, found) if data else (u, v) for u, v, found in self.graph.out_edges(among, data=True) if v in among)

    def __contains__(self, node: object) -> bool:
        return node in self.graph


@dataclass(frozen=True)
class _Nodes:
    """A ``Walked``'s nodes: its own walked, any of the graph's looked up."""

    graph: nx.MultiDiGraph
    among: frozenset[str]

    def __call__(self, data: bool = False) -> Iterator:
        return ((node, self.graph.nodes[node]) if data else node for node in self.among)

    def __getitem__(self, node: str) -> dict:
        return self.graph.nodes[node]
