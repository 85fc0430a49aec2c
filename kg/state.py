"""What a build keeps so that articles can be added to it later (``kg build --add``): ``.kg-corpus.pickle``.

It holds the corpus as assembled (``kg.assembly.Corpus``: the graph, who is
who, the spells, the ties) and each article's groups (``kg.identity``), tagged
with the digest of the ``extractions.jsonl`` it was made from, the pipeline
version and the who-is-who decisions. A build adds articles to it
(``kg.adding``) instead of assembling every record again; a state that does not
match the folder's extractions, version or decisions is not used.

A build that adds articles to a kept corpus does not write it whole again:
it copies the earlier file and appends an ``Addition`` (what the articles
changed: the nodes they name, the edges of their relations, who is who for
their names, the spells and ties, their groups), which reading applies in
turn. Once the additions reach half the size of the corpus they follow, the
state is written whole again.

It is a pickle, read with an unpickler that makes only the classes a corpus
holds (Python's "restricting globals"), so a file planted in an output folder
cannot run code. Graphs of ``KEPT_BELOW_NODES`` nodes or more keep no state:
writing it holds a table of every object pickled (some 40 MB at 10,000
generated articles, ten times that at 100,000), which the largest builds'
memory cannot spare.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from .assembly import Corpus, cycles_left_alone, joined
from .careers import Spell
from .files import atomic_write
from .identity import Decision, Group, Identities
from .networks import Ties
from .records import Evidence

STATE = ".kg-corpus.pickle"
#: Graphs this large or larger keep no state (see the module's docstring).
KEPT_BELOW_NODES = 100_000
#: Additions are appended while they stay within this share of the size of the corpus they follow.
ADDED_SHARE = 0.5
#: The classes a state may make, by module: the corpus's own and the containers it uses.
ALLOWED = {
    "collections": {"defaultdict"},
    "networkx.classes.multidigraph": {"MultiDiGraph"},
    "kg.assembly": {"Corpus"},
    "kg.careers": {"Spell", "Observation"},
    "kg.identity": {"Identities", "Group", "Decision"},
    "kg.networks": {"Tie"},
    "kg.records": {"Evidence"},
    "kg.state": {"State", "Addition"},
}


@dataclass
class State:
    """The corpus of a build and what it was made from."""

    extractions: str  #: the digest of the extractions.jsonl it was assembled from (``kg.manifest.digest``)
    version: str  #: the pipeline version (``kg.cache.pipeline_version``)
    decisions: list[Decision]
    corpus: Corpus
    groups: list[Group]

    #: bytes of the file it was read from: the corpus written whole, and the additions after it (``load``)
    read_bytes: tuple[int, int] = field(default=(0, 0), compare=False)

    def matches(self, extractions: str, version: str, decisions: list[Decision]) -> bool:
        return (self.extractions, self.version, self.decisions) == (extractions, version, decisions)

    def grow(self, addition: Addition) -> None:
        """Apply ``addition``: the corpus and groups become those of the build that added its articles."""
        graph = self.corpus.graph
        nodes, succ, pred = graph._node, graph._succ, graph._pred
        for node, data in addition.nodes:  # a new node goes last, where the build added it
            nodes[node] = data
            succ.setdefault(node, {})
            pred.setdefault(node, {})
        for source, target, key, data in addition.edges:  # a new pair, or key, goes last, where the build added it
            keys = succ[source].get(target)
            if keys is None:
                keys = succ[source][target] = pred[target][source] = {}
            keys[key] = data
        self.corpus = Corpus(graph, joined(self.corpus.identities, addition.told), addition.spells, addition.ties)
        self.groups += addition.groups
        self.extractions = addition.extractions


@dataclass
class Addition:
    """What articles added to a kept corpus changed (``kg.adding``): the nodes they name, in the graph's
    order, and the edges of their relations, in the order they were first met, each with all its data;
    who is who told for their names; the spells and ties, whole; their groups; the digest of the
    extractions.jsonl it was made for."""

    extractions: str
    nodes: list[tuple[str, dict]]
    edges: list[tuple[str, str, str, dict]]
    told: Identities
    spells: list[Spell]
    ties: Ties
    groups: list[Group]


def keeps(corpus: Corpus) -> bool:
    """Whether a build keeps its corpus: its graph is not too large."""
    return corpus.graph.number_of_nodes() < KEPT_BELOW_NODES


def save(folder: Path, state: State) -> None:
    """Write ``state`` into ``folder`` (atomically); a build does so where it ``keeps`` its corpus."""
    with cycles_left_alone():  # the pickle makes no cycles; collecting while it walks the graph costs a third more
        atomic_write(folder / STATE, lambda path: _dump(state, path))


def save_added(folder: Path, whole: State, addition: Addition, earlier: Path, read_bytes: tuple[int, int]) -> None:
    """Write into ``folder`` the state ``whole``: as the file ``earlier`` (which ``load`` read as ``read_bytes``)
    with ``addition`` appended, or whole once the additions would outgrow ``ADDED_SHARE`` of the corpus."""
    with cycles_left_alone():
        frame = _dumps(addition)
        corpus, added = read_bytes
        if added + len(frame) > ADDED_SHARE * corpus or earlier.stat().st_size != corpus + added:
            atomic_write(folder / STATE, lambda path: _dump(whole, path))
        else:
            atomic_write(folder / STATE, lambda path: _appended(earlier, frame, path))


def _appended(earlier: Path, frame: bytes, path: Path) -> None:
    """The file ``earlier``, then ``frame``, into ``path``."""
    with open(earlier, "rb") as source, open(path, "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
        target.write(frame)


def _dump(state: State, path: Path) -> None:
    with open(path, "wb") as stream:
        _pickler(stream).dump(state)


def _dumps(addition: Addition) -> bytes:
    buffer = io.BytesIO()
    _pickler(buffer).dump(addition)
    return buffer.getvalue()


def _pickler(stream: BinaryIO) -> pickle.Pickler:
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    return pickler


#: What a networkx graph is made of; the rest of its attributes are views and caches it makes again.
GRAPH_DATA = ("graph", "_node", "_adj", "_succ", "_pred")


def _graph(graph: nx.MultiDiGraph) -> tuple:
    """A graph as its data alone, not the views it has cached (classes a state need not make)."""
    return object.__reduce_ex__(graph, 2)[:2] + ({name: graph.__dict__[name] for name in GRAPH_DATA},)


def _made_by_call(kind: type) -> Callable[[object], tuple]:
    """How a record with slots is pickled: as the call that makes it. Pickle's own way reads
    ``dataclasses.fields`` for each record: a state of 10,000 articles took 2.8 s to read, not 0.8 s."""
    fields = operator.attrgetter(*(field.name for field in dataclasses.fields(kind)))
    return lambda record: (kind, fields(record))


#: How the state's objects that pickle's own way does not serve are pickled (looked up by their class).
_REDUCERS = {**copyreg.dispatch_table, nx.MultiDiGraph: _graph, Group: _made_by_call(Group), Evidence: _made_by_call(Evidence)}


def load(folder: Path) -> State | str:
    """The state in ``folder``, else why there is none to use."""
    path = folder / STATE
    try:
        with open(path, "rb") as stream, cycles_left_alone():  # paused, reading takes 0.8 s, not 2.9 s, at 10,000 articles
            return _read(stream)
    except FileNotFoundError:
        return "the earlier build kept no state (built before --add existed, with --no-cache, or too large)"
    except Exception as error:  # noqa: BLE001 - any damage to the file: assemble from the records instead
        return f"its state cannot be read ({type(error).__name__}: {error})"


def _read(stream: io.BufferedReader) -> State | str:
    """The state in ``stream``, with each addition after it applied."""
    state = _Unpickler(stream).load()
    if not isinstance(state, State):
        return "its state holds something else"
    corpus = stream.tell()
    while stream.peek(1):
        addition = _Unpickler(stream).load()
        if not isinstance(addition, Addition):
            return "its state holds something else"
        state.grow(addition)
    state.read_bytes = (corpus, stream.tell() - corpus)
    return state


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if name not in ALLOWED.get(module, ()):
            raise pickle.UnpicklingError(f"{module}.{name} is not a class a state holds")
        return super().find_class(module, name)
