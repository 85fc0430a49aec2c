"""What a query may ask, decided from its tokens before any SPARQL engine parses it.

``check_query(text, graphs)`` refuses, with a ``QueryRefused`` that says why:

- a query over ``MAX_QUERY_BYTES`` or nested deeper than ``MAX_DEPTH`` (``{``,
  ``(``, ``[``, ``<<`` outside strings, IRIs and comments): the engines recurse
  once per level and pyoxigraph overflows its stack on a few thousand;
- an update (``INSERT``, ``DELETE``, ``LOAD``, ``DROP`` …: the first keyword after
  the prologue); a variable ``?add`` or a name ``ex:load`` is not one;
- ``SERVICE`` (the engine would call that address), ``LOAD``, and ``FROM`` /
  ``FROM NAMED`` other than ``FROM <iri>`` naming one of the loaded graphs
  (rdflib would read the IRI: a file, a URL).

The tokens follow the SPARQL 1.1 grammar's terminals, one regular expression
whose alternatives never backtrack past their own text, so a pass is linear in
the length. pyoxigraph's parser does not require a keyword to end at a word
boundary (it reads ``trueSERVICE`` as ``true SERVICE`` and ``SERVICE:x`` as
``SERVICE :x``; rdflib reads ``FROM:x`` as ``FROM :x``), so the forbidden
keywords are looked for *inside* every bare word and every prefix of a
prefixed name (a prefix such as ``myservice:`` is refused too); only strings,
IRIs, comments, variables, language tags, blank-node labels and the local part
of a prefixed name (``schema:Service``, ``prov:wasDerivedFrom``) are opaque. rdflib first replaces ``\\uXXXX`` escapes everywhere
(pyoxigraph does not), so a text with such escapes is checked both ways.
"""

from __future__ import annotations

import re

from .errors import KgError

MAX_QUERY_BYTES = 100_000  #: longer queries are refused before parsing
MAX_DEPTH = 64  #: deepest nesting of { ( [ << accepted
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
FORBIDDEN = ("SERVICE", "LOAD", "FROM")  #: LOAD only as a bare word: a query cannot run it, the refusal is a courtesy

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
         "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_CHARS = _BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_VAR = _BASE + r"_0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"\\[tbnrf\\\"']|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
TOKEN = re.compile(
    rf"""(?P<space>[ \t\r\n]+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<iri><[^<>"{{}}|^`\x00-\x20]*>)
    |(?P<string>\"\"\"(?:\"{{0,2}}(?:[^"\\]|{_ECHAR}))*\"\"\"|'''(?:'{{0,2}}(?:[^'\\]|{_ECHAR}))*'''
        |"(?:[^"\\\r\n]|{_ECHAR})*"|'(?:[^'\\\r\n]|{_ECHAR})*')
    |(?P<quote>["'])
    |(?P<var>[?$][{_VAR}]+)
    |(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
    |(?P<bnode>_:[{_BASE}_0-9][{_CHARS}.]*)
    |(?P<pname>(?:[{_BASE}][{_CHARS}.]*)?:(?:(?:[{_BASE}_0-9:]|{_PLX})(?:[{_CHARS}.:]|{_PLX})*)?)
    |(?P<word>[{_CHARS}.]+)
    |(?P<open><<|[{{(\[])
    |(?P<close>>>|[}})\]])
    |(?P<other>.)""",
    re.X | re.S,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.I)  # as rdflib's parser expands them


class QueryRefused(KgError):
    """A query refused before any engine saw it; ``status`` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


Token = tuple[str, str]  #: (kind, text): a group name of ``TOKEN`` and the text it matched


def check_query(text: str, graphs: frozenset[str] = frozenset()) -> bool:
    """Refuse ``text`` unless it is a query that reads only the loaded graphs (``graphs``: their IRIs).

    Returns whether the query names its own dataset (FROM or FROM NAMED one of ``graphs``).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryRefused(f"the query is {size:,} bytes, over the limit of {MAX_QUERY_BYTES:,}", 413)
    own_dataset = _check_tokens(tokens(text), graphs)
    expanded = _expand_escapes(text)
    if expanded != text:
        own_dataset |= _check_tokens(tokens(expanded), graphs)
    return own_dataset


def is_update(text: str) -> bool:
    """True when the text is a SPARQL Update (its first keyword after PREFIX/BASE is INSERT, DROP, LOAD …)."""
    try:
        return _first_keyword(tokens(text)).upper().startswith(UPDATES)
    except QueryRefused:
        return False


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (no spaces or comments), in one linear pass.

    Refuses an unterminated string (the rest of its line would hide) and
    nesting deeper than ``MAX_DEPTH``.
    """
    return [(kind, token) for kind, token, _ in placed_tokens(text)]


def placed_tokens(text: str) -> list[tuple[str, str, int]]:
    """``tokens``, each with the offset in ``text`` where it starts."""
    found: list[tuple[str, str, int]] = []
    depth = 0
    for match in TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryRefused(f"the query is nested more than {MAX_DEPTH} levels deep ({{ ( [ or <<)")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind in ("space", "comment"):
            continue
        elif kind == "quote":
            line, column = line_column(text, match.start())
            raise QueryRefused(f"malformed query: line {line}, column {column}: this string is never closed")
        found.append((kind, match.group(), match.start()))
    return found


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def _check_tokens(significant: list[Token], graphs: frozenset[str]) -> bool:
    if _first_keyword(significant).upper().startswith(UPDATES):
        raise QueryRefused("this endpoint is read-only: updates are refused", 403)
    own_dataset = False
    for index, (kind, text) in enumerate(significant):
        if kind == "word":
            code = text.upper()
        elif kind == "pname":  # a prefix, not the local name: pyoxigraph reads SERVICE:x as SERVICE :x
            code = text.partition(":")[0].upper()
        else:
            continue
        found = next((word for word in FORBIDDEN if word in code and (kind == "word" or word != "LOAD")), None)
        if found == "FROM" and code == "FROM" and _reads_a_loaded_graph(significant, index, graphs):
            own_dataset = True
        elif found:
            raise QueryRefused(_FORBIDDEN_MESSAGES[found])
    return own_dataset


_FORBIDDEN_MESSAGES = {
    "SERVICE": "SERVICE is not allowed: this endpoint contacts no other address",
    "LOAD": "LOAD is not allowed: this endpoint is read-only and reads no other source",
    "FROM": "FROM and FROM NAMED may only name a loaded graph by its full IRI (FROM <https://…>): "
            "this endpoint reads no other source; the default graph is already every loaded graph",
}


def _reads_a_loaded_graph(significant: list[Token], index: int, graphs: frozenset[str]) -> bool:
    following = significant[index + 1:index + 3]
    if following and following[0][0] == "word" and following[0][1].upper() == "NAMED":
        following = following[1:]
    return bool(following) and following[0][0] == "iri" and following[0][1][1:-1] in graphs


def _first_keyword(significant: list[Token]) -> str:
    """The first bare word after the prologue (PREFIX name: <iri>, BASE <iri>); empty if something else comes first."""
    index = 0
    while index < len(significant):
        kind, text = significant[index]
        word = text.upper() if kind == "word" else ""
        if word == "PREFIX":
            index += 3
        elif word == "BASE":
            index += 2
        else:
            return text if kind == "word" else ""
    return ""


def _expand_escapes(text: str) -> str:
    def expand(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1), 16))
        except (ValueError, OverflowError) as error:
            raise QueryRefused(f"malformed query: invalid code point \\u{match.group(1)}") from error

    return _UNICODE_ESCAPE.sub(expand, text)
