"""GEXF and GraphML for Gephi, written as they go: one pass over the graph, no document tree in memory.

Both formats carry the same flat attributes: lists are joined with ``|``,
counts are integers. The GEXF is dynamic: a node or edge starts at the date
of the first article that reports it, so Gephi's timeline replays the corpus.

Besides the statements, both files hold the body hierarchy: the PART_OF edges
and an IN_PLACE edge from each body to the division its name opens with
(``kg.identity.body_place``; a name several divisions share is left out), with
that division's node when no article names it. Every edge has a ``layer``:
``hierarchy`` (PART_OF, IN_PLACE), ``byline`` (AUTHOR) or ``statement``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from .graph import node_id
from .identity import body_place

FLAT_SEPARATOR = "|"
#: flat attributes (name -> GEXF/GraphML type), in the order they are declared
NODE_ATTRIBUTES = {"type": "string", "aliases": "string", "article_count": "long", "degree": "long", "mentions": "long",
                   "code": "string", "level": "string", "first_date": "string", "date": "string", "newspaper": "string",
                   "page": "string", "doc": "string", "source": "string", "articles": "string"}
EDGE_ATTRIBUTES = {"relation": "string", "layer": "string", "title": "string", "year": "string", "role": "string",
                   "weight": "long", "first_date": "string", "docs": "string", "evidence": "string"}
#: the layer of an edge by its relation (any other relation is a ``statement``)
LAYERS = {"PART_OF": "hierarchy", "IN_PLACE": "hierarchy", "AUTHOR": "byline"}
#: rows as the writers take them: (id, label, attributes) and (source, target, label, attributes)
NodeRow = tuple[str, str, dict[str, str | int]]
EdgeRow = tuple[str, str, str, dict[str, str | int]]
#: characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: what an attribute value, or text, needs escaped or replaced; most values (names, dates, ids) hold none of it
_ATTR_SPECIAL = re.compile("[&<>\"'\t\n\r]|[^\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_SPECIAL = re.compile("[&<>\r]|[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: a carriage return in text is written as a reference, else a reader takes it for a line end
_TEXT_ENTITIES = {"\r": "&#13;"}


def node_rows(graph: nx.MultiDiGraph) -> Iterator[NodeRow]:
    """(node id, label, flat attributes) of every node and of the divisions only the hierarchy names, sorted by id."""
    degree = dict(graph.degree())
    nodes = dict(graph.nodes(data=True))
    for _, place, data in in_place_edges(graph):
        nodes.setdefault(place, {"type": "PLACE", "label": place.partition(":")[2], "articles": [], **data["division"]})
    for node, data in sorted(nodes.items()):
        attrs = {**data, "article_count": len(data["articles"]), "degree": degree.get(node, 0)}
        yield node, data["label"], flat_attributes(attrs, NODE_ATTRIBUTES)


def edge_rows(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, dict[str, str | int]]]:
    """(source, target, key, flat attributes) of every edge, IN_PLACE edges included, sorted by the first three;
    ``evidence`` is its first sentence."""
    edges = [*graph.edges(keys=True, data=True), *((body, place, "IN_PLACE", data) for body, place, data in in_place_edges(graph))]
    for source, target, key, data in sorted(edges, key=lambda e: e[:3]):
        attrs = {**data, "weight": data.get("weight") or 1, "layer": LAYERS.get(data["relation"], "statement"),
                 "evidence": data["evidence"][0].sentence if data["evidence"] else ""}
        yield source, target, key, flat_attributes(attrs, EDGE_ATTRIBUTES)


def in_place_edges(graph: nx.MultiDiGraph) -> list[tuple[str, str, dict]]:
    """(body, division node, data) for every body whose name opens with one division's name."""
    edges = []
    for node, data in graph.nodes(data=True):
        division = body_place(data["label"]) if data["type"] == "ORG" else None
        if division is not None:
            edges.append((node, node_id("PLACE", division.name), {
                "relation": "IN_PLACE", "evidence": [], "first_date": data.get("first_date", ""),
                "division": {"code": division.code, "level": division.level}}))
    return edges


def flat_attributes(data: dict, schema: dict[str, str]) -> dict[str, str | int]:
    """The attributes of ``schema`` that ``data`` has, in its order: lists joined with ``|``, empty values left out."""
    flat: dict[str, str | int] = {}
    for name in schema:
        value = data.get(name)
        if isinstance(value, (list, tuple, set)):
            value = FLAT_SEPARATOR.join(sorted(str(v) for v in value))
        if value not in (None, ""):
            flat[name] = value
    return flat


def _attr(value: object) -> str:
    text = str(value)
    return quoteattr(_NOT_XML.sub("\ufffd", text)) if _ATTR_SPECIAL.search(text) else f'"{text}"'


def _text(value: object) -> str:
    text = str(value)
    return escape(_NOT_XML.sub("\ufffd", text), _TEXT_ENTITIES) if _TEXT_SPECIAL.search(text) else text


def write_gexf(graph: nx.MultiDiGraph, path: str | Path, date: str) -> None:
    """GEXF 1.2 (dynamic, dates); ``date`` is the header's last-modified date (the newest article's)."""
    edges = ((source, target, _edge_label(attrs), attrs) for source, target, _, attrs in edge_rows(graph))
    write_gexf_rows(path, date, (NODE_ATTRIBUTES, node_rows(graph)), (EDGE_ATTRIBUTES, edges))


def _edge_label(attrs: dict) -> str:
    return " ".join(str(attrs[name]) for name in ("relation", "title", "year", "role") if name in attrs)


def write_gexf_rows(path: str | Path, date: str, nodes: tuple[dict[str, str], Iterable[NodeRow]],
                    edges: tuple[dict[str, str], Iterable[EdgeRow]], *, directed: bool = True) -> None:
    """A dynamic GEXF 1.2 of nodes and edges, each given as (schema, rows); an element with a ``first_date``
    starts then. An edge's ``weight`` attribute becomes its GEXF weight."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
                  f'  <meta{" lastmodifieddate=" + _attr(date) if date else ""}><creator>govkg</creator></meta>\n'
                  f'  <graph defaultedgetype="{"directed" if directed else "undirected"}" mode="dynamic" timeformat="date">\n')
        for kind, (schema, _) in (("node", nodes), ("edge", edges)):
            out.write(f'    <attributes class="{kind}" mode="static">\n')
            out.writelines(f'      <attribute id="{name}" title="{name}" type="{xml_type}"/>\n'
                           for name, xml_type in schema.items() if name != "weight")
            out.write("    </attributes>\n")
        out.write("    <nodes>\n")
        for node, label, attrs in nodes[1]:
            out.write(f'      <node id={_attr(node)} label={_attr(label)}{_start(attrs)}>')
            _gexf_values(out, attrs)
            out.write("</node>\n")
        out.write("    </nodes>\n    <edges>\n")
        for number, (source, target, label, attrs) in enumerate(edges[1]):
            out.write(f'      <edge id="{number}" source={_attr(source)} target={_attr(target)} label={_attr(label)} '
                      f'weight="{attrs.pop("weight")}"{_start(attrs)}>')
            _gexf_values(out, attrs)
            out.write("</edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")


def _start(attrs: dict) -> str:
    return f' start={_attr(attrs["first_date"])}' if attrs.get("first_date") else ""


def _gexf_values(out: IO[str], attrs: dict) -> None:
    out.write("<attvalues>")
    out.writelines(f"<attvalue for={_attr(name)} value={_attr(value)}/>" for name, value in attrs.items())
    out.write("</attvalues>")


def write_graphml(graph: nx.MultiDiGraph, path: str | Path) -> None:
    """GraphML with typed keys; parallel edges keep their key as the edge id."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for kind, schema in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
            out.writelines(f'  <key id="{kind}.{name}" for="{kind}" attr.name="{name}" attr.type="{xml_type}"/>\n'
                           for name, xml_type in schema.items())
        out.write('  <key id="node.label" for="node" attr.name="label" attr.type="string"/>\n'
                  '  <graph edgedefault="directed">\n')
        for node, label, attrs in node_rows(graph):
            out.write(f"    <node id={_attr(node)}>")
            _graphml_values(out, "node", {"label": label, **attrs})
            out.write("</node>\n")
        for source, target, key, attrs in edge_rows(graph):
            out.write(f"    <edge id={_attr(f'{source}->{target}#{key}')} source={_attr(source)} target={_attr(target)}>")
            _graphml_values(out, "edge", attrs)
            out.write("</edge>\n")
        out.write("  </graph>\n</graphml>\n")


def _graphml_values(out: IO[str], kind: str, attrs: dict) -> None:
    out.writelines(f'<data key="{kind}.{name}">{_text(value)}</data>' for name, value in attrs.items())
