"""The knowledge graph as RDF, with the evidence of every statement.

Vocabularies: W3C ORG, FOAF, SKOS, PROV-O, DCTERMS, schema.org, and govkg's
own terms from ``kg.vocab`` (generated from ``ontology/govkg.ttl``).

* Entities and articles (types, labels, aliases, division codes, dates) go in
  the default graph; what an article says (relations and their evidence)
  goes in that article's named graph ``id:graph/DOC``.
* A post is an ``org:Membership`` (member, organization, ``org:role``); an
  award a ``govkg:Award`` (recipient, honour, year). Both are nodes, so their
  evidence hangs on them: ``?m prov:wasDerivedFrom ?evidence``.
* A direct triple (``org:subOrganizationOf``, ``schema:containedInPlace``,
  ``govkg:partOf``, ``govkg:runs``) is also described by an ``rdf:Statement``
  (rdf:subject/predicate/object) that carries ``prov:wasDerivedFrom``.
* Evidence: a ``govkg:Evidence`` with ``prov:wasQuotedFrom`` the article, the
  sentence, its start and end offsets in the original text and the rule id.
  The article's ``dcterms:date`` dates the statement.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, SDO, SKOS, XSD

from .records import Evidence
from .vocab import GOVKG

DATA = Namespace("https://w3id.org/govkg/id/")
PREFIXES = {"govkg": GOVKG, "org": ORG, "foaf": FOAF, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
            "schema": SDO, "xsd": XSD, "owl": OWL, "id": DATA}
CLASSES = {"PER": FOAF.Person, "ORG": ORG.Organization, "PLACE": GOVKG.Place, "PROGRAMME": GOVKG.Programme,
           "HONOUR": GOVKG.Honour, "ARTICLE": GOVKG.Article}
ROLES = {"reporter": GOVKG.reporter, "correspondent": GOVKG.correspondent, "editor": GOVKG.editor, "photo": GOVKG.photo}
CREATOR_ROLES = ("reporter", "correspondent")
_UNSAFE = re.compile(r"[\x00-\x20<>\"{}|\\^`#?%/]")


def segment(name: str) -> str:
    """A readable IRI path segment: Chinese kept, only unsafe ASCII percent-encoded."""
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), name)


@functools.lru_cache(maxsize=None)
def iri(node: str) -> URIRef:
    """The IRI of a graph node id such as ``org:天元区公安局`` -> ``id:org/天元区公安局``."""
    kind, _, name = node.partition(":")
    return DATA[f"{kind}/{segment(name)}"]


@functools.lru_cache(maxsize=None)
def graph_iri(doc: str) -> URIRef:
    """The named graph holding what one article says."""
    return DATA[f"graph/{segment(doc)}"]


def _hashed(kind: str, *parts: str) -> URIRef:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return DATA[f"{kind}/{digest}"]


class QuadSet:
    """A set of quads built with rdflib terms, cheap to fill (no store, no indexes).

    ``graph(name)`` is a view whose ``add(triple)`` files the triple under that
    named graph (``None``: the default graph), so the builders below read like
    rdflib code.
    """

    def __init__(self) -> None:
        self.quads: set[tuple] = set()

    def graph(self, name: URIRef | None = None) -> _GraphView:
        return _GraphView(self.quads, name)

    def release(self) -> None:
        """Drop the converted lists (they are rebuilt on demand)."""
        self.__dict__.pop("ox_quads", None)
        self.__dict__.pop("ox_triples", None)

    def sorted(self) -> list[tuple]:
        """Quads in a fixed order: default graph first, then by graph, subject, predicate, object."""
        return sorted(self.quads, key=lambda q: (q[3] is not None, str(q[3] or ""), str(q[0]), str(q[1]), _term_key(q[2])))

    @functools.cached_property
    def ox_quads(self) -> list[ox.Quad]:
        """The quads as pyoxigraph terms, sorted (computed once for every dataset format)."""
        convert = _Converter()
        return [ox.Quad(convert(s), convert(p), convert(o), convert(g) if g is not None else ox.DefaultGraph())
                for s, p, o, g in self.sorted()]

    @functools.cached_property
    def ox_triples(self) -> list[ox.Triple]:
        """The union of the graphs as pyoxigraph triples, sorted (computed once for every triple format)."""
        convert = _Converter()
        union = sorted({(s, p, o) for s, p, o, _ in self.quads}, key=lambda t: (str(t[0]), str(t[1]), _term_key(t[2])))
        return [ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in union]


@dataclass
class _GraphView:
    quads: set
    name: URIRef | None

    def add(self, triple: tuple) -> None:
        self.quads.add((*triple, self.name))


def _term_key(term: object) -> str:
    if isinstance(term, Literal):
        return f"{term}\x1f{term.language or ''}\x1f{term.datatype or ''}"
    return str(term)


def build_quads(graph: nx.MultiDiGraph) -> QuadSet:
    """The whole graph as quads: a default graph plus one named graph per article."""
    quads = QuadSet()
    default = quads.graph()
    for node, data in sorted(graph.nodes(data=True)):
        if data["type"] == "ARTICLE":
            _article(default, graph, node, data)
        else:
            _entity(default, iri(node), data)
            for doc in data["articles"]:
                quads.graph(graph_iri(doc)).add((iri(f"article:{doc}"), SDO.mentions, iri(node)))
    for source, target, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        for evidence in data["evidence"]:
            _statement(quads.graph(graph_iri(evidence.doc)), graph, source, target, data, evidence)
    return quads


def _bound(container: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        container.bind(prefix, namespace)
    return container


def to_dataset(graph: nx.MultiDiGraph) -> Dataset:
    """The graph as an rdflib ``Dataset`` (for code that wants rdflib; the exporters use ``build_quads``)."""
    dataset = _bound(Dataset())
    default = dataset.default_graph if hasattr(type(dataset), "default_graph") else dataset.default_context
    for subject, predicate, obj, name in build_quads(graph).quads:
        (dataset.graph(name) if name is not None else default).add((subject, predicate, obj))
    return dataset


def to_graph(graph: nx.MultiDiGraph) -> Graph:
    """The union of the named graphs as an rdflib ``Graph``."""
    union = _bound(Graph())
    for subject, predicate, obj, _ in build_quads(graph).quads:
        union.add((subject, predicate, obj))
    return union


# serialisation with pyoxigraph -------------------------------------------
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
              "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
DATASET_FORMATS = ("trig", "nquads")


def serialize(quads: QuadSet, path: str | Path, format: str) -> None:
    """Write the quads (or, for a triple format, their union) in sorted order with pyoxigraph."""
    items = quads.ox_quads if format in DATASET_FORMATS else quads.ox_triples
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items() if prefix != "id"}
    ox.serialize(items, str(path), format=OX_FORMATS[format], prefixes=prefixes)


class _Converter:
    """rdflib terms to pyoxigraph terms, IRIs cached."""

    def __init__(self) -> None:
        self.nodes: dict[str, ox.NamedNode] = {}

    def __call__(self, term: object) -> object:
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            return ox.Literal(str(term), datatype=self(term.datatype) if term.datatype else None)
        key = str(term)
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = ox.NamedNode(key)
        return node


def _entity(rdf: _GraphView, subject: URIRef, data: dict) -> None:
    rdf.add((subject, RDF.type, CLASSES[data["type"]]))
    rdf.add((subject, SKOS.prefLabel, Literal(data["label"], lang="zh")))
    rdf.add((subject, RDFS.label, Literal(data["label"], lang="zh")))
    for alias in data["aliases"]:
        rdf.add((subject, SKOS.altLabel, Literal(alias, lang="zh")))
    rdf.add((subject, GOVKG.articleCount, Literal(len(data["articles"]))))
    if data.get("code"):
        rdf.add((subject, RDF.type, GOVKG.AdministrativeDivision))
        rdf.add((subject, GOVKG.divisionCode, Literal(data["code"])))
        rdf.add((subject, GOVKG.level, Literal(data["level"])))


def _article(rdf: _GraphView, graph: nx.MultiDiGraph, node: str, data: dict) -> None:
    subject = iri(node)
    rdf.add((subject, RDF.type, GOVKG.Article))
    rdf.add((subject, DCTERMS.identifier, Literal(data["doc"])))
    rdf.add((subject, DCTERMS.title, Literal(data["label"], lang="zh")))
    if data.get("date"):
        rdf.add((subject, DCTERMS.date, Literal(data["date"], datatype=XSD.date)))
    if data.get("page"):
        rdf.add((subject, GOVKG.page, Literal(data["page"])))
    if data.get("newspaper"):
        paper = f"org:{data['newspaper']}"
        rdf.add((subject, DCTERMS.publisher, iri(paper) if paper in graph else Literal(data["newspaper"], lang="zh")))


def _statement(rdf: _GraphView, graph: nx.MultiDiGraph, source: str, target: str, data: dict, evidence: Evidence) -> None:
    """Add one relation as the article reported it, with its evidence."""
    kind, subject, obj = data["relation"], iri(source), iri(target)
    proof = _evidence(rdf, evidence)
    if kind == "POST":
        membership = _hashed("membership", source, target, data.get("title", ""))
        role = DATA[f"role/{segment(data.get('title', ''))}"]
        rdf.add((membership, RDF.type, ORG.Membership))
        rdf.add((membership, ORG.member, subject))
        rdf.add((membership, ORG.organization, obj))
        rdf.add((membership, ORG.role, role))
        rdf.add((role, RDF.type, ORG.Role))
        rdf.add((role, SKOS.prefLabel, Literal(data.get("title", ""), lang="zh")))
        rdf.add((membership, PROV.wasDerivedFrom, proof))
    elif kind == "AWARD":
        award = _hashed("award", source, target, data.get("year", ""))
        rdf.add((award, RDF.type, GOVKG.Award))
        rdf.add((award, GOVKG.recipient, subject))
        rdf.add((award, GOVKG.honour, obj))
        if data.get("year"):
            rdf.add((award, GOVKG.year, Literal(data["year"])))
        rdf.add((award, PROV.wasDerivedFrom, proof))
    elif kind == "AUTHOR":
        role = data.get("role", "")
        attribution = _hashed("attribution", target, source, role)
        rdf.add((obj, DCTERMS.creator if role in CREATOR_ROLES else DCTERMS.contributor, subject))
        rdf.add((obj, PROV.qualifiedAttribution, attribution))
        rdf.add((attribution, RDF.type, PROV.Attribution))
        rdf.add((attribution, PROV.agent, subject))
        rdf.add((attribution, PROV.hadRole, ROLES.get(role, GOVKG.reporter)))
        rdf.add((attribution, PROV.wasDerivedFrom, proof))
    else:
        predicate = GOVKG.runs if kind == "RUNS" else _part_of(graph.nodes[source]["type"], graph.nodes[target]["type"])
        rdf.add((subject, predicate, obj))
        statement = _hashed("statement", str(subject), str(predicate), str(obj))
        rdf.add((statement, RDF.type, RDF.Statement))
        rdf.add((statement, RDF.subject, subject))
        rdf.add((statement, RDF.predicate, predicate))
        rdf.add((statement, RDF.object, obj))
        rdf.add((statement, PROV.wasDerivedFrom, proof))


def _part_of(child: str, parent: str) -> URIRef:
    if child == parent == "ORG":
        return ORG.subOrganizationOf
    if child == parent == "PLACE":
        return SDO.containedInPlace
    return GOVKG.partOf


def _evidence(rdf: _GraphView, evidence: Evidence) -> URIRef:
    node = DATA[f"evidence/{segment(evidence.doc)}/{evidence.start}-{evidence.end}/{segment(evidence.rule)}"]
    rdf.add((node, RDF.type, GOVKG.Evidence))
    rdf.add((node, PROV.wasQuotedFrom, iri(f"article:{evidence.doc}")))
    rdf.add((node, GOVKG.sentence, Literal(evidence.sentence, lang="zh")))
    rdf.add((node, GOVKG.startOffset, Literal(evidence.start)))
    rdf.add((node, GOVKG.endOffset, Literal(evidence.end)))
    rdf.add((node, GOVKG.rule, Literal(evidence.rule)))
    return node
