"""A self-contained interactive HTML view of the graph (pyvis data, vis-network inlined).

pyvis builds the node and edge data; the page template is ours and inlines
the vis-network script that the pyvis package ships, so opening the file
makes no network request.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

import networkx as nx
import pyvis
from jinja2 import Template
from pyvis.network import Network

COLOURS = {"PER": "#e15759", "ORG": "#4e79a7", "PLACE": "#59a14f", "PROGRAMME": "#f28e2b",
           "HONOUR": "#b07aa1", "ARTICLE": "#9c9c9c"}
SHAPES = {"PER": "dot", "ORG": "box", "PLACE": "triangle", "PROGRAMME": "diamond", "HONOUR": "star", "ARTICLE": "square"}
RELATION_LABELS = {"POST": "任职", "AWARD": "获评", "RUNS": "开展", "PART_OF": "隶属", "AUTHOR": "撰稿"}


def vis_network_js() -> str:
    """The vis-network script shipped inside the pyvis package."""
    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return lib.read_text(encoding="utf-8")


def network_data(graph: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """Nodes and edges as vis-network wants them, all text HTML-escaped."""
    net = Network(directed=True)
    degree = dict(graph.degree())
    for node, data in sorted(graph.nodes(data=True)):
        kind = data["type"]
        tooltip = "\n".join([f"{kind}: {data['label']}", *(["aliases: " + "、".join(data["aliases"])] if data["aliases"] else [])])
        net.add_node(node, label=data["label"], title=html.escape(tooltip), group=kind,
                     color=COLOURS[kind], shape=SHAPES[kind], size=10 + 3 * min(degree[node], 10))
    for source, target, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        extra = data.get("title") or data.get("year") or data.get("role") or ""
        label = " ".join(filter(None, [RELATION_LABELS[data["relation"]], extra]))
        net.add_edge(source, target, label=label, title=html.escape(data["relation"]), arrows="to")
    return net.nodes, net.edges


def render_html(graph: nx.MultiDiGraph) -> str:
    """The whole page as one string."""
    nodes, edges = network_data(graph)
    template = Template(resources.files("kg").joinpath("templates/graph.html.j2").read_text(encoding="utf-8"))
    legend = [(kind, COLOURS[kind]) for kind in COLOURS]
    return template.render(vis_js=vis_network_js(), nodes=_script_json(nodes), edges=_script_json(edges), legend=legend)


def _script_json(value: object) -> str:
    """JSON that is safe inside a <script> element (no ``</script>`` can close it)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
