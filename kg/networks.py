"""``people.gexf``: persons tied to one another, for Gephi.

Three kinds of tie, one undirected edge per pair and kind, its ``kind`` an
edge attribute to filter on:

* ``co_member``: both held posts in one body (``kg.careers`` spells);
  ``weight`` counts the bodies, ``bodies`` names them. A person's time in a
  body runs from the earliest start (else first report) to the latest end
  (else last report) of their spells there; ``overlap_start`` and
  ``overlap_end`` bound the time both were there, where both are dated and
  the times meet. ``first_date`` is the earliest day both had been there.
* ``accompanied``: one accompanied (陪同) the other; the edge runs from the
  companion to the ``principal``; ``weight`` counts the articles.
* ``same_sentence``: both named in one sentence; ``weight`` counts the sentences.

The records keep no text, so a sentence is one a relation's evidence holds
(its offsets and text): persons named together only in sentences that carry no
relation are not tied. 陪同 is read in those sentences: the persons between
在 and 陪同下 accompany the person named before 在 (else the first after
陪同下); otherwise the persons of the clause before 陪同 accompany those of
the clause after it, and a 陪同 whose principal the sentence does not name
(蔡奇陪同考察) ties no one. Article-based ties are dated by their articles
(``first_date``, ``last_date``); every element starts at its ``first_date``.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .careers import Spell
from .gephi import EdgeRow, NodeRow, flat_attributes, write_gexf_rows
from .identity import Identities
from .records import Extraction

NODE_ATTRIBUTES = {"type": "string", "aliases": "string", "article_count": "long", "mentions": "long",
                   "first_date": "string", "bodies": "string"}
EDGE_ATTRIBUTES = {"kind": "string", "weight": "long", "principal": "string", "bodies": "string",
                   "overlap_start": "string", "overlap_end": "string", "first_date": "string", "last_date": "string",
                   "docs": "string", "evidence": "string"}
#: evidence rules whose span is not a sentence of the story (a byline line, a lone mention)
NOT_SENTENCES = ("author.", "part_of.main_actor", "part_of.gazetteer")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?\n]")


@dataclass
class Tie:
    """What ties two persons in one way: the things its weight counts and where it is read."""

    counted: set = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)
    overlaps: list[tuple[str, str]] = field(default_factory=list)
    evidence: tuple[str, int, str] | None = None  # the first sentence: (doc, offset, text)


Ties = dict[tuple[str, str, str], Tie]  # (kind, source, target) -> tie
#: The kind of tie made from the careers (``with_co_members``); the others are read in the articles.
CO_MEMBER = "co_member"


def people_ties(extractions: Iterable[Extraction], careers: list[Spell], identities: Identities) -> Ties:
    """Every tie of the corpus: co_member from ``careers``, accompanied and same_sentence from the records."""
    read_ties: Ties = defaultdict(Tie)
    for extraction in extractions:
        add_sentence_ties(extraction, identities, read_ties)
    return with_co_members(careers, read_ties)


def with_co_members(careers: list[Spell], read_ties: Ties) -> Ties:
    """The co_member ties of ``careers`` followed by the ties read in the articles (``add_sentence_ties``)."""
    ties: Ties = defaultdict(Tie)
    _co_members(careers, ties)
    ties.update(read_ties)  # other kinds: no key is in both
    return ties


def _co_members(careers: list[Spell], ties: Ties) -> None:
    times: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for spell in careers:
        begin, end = spell.start or spell.first_seen, spell.end or spell.last_seen
        known = times[spell.body].get(spell.person)
        if known:
            begin, end = min(filter(None, (begin, known[0])), default=""), max(end, known[1])
        times[spell.body][spell.person] = (begin, end)
    for body, persons in times.items():
        for (a, (a0, a1)), (b, (b0, b1)) in itertools.combinations(sorted(persons.items()), 2):
            tie = ties[CO_MEMBER, a, b]
            tie.counted.add(body)
            tie.bodies.add(body)
            if a0 and b0:
                tie.dates.add(max(a0, b0))
                if a1 and b1 and max(a0, b0) <= min(a1, b1):
                    tie.overlaps.append((max(a0, b0), min(a1, b1)))


def add_sentence_ties(extraction: Extraction, identities: Identities, ties: Ties) -> None:
    """Add one article's accompanied and same_sentence ties to ``ties`` (a stream can feed it one by one)."""
    article = extraction.article
    mentions = sorted((m.start, m.end, m.text, identities.person(article.doc, e.name))
                      for e in extraction.entities if e.type == "PER" for m in e.mentions)
    for start, end, text in _sentences(extraction):
        inside = [(s - start, e - start, t, p) for s, e, t, p in mentions if start <= s and e <= end]
        persons = sorted({p for *_, p in inside})
        found = [("same_sentence", a, b) for a, b in itertools.combinations(persons, 2)]
        found += [("accompanied", a, b) for a, b in accompanied(text, _local(text, inside))]
        for key in found:
            tie = ties[key]
            tie.counted.add((article.doc, start) if key[0] == "same_sentence" else article.doc)
            tie.docs.add(article.doc)
            tie.dates.update(filter(None, [article.date]))
            tie.evidence = min(filter(None, [tie.evidence, (article.doc, start, text)]))


def _sentences(extraction: Extraction) -> list[tuple[int, int, str]]:
    """The article's evidence sentences as (start, end, text), those inside another left out."""
    spans = sorted({(r.evidence.start, -r.evidence.end, r.evidence.sentence) for r in extraction.relations
                    if r.evidence is not None and not r.evidence.rule.startswith(NOT_SENTENCES)})
    kept: list[tuple[int, int, str]] = []
    for start, end, text in ((s, -e, t) for s, e, t in spans):
        if not kept or end > kept[-1][1]:
            kept.append((start, end, text))
    return kept


def _local(sentence: str, inside: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str]]:
    """The mentions' (start, end, person) in ``sentence``, the text of their span stripped of its leading
    blanks (how many is told by the first mention)."""
    if not inside:
        return []
    start, _, text, _ = inside[0]
    lead = next((n for n in range(start + 1) if sentence.startswith(text, start - n)), 0)
    return [(s - lead, e - lead, p) for s, e, _, p in inside]


def accompanied(sentence: str, persons: list[tuple[int, int, str]]) -> Iterator[tuple[str, str]]:
    """(companion, principal) for each 陪同 of ``sentence``, ``persons`` being (start, end, person) in it."""
    for cue in re.finditer("陪同", sentence):
        at, after = cue.start(), cue.end()
        if sentence.startswith("人员", after):
            continue
        if sentence.startswith("下", after) and (opening := sentence.rfind("在", 0, at)) >= 0:
            companions = [p for s, _, p in persons if opening < s < at]
            principals = [p for _, e, p in persons if e <= opening][-1:] or [p for s, _, p in persons if s > after][:1]
        else:
            begin = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, at)), default=0)
            stop = next((m.start() for m in _CLAUSE_END.finditer(sentence, after)), len(sentence))
            companions = [p for s, _, p in persons if begin <= s < at]
            principals = [p for s, _, p in persons if after <= s < stop]
        yield from ((c, p) for c in companions for p in principals if c != p)


def people_rows(graph: nx.MultiDiGraph, ties: Ties, careers: list[Spell]) -> tuple[list[NodeRow], list[EdgeRow]]:
    """The nodes (every person of ``graph`` and of a tie) and edges of ``people.gexf``, sorted."""
    bodies: dict[str, set[str]] = defaultdict(set)
    for spell in careers:
        bodies[spell.person].add(spell.body)
    persons = {n for n, d in graph.nodes(data=True) if d["type"] == "PER"} | {p for _, a, b in ties for p in (a, b)}
    nodes = []
    for person in sorted(persons):
        data = graph.nodes[person] if person in graph else {"label": person.partition(":")[2], "articles": []}
        attrs = {**data, "type": "PER", "article_count": len(data["articles"]), "bodies": bodies[person]}
        nodes.append((person, data["label"], flat_attributes(attrs, NODE_ATTRIBUTES)))
    edges = [(a, b, kind, flat_attributes(_edge(kind, b, tie), EDGE_ATTRIBUTES)) 
             for (kind, a, b), tie in sorted(ties.items(), key=lambda item: item[0])]
    return nodes, edges


def _edge(kind: str, target: str, tie: Tie) -> dict:
    overlaps = tie.overlaps or [("", "")]
    return {"kind": kind, "weight": len(tie.counted), "principal": target if kind == "accompanied" else "",
            "bodies": tie.bodies, "overlap_start": min(o[0] for o in overlaps), "overlap_end": max(o[1] for o in overlaps),
            "first_date": min(tie.dates, default=""), "last_date": max(tie.dates, default="") if tie.docs else "",
            "docs": tie.docs, "evidence": tie.evidence[2] if tie.evidence else ""}


def write_people_gexf(graph: nx.MultiDiGraph, ties: Ties, careers: list[Spell], path: str | Path, date: str) -> None:
    """``people.gexf``: undirected, dynamic; ``date`` is the header's last-modified date."""
    nodes, edges = people_rows(graph, ties, careers)
    write_gexf_rows(path, date, (NODE_ATTRIBUTES, nodes), (EDGE_ATTRIBUTES, edges), directed=False)
