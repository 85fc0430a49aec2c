"""A query's answer as SPARQL results bytes, at most ``max_rows`` of it, from either store.

``serialize(result, accept, max_rows)`` reads a pyoxigraph or rdflib result one
row at a time and stops after ``max_rows`` rows (or triples), so a query that
matches billions of rows costs no more memory than ``max_rows`` of them; the
``Serialized`` answer says whether it was cut. SELECT and ASK answers are
written as SPARQL results JSON, XML, CSV or TSV; CONSTRUCT and DESCRIBE as
Turtle or N-Triples; the format is the one the ``Accept`` header prefers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SELECT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"]
GRAPH_TYPES = {"text/turtle": (ox.RdfFormat.TURTLE, "turtle"), "application/n-triples": (ox.RdfFormat.N_TRIPLES, "nt")}
Term = dict  # a term in the SPARQL results JSON form: {"type": "uri" | "literal" | "bnode" | "triple", "value": …}


@dataclass(frozen=True)
class Serialized:
    """An answer ready to send: its bytes, media type, row count and whether rows were left out."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool


def serialize(result: object, accept: str, max_rows: int) -> Serialized:
    """Write at most ``max_rows`` of a pyoxigraph or rdflib query result in the preferred format."""
    if isinstance(result, ox.QueryBoolean) or getattr(result, "type", "") == "ASK":
        answer = bool(result) if isinstance(result, ox.QueryBoolean) else bool(result.askAnswer)
        media_type = negotiate(accept, SELECT_TYPES[:2])
        return Serialized(_boolean(answer, media_type), media_type, 1, False)
    if isinstance(result, ox.QueryTriples) or getattr(result, "type", "") in ("CONSTRUCT", "DESCRIBE"):
        return _graph(result, negotiate(accept, list(GRAPH_TYPES)), max_rows)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: Iterable[list[Term | None]] = ([_ox_term(s[v]) for v in variables] for s in result)
    else:
        variables = [str(v) for v in result.vars]
        rows = ([_rdflib_term(value) for value in row] for row in result)
    kept = list(islice(rows, max_rows + 1))
    media_type = negotiate(accept, SELECT_TYPES)
    body = WRITERS[media_type](variables, kept[:max_rows])
    return Serialized(body, media_type, min(len(kept), max_rows), len(kept) > max_rows)


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


# -- terms ----------------------------------------------------------------------
def _literal(value: str, language: str | None, datatype: str | None) -> Term:
    term: Term = {"type": "literal", "value": value}
    if language:
        term["xml:lang"] = language
    elif datatype and datatype not in (XSD_STRING, RDF_LANG_STRING):
        term["datatype"] = datatype
    return term


def _ox_term(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.language, term.datatype.value)
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {name: _ox_term(part) for name, part in parts.items()}}
    return {"type": "literal", "value": str(term)}


def _rdflib_term(term: object) -> Term | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, rdflib.BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, rdflib.Literal):
        return _literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    return {"type": "literal", "value": str(term)}


# -- writers --------------------------------------------------------------------
def _json(variables: list[str], rows: list[list[Term | None]]) -> bytes:
    bindings = [{v: t for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")


def _xml_term(term: Term) -> str:
    value = term["value"]
    if term["type"] == "triple":
        return "<triple>" + "".join(f"<{k}>{_xml_term(v)}</{k}>" for k, v in value.items()) + "</triple>"
    if term["type"] != "literal":
        return f"<{term['type']}>{escape(value)}</{term['type']}>"
    if "xml:lang" in term:
        return f"<literal xml:lang={quoteattr(term['xml:lang'])}>{escape(value)}</literal>"
    if "datatype" in term:
        return f"<literal datatype={quoteattr(term['datatype'])}>{escape(value)}</literal>"
    return f"<literal>{escape(value)}</literal>"


def _xml(variables: list[str], rows: list[list[Term | None]]) -> bytes:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    results = "".join(
        "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(variables, row) if t) + "</result>"
        for row in rows
    )
    return _xml_document(f"<head>{head}</head><results>{results}</results>")


def _xml_document(inner: str) -> bytes:
    return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">{inner}</sparql>\n'.encode("utf-8")


def _ntriples(term: Term) -> str:
    """A term as in N-Triples (TSV cells, and CSV cells for triple terms)."""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        return "<<( " + " ".join(_ntriples(value[k]) for k in ("subject", "predicate", "object")) + " )>>"
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'
    if "xml:lang" in term:
        return f"{text}@{term['xml:lang']}"
    return f"{text}^^<{term['datatype']}>" if "datatype" in term else text


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    if term["type"] in ("uri", "literal"):
        return term["value"]
    return _ntriples(term)


def _csv(variables: list[str], rows: list[list[Term | None]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_cell(t) for t in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _tsv(variables: list[str], rows: list[list[Term | None]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_ntriples(t) if t else "" for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


WRITERS: dict[str, Callable[[list[str], list[list[Term | None]]], bytes]] = {
    "application/sparql-results+json": _json,
    "application/sparql-results+xml": _xml,
    "text/csv": _csv,
    "text/tab-separated-values": _tsv,
}


def _boolean(answer: bool, media_type: str) -> bytes:
    if media_type == "application/sparql-results+xml":
        return _xml_document(f"<head/><boolean>{'true' if answer else 'false'}</boolean>")
    return json.dumps({"head": {}, "boolean": answer}).encode("utf-8")


def _graph(result: object, media_type: str, max_rows: int) -> Serialized:
    triples: Iterator = iter(result)  # type: ignore[call-overload]
    kept = list(islice(triples, max_rows + 1))
    ox_format, rdflib_format = GRAPH_TYPES[media_type]
    if isinstance(result, ox.QueryTriples):
        body = ox.serialize(kept[:max_rows], format=ox_format)
    else:
        graph = rdflib.Graph()
        for triple in kept[:max_rows]:
            graph.add(triple)
        body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return Serialized(body, media_type, min(len(kept), max_rows), len(kept) > max_rows)
