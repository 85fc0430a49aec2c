"""One networkx ``MultiDiGraph`` from the extractions of many articles.

Nodes are entities (one per type and canonical name) and articles; node ids
are derived from type + name, so the same input gives the same graph. Edges
are relations (one per distinct statement) and AUTHOR links from a person to
the article. An edge keeps how many pieces of evidence it has, the articles
they come from and the first ``KEPT_EVIDENCE`` of them (by article and
offset), so its size does not grow with the corpus; the full evidence goes to
RDF article by article (``kg.rdf.article_quads``).
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterable, Iterator

import networkx as nx

from .identity import Identities
from .records import EDGE_FIELDS, Entity, Evidence, Extraction, Relation
from .resources import divisions

#: relation type -> (source field, target field)
ENDPOINTS = {
    "POST": ("person", "org"),
    "AWARD": ("recipient", "honour"),
    "RUNS": ("org", "programme"),
    "PART_OF": ("child", "parent"),
    "AUTHOR": ("person", "article"),
    "DISCIPLINE": ("person", "org"),
}
#: the entity type of each endpoint field, where the field fixes it
FIELD_TYPES = {"person": "PER", "honour": "HONOUR", "programme": "PROGRAMME"}
#: evidence sentences an edge keeps (the view shows them; RDF has them all)
KEPT_EVIDENCE = 3


def node_id(kind: str, name: str) -> str:
    """A stable node id: lower-case type, a colon, the canonical name."""
    return f"{kind.lower()}:{name}"


def build_graph(extractions: Iterable[Extraction], identities: Identities | None = None) -> nx.MultiDiGraph:
    """Merge per-article extractions into one graph (in the order given); a person's node is the one
    ``identities`` gives its name in its article (by default, one person per name)."""
    graph = nx.MultiDiGraph()
    for extraction in extractions:
        add_extraction(graph, extraction, identities)
    return finish_graph(graph)


def add_extraction(graph: nx.MultiDiGraph, extraction: Extraction, identities: Identities | None = None) -> None:
    """Merge one article's entities and relations into ``graph`` (a stream can feed it one by one)."""
    _add_article(graph, extraction, identities or Identities())


def finish_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Sort the collected aliases and articles and date every node and edge by its first article."""
    for _, data in graph.nodes(data=True):
        data["articles"] = sorted(data["articles"])
        data["aliases"] = sorted(data["aliases"])
        data["first_date"] = min((graph.nodes[f"article:{d}"]["date"] for d in data["articles"] if graph.nodes[f"article:{d}"]["date"]), default="")
    for _, _, data in graph.edges(data=True):
        data["docs"] = sorted(data["docs"])
        dates = [graph.nodes[f"article:{doc}"]["date"] for doc in data["docs"]]
        data["first_date"] = min((d for d in dates if d), default="")
    return graph


def _add_article(graph: nx.MultiDiGraph, extraction: Extraction, identities: Identities) -> None:
    article = extraction.article
    graph.add_node(node_id("ARTICLE", article.doc), type="ARTICLE", label=article.title or article.doc, aliases=set(),
                   articles={article.doc}, date=article.date, newspaper=article.newspaper, page=article.page,
                   doc=article.doc, source=article.source)
    for entity in extraction.entities:
        node = entity_node(entity, article.doc, identities)
        if node not in graph:
            graph.add_node(node, type=entity.type, label=node.partition(":")[2] if entity.type != "PER" else entity.name,
                           aliases=set(), articles=set(), mentions=0, **_division(entity))
        data = graph.nodes[node]
        data["aliases"].update({entity.name, *entity.aliases} - {data["label"]})
        data["articles"].add(article.doc)
        data["mentions"] += len(entity.mentions)
    for source, target, relation, literals, evidence in article_relations(extraction, identities):
        _add_relation(graph, source, target, relation, literals, evidence)


def entity_node(entity: Entity, doc: str, identities: Identities) -> str:
    """The node of an entity of one article: a person's by ``identities``, a division's by its official
    name (株洲 and 株洲市 are one node), any other's by its name."""
    if entity.type == "PER":
        return identities.person(doc, entity.name)
    division = divisions().by_code.get(entity.code) if entity.type == "PLACE" and entity.code else None
    return node_id(entity.type, division.name if division is not None else entity.name)


def body_node(graph: nx.MultiDiGraph, name: str) -> str:
    """The node of the body a post is on: the organisation of that name, else the place (a government
    head's post is on the place)."""
    node = node_id("ORG", name)
    return node if node in graph or node_id("PLACE", name) not in graph else node_id("PLACE", name)


def article_relations(extraction: Extraction, identities: Identities | None = None
                      ) -> Iterator[tuple[str, str, str, dict[str, str], Evidence | None]]:
    """The article's relations as graph edges: (source node, target node, relation type, literals, evidence).

    A relation whose entity is not among the article's entities is left out.
    """
    article_node = node_id("ARTICLE", extraction.article.doc)
    identities = identities or Identities()
    nodes_by_name: dict[str, dict[str, str]] = {}
    for entity in extraction.entities:
        nodes_by_name.setdefault(entity.name, {})[entity.type] = entity_node(entity, extraction.article.doc, identities)
    for relation in extraction.relations:
        ends = _endpoints(relation, nodes_by_name, article_node)
        if ends:
            literals = {field: value for field, value in relation.args if field in EDGE_FIELDS}
            yield ends[0], ends[1], relation.type, literals, relation.evidence


def edge_key(relation: str, literals: dict[str, str]) -> str:
    """The key of a relation edge: its type and literals, so a new title is a new edge (interned: many
    edges share one, such as ``POST|title=书记``)."""
    return sys.intern("|".join([relation, *(f"{k}={v}" for k, v in sorted(literals.items()))]))


def _division(entity: Entity) -> dict[str, str]:
    """A place's division code and level, as resolution found them (nothing when it has none)."""
    return {"code": entity.code, "level": entity.level} if entity.code else {}


def _endpoints(relation: Relation, nodes_by_name: dict[str, dict[str, str]], article_node: str) -> tuple[str, str] | None:
    source_field, target_field = ENDPOINTS[relation.type]
    nodes = []
    for field in (source_field, target_field):
        if field == "article":
            nodes.append(article_node)
            continue
        kinds = nodes_by_name.get(relation.get(field), {})
        wanted = FIELD_TYPES.get(field)
        kind = wanted if wanted in kinds else next((k for k in ("ORG", "PLACE", "PER") if k in kinds), None)
        if kind is None:
            return None
        nodes.append(kinds[kind])
    return nodes[0], nodes[1]


def _add_relation(graph: nx.MultiDiGraph, source: str, target: str, relation: str, literals: dict[str, str],
                  evidence: Evidence | None) -> None:
    key = edge_key(relation, literals)
    if not graph.has_edge(source, target, key):
        graph.add_edge(source, target, key=key, relation=relation, evidence=[], weight=0, docs=set(), **literals)
    if evidence is not None:
        data = graph.edges[source, target, key]
        data["weight"] += 1
        data["docs"].add(evidence.doc)
        _keep_first(data["evidence"], evidence)


def _keep_first(kept: list[Evidence], evidence: Evidence) -> None:
    """Insert ``evidence`` in order of (article, offset, sentence) and keep the first ``KEPT_EVIDENCE``."""
    order = [evidence_order(e) for e in kept]
    place = bisect.bisect_left(order, evidence_order(evidence))
    if place < KEPT_EVIDENCE and (place == len(kept) or order[place] != evidence_order(evidence)):
        kept.insert(place, evidence)
        del kept[KEPT_EVIDENCE:]


def evidence_order(evidence: Evidence) -> tuple[str, int, str]:
    return evidence.doc, evidence.start, evidence.sentence
