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

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from . import manifest, record_io, state
from .assembly import Corpus
from .careers import add_spells, in_order
from .graph import add_extraction, finish_graph
from .identity import Decision, Group, Identities, resolve_identities
from .networks import Tie, Ties, add_sentence_ties, with_co_members
from .records import Extraction
from .state import State

#: The kind of tie ``kg.networks`` makes from the careers; the others are read in the articles.
CO_MEMBER = "co_member"

@dataclass
class Previous:
    """The build that articles are added to: its extractions, and its state (``kg.state``) and files,
    when articles can be added to them (else ``why`` not)."""

    folder: Path
    state: State | None
    starts: dict[str, int]
    why: str = ""

    @property
    def extractions(self) -> Path:
        return self.folder / manifest.EXTRACTIONS

    def docs(self) -> set[str]:
        """The ids of the articles in the build."""
        if self.state is not None:
            return {data["doc"] for _, data in self.state.corpus.graph.nodes(data=True) if data["type"] == "ARTICLE"}
        with open(self.extractions, encoding="utf-8") as lines:
            return {record_io.doc_of(line) for line in lines if line.strip()}


#: The files a build that adds articles writes from the earlier ones (the RDF files from graph.nq).
FROM_EARLIER = {"tables": "tables", "sqlite": "graph.sqlite", **{key: "graph.nq" for key in ("trig", "nq", "ttl", "nt", "jsonld")}}


def previous_build(folder: Path, version: str, decisions: list[Decision], formats: Iterable[str]) -> Previous | None:
    """The build in ``folder`` (None if there is none), with its state if the articles of a build of
    ``version`` and ``decisions`` writing ``formats`` can be added to it."""
    if not (folder / manifest.EXTRACTIONS).is_file():
        return None
    found = state.load(folder)
    if isinstance(found, str):
        return Previous(folder, None, {}, found)
    written = manifest.load(folder)
    if not found.matches(manifest.digest(folder / manifest.EXTRACTIONS), version, decisions):
        return Previous(folder, None, {}, "its state was made from other extractions, by another version or with other decisions")
    needed = sorted({FROM_EARLIER[key] for key in formats if key in FROM_EARLIER})
    missing = [name for name in needed if not written.current(name) or (name == "graph.nq" and name not in written.starts)]
    if missing:
        return Previous(folder, None, {}, f"not current there: {', '.join(missing)}")
    return Previous(folder, found, written.starts)


def add(corpus: Corpus, groups: list[Group], extractions: Iterable[Extraction], new_groups: list[Group],
        decisions: list[Decision], *, also: Callable[[Extraction, Identities], None] | None = None) -> Corpus | None:
    """``corpus`` (assembled from articles whose groups are ``groups``) with ``extractions`` added, whose
    groups are ``new_groups``; None when who is who changes for an earlier article. ``corpus`` is
    changed in place. ``also`` sees each new extraction, as in ``kg.assembly.assemble``. Python's cycle
    collector is paused meanwhile (``kg.state.cycles_left_alone``)."""
    identities = _told_again(corpus.identities, groups, new_groups, decisions)
    if identities is None:
        return None
    with state.cycles_left_alone():
        graph = _reopened(corpus.graph)
        found = {spell.key: spell for spell in corpus.spells}
        read_ties: Ties = defaultdict(Tie, ((key, tie) for key, tie in corpus.ties.items() if key[0] != CO_MEMBER))
        for extraction in extractions:
            add_extraction(graph, extraction, identities)
            add_spells(found, extraction, identities)
            add_sentence_ties(extraction, identities, read_ties)
            if also is not None:
                also(extraction, identities)
        careers = in_order(found)
        return Corpus(finish_graph(graph), identities, careers, with_co_members(careers, read_ties))


def _told_again(earlier: Identities, groups: list[Group], new_groups: list[Group],
                decisions: list[Decision]) -> Identities | None:
    """``earlier`` with the persons of the new groups' names told again from all their groups; None if an
    earlier group's person changes."""
    names = {group.name for group in new_groups}
    again = resolve_identities([g for g in groups if g.name in names] + new_groups, decisions)
    if any(earlier.ids[pair] != person for pair, person in again.ids.items() if pair in earlier.ids):
        return None
    return Identities({**earlier.ids, **again.ids}, {**earlier.reasons, **again.reasons}, {**earlier.keys, **again.keys})


def _reopened(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A finished graph (``kg.graph.finish_graph``) made ready for more articles again: the lists finishing
    sorted made sets again (``finish_graph`` sorts them and dates every node and edge anew)."""
    for _, data in graph.nodes(data=True):
        data["articles"], data["aliases"] = set(data["articles"]), set(data["aliases"])
    for _, _, data in graph.edges(data=True):
        data["docs"] = set(data["docs"])
    return graph
