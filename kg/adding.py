"""Articles added to an assembled corpus (``kg build --add``), as if it had been assembled with them.

Who is who is told again for the names the new articles hold (each name's
persons depend only on that name's groups, ``kg.identity``). When every
earlier article keeps its persons' ids, the new extractions are merged into
the earlier graph, spells and ties just as ``kg.assembly.assemble`` merges
each record in turn, so the corpus equals one assembled from all the
records, earlier ones first. When an id changes (a new article splits a
name into two persons, or joins two), what the earlier articles gave is no
longer right, and ``add`` answers None: the corpus must be assembled from
every record.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from . import manifest, record_io, state
from .assembly import Corpus, cycles_left_alone, joined, merge
from .careers import Spell, in_order
from .graph import article_relations, edge_key, entity_node, finish_graph, node_id
from .graph_part import Walked
from .identity import Decision, Group, Identities, resolve_identities
from .networks import CO_MEMBER, Tie, Ties, with_co_members
from .rdf_added import Changes, spell_subjects
from .records import Extraction
from .state import Addition, State


@dataclass
class Kept:
    """What an earlier build kept for articles to be added to it: its state (``kg.state``) and where the
    named graphs begin in its current RDF datasets; or, with no state, why they cannot be added to."""

    state: State | None
    starts: dict[str, int] = field(default_factory=dict)
    why: str = ""
    hashed: hashlib._Hash | None = None  #: its extractions.jsonl's SHA-256 (``kg.manifest.hashed``), to go on with


class Previous:
    """The build in a folder that articles are added to. What it kept is read on first use (``kept``), so
    a build can read it while its articles are extracted."""

    def __init__(self, folder: Path, version: str, decisions: list[Decision], formats: Iterable[str]) -> None:
        self.folder, self.version, self.decisions, self.formats = folder, version, decisions, tuple(formats)
        self._kept: Kept | None = None
        self._docs: set[str] | None = None

    @property
    def extractions(self) -> Path:
        return self.folder / manifest.EXTRACTIONS

    @property
    def kept(self) -> Kept:
        """Its state, if the articles of a build of this version and decisions, writing these formats, can be
        added to it."""
        if self._kept is None:
            self._kept = _kept(self.folder, self.version, self.decisions, self.formats)
        return self._kept

    def docs(self) -> set[str]:
        """The ids of the articles in the build (read once)."""
        if self._docs is None:
            self._docs = self._read_docs()
        return self._docs

    def _read_docs(self) -> set[str]:
        if self.kept.state is not None:
            return {data["doc"] for _, data in self.kept.state.corpus.graph.nodes(data=True) if data["type"] == "ARTICLE"}
        with open(self.extractions, encoding="utf-8") as lines:
            return {record_io.doc_of(line) for line in lines if line.strip()}


#: The files a build that adds articles writes from the earlier ones (the RDF files from graph.nq).
FROM_EARLIER = {"tables": "tables", "sqlite": "graph.sqlite", **{key: "graph.nq" for key in ("trig", "nq", "ttl", "nt", "jsonld")}}


def previous_build(folder: Path, version: str, decisions: list[Decision], formats: Iterable[str]) -> Previous | None:
    """The build in ``folder``, None if there is none."""
    return Previous(folder, version, decisions, formats) if (folder / manifest.EXTRACTIONS).is_file() else None


def _kept(folder: Path, version: str, decisions: list[Decision], formats: tuple[str, ...]) -> Kept:
    found = state.load(folder)
    if isinstance(found, str):
        return Kept(None, why=found)
    written, hashed = manifest.load(folder), manifest.hashed(folder / manifest.EXTRACTIONS)
    if not found.matches(manifest.short(hashed), version, decisions):
        return Kept(None, why="its state was made from other extractions, by another version or with other decisions")
    needed = sorted({FROM_EARLIER[key] for key in formats if key in FROM_EARLIER})
    missing = [name for name in needed if not written.current(name) or (name == "graph.nq" and name not in written.starts)]
    if missing:
        return Kept(None, why=f"not current there: {', '.join(missing)}")
    return Kept(found, {name: start for name, start in written.starts.items() if written.current(name)}, hashed=hashed)


@dataclass
class Added:
    """A corpus with articles added (``add``), what that changes in its default graph (``kg.rdf_added``),
    and in its kept state (``kg.state.Addition``): the nodes the articles name, in the graph's order, and
    the edges of their relations, in the order first met, with their data; who is who for their names."""

    corpus: Corpus
    changes: Changes
    nodes: list[tuple[str, dict]]
    edges: list[tuple[str, str, str, dict]]
    told: Identities
    groups: list[Group]  #: the articles' groups

    def addition(self, extractions: str) -> Addition:
        """What the articles change in the state, which is then that of the ``extractions`` digest."""
        corpus = self.corpus
        return Addition(extractions, self.nodes, self.edges, self.told, corpus.spells, corpus.ties, self.groups)


def add(corpus: Corpus, groups: list[Group], extractions: Iterable[Extraction], new_groups: list[Group],
        decisions: list[Decision], *, also: Callable[[Extraction, Identities], None] | None = None) -> Added | None:
    """``corpus`` (assembled from articles whose groups are ``groups``) with ``extractions`` added, whose
    groups are ``new_groups``, and what that changes; None when who is who changes for an earlier
    article. ``corpus`` is changed in place. ``also`` sees each new extraction, as in
    ``kg.assembly.assemble``. Python's cycle collector is paused meanwhile
    (``kg.assembly.cycles_left_alone``)."""
    told = _told_again(corpus.identities, groups, new_groups, decisions)
    if told is None:
        return None
    identities, persons = joined(corpus.identities, told), set(told.reasons)
    with cycles_left_alone():
        extractions, graph = list(extractions), corpus.graph
        named = {node for extraction in extractions for node in _nodes(extraction, identities)}
        new = {node.partition(":") for node in named if node not in graph}
        bodies = {name for kind, _, name in new if kind in ("org", "place")}

        def moved(spell: Spell) -> bool:  # its person is named, or its body is a node now
            return spell.person in named or spell.body in bodies

        # where their memberships are before the graph grows
        changes = Changes(replaced=spell_subjects(graph, [spell for spell in corpus.spells if moved(spell)]))
        _reopen(Walked(graph, named))
        found = {spell.key: spell for spell in corpus.spells}
        read_ties: Ties = defaultdict(Tie, ((key, tie) for key, tie in corpus.ties.items() if key[0] != CO_MEMBER))
        merge(extractions, identities, graph, found, read_ties, also)
        careers = in_order(found)
        changes.spells = [spell for spell in careers if moved(spell)]
        changes.replaced |= spell_subjects(graph, changes.spells)
        papers = {name for kind, _, name in new if kind == "org"}
        changes.replace(named | persons | {node for node, data in graph.nodes(data=True)
                                           if data["type"] == "ARTICLE" and data.get("newspaper") in papers})
        finish_graph(Walked(graph, named))  # type: ignore[arg-type]  # the rest of the graph is finished: the same lists and dates
        edges = dict.fromkeys((source, target, edge_key(relation, literals)) for extraction in extractions
                              for source, target, relation, literals, _ in article_relations(extraction, identities))
        return Added(Corpus(graph, identities, careers, with_co_members(careers, read_ties)), changes,
                     [(node, data) for node, data in graph.nodes(data=True) if node in named],
                     [(*edge, graph.edges[edge]) for edge in edges], told, new_groups)


def _nodes(extraction: Extraction, identities: Identities) -> set[str]:
    """The nodes an article adds to or changes in the graph: its own and its entities'."""
    doc = extraction.article.doc
    return {node_id("ARTICLE", doc), *(entity_node(entity, doc, identities) for entity in extraction.entities)}


def _told_again(earlier: Identities, groups: list[Group], new_groups: list[Group],
                decisions: list[Decision]) -> Identities | None:
    """Who is who for the new groups' names, told again from all their groups; None if an earlier
    group's person changes."""
    names = {group.name for group in new_groups}
    again = resolve_identities([g for g in groups if g.name in names] + new_groups, decisions)
    if any(earlier.ids[pair] != person for pair, person in again.ids.items() if pair in earlier.ids):
        return None
    return again


def _reopen(part: Walked) -> None:
    """Make the lists finishing sorted (``kg.graph.finish_graph``) sets again, for more articles to add to."""
    for _, data in part.nodes(data=True):
        data["articles"], data["aliases"] = set(data["articles"]), set(data["aliases"])
    for _, _, data in part.edges(data=True):
        data["docs"] = set(data["docs"])
