"""The corpus as a whole, from its extractions: who is who, the graph, the careers, the persons' ties.

A build (``kg.build``) and ``kg view`` (``kg.view.load_graph``) make it the same
way, so a page ``kg view`` writes is the build's. ``read`` gives the
extractions afresh on each call (a build streams them from its
``extractions.jsonl``; the view has them in memory).
"""

from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import networkx as nx

from .careers import Found, Spell, add_spells, in_order
from .graph import add_extraction, finish_graph
from .identity import Decision, Group, Identities, groups_of, resolve_identities
from .networks import Tie, Ties, add_sentence_ties, with_co_members
from .records import Extraction


@dataclass
class Corpus:
    """The corpus-level results every export reads."""

    graph: nx.MultiDiGraph
    identities: Identities
    spells: list[Spell]
    ties: Ties


def assemble(read: Callable[[], Iterable[Extraction]], decisions: Iterable[Decision] = (), *,
             also: Callable[[Extraction, Identities], None] | None = None, groups: list[Group] | None = None) -> Corpus:
    """Tell persons apart (with ``decisions``), then make the graph, the spells and the ties.

    Two passes over the records: who is who needs the whole corpus; the graph, the spells and the
    ties read in the articles are then made in one pass (a large corpus is streamed from its file),
    in which ``also`` sees each extraction too (the tables gather their rows so). A build that
    gathered the articles' ``groups`` as they came (``groups_of``) gives them, and saves the first pass.
    Python's cycle collector is paused meanwhile (``cycles_left_alone``)."""
    with cycles_left_alone():
        if groups is None:
            groups = [group for extraction in read() for group in groups_of(extraction)]
        identities = resolve_identities(groups, decisions)
        graph, found, read_ties = nx.MultiDiGraph(), {}, defaultdict(Tie)
        merge(read(), identities, graph, found, read_ties, also)
        careers = in_order(found)
        return Corpus(finish_graph(graph), identities, careers, with_co_members(careers, read_ties))


def merge(extractions: Iterable[Extraction], identities: Identities, graph: nx.MultiDiGraph, found: Found,
          read_ties: Ties, also: Callable[[Extraction, Identities], None] | None = None) -> None:
    """Merge each extraction's entities and relations into ``graph``, its posts into the spells ``found``
    and its persons' ties into ``read_ties``, in turn; ``also`` sees each extraction too."""
    for extraction in extractions:
        add_extraction(graph, extraction, identities)
        add_spells(found, extraction, identities)
        add_sentence_ties(extraction, identities, read_ties)
        if also is not None:
            also(extraction, identities)


def joined(identities: Identities, told: Identities) -> Identities:
    """``identities`` with who is who ``told`` for some names (again, or for the first time) over them."""
    return Identities({**identities.ids, **told.ids}, {**identities.reasons, **told.reasons},
                      {**identities.keys, **told.keys})


@contextlib.contextmanager
def cycles_left_alone() -> Iterator[None]:
    """Python's cycle collector paused, and set back as it was; what the block made is then left out of its
    walks (``gc.freeze``) until ``walked_again``. It walks every object the corpus holds each time their
    number grows by a quarter, though the records and the graph make no reference cycles (8 objects in
    cycles after assembling 10,000 generated articles): paused, the build's assembly there took 7.4-7.7 s
    instead of 10.5-11.0 s, and `kg export`'s (who is who read too) 10.7-11.9 s instead of 13.8-14.1 s, at
    the same peak memory. Once it is set back, its first three walks would each go over all that the block
    made: 1.3 s of `kg build --add` there, after reading the earlier build's state."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


@contextlib.contextmanager
def walked_again() -> Iterator[None]:
    """When the block (a build, an export: as long as their corpus lives) ends, give back to the cycle
    collector what ``cycles_left_alone`` left out of its walks."""
    try:
        yield
    finally:
        gc.unfreeze()
