"""Time in the interactive view: when each node and edge is dated, and each person's career timeline.

The page filters by a date range: an item is drawn when one of its ``spans``
overlaps the range. An edge's spans are the dates of its articles, except a
POST edge, whose span is its spell's (``kg.careers``): start to end, else first
to last seen. A node's spans are its articles' dates and the spans of its
edges, so a drawn edge never loses an end to the filter. An item with no span
is undated. Dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a span runs from
the first day a date can mean to the last, as ``YYYY-MM-DD`` text that compares
as strings (``2023-06`` is 2023-06-01 to 2023-06-31, which sorts right).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .careers import Spell

Span = tuple[str, str]


def first_day(date: str) -> str:
    """The first day ``date`` can mean."""
    return date + "-01-01"[len(date) - 4:] if len(date) < 10 else date[:10]


def last_day(date: str) -> str:
    """The last day ``date`` can mean (a month's day 31, compared as text)."""
    return date + "-12-31"[len(date) - 4:] if len(date) < 10 else date[:10]


def spell_span(spell: Spell) -> Span | None:
    """A spell's span: start to end, else first to last seen; None when it is undated."""
    first = spell.start or spell.first_seen
    last = spell.end or spell.last_seen
    if not first and not last:
        return None
    low, high = sorted([first or last, last or first])
    return first_day(low), last_day(high)


def merged(spans: Iterable[Span]) -> list[Span]:
    """The union of ``spans`` as the fewest spans, in order."""
    out: list[list[str]] = []
    for low, high in sorted(set(spans)):
        if out and low <= out[-1][1]:
            out[-1][1] = max(out[-1][1], high)
        else:
            out.append([low, high])
    return [(low, high) for low, high in out]


def page_spans(spans: Iterable[Span]) -> list[str | list[str]]:
    """Spans as the page reads them: a one-day span as its date, any other as [first, last]."""
    return [low if low == high else [low, high] for low, high in merged(spans)]


def article_dates(graph: nx.MultiDiGraph) -> dict[str, str]:
    """The date of each article of the graph, by file."""
    return {data["doc"]: data.get("date") or "" for _, data in graph.nodes(data=True) if data["type"] == "ARTICLE"}


def spell_index(spells: Iterable[Spell]) -> dict[tuple[str, str, str], Spell]:
    """Spells by (person node, body name, title)."""
    return {(spell.person, spell.body or "", spell.title or ""): spell for spell in spells}


def time_spans(graph: nx.MultiDiGraph, edges: list[tuple[str, str, dict]], spells: dict[tuple[str, str, str], Spell],
               dates: dict[str, str]) -> tuple[dict[str, list[Span]], list[list[Span]]]:
    """The spans of every node and of each of ``edges`` (in their order)."""
    def points(docs: Iterable[str]) -> list[Span]:
        return [(first_day(d), last_day(d)) for d in (dates.get(doc, "") for doc in docs) if d]

    nodes: dict[str, list[Span]] = {}
    for node, data in graph.nodes(data=True):
        nodes[node] = points([data["doc"]] if data["type"] == "ARTICLE" else data["articles"])
    edge_spans: list[list[Span]] = []
    for source, target, data in edges:
        spell = spells.get((source, graph.nodes[target]["label"], data.get("title") or "")) if data["relation"] == "POST" else None
        span = spell_span(spell) if spell is not None else None
        found = [span] if span else [] if spell is not None else points(data.get("docs", ()))
        edge_spans.append(found)
        nodes[source] += found
        nodes[target] += found
    return nodes, edge_spans


def careers_of(spells: Iterable[Spell], persons: Iterable[str]) -> dict[str, list[list[str]]]:
    """Each person's spells as [status, title, body, start, end, first seen, last seen], in time order."""
    wanted = set(persons)
    found: dict[str, list[Spell]] = {}
    for spell in spells:
        if spell.person in wanted:
            found.setdefault(spell.person, []).append(spell)

    def order(spell: Spell) -> tuple[str, ...]:
        span = spell_span(spell)
        return (span[0] if span else "9999", span[1] if span else "", spell.body or "", spell.title or "")

    return {person: [[s.status, s.title or "", s.body or "", s.start, s.end, s.first_seen, s.last_seen] for s in sorted(own, key=order)]
            for person, own in found.items()}
