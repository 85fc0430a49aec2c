"""The focus panel of a ``kg view --focus NAME`` page: a person's or a body's story, told beside the graph.

For a person: the career (``kg.view_time.careers_of``, in time order), the bodies they held posts in, and for
each body the other people who held posts there, with their titles and dates (co-members). For a body (ORG):
its units (PART_OF children, ``UNIT_LEVELS`` levels down), its office-holders over time (the spells on it,
by start, else first seen) and the programmes it runs (RUNS edges). Spells are the whole build's
(``kg.careers``), so co-members and office-holders are complete; units and programmes are those of the page's
neighbourhood (``--depth 2`` reaches two levels of units).

The panel is rendered here, by Jinja with autoescaping (``templates/focus_panel.html.j2``), so a name such as
``<img src=x onerror=alert(1)>`` shows as text; a name that is a node of the page is a button that selects it.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

import networkx as nx
from jinja2 import Environment

from .careers import Spell
from .view_time import careers_of, spell_span

#: how many levels of PART_OF children a body's panel lists
UNIT_LEVELS = 2


def spell_dates(start: str, end: str, first: str, last: str) -> str:
    """A spell's dates as the panel writes them (as the career timeline of a person's card does)."""
    if start or end:
        return f"{start or '?'} – {end or '…'}"
    if first:
        return f"seen {first}" if first == last else f"seen {first} – {last}"
    return "undated"


def _order(spell: Spell) -> tuple[str, ...]:
    span = spell_span(spell)
    return (span[0] if span else "9999", span[1] if span else "", spell.name or "", spell.title or "", spell.person)


def _holder(spell: Spell, nodes: dict[str, str]) -> dict:
    return {"id": spell.person if spell.person in nodes else "", "name": spell.name or nodes.get(spell.person, spell.person),
            "title": spell.title or "", "status": spell.status,
            "dates": spell_dates(spell.start, spell.end, spell.first_seen, spell.last_seen)}


def _bodies(graph: nx.MultiDiGraph) -> dict[str, str]:
    """ORG node ids by name."""
    return {data["label"]: node for node, data in graph.nodes(data=True) if data["type"] == "ORG"}


def person_panel(graph: nx.MultiDiGraph, centre: str, spells: Iterable[Spell]) -> dict:
    """A person's panel: career rows, and each body they held a post in with its other office-holders."""
    spells = list(spells)
    nodes = {node: data["label"] for node, data in graph.nodes(data=True)}
    bodies = _bodies(graph)
    career = careers_of(spells, [centre]).get(centre, [])
    own = sorted((s for s in spells if s.person == centre), key=_order)
    held: dict[str, list[str]] = {}
    for spell in own:
        held.setdefault(spell.body or "", [])
        if spell.title and spell.title not in held[spell.body or ""]:
            held[spell.body or ""].append(spell.title)
    return {
        "kind": "PER", "id": centre, "name": nodes[centre],
        "career": [{"status": status, "title": title, "body": body, "bodyId": bodies.get(body, ""),
                    "dates": spell_dates(start, end, first, last)}
                   for status, title, body, start, end, first, last in career],
        "bodies": [{"id": bodies.get(body, ""), "name": body, "titles": titles,
                    "others": [_holder(s, nodes) for s in sorted(spells, key=_order) if s.body == body and s.person != centre]}
                   for body, titles in held.items() if body],
    }


def _units(graph: nx.MultiDiGraph, body: str, levels: int, seen: set[str]) -> list[dict]:
    children = sorted({source for source, _, data in graph.in_edges(body, data=True)
                       if data["relation"] == "PART_OF" and source not in seen}, key=lambda n: (graph.nodes[n]["label"], n))
    seen.update(children)
    return [{"id": child, "name": graph.nodes[child]["label"],
             "units": _units(graph, child, levels - 1, seen) if levels > 1 else []} for child in children]


def body_panel(graph: nx.MultiDiGraph, centre: str, spells: Iterable[Spell]) -> dict:
    """A body's panel: its units, its office-holders over time and its programmes."""
    nodes = {node: data["label"] for node, data in graph.nodes(data=True)}
    name = nodes[centre]
    programmes = sorted({target for _, target, data in graph.out_edges(centre, data=True) if data["relation"] == "RUNS"},
                        key=lambda n: (nodes[n], n))
    return {
        "kind": "ORG", "id": centre, "name": name,
        "units": _units(graph, centre, UNIT_LEVELS, {centre}),
        "holders": [_holder(s, nodes) for s in sorted((s for s in spells if s.body == name), key=_order)],
        "programmes": [{"id": p, "name": nodes[p]} for p in programmes],
    }


def focus_panel(graph: nx.MultiDiGraph, centre: str, spells: Iterable[Spell] | None = None) -> dict | None:
    """The panel of the page focused on ``centre`` (a person or a body), or None for any other entity.
    ``spells`` default to ``graph.graph["spells"]``."""
    spells = graph.graph.get("spells", []) if spells is None else spells
    kind = graph.nodes[centre]["type"]
    if kind == "PER":
        return person_panel(graph, centre, spells)
    if kind == "ORG":
        return body_panel(graph, centre, spells)
    return None


def focus_panel_html(graph: nx.MultiDiGraph, centre: str | None, spells: Iterable[Spell] | None = None) -> str:
    """The panel as HTML to include in the page; empty without a focus, or for an entity with no panel."""
    panel = focus_panel(graph, centre, spells) if centre is not None else None
    if panel is None:
        return ""
    environment = Environment(autoescape=True, keep_trailing_newline=True)
    template = environment.from_string(resources.files("kg").joinpath("templates/focus_panel.html.j2").read_text(encoding="utf-8"))
    return template.render(panel=panel)
