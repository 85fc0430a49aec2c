"""Specification of the GEXF and GraphML writers' text: every value reads back as it was written, whatever
characters it holds; those XML cannot hold at all become U+FFFD."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.gephi import write_gexf_rows, write_graphml

#: values that need escaping (markup, both quotes, white space XML attributes fold), one XML cannot hold, and
#: plain ones
VALUES = ['株洲市"平安"建设 & <治理>', "O'Brien与“李”", "第一行\n第二行\t制表\r", "控制\x01字符", "天元区公安局", "2023-03-01"]


def _graph(node_label: str) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node, label in (("per:甲", node_label), ("org:乙", "乙")):
        graph.add_node(node, type=node.partition(":")[0].upper(), label=label, aliases=[], articles=["a"],
                       first_date="2023-03-01")
    graph.add_edge("per:甲", "org:乙", key="POST", relation="POST", title=node_label, weight=1, docs=["a"],
                   evidence=[], first_date="2023-03-01")
    return graph


@pytest.mark.parametrize("value", VALUES)
def test_a_gexf_value_reads_back_as_written(tmp_path: Path, value: str) -> None:
    path = tmp_path / "g.gexf"
    nodes = ({"type": "string"}, [(f"per:{value}", value, {"type": value})])
    edges = ({"title": "string", "weight": "long"}, [(f"per:{value}", f"per:{value}", value, {"title": value, "weight": 1})])
    write_gexf_rows(path, value, nodes, edges)
    graph = nx.read_gexf(path, relabel=False)
    expected = value.replace("\x01", "\ufffd")
    assert list(graph.nodes(data=True)) == [(f"per:{expected}", {"type": expected, "label": expected})]
    assert [data["title"] for _, _, data in graph.edges(data=True)] == [expected]


@pytest.mark.parametrize("value", VALUES)
def test_a_graphml_value_reads_back_as_written(tmp_path: Path, value: str) -> None:
    path = tmp_path / "g.graphml"
    write_graphml(_graph(value), path)
    graph = nx.read_graphml(path)
    expected = value.replace("\x01", "\ufffd")
    assert graph.nodes["per:甲"]["label"] == expected
    assert [data["title"] for _, _, data in graph.edges(data=True)] == [expected]
