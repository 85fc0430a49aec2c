"""What kg adds to a query's text before an engine reads it: the project's prefixes and the ``--param`` values.

``with_prefixes(text)`` declares the prefixes of the exported RDF (``govkg:``,
``org:``, ``skos:``, ``prov:``, ``dcterms:`` … see ``PREFIXES``) that the query
uses without declaring, on one line put before it, so a query's own line N is
line N + 1 of what runs. A prefix the query declares keeps its own IRI.

``bind(text, values, declared)`` gives variables values: ``--param name=李明华``
binds ``$name`` (or ``?name``) to the string "李明华" by a ``VALUES`` block at
the top of the query's WHERE group, so FILTERs there see it. ``$name`` marks a
parameter that must be given; a value for a variable the query lacks is an error.
"""

from __future__ import annotations

import json

from rdflib.namespace import RDF, RDFS, TIME

from .errors import KgError
from .rdf import PREFIXES as EXPORT_PREFIXES
from .sparql_guard import placed_tokens

#: prefix -> namespace IRI: those the RDF export binds, and the W3C ones it relies on
PREFIXES: dict[str, str] = {name: str(iri) for name, iri in {**EXPORT_PREFIXES, "rdf": RDF, "rdfs": RDFS, "time": TIME}.items()}


class ParamError(KgError):
    """A ``--param`` the query cannot take, or a parameter left without a value."""


def prefix_lines(text: str) -> str:
    """The PREFIX declarations ``text`` needs and lacks, as one line (with its newline), or ""."""
    used: list[str] = []
    declared: set[str] = set()
    significant = placed_tokens(text)
    for index, (kind, token, _) in enumerate(significant):
        if kind == "word" and token.upper() == "PREFIX" and index + 1 < len(significant):
            declared.add(significant[index + 1][1].partition(":")[0])
        elif kind == "pname":
            used.append(token.partition(":")[0])
    missing = dict.fromkeys(name for name in used if name in PREFIXES and name not in declared)
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}> " for name in missing).rstrip() + "\n" if missing else ""


def with_prefixes(text: str) -> tuple[str, int]:
    """``text`` with the prefixes it lacks declared, and how many lines were put before it (0 or 1)."""
    lines = prefix_lines(text)
    return lines + text, lines.count("\n")


def variables(text: str) -> list[str]:
    """The names of the variables ``text`` uses (``?name`` or ``$name``), in order of first use."""
    names = [token for kind, token, _ in placed_tokens(text) if kind == "var"]
    return list(dict.fromkeys(name[1:] for name in names))


def parameters(text: str, declared: tuple[str, ...] = ()) -> list[str]:
    """The parameters of ``text``: the ``declared`` ones (a named query's ``# param:`` lines) and every ``$name``."""
    dollars = [token[1:] for kind, token, _ in placed_tokens(text) if kind == "var" and token.startswith("$")]
    return list(dict.fromkeys([*declared, *dollars]))


def bind(text: str, values: dict[str, str], declared: tuple[str, ...] = ()) -> str:
    """``text`` with each variable of ``values`` bound to that string; ``ParamError`` for one it lacks or one left out."""
    params = parameters(text, declared)
    names = variables(text)
    for name in values:
        if name not in names:
            raise ParamError(f"--param {name}: the query has no parameter {name!r}; {_listing(params, names)}")
    for name in params:
        if name not in values:
            raise ParamError(f"the query needs --param {name}=VALUE")
    if not values:
        return text
    offset = _where_group(text)
    block = " ".join(f"VALUES ?{name} {{ {json.dumps(value, ensure_ascii=False)} }}" for name, value in values.items())
    return f"{text[:offset]} {block} {text[offset:]}"


def _listing(params: list[str], names: list[str]) -> str:
    if params:
        return f"its parameters are {', '.join(params)}"
    shown = ", ".join(f"?{name}" for name in names) or "none"
    return f"it has no $parameter, and its variables are {shown}"


def _where_group(text: str) -> int:
    """The offset just inside the ``{`` that opens the query's WHERE group."""
    depth = 0
    seen_where = False
    for kind, token, start in placed_tokens(text):
        if kind == "word" and token.upper() == "WHERE" and depth == 0:
            seen_where = True
        elif token == "{" and depth == 0 and (seen_where or not _is_construct(text)):
            return start + 1
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
    raise ParamError("--param needs a query with a WHERE { … } group to bind its values in")


def _is_construct(text: str) -> bool:
    return any(kind == "word" and token.upper() == "CONSTRUCT" for kind, token, _ in placed_tokens(text))
