"""A SPARQL engine's parse error as one short line: where (line, column) and what was expected, in words.

pyoxigraph says ``error at 3:17: expected one of ABS, AVG, […Unicode ranges…]``;
rdflib says ``Expected SelectQuery, found '?'  (at char 18), (line:1, col:19)``.
``describe(message, text, added_lines)`` turns either into, e.g.,
``line 3, column 17: expected one of ABS, AVG, DAY …`` for the user's own
``text`` (``added_lines``: lines put before it, such as declared prefixes).
"""

from __future__ import annotations

import re

from .sparql_guard import QueryRefused, line_column, placed_tokens
from .sparql_text import PREFIXES

MAX_EXPECTED = 8  #: alternatives named before "…"
_OXIGRAPH = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.S)
_RDFLIB = re.compile(r"Expected (.*?), found (.*?)\s+\(at char \d+\), \(line:(\d+), col:(\d+)\)", re.S)
_UNKNOWN_PREFIX = re.compile(r"Unknown namespace prefix : (\S*)")
_ITEM = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]|[^,]+)\s*,?""", re.S)
_QUOTES = ("'", '"', "'" * 3, '"' * 3)
_SYMBOLS = {"?": "a variable", "$": "a variable", "<": "an IRI", "_:": "a blank node", **dict.fromkeys(_QUOTES, "a string")}
_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}


def describe(message: str, text: str, added_lines: int = 0) -> str:
    """One line for an engine's error ``message`` about the query ``text``."""
    if match := _OXIGRAPH.search(message):
        if "Prefix not found" in match[3]:
            return _undeclared(text)
        return _at(int(match[1]) - added_lines, int(match[2])) + _oxigraph_expected(match[3])
    if match := _RDFLIB.search(message):
        line, column = int(match[3]), int(match[4])
        return _at(line - added_lines, column) + f"expected {_rdflib_expected(match[1])}, found {_found(match[2])}"
    if match := _UNKNOWN_PREFIX.search(message):
        return _undeclared(text, match[1])
    return message.strip().splitlines()[0][:200] if message.strip() else "the query cannot be read"


def _at(line: int, column: int) -> str:
    return f"line {line}, column {column}: " if line >= 1 else ""


def _oxigraph_expected(items: str) -> str:
    words: list[str] = []
    for item in (m[1].strip() for m in _ITEM.finditer(items) if m[1].strip()):
        if " " in item and not item.startswith(("[", '"')):  # the grammar's own message
            return item[0].lower() + item[1:]
        if word := _word(item):
            words.append(word)
    return "expected " + _one_of(list(dict.fromkeys(words))) if words else "the query cannot be read from here"


def _word(item: str) -> str:
    """A grammar alternative in words: a keyword, a quoted symbol, or a character class ("" when it says nothing)."""
    if item.startswith('"'):
        symbol = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return _SYMBOLS.get(symbol, f"'{symbol}'")
    if not item.startswith("["):
        return item
    if "'A'" in item:
        return "a name"
    if item == "['0'..='9']":
        return "a digit"
    single = re.fullmatch(r"\['([^'\\]|\\.)'\]", item)
    return f"'{single[1]}'" if single and single[1] in ".:" else ""


def _one_of(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    shown = words[:MAX_EXPECTED]
    more = ", …" if len(words) > MAX_EXPECTED else ""
    return "one of " + ", ".join(shown) + more


def _rdflib_expected(expected: str) -> str:
    rules = [rule.strip() for rule in expected.strip("{}").split("|")]
    if len(rules) > 1 and all(rule in _FORMS for rule in rules):
        return ", ".join(_FORMS[rule] for rule in rules[:-1]) + " or " + _FORMS[rules[-1]]
    if len(rules) == 1 and rules[0] in _FORMS:
        return f"the rest of the {_FORMS[rules[0]]} query"
    return " or ".join("the end of the query" if rule == "end of text" else rule for rule in rules)


def _found(found: str) -> str:
    return "the end of the query" if found == "end of text" else found


def _undeclared(text: str, prefix: str | None = None) -> str:
    """Where ``text`` first uses a prefix it does not declare (``prefix``, or any unknown one), in words."""
    try:
        significant = placed_tokens(text)
    except QueryRefused:
        significant = []
    declared = {significant[i + 1][1].partition(":")[0] for i, (kind, token, _) in enumerate(significant[:-1])
                if kind == "word" and token.upper() == "PREFIX"} | set(PREFIXES)
    for kind, token, start in significant:
        name = token.partition(":")[0]
        if kind == "pname" and (name == prefix if prefix is not None else name not in declared):
            line, column = line_column(text, start)
            return f"line {line}, column {column}: the prefix '{name}:' is not declared (add PREFIX {name}: <…>)"
    return f"the prefix '{prefix or ''}:' is not declared"
