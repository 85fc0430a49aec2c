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
* Careers (default graph): a membership is also a spell (``kg.careers``): its
  ``govkg:status``, ``govkg:firstSeen``/``lastSeen`` and an ``org:memberDuring``
  OWL-Time interval when a start or an end is known; ``govkg:succeeds`` the
  person removed from the post. A person carries its ``govkg:identityNote``s.
* Jurisdiction: a body ``dcterms:spatial`` the division its name opens with;
  every division ``schema:containedInPlace`` the one above, up to its province.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, SDO, SKOS, XSD

from .careers import Spell
from .graph import article_relations, body_node, entity_node, node_id
from .identity import Identities, body_place
from .records import Evidence, Extraction
from .resources import Division, bylines, divisions
from .vocab import GOVKG

DATA = Namespace("https://w3id.org/govkg/id/")
TIME = Namespace("http://www.w3.org/2006/time#")
PREFIXES = {"govkg": GOVKG, "org": ORG, "foaf": FOAF, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
            "schema": SDO, "xsd": XSD, "owl": OWL, "time": TIME, "id": DATA}
#: a date's datatype and OWL-Time property by its length (YYYY-MM-DD, YYYY-MM, YYYY)
DATE_TYPES = {10: (XSD.date, TIME.inXSDDate), 7: (XSD.gYearMonth, TIME.inXSDgYearMonth), 4: (XSD.gYear, TIME.inXSDgYear)}
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


def entity_quads(graph: nx.MultiDiGraph, spells: Iterable[Spell] = (), identities: Identities | None = None
                 ) -> Iterator[ox.Quad]:
    """The default graph: every entity and article with its type, labels and codes, the divisions
    bodies and places lie in, and the spells of posts, sorted (in memory; ``kg.rdf_files`` sorts a large
    one on disk); each quad is made as it is taken."""
    return sorted_quads(next(default_triples(graph, spells, identities or Identities())), None)


def default_triples(graph: nx.MultiDiGraph, spells: Iterable[Spell], identities: Identities, limit: int | None = None
                    ) -> Iterator[set[Triple]]:
    """The default graph's triples, in sets of about ``limit`` (one set if None); a triple may be in several."""
    triples: set[Triple] = set()
    for _ in _default_parts(graph, spells, identities, triples):
        if limit and len(triples) >= limit:
            yield triples.copy()
            triples.clear()
    yield triples


def _default_parts(graph: nx.MultiDiGraph, spells: Iterable[Spell], identities: Identities, triples: set[Triple]
                   ) -> Iterator[None]:
    """Add the default graph's triples to ``triples`` a node, a spell, a person at a time, pausing after each."""
    for node, data in graph.nodes(data=True):
        if data["type"] == "ARTICLE":
            _article(triples, graph, node, data)
        else:
            _entity(triples, iri(node), data)
            _jurisdiction(triples, graph, node, data)
        yield
    for spell in spells:
        _spell(triples, graph, spell)
        yield
    for person, notes in identities.reasons.items():
        triples.update((iri(person), GOVKG.identityNote, Literal(note)) for note in notes)
        triples.update((iri(person), GOVKG.jurisdiction, Literal(key)) for key in identities.keys.get(person, ()))
        yield


def _jurisdiction(rdf: set[Triple], graph: nx.MultiDiGraph, node: str, data: dict) -> None:
    """A body in the division its name opens with; a division in the ones above it."""
    if data["type"] == "ORG":
        division = body_place(data["label"])
        if division is not None:
            rdf.add((iri(node), DCTERMS.spatial, _division(rdf, graph, division)))
    elif data["type"] == "PLACE" and data.get("code") in divisions().by_code:
        _division(rdf, graph, divisions().by_code[data["code"]])


def _division(rdf: set[Triple], graph: nx.MultiDiGraph, division: Division) -> URIRef:
    """Describe ``division`` and the divisions above it (those no article names, with no article); returns its IRI."""
    node = node_id("PLACE", division.name)
    subject = iri(node)
    if node not in graph:
        _entity(rdf, subject, {"type": "PLACE", "label": division.name, "aliases": (), "articles": (),
                               "code": division.code, "level": division.level})
    parent = divisions().parent(division)
    if parent is not None:
        rdf.add((subject, SDO.containedInPlace, _division(rdf, graph, parent)))
    return subject


def _spell(rdf: set[Triple], graph: nx.MultiDiGraph, spell: Spell) -> None:
    """A post's spell on its membership: status, sightings, interval, predecessor."""
    membership = _hashed("membership", spell.person, body_node(graph, spell.body), spell.title)
    rdf.add((membership, GOVKG.status, Literal(spell.status)))
    for predicate, value in ((GOVKG.firstSeen, spell.first_seen), (GOVKG.lastSeen, spell.last_seen)):
        if value:
            rdf.add((membership, predicate, date_literal(value)))
    if spell.successor_of:
        rdf.add((membership, GOVKG.succeeds, iri(spell.successor_of)))
    if spell.start or spell.end:
        interval = _hashed("interval", str(membership))
        rdf.update({(membership, ORG.memberDuring, interval), (interval, RDF.type, TIME.Interval)})
        for predicate, value in ((TIME.hasBeginning, spell.start), (TIME.hasEnd, spell.end)):
            if len(value) in DATE_TYPES:
                instant = _hashed("instant", value)
                rdf.update({(interval, predicate, instant), (instant, RDF.type, TIME.Instant),
                            (instant, DATE_TYPES[len(value)][1], date_literal(value))})


def date_literal(value: str) -> Literal:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as a typed literal (xsd:date, xsd:gYearMonth, xsd:gYear)."""
    return Literal(value, datatype=DATE_TYPES.get(len(value), (XSD.string,))[0])


def article_quads(extraction: Extraction, identities: Identities | None = None) -> list[ox.Quad]:
    """The named graph of one article: what it mentions and every relation it reports, with evidence, sorted.

    It depends on the article's extraction alone, so it is made where the
    article is extracted and cached with it; an article naming a person that
    ``kg.identity`` tells apart from others of the name is made again with
    ``identities`` once the whole corpus is read (``kg.build``).
    """
    doc = extraction.article.doc
    article = iri(node_id("ARTICLE", doc))
    identities = identities or Identities()
    triples: set[Triple] = {(article, SDO.mentions, iri(entity_node(e, doc, identities))) for e in extraction.entities}
    for source, target, relation, literals, evidence in article_relations(extraction, identities):
        if evidence is not None:
            _statement(triples, source, target, relation, literals, evidence)
    return list(sorted_quads(triples, graph_iri(doc)))


def article_nquads(extraction: Extraction, identities: Identities | None = None) -> str:
    """``article_quads`` as N-Quads text."""
    return ox.serialize(article_quads(extraction, identities), format=ox.RdfFormat.N_QUADS).decode("utf-8")


def sorted_quads(triples: set[Triple], name: URIRef | None) -> Iterator[ox.Quad]:
    """The triples as quads of the graph ``name`` (the default graph if None), in a fixed order: by subject,
    predicate and object as text, made as they are taken; ``triples`` is emptied. Each subject's and
    predicate's text is made once (subjects and predicates are IRIs)."""
    texts: dict[URIRef, str] = {}
    ordered = sorted((_text(s, texts), _text(p, texts), _term_key(o), o) for s, p, o in triples)  # no two alike
    triples.clear()
    if name is None:  # a quad made without a graph is in the default graph; given ox.DefaultGraph() it takes twice as long
        return (ox.Quad(_named(s), _named(p), _ox(o)) for s, p, _, o in ordered)
    graph = _ox(name)
    return (ox.Quad(_named(s), _named(p), _ox(o), graph) for s, p, _, o in ordered)


def _text(term: URIRef, texts: dict[URIRef, str]) -> str:
    """The text of an IRI, made once for all its triples."""
    text = texts.get(term)
    if text is None:
        text = texts[term] = str(term)
    return text


def _term_key(term: object) -> str:
    if isinstance(term, Literal):
        return literal_key(str(term), term.language, term.datatype)
    return str(term)


_XSD_STRING = str(XSD.string)


def literal_key(value: str, language: str | None, datatype: str | None) -> str:
    """A literal's sort text: its value, language and datatype (none for a plain string, typed xsd:string or not)."""
    kind = "" if language or datatype is None or datatype == _XSD_STRING else datatype
    return f"{value}\x1f{language or ''}\x1f{kind}"


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
        year = data.get("year", "")
        if year[:4].isdigit():
            rdf.add((award, GOVKG.year, Literal(year[:4], datatype=XSD.gYear)))
        if len(year) > 4:
            rdf.add((award, GOVKG.period, Literal(year)))
        rdf.add((award, PROV.wasDerivedFrom, proof))
    elif kind == "DISCIPLINE":
        event = _hashed("discipline", source, target, data.get("event", ""), evidence.doc)
        rdf.update({(event, RDF.type, GOVKG.DisciplineEvent), (event, GOVKG.disciplined, subject),
                    (event, GOVKG.announcedBy, obj), (event, GOVKG.eventType, Literal(data.get("event", ""))),
                    (event, PROV.wasDerivedFrom, proof)})
        if len(data.get("date", "")) in DATE_TYPES:
            rdf.add((event, DCTERMS.date, date_literal(data["date"])))
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
