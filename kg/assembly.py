"""The corpus as a whole, from its extractions: who is who, the graph, the careers, the persons' ties.

A build (``kg.build``) and ``kg view`` (``kg.view.load_graph``) make it the same
way, so a page ``kg view`` writes is the build's. ``read`` gives the
extractions afresh on each call (a build streams them from its
``extractions.jsonl``; the view has them in memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from .careers import Spell, spells
from .graph import build_graph
from .identity import Decision, Identities, groups_of, resolve_identities
from .networks import Ties, people_ties
from .records import Extraction


@dataclass
class Corpus:
    """The corpus-level results every export reads."""

    graph: nx.MultiDiGraph
    identities: Identities
    spells: list[Spell]
    ties: Ties


def assemble(read: Callable[[], Iterable[Extraction]], decisions: Iterable[Decision] = ()) -> Corpus:
    """Tell persons apart (with ``decisions``), then make the graph, the spells and the ties."""
    identities = resolve_identities([group for extraction in read() for group in groups_of(extraction)], decisions)
    careers = spells(read(), identities)
    return Corpus(build_graph(read(), identities), identities, careers, people_ties(read(), careers, identities))
