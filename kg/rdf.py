"""The knowledge graph as RDF (rdflib): W3C ORG, FOAF, SKOS, PROV-O, DCTERMS.

Own terms (Programme, Honour, Award, AdministrativeDivision, runs, year …)
come from one closed namespace, so a misspelt term fails loudly.
"""

from __future__ import annotations

from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SKOS, XSD, ClosedNamespace

GOVKG = ClosedNamespace(
    "https://w3id.org/govkg/ontology#",
    ["Programme", "Honour", "Award", "AdministrativeDivision", "Article", "runs", "award", "recipient",
     "honour", "year", "title", "partOf", "role", "articleCount", "sentence", "start", "end", "rule"],
)
DATA = Namespace("https://w3id.org/govkg/id/")
CLASSES = {"PER": FOAF.Person, "ORG": ORG.Organization, "PLACE": GOVKG.AdministrativeDivision,
           "PROGRAMME": GOVKG.Programme, "HONOUR": GOVKG.Honour, "ARTICLE": GOVKG.Article}


def iri(node: str) -> URIRef:
    """The IRI of a graph node id such as ``org:天元区公安局``."""
    kind, _, name = node.partition(":")
    return DATA[f"{kind}/{quote(name, safe='')}"]


def to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """An rdflib graph with entities, articles and relations (with PROV evidence)."""
    rdf = Graph()
    for prefix, namespace in (("govkg", GOVKG), ("org", ORG), ("foaf", FOAF), ("skos", SKOS), ("prov", PROV),
                              ("dcterms", DCTERMS), ("id", DATA)):
        rdf.bind(prefix, namespace)
    for node, data in sorted(graph.nodes(data=True)):
        _node(rdf, iri(node), data)
    for source, target, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        _edge(rdf, iri(source), iri(target), data)
    return rdf


def _node(rdf: Graph, subject: URIRef, data: dict) -> None:
    rdf.add((subject, RDF.type, CLASSES[data["type"]]))
    if data["type"] == "ARTICLE":
        rdf.add((subject, DCTERMS.identifier, Literal(data["doc"])))
        rdf.add((subject, DCTERMS.title, Literal(data["label"], lang="zh")))
        if data.get("date"):
            rdf.add((subject, DCTERMS.date, Literal(data["date"], datatype=XSD.date)))
        if data.get("newspaper"):
            rdf.add((subject, DCTERMS.publisher, Literal(data["newspaper"], lang="zh")))
        return
    rdf.add((subject, SKOS.prefLabel, Literal(data["label"], lang="zh")))
    rdf.add((subject, RDFS.label, Literal(data["label"], lang="zh")))
    for alias in data["aliases"]:
        rdf.add((subject, SKOS.altLabel, Literal(alias, lang="zh")))
    rdf.add((subject, GOVKG.articleCount, Literal(len(data["articles"]))))
    for doc in data["articles"]:
        rdf.add((subject, DCTERMS.isReferencedBy, iri(f"article:{doc}")))


def _edge(rdf: Graph, source: URIRef, target: URIRef, data: dict) -> None:
    kind = data["relation"]
    if kind == "AUTHOR":
        rdf.add((target, DCTERMS.creator, source))
        return
    if kind == "PART_OF":
        predicate = ORG.subOrganizationOf if "/org/" in str(source) and "/org/" in str(target) else GOVKG.partOf
        statement = _statement(rdf, source, predicate, target)
    elif kind == "RUNS":
        statement = _statement(rdf, source, GOVKG.runs, target)
    elif kind == "POST":
        statement = _node_for(source, target, data, "membership")
        rdf.add((statement, RDF.type, ORG.Membership))
        rdf.add((statement, ORG.member, source))
        rdf.add((statement, ORG.organization, target))
        rdf.add((statement, GOVKG.title, Literal(data.get("title", ""), lang="zh")))
    else:
        statement = _node_for(source, target, data, "award")
        rdf.add((statement, RDF.type, GOVKG.Award))
        rdf.add((statement, GOVKG.recipient, source))
        rdf.add((statement, GOVKG.honour, target))
        if data.get("year"):
            rdf.add((statement, GOVKG.year, Literal(data["year"])))
    for evidence in data["evidence"]:
        _evidence(rdf, statement, evidence)


def _statement(rdf: Graph, source: URIRef, predicate: URIRef, target: URIRef) -> URIRef:
    """Add a direct triple and return a node that stands for it (for its evidence)."""
    rdf.add((source, predicate, target))
    return URIRef(f"{source}/{predicate.split('#')[-1].split('/')[-1]}/{quote(str(target).rsplit('/', 1)[-1], safe='%')}")


def _node_for(source: URIRef, target: URIRef, data: dict, kind: str) -> URIRef:
    extra = quote(data.get("title") or data.get("year") or "", safe="")
    return URIRef(f"{source}/{kind}/{quote(str(target).rsplit('/', 1)[-1], safe='%')}/{extra}")


def _evidence(rdf: Graph, statement: URIRef, evidence) -> None:
    node = URIRef(f"{statement}/evidence/{quote(evidence.doc, safe='')}/{evidence.start}")
    rdf.add((statement, PROV.wasDerivedFrom, node))
    rdf.add((node, RDF.type, PROV.Entity))
    rdf.add((node, PROV.wasQuotedFrom, iri(f"article:{evidence.doc}")))
    rdf.add((node, GOVKG.sentence, Literal(evidence.sentence, lang="zh")))
    rdf.add((node, GOVKG.start, Literal(evidence.start)))
    rdf.add((node, GOVKG.end, Literal(evidence.end)))
    rdf.add((node, GOVKG.rule, Literal(evidence.rule)))
