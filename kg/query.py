"""SPARQL over a built graph: two stores behind one interface, and the named queries.

``open_store(path, store="oxigraph")`` loads Turtle, TriG, N-Triples or JSON-LD
into pyoxigraph (the default: fastest on large graphs, see docs/rdf-stores.md)
or rdflib's memory store. ``Store.query`` runs a SPARQL query (never an
update) and returns an ``Answer`` that renders as a table, CSV or JSON;
``Store.serialize`` writes at most ``max_rows`` of it in a SPARQL results
format for the HTTP endpoint.

Every query first passes ``kg.sparql_guard.check_query`` (size, nesting,
updates, SERVICE, LOAD, FROM), and runs on a thread with a deep stack
(``DEEP_STACK``): both engines recurse once per nesting level or chained
operator, and pyoxigraph would overflow a default 8 MiB stack (and kill the
process) on a long enough chain that is still under the size limit.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib.plugins.sparql

from .errors import KgError
from .sparql_guard import MAX_QUERY_BYTES, QueryRefused, check_query, is_update
from .sparql_errors import describe
from .sparql_results import Serialized, negotiate, serialize
from .sparql_text import ParamError, with_prefixes
from .sparql_text import bind as bind_text
from .stores import STORES

__all__ = ["Answer", "ParamError", "QueryError", "QueryRefused", "Store", "is_update", "negotiate", "named_queries", "resolve_query"]

#: file suffix -> (oxigraph format, rdflib format)
FORMATS = {
    ".ttl": (ox.RdfFormat.TURTLE, "turtle"),
    ".trig": (ox.RdfFormat.TRIG, "trig"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    ".nq": (ox.RdfFormat.N_QUADS, "nquads"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
}
DEEP_STACK = 256 * 1024 * 1024  #: bytes of stack (address space, touched only as used) a query runs on
DEEP_THREAD = "sparql-deep-stack"
RECURSION_LIMIT = 20_000  #: Python frames rdflib may use on that stack (its parser recurses per nesting level)
QUERY_SUFFIXES = (".rq", ".sparql")
CELL_WIDTH = 40  #: terminal columns of a table cell (a CJK character takes 2); CSV and JSON keep cells whole
PARSE_ERRORS = ("ParseException", "ParseSyntaxException")  #: rdflib's (pyparsing's), by class name
# rdflib would fetch (or open) the IRI of FROM / FROM NAMED; the guard admits only loaded graphs, which need no loading
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


class QueryError(KgError):
    """A query that is malformed, is an update, or cannot run."""


@dataclass
class Answer:
    """What a query returned: variables and rows, a boolean, or triples."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    boolean: bool | None = None

    def table(self) -> str:
        """A plain-text table for the terminal; a cell wider than ``CELL_WIDTH`` columns is cut, with "…"."""
        if self.kind == "ask":
            return "yes" if self.boolean else "no"
        rows = [[_clip(cell, CELL_WIDTH) for cell in row] for row in self.rows]
        widths = [max([_width(v)] + [_width(r[i]) for r in rows]) for i, v in enumerate(self.variables)]
        lines = [" | ".join(_pad(v, w) for v, w in zip(self.variables, widths)).rstrip()]
        lines.append("-+-".join("-" * w for w in widths))
        lines += [" | ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines)

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.variables)
        writer.writerows(self.rows)
        return buffer.getvalue()

    def json(self) -> str:
        if self.kind == "ask":
            return json.dumps({"boolean": self.boolean})
        return json.dumps([dict(zip(self.variables, row)) for row in self.rows], ensure_ascii=False, indent=2)


def _width(value: str) -> int:
    """Terminal columns: 2 for a wide (CJK) character, 0 for a combining one, else 1."""
    return sum(_char_width(c) for c in value)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _clip(value: str, width: int) -> str:
    """``value`` on one line, cut to at most ``width`` columns with a final "…" when longer."""
    value = " ".join(value.split()) if any(c in value for c in "\n\r\t") else value
    if _width(value) <= width:
        return value
    kept, used = [], 1
    for char in value:
        used += _char_width(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _pad(value: str, width: int) -> str:
    return value + " " * (width - _width(value))


class Store:
    """A read-only SPARQL store loaded from one RDF file."""

    def __init__(self, path: str | Path, *, store: str = "oxigraph") -> None:
        path = Path(path)
        if store not in STORES:
            raise QueryError(f"unknown store {store!r}: choose one of {', '.join(STORES)}")
        if path.suffix not in FORMATS:
            raise QueryError(f"{path}: unknown RDF format (use {', '.join(FORMATS)})")
        if not path.is_file():
            raise QueryError(f"{path}: no such graph file (run `kg build` first)")
        self.name = store
        ox_format, rdflib_format = FORMATS[path.suffix]
        try:
            if store == "oxigraph":
                self.graph = ox.Store()
                self.graph.bulk_load(path=str(path), format=ox_format)
            else:
                self.graph = rdflib.Dataset(default_union=True)
                self.graph.parse(path, format=rdflib_format)
        except (SyntaxError, ValueError, OSError) as error:
            raise QueryError(f"{path}: cannot load the graph: {error}") from error

    def __len__(self) -> int:
        return len(self.graph)

    @cached_property
    def graph_names(self) -> frozenset[str]:
        """The IRIs of the loaded named graphs (one per article in a TriG build): what FROM may name."""
        if self.name == "oxigraph":
            names = (graph.value for graph in self.graph.named_graphs() if isinstance(graph, ox.NamedNode))
        else:
            names = (str(graph.identifier) for graph in self.graph.graphs() if graph.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
        return frozenset(names)

    def query(self, text: str) -> Answer:
        """Run a SPARQL query (never an update) and collect its answer."""
        return on_deep_stack(lambda: _answer(self._run(text)))

    def serialize(self, text: str, accept: str, max_rows: int) -> Serialized:
        """Run a query and write at most ``max_rows`` of its answer in the format ``accept`` prefers.

        SPARQL results (JSON, XML, CSV, TSV) for SELECT and ASK, Turtle or
        N-Triples for CONSTRUCT and DESCRIBE.
        """
        return on_deep_stack(lambda: serialize(self._run(text), accept, max_rows))

    def _run(self, text: str) -> object:
        check_query(text, self.graph_names)  # the user's own text, so that a refusal's line and column are theirs
        prepared, added = with_prefixes(text)
        own_dataset = check_query(prepared, self.graph_names)
        try:
            if self.name == "oxigraph":  # the default graph is every graph, unless FROM says otherwise
                return self.graph.query(prepared, use_default_graph_as_union=not own_dataset)
            return self.graph.query(prepared)
        except RecursionError as error:
            raise QueryError("the query is nested too deeply for the rdflib store") from error
        except Exception as error:  # rdflib's parser raises pyparsing errors, and a bare Exception for a prefix
            if isinstance(error, (SyntaxError, ValueError, TypeError)) or type(error).__name__ in PARSE_ERRORS \
                    or str(error).startswith("Unknown namespace prefix"):
                raise QueryError(f"malformed query: {describe(str(error), text, added)}") from error
            raise


def _answer(result: object) -> Answer:
    if isinstance(result, ox.QueryBoolean) or getattr(result, "type", "") == "ASK":
        return Answer("ask", boolean=bool(result) if isinstance(result, ox.QueryBoolean) else bool(result.askAnswer))
    if isinstance(result, ox.QueryTriples) or getattr(result, "type", "") in ("CONSTRUCT", "DESCRIBE"):
        return Answer("graph", ["subject", "predicate", "object"], [[str(t) for t in triple] for triple in result])
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        return Answer("select", variables, [[_ox_text(solution[v]) for v in variables] for solution in result])
    variables = [str(v) for v in result.vars]
    return Answer("select", variables, [[str(value) if value is not None else "" for value in row] for row in result])


def on_deep_stack(work: Callable[[], object]) -> object:
    """Run ``work`` on a thread with a ``DEEP_STACK`` stack and return (or raise) what it does.

    While it runs, the Python recursion limit is ``RECURSION_LIMIT`` (the limit is
    process-wide: it is put back afterwards), so that rdflib's parser can use that
    stack. On such a thread already, runs ``work`` there.
    """
    if threading.current_thread().name == DEEP_THREAD:
        return work()
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the caller
            outcome["error"] = error

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        previous = threading.stack_size(DEEP_STACK)
        try:
            thread = threading.Thread(target=target, name=DEEP_THREAD, daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def _ox_text(term: object) -> str:
    return "" if term is None else str(term.value)


# named queries ------------------------------------------------------------
@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in ``kg/queries/NAME.rq``; ``$param`` marks a parameter, ``# param: NAME — …`` describes it."""

    name: str
    description: str
    params: tuple[str, ...]
    text: str

    def bind(self, values: dict[str, str]) -> str:
        """The text with each parameter bound to its value (see ``kg.sparql_text.bind``)."""
        return bind_text(self.text, values, self.params)


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped query by name, from its header comments."""
    queries = {}
    for entry in sorted(resources.files("kg").joinpath("queries").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        header = dict(re.findall(r"^#\s*(\w+):\s*(.+)$", text, re.M))
        params = tuple(re.findall(r"^#\s*param:\s*(\w+)", text, re.M))
        name = entry.name[:-3]
        queries[name] = NamedQuery(name, header.get("description", ""), params, text)
    return queries


def resolve_query(query_or_file: str, params: dict[str, str]) -> str:
    """A named query, a query file's text, or the query itself, with ``params`` bound (``ParamError`` if it cannot take them).

    An argument that names an existing path must be a readable regular file
    (a directory, a FIFO or a device is an error, and is never opened); one
    ending in .rq or .sparql that names nothing is an error too.
    """
    named = named_queries()
    if query_or_file in named:
        return named[query_or_file].bind(params)
    return bind_text(query_text(query_or_file), params)


def query_text(query_or_file: str) -> str:
    """A query file's text, or the argument itself when it names no file."""
    path = Path(query_or_file)
    if _exists(path):
        return read_query_file(path)
    if path.suffix in QUERY_SUFFIXES:
        raise QueryError(f"{path}: no such query file")
    return query_or_file


def _exists(path: Path) -> bool:
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):  # a query text too long for a file name, or with a NUL
        return False


def read_query_file(path: Path) -> str:
    """The UTF-8 text of a query file, refused when it is not a readable regular file under the size limit."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise QueryError(f"{path}: is a directory, not a query file")
        if not stat.S_ISREG(mode):
            raise QueryError(f"{path}: not a regular file ({_file_kind(mode)}), not a query file")
        with path.open("rb") as handle:
            data = handle.read(MAX_QUERY_BYTES + 1)
    except OSError as error:
        raise QueryError(f"{path}: cannot read the query file: {error.strerror or error}") from error
    if len(data) > MAX_QUERY_BYTES:
        raise QueryError(f"{path}: the query file is over the limit of {MAX_QUERY_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QueryError(f"{path}: the query file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})") from error


def _file_kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device"}
    return next((name for test, name in kinds.items() if test(mode)), "an unknown kind")
