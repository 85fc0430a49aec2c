"""The default graph of a build that articles were added to (``kg build --add``), made from the earlier one.

The default graph (``kg.rdf.default_triples``) is written sorted by subject,
so each subject's triples are together. Added articles change the triples
of a few subjects: the nodes they name (and the persons of those names, whose
notes on who is who are told again), earlier articles whose newspaper became
an organisation, and the spells of those persons or of bodies that became a
node. ``Changes`` names them (``kg.adding``); their triples are made again
and replace the earlier ones, the rest of the earlier file is copied.

Two kinds of triple are made by other subjects' triples, and only ever grow
as articles are added: a division's place in the divisions above it
(``schema:containedInPlace``, made wherever a body or place lies in it), and
the description of a division or a date that no article names as a node.
The earlier triples of those are kept beside the new ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib.namespace import SDO

from .careers import Spell
from .graph_part import Walked
from .identity import Identities
from .rdf import DATA, default_triples, iri, sorted_quads
from .rdf_files import quad_key

#: The subjects a spell's triples describe and no other triple does: its membership and its interval.
SPELL_OWN = tuple(str(DATA[kind]).encode() for kind in ("membership/", "interval/"))
#: The predicate of the triples other subjects make, which are kept as they were beside the ones made again.
_GROWS = f"<{SDO.containedInPlace}> ".encode()

Block = tuple[bytes, list[bytes]]  # a subject and the N-Quads lines of its triples, in order


@dataclass
class Changes:
    """What articles added to a build change in its default graph: the nodes (and persons) and the spells
    whose triples are made again, and the subjects whose earlier triples those replace."""

    nodes: set[str] = field(default_factory=set)
    spells: list[Spell] = field(default_factory=list)
    replaced: set[bytes] = field(default_factory=set)

    def replace(self, nodes: Iterable[str]) -> None:
        """Make the triples of ``nodes`` again, in place of their earlier ones."""
        nodes = set(nodes)
        self.nodes |= nodes
        self.replaced |= {str(iri(node)).encode() for node in nodes}


def spell_subjects(graph: nx.MultiDiGraph, spells: list[Spell]) -> set[bytes]:
    """The memberships and intervals the default graph gives ``spells`` in ``graph`` as it is now."""
    return {subject for subject, _ in _blocks(_lines(graph, spells, set(), Identities())) if subject.startswith(SPELL_OWN)}


def write_added(earlier: Path, end: int, graph: nx.MultiDiGraph, identities: Identities, changes: Changes,
                path: Path) -> None:
    """The default graph in N-Quads into ``path``: the earlier one (the first ``end`` bytes of ``earlier``)
    with the triples of the ``changes`` made again."""
    persons = Identities(reasons={p: identities.reasons[p] for p in changes.nodes if p in identities.reasons},
                         keys={p: identities.keys[p] for p in changes.nodes if p in identities.keys})
    fresh = _blocks(_lines(graph, changes.spells, changes.nodes, persons))
    with open(path, "wb") as target:
        for subject, old, new in _side_by_side(_blocks(_earlier_lines(earlier, end)), fresh):
            if subject in changes.replaced:  # made again, but for what only grows
                old = [line for line in old if line.startswith(_GROWS, len(subject) + 3)]  # after "<subject> "
            target.writelines(_merged(old, new))


def _lines(graph: nx.MultiDiGraph, spells: list[Spell], nodes: set[str], identities: Identities) -> list[bytes]:
    """The N-Quads lines, sorted, of the default graph's triples of ``nodes``, ``spells`` and ``identities``'
    persons, as ``kg.rdf_files.write_default_graph`` writes them."""
    triples = next(default_triples(Walked(graph, nodes), spells, identities))  # type: ignore[arg-type]
    return ox.serialize(sorted_quads(triples, None), format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)


def _earlier_lines(path: Path, end: int) -> Iterator[bytes]:
    """The lines of the first ``end`` bytes of ``path``."""
    with open(path, "rb") as stream:
        left = end
        for line in stream:
            if left <= 0:
                return
            yield line
            left -= len(line)


def _blocks(lines: Iterable[bytes]) -> Iterator[Block]:
    """Sorted N-Quads lines taken a subject at a time (every subject is an IRI: ``<...> ``)."""
    subject, block = b"", []
    for line in lines:
        this = line[1:line.index(b">")]
        if this != subject and block:
            yield subject, block
            block = []
        subject = this
        block.append(line)
    if block:
        yield subject, block


def _side_by_side(old: Iterator[Block], new: Iterator[Block]) -> Iterator[tuple[bytes, list[bytes], list[bytes]]]:
    """The subjects of two sorted streams of blocks in order, with the lines each stream has for them."""
    done = (b"\xff" * 4, [])  # after any subject: UTF-8 never holds 0xFF
    a, b = next(old, done), next(new, done)
    while a is not done or b is not done:
        if a[0] == b[0]:
            yield a[0], a[1], b[1]
            a, b = next(old, done), next(new, done)
        elif a[0] < b[0]:
            yield a[0], a[1], []
            a = next(old, done)
        else:
            yield b[0], [], b[1]
            b = next(new, done)


def _merged(old: list[bytes], new: list[bytes]) -> list[bytes]:
    """A subject's earlier and new lines, each once, in the default graph's order."""
    if not old or set(old) <= set(new):
        return new
    if not new or set(new) <= set(old):
        return old
    quads = {quad_key(quad): quad for quad in ox.parse(b"".join(old + new), format=ox.RdfFormat.N_QUADS)}
    return ox.serialize([quads[key] for key in sorted(quads)], format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
