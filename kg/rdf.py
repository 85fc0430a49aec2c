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
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, SDO, SKOS, XSD

from .graph import article_relations, build_graph, node_id
from .records import Evidence, Extraction
from .resources import bylines
from .vocab import GOVKG

DATA = Namespace("https://w3id.org/govkg/id/")
PREFIXES = {"govkg": GOVKG, "org": ORG, "foaf": FOAF, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
            "schema": SDO, "xsd": XSD, "owl": OWL, "id": DATA}
CLASSES = {"PER": FOAF.Person, "ORG": ORG.Organization, "PLACE": GOVKG.Place, "PROGRAMME": GOVKG.Programme,
           "HONOUR": GOVKG.Honour, "ARTICLE": GOVKG.Article}
ROLES = {role: GOVKG[role] for role in bylines().roles}
CREATOR_ROLES = bylines().creator_roles
#: what an IRI path segment may hold unencoded (RFC 3987: ASCII unreserved and sub-delims, ":", "@", ucschar)
_PATH_CHARS = "A-Za-z0-9\\-._~!$&'()*+,;=:@\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef" + "".join(
    f"{chr(plane << 16)}-{chr(plane << 16 | 0xFFFD)}" for plane in range(1, 14)) + "\U000e1000-\U000efffd"
#: what ``segment`` percent-encodes: everything else, and white space (which some parsers split IRIs on)
_UNSAFE = re.compile(f"[^{_PATH_CHARS}]|\\s")


def segment(name: str) -> str:
    """A readable IRI path segment: Chinese kept; unsafe ASCII and what IRIs leave out percent-encoded."""
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


Triple = tuple  # (subject, predicate, object) in rdflib terms


def entity_quads(graph: nx.MultiDiGraph) -> list[ox.Quad]:
    """The default graph: every entity and article with its type, labels and codes, sorted."""
    triples: set[Triple] = set()
    for node, data in graph.nodes(data=True):
        if data["type"] == "ARTICLE":
            _article(triples, graph, node, data)
        else:
            _entity(triples, iri(node), data)
    return _quads(triples, None)


def article_quads(extraction: Extraction) -> list[ox.Quad]:
    """The named graph of one article: what it mentions and every relation it reports, with evidence, sorted.

    It depends on the article's extraction alone, so it is made where the
    article is extracted and cached with it.
    """
    doc = extraction.article.doc
    article = iri(node_id("ARTICLE", doc))
    triples: set[Triple] = {(article, SDO.mentions, iri(node_id(e.type, e.name))) for e in extraction.entities}
    for source, target, relation, literals, evidence in article_relations(extraction):
        if evidence is not None:
            _statement(triples, source, target, relation, literals, evidence)
    return _quads(triples, graph_iri(doc))


def article_nquads(extraction: Extraction) -> str:
    """``article_quads`` as N-Quads text."""
    return ox.serialize(article_quads(extraction), format=ox.RdfFormat.N_QUADS).decode("utf-8")


def _quads(triples: set[Triple], name: URIRef | None) -> list[ox.Quad]:
    graph = _ox(name) if name is not None else ox.DefaultGraph()
    ordered = sorted(triples, key=lambda t: (str(t[0]), str(t[1]), _term_key(t[2])))
    return [ox.Quad(_ox(s), _ox(p), _ox(o), graph) for s, p, o in ordered]


def _term_key(term: object) -> str:
    if isinstance(term, Literal):
        return f"{term}\x1f{term.language or ''}\x1f{term.datatype or ''}"
    return str(term)


def _ox(term: object) -> ox.NamedNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=_named(str(term.datatype)) if term.datatype else None)
    return _named(str(term))


@functools.lru_cache(maxsize=1 << 16)
def _named(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _bound(container: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        container.bind(prefix, namespace)
    return container


def to_graph(extractions: Iterable[Extraction]) -> Graph:
    """The union of the default and named graphs as an rdflib ``Graph`` (for code that wants rdflib)."""
    extractions = list(extractions)
    quads = entity_quads(build_graph(extractions)) + [q for e in extractions for q in article_quads(e)]
    text = ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES)
    return _bound(Graph()).parse(data=text.decode("utf-8"), format="nt")


# serialisation with pyoxigraph -------------------------------------------
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
              "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
DATASET_FORMATS = ("trig", "nquads")


#: subjects that belong to one article, so their triples cannot come twice
ARTICLE_OWN = (str(DATA["article/"]), str(DATA["evidence/"]))


def write_rdf(default: list[ox.Quad], named: str | Path, path: str | Path, format: str) -> None:
    """Stream the default graph, then the articles' named graphs read back from the N-Quads file ``named``,
    into ``path``; a triple format gets their union."""
    quads = itertools.chain(default, ox.parse(path=str(named), format=ox.RdfFormat.N_QUADS))
    items = quads if format in DATASET_FORMATS else union(quads)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items() if prefix != "id"}
    ox.serialize(items, str(path), format=OX_FORMATS[format], prefixes=prefixes)


def union(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of ``quads``, each once. Only triples that several articles can report (memberships,
    awards, statements, roles) are remembered, by a 64-bit hash, so memory grows with the graph, not with
    the evidence (two such triples sharing a hash, odds of about one in a million at 100,000 articles,
    would lose one of them)."""
    seen: set[int] = set()
    for quad in quads:
        triple = quad.triple
        if not quad.subject.value.startswith(ARTICLE_OWN):
            key = hash(triple)
            if key in seen:
                continue
            seen.add(key)
        yield triple


def _entity(rdf: set[Triple], subject: URIRef, data: dict) -> None:
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


def _article(rdf: set[Triple], graph: nx.MultiDiGraph, node: str, data: dict) -> None:
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


def _statement(rdf: set[Triple], source: str, target: str, kind: str, data: dict[str, str], evidence: Evidence) -> None:
    """Add one relation as the article reported it, with its evidence."""
    subject, obj = iri(source), iri(target)
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
        rdf.add((attribution, PROV.hadRole, ROLES[bylines().role(role).id]))
        rdf.add((attribution, PROV.wasDerivedFrom, proof))
    else:
        predicate = GOVKG.runs if kind == "RUNS" else _part_of(source, target)
        rdf.add((subject, predicate, obj))
        statement = _hashed("statement", str(subject), str(predicate), str(obj))
        rdf.add((statement, RDF.type, RDF.Statement))
        rdf.add((statement, RDF.subject, subject))
        rdf.add((statement, RDF.predicate, predicate))
        rdf.add((statement, RDF.object, obj))
        rdf.add((statement, PROV.wasDerivedFrom, proof))


def _part_of(child: str, parent: str) -> URIRef:
    """The predicate between two nodes (ids ``type:name``) of a PART_OF relation."""
    kinds = (child.partition(":")[0], parent.partition(":")[0])
    if kinds == ("org", "org"):
        return ORG.subOrganizationOf
    if kinds == ("place", "place"):
        return SDO.containedInPlace
    return GOVKG.partOf


def _evidence(rdf: set[Triple], evidence: Evidence) -> URIRef:
    node = DATA[f"evidence/{segment(evidence.doc)}/{evidence.start}-{evidence.end}/{segment(evidence.rule)}"]
    rdf.add((node, RDF.type, GOVKG.Evidence))
    rdf.add((node, PROV.wasQuotedFrom, iri(f"article:{evidence.doc}")))
    rdf.add((node, GOVKG.sentence, Literal(evidence.sentence, lang="zh")))
    rdf.add((node, GOVKG.startOffset, Literal(evidence.start)))
    rdf.add((node, GOVKG.endOffset, Literal(evidence.end)))
    rdf.add((node, GOVKG.rule, Literal(evidence.rule)))
    return node
