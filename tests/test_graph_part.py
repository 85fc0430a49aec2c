"""Part of a graph walked as if it were the whole (``kg.graph_part``)."""

from __future__ import annotations

import networkx as nx

from kg.graph import finish_graph
from kg.graph_part import Walked


def _graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for doc, date in (("d1", "2024-03-01"), ("d2", "2024-01-05")):
        graph.add_node(f"article:{doc}", type="ARTICLE", date=date, articles={doc}, aliases=set())
    graph.add_node("per:王伟", type="PER", articles={"d2", "d1"}, aliases={"王局长"})
    graph.add_node("org:天元区公安局", type="ORG", articles={"d1"}, aliases=set())
    graph.add_node("org:株洲市公安局", type="ORG", articles={"d2"}, aliases=set())
    graph.add_edge("per:王伟", "org:天元区公安局", key="POST|title=局长", docs={"d1"})
    graph.add_edge("per:王伟", "org:株洲市公安局", key="POST|title=局长", docs={"d2"})
    return graph


def test_a_part_walks_its_nodes_and_the_edges_among_them_and_looks_up_any_node() -> None:
    graph = _graph()
    part = Walked(graph, {"per:王伟", "org:天元区公安局", "org:不存在"})
    assert set(part.nodes()) == {"per:王伟", "org:天元区公安局"}  # a node not in the graph is left out
    assert list(part.edges()) == [("per:王伟", "org:天元区公安局")]
    assert part.nodes["article:d2"]["date"] == "2024-01-05" and "org:株洲市公安局" in part


def test_finishing_a_part_finishes_only_it() -> None:
    graph = _graph()
    finish_graph(Walked(graph, {"per:王伟", "org:天元区公安局"}))  # type: ignore[arg-type]
    assert graph.nodes["per:王伟"]["articles"] == ["d1", "d2"] and graph.nodes["per:王伟"]["first_date"] == "2024-01-05"
    assert graph.edges["per:王伟", "org:天元区公安局", "POST|title=局长"]["docs"] == ["d1"]
    assert graph.edges["per:王伟", "org:株洲市公安局", "POST|title=局长"]["docs"] == {"d2"}  # outside the part
    assert graph.nodes["org:株洲市公安局"]["articles"] == {"d2"}
