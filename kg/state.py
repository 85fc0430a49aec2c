"""What a build keeps so that articles can be added to it later (``kg build --add``): ``.kg-corpus.pickle``.

It holds the corpus as assembled (``kg.assembly.Corpus``: the graph, who is
who, the spells, the ties) and each article's groups (``kg.identity``), tagged
with the digest of the ``extractions.jsonl`` it was made from, the pipeline
version and the who-is-who decisions. A build adds articles to it
(``kg.adding``) instead of assembling every record again; a state that does not
match the folder's extractions, version or decisions is not used.

It is a pickle, read with an unpickler that makes only the classes a corpus
holds (Python's "restricting globals"), so a file planted in an output folder
cannot run code. Graphs of ``KEPT_BELOW_NODES`` nodes or more keep no state:
writing it holds a table of every object pickled (some 40 MB at 10,000
generated articles, ten times that at 100,000), which the largest builds'
memory cannot spare.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import pickle
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

from .assembly import Corpus
from .files import atomic_write
from .identity import Decision, Group

STATE = ".kg-corpus.pickle"
#: Graphs this large or larger keep no state (see the module's docstring).
KEPT_BELOW_NODES = 100_000
#: The classes a state may make, by module: the corpus's own and the containers it uses.
ALLOWED = {
    "collections": {"defaultdict"},
    "networkx.classes.multidigraph": {"MultiDiGraph"},
    "kg.assembly": {"Corpus"},
    "kg.careers": {"Spell", "Observation"},
    "kg.identity": {"Identities", "Group", "Decision"},
    "kg.networks": {"Tie"},
    "kg.records": {"Evidence"},
    "kg.state": {"State"},
}


@dataclass
class State:
    """The corpus of a build and what it was made from."""

    extractions: str  #: the digest of the extractions.jsonl it was assembled from (``kg.manifest.digest``)
    version: str  #: the pipeline version (``kg.cache.pipeline_version``)
    decisions: list[Decision]
    corpus: Corpus
    groups: list[Group]

    def matches(self, extractions: str, version: str, decisions: list[Decision]) -> bool:
        return (self.extractions, self.version, self.decisions) == (extractions, version, decisions)


def save(folder: Path, state: State) -> None:
    """Write ``state`` into ``folder`` (atomically), unless its graph is too large to keep."""
    if state.corpus.graph.number_of_nodes() < KEPT_BELOW_NODES:
        with cycles_left_alone():  # the pickle makes no cycles; collecting while it walks the graph costs a third more
            atomic_write(folder / STATE, lambda path: _dump(state, path))


def _dump(state: State, path: Path) -> None:
    with open(path, "wb") as stream:
        _Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL).dump(state)


#: What a networkx graph is made of; the rest of its attributes are views and caches it makes again.
GRAPH_DATA = ("graph", "_node", "_adj", "_succ", "_pred")


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: object) -> object:
        """A graph as its data alone, not the views it has cached (classes a state need not make); a record
        with slots as the call that makes it (pickle's own way, through ``dataclasses.fields`` for each
        record, took three of the four seconds a state of 10,000 articles took to read)."""
        kind = type(obj)
        if kind is nx.MultiDiGraph:
            return object.__reduce_ex__(obj, 2)[:2] + ({name: obj.__dict__[name] for name in GRAPH_DATA},)
        if "__slots__" in kind.__dict__ and dataclasses.is_dataclass(kind):
            return kind, tuple(getattr(obj, name) for name in _field_names(kind))
        return NotImplemented


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


def load(folder: Path) -> State | str:
    """The state in ``folder``, else why there is none to use."""
    path = folder / STATE
    try:
        with open(path, "rb") as stream, cycles_left_alone():  # paused, reading takes 0.8 s, not 2.9 s, at 10,000 articles
            state = _Unpickler(stream).load()
    except FileNotFoundError:
        return "the earlier build kept no state (built before --add existed, with --no-cache, or too large)"
    except Exception as error:  # noqa: BLE001 - any damage to the file: assemble from the records instead
        return f"its state cannot be read ({type(error).__name__}: {error})"
    return state if isinstance(state, State) else "its state holds something else"


@contextlib.contextmanager
def cycles_left_alone() -> Iterator[None]:
    """Python's cycle collector paused, and set back as it was. It walks every object the corpus holds each
    time their number grows by a quarter, though the records and the graph make no reference cycles (8
    objects in cycles after assembling 10,000 generated articles): paused, the build's assembly there took
    7.4-7.7 s instead of 10.5-11.0 s, and `kg export`'s (who is who read too) 10.7-11.9 s instead of 13.8-14.1 s,
    at the same peak memory."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if name not in ALLOWED.get(module, ()):
            raise pickle.UnpicklingError(f"{module}.{name} is not a class a state holds")
        return super().find_class(module, name)
