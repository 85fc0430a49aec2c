"""SPARQL over a built graph: two stores behind one interface, and the named queries.

``open_store(path, store="oxigraph")`` loads Turtle, TriG, N-Triples or JSON-LD
into pyoxigraph (the default: fastest on large graphs, see docs/rdf-stores.md)
or rdflib's memory store. ``Store.query`` runs a SPARQL query (never an
update) and returns an ``Answer`` that renders as a table, CSV or JSON, or
serialises to the SPARQL results formats for the HTTP endpoint.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import KgError

STORES = ("oxigraph", "rdflib")
#: file suffix -> (oxigraph format, rdflib format)
FORMATS = {
    ".ttl": (ox.RdfFormat.TURTLE, "turtle"),
    ".trig": (ox.RdfFormat.TRIG, "trig"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "nt"),
    ".nq": (ox.RdfFormat.N_QUADS, "nquads"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "json-ld"),
}
#: results media type -> (oxigraph results format, rdflib results format)
RESULT_TYPES = {
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, "json"),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, "xml"),
    "text/csv": (ox.QueryResultsFormat.CSV, "csv"),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, "tsv"),
}
GRAPH_TYPES = {"text/turtle": (ox.RdfFormat.TURTLE, "turtle"), "application/n-triples": (ox.RdfFormat.N_TRIPLES, "nt")}
UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^{]*?)?\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I | re.S)


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
        """A plain-text table for the terminal."""
        if self.kind == "ask":
            return "yes" if self.boolean else "no"
        widths = [max([_width(v)] + [_width(r[i]) for r in self.rows]) for i, v in enumerate(self.variables)]
        lines = [" | ".join(_pad(v, w) for v, w in zip(self.variables, widths))]
        lines.append("-+-".join("-" * w for w in widths))
        lines += [" | ".join(_pad(c, w) for c, w in zip(row, widths)) for row in self.rows]
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
    return sum(2 if ord(c) > 0x2E80 else 1 for c in value)


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

    def query(self, text: str) -> Answer:
        """Run a SPARQL query (never an update) and collect its answer."""
        result = self._run(text)
        if self.name == "oxigraph":
            if isinstance(result, ox.QueryBoolean):
                return Answer("ask", boolean=bool(result))
            if isinstance(result, ox.QueryTriples):
                return Answer("graph", ["subject", "predicate", "object"], [[str(t) for t in triple] for triple in result])
            variables = [v.value for v in result.variables]
            return Answer("select", variables, [[_ox_text(solution[v]) for v in variables] for solution in result])
        if result.type == "ASK":
            return Answer("ask", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return Answer("graph", ["subject", "predicate", "object"], [[str(t) for t in triple] for triple in result])
        variables = [str(v) for v in result.vars]
        return Answer("select", variables, [[str(value) if value is not None else "" for value in row] for row in result])

    def serialize(self, text: str, accept: str) -> tuple[bytes, str]:
        """Run a query and serialise its answer in the first acceptable format.

        Returns the bytes and their media type: SPARQL results (JSON, XML, CSV,
        TSV) for SELECT and ASK, Turtle or N-Triples for CONSTRUCT and DESCRIBE.
        """
        result = self._run(text)
        graph = isinstance(result, ox.QueryTriples) if self.name == "oxigraph" else result.type in ("CONSTRUCT", "DESCRIBE")
        table = GRAPH_TYPES if graph else RESULT_TYPES
        offered = [m for m in table if not (_is_ask(result) and m in ("text/csv", "text/tab-separated-values"))]
        media_type = negotiate(accept, offered)
        ox_format, rdflib_format = table[media_type]
        if self.name == "oxigraph":
            return result.serialize(format=ox_format), media_type
        return result.serialize(format=rdflib_format, encoding="utf-8"), media_type

    def _run(self, text: str) -> object:
        if is_update(text):
            raise QueryError("updates are not allowed: this store is read-only")
        try:
            if self.name == "oxigraph":
                return self.graph.query(text, use_default_graph_as_union=True)
            return self.graph.query(text)
        except (SyntaxError, ValueError, TypeError) as error:
            raise QueryError(f"malformed query: {error}") from error
        except Exception as error:  # rdflib's parser raises pyparsing errors
            if type(error).__name__ in ("ParseException", "ParseSyntaxException"):
                raise QueryError(f"malformed query: {error}") from error
            raise


def _is_ask(result: object) -> bool:
    return isinstance(result, ox.QueryBoolean) or getattr(result, "type", "") == "ASK"


def negotiate(accept: str, offered: list[str]) -> str:
    """The offered media type the Accept header prefers (the first offered one by default)."""
    ranked = []
    for position, part in enumerate((accept or "").split(",")):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.strip().lower()))
    for _, _, media in sorted(ranked):
        for offer in offered:
            if media in (offer, "*/*") or (media.endswith("/*") and offer.startswith(media[:-1])):
                return offer
    return offered[0]


def _ox_text(term: object) -> str:
    return "" if term is None else str(term.value)


def is_update(text: str) -> bool:
    """True when the text is a SPARQL Update (INSERT, DELETE, DROP, CLEAR, LOAD …), not a query."""
    return bool(UPDATE.search(_strip_comments(text)))


def _strip_comments(text: str) -> str:
    """The text with IRIs, strings and comments blanked, so only keywords remain."""
    return re.sub(r"#[^\n]*", "", re.sub(r"<[^>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", '""', text))


# named queries ------------------------------------------------------------
@dataclass(frozen=True)
class NamedQuery:
    """A query shipped in ``kg/queries/NAME.rq``; ``$param`` marks a parameter."""

    name: str
    description: str
    params: tuple[str, ...]
    text: str

    def bind(self, values: dict[str, str]) -> str:
        missing = [p for p in self.params if p not in values]
        if missing:
            raise QueryError(f"query {self.name!r} needs --param {missing[0]}=VALUE")
        return re.sub(r"\$(\w+)", lambda m: _literal(values[m.group(1)]) if m.group(1) in values else m.group(0), self.text)


def _literal(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


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
    """A named query (bound), a file's text, or the query itself."""
    named = named_queries()
    if query_or_file in named:
        return named[query_or_file].bind(params)
    path = Path(query_or_file)
    if path.suffix in (".rq", ".sparql") and path.is_file():
        return path.read_text(encoding="utf-8")
    return query_or_file
