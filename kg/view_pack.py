"""The overview page's data, packed: the browser reads and parses a page in time proportional to its size.

Measured in docs/view.md: tokenizing the data block and ``JSON.parse`` cost about 85 ms per MB in headless
Chromium. ``pack`` leaves out what the page can put back (``unpack`` here; ``infoOf``, ``edgeInfoOf``, ``look`` and
``unpackEdge`` in ``templates/graph.html.j2`` there, each card when it is first read):

* each evidence sentence and article title is written once, in ``strings``, and cited by number; each date of
  the cards' ``when`` once, in ``dates``, and cited by number;
* a card (``info``, ``edgeInfo``) leaves out each field that has its group's value (``templates``): the id
  prefix's one type, the id after its prefix for ``ID_FIELDS``, else the field's most common value in the group;
* an edge card leaves out the names of its ends (its edge says which nodes they are);
* a carried vis node (``reserveNodes``) leaves out its label, shape, colour and size where they are those its card
  gives it: ``node_label`` of its name, its type's shape, its community's colour else its type's, ``node_size`` of
  its degree;
* a vis edge leaves out ``smooth`` when it is straight and ``arrows`` when it is the usual arrow head.

``split`` then cuts the packed data in two blocks: what the page draws at load (its nodes, the edges among them and
the members of closed communities, the communities, the legend and the templates), which it parses before it
draws, and the rest (``REST``: the cards, the shared strings, the carried nodes and their edges, the reserve),
which it parses on first need or once it is ready and idle, filling each card in the first time it reads it.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable

#: a template's value for "the id after its prefix"
FROM_ID = "@id"
#: card fields that are often the id after its prefix (``org:天元区委`` is named 天元区委; an article's file)
ID_FIELDS = ("name", "doc")
STRAIGHT = {"enabled": False}
ARROW = "to"
#: an ARTICLE node's label is its title cut to this many characters
ARTICLE_LABEL_CHARS = 14
#: the page data in the block parsed after the first draw (``split``), besides some edges and some of the overview
REST = ("info", "edgeInfo", "strings", "reserveNodes")
#: the overview's fields in that block
REST_OVERVIEW = ("reserve", "firstArticle")


def node_label(kind: str, name: str) -> str:
    """A node's label: its name, an article's title cut to ``ARTICLE_LABEL_CHARS`` characters."""
    return name[:ARTICLE_LABEL_CHARS] + "…" if kind == "ARTICLE" and len(name) > ARTICLE_LABEL_CHARS else name


def node_size(degree: int) -> float:
    """A node's size, growing with the square root of its degree up to 60."""
    return round(8 + 4 * math.sqrt(min(degree, 60)), 1)


def prefix(node: str) -> str:
    """The group of a node's card: its id's prefix (``org``, ``per``, …)."""
    return node.split(":", 1)[0]


def _rest(node: str) -> str:
    return node.split(":", 1)[-1]


def templates(cards: dict[str, dict], group: Callable[[str], str]) -> dict[str, dict]:
    """For each group of cards, the value each field takes where a card leaves it out: ``FROM_ID`` for
    ``ID_FIELDS``, else the field's most common value in the group (the first seen of equally common ones)."""
    seen: dict[str, dict[str, Counter[tuple[str, object]]]] = {}
    for key, card in cards.items():
        fields = seen.setdefault(group(key), {})
        for field, value in card.items():
            fields.setdefault(field, Counter())[_counted(value)] += 1
    return {name: {field: FROM_ID if field in ID_FIELDS else _value(counts.most_common(1)[0][0])
                   for field, counts in fields.items()}
            for name, fields in seen.items()}


def _counted(value: object) -> tuple[str, object]:
    """``value`` as a key to count it by: a string or a number as itself, anything else as its JSON text."""
    if isinstance(value, (str, int, float)):
        return type(value).__name__, value
    return "json", json.dumps(value, sort_keys=True)


def _value(counted: tuple[str, object]) -> object:
    kind, value = counted
    return json.loads(value) if kind == "json" else value  # type: ignore[arg-type]


def _default(template: dict, field: str, key: str) -> object:
    value = template[field]
    return _rest(key) if value == FROM_ID else value


def pack_cards(cards: dict[str, dict], group: Callable[[str], str], drop: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """``cards`` without the fields ``drop`` and the fields that have their template's value, and the templates."""
    made = templates(cards, group)
    packed = {key: {field: value for field, value in card.items()
                    if field not in drop and value != _default(made[group(key)], field, key)}
              for key, card in cards.items()}
    return packed, made


def unpack_cards(cards: dict[str, dict], made: dict[str, dict], group: Callable[[str], str]) -> None:
    """Put back, in place, the fields that ``pack_cards`` left out for having their template's value."""
    for key, card in cards.items():
        template = made[group(key)]
        for field in template:
            if field not in card:
                card[field] = copy.deepcopy(_default(template, field, key))


def _share_strings(items: Iterable[dict]) -> list[str]:
    """Put each evidence sentence and article title of the cards ``items`` once in a table; refer to it by number."""
    table: dict[str, int] = {}

    def number(text: str) -> int:
        return table.setdefault(text, len(table))

    for item in items:
        item["evidence"] = [[number(sentence), number(article)] for sentence, article in item["evidence"]]
        if "articles" in item:
            item["articles"] = [number(title) for title in item["articles"]]
    return list(table)


def _share_dates(items: list[dict]) -> list[str]:
    """Put each date of the cards' ``when`` (a date or a [first, last] span) once in a sorted table; refer to it by
    number."""
    table = sorted({day for item in items for span in item["when"] for day in ([span] if isinstance(span, str) else span)})
    number = {day: n for n, day in enumerate(table)}
    for item in items:
        item["when"] = [number[span] if isinstance(span, str) else [number[day] for day in span] for span in item["when"]]
    return table


def _usual_node(card: dict, look: dict[str, dict], colour: str | None) -> dict:
    """A carried node's label, shape, colour and size as its card, its type and its community (``colour``) say; the
    label only where the page cuts the name as Python does (no character outside the BMP)."""
    kind = look[card["type"]]
    usual = {"shape": kind["shape"], "color": colour or kind["colour"], "size": node_size(card["degree"])}
    return usual | ({"label": node_label(card["type"], card["name"])} if all(ord(c) < 0x10000 for c in card["name"]) else {})


def _pack_node(node: dict, card: dict, look: dict[str, dict], colour: str | None) -> dict:
    usual = _usual_node(card, look, colour)
    return {key: value for key, value in node.items() if key not in usual or usual[key] != value}


def _community_colours(data: dict) -> dict[str, str]:
    return {m: c["colour"] for c in data.get("overview", {}).get("communities", []) for m in c["members"]}


def _pack_edge(edge: dict) -> dict:
    return {key: value for key, value in edge.items()
            if not (key == "smooth" and value == STRAIGHT or key == "arrows" and value == ARROW)}


def pack(data: dict) -> dict:
    """``data`` (``kg.view.page_data`` with an ``overview``), packed; ``data`` itself is left as it was."""
    info = {key: dict(card) for key, card in data["info"].items()}
    edge_info = {key: dict(card) for key, card in data["edgeInfo"].items()}
    strings = _share_strings([*info.values(), *edge_info.values()])
    dates = _share_dates([*info.values(), *edge_info.values()])
    look = {t["type"]: t for t in data["types"]}
    colours = _community_colours(data)
    carried = [_pack_node(n, info[n["id"]], look, colours.get(n["id"])) for n in data.get("reserveNodes", [])]
    cards, card_templates = pack_cards(info, prefix)
    edge_cards, edge_templates = pack_cards(edge_info, lambda _: "", drop=("from", "to"))
    return {**data, "reserveNodes": carried, "info": cards, "edgeInfo": edge_cards, "edges": [_pack_edge(e) for e in data["edges"]],
            "strings": strings, "dates": dates,
            "packed": {"info": card_templates, "edgeInfo": edge_templates[""] if edge_templates else {}}}


def split(packed: dict) -> tuple[dict, dict]:
    """The packed data of an overview page as two blocks: what it draws at load, and the rest (``REST``, the edges
    of carried nodes other than the closed communities' members, and the overview's ``REST_OVERVIEW``)."""
    overview = packed["overview"]
    standing = {n["id"] for n in packed["nodes"]} | {m for c in overview["communities"] if c["cluster"] for m in c["members"]}
    now = [e for e in packed["edges"] if e["from"] in standing and e["to"] in standing]
    later = [e for e in packed["edges"] if e["from"] not in standing or e["to"] not in standing]
    load = {key: value for key, value in packed.items() if key not in REST}
    load["edges"] = now
    load["overview"] = {key: value for key, value in overview.items() if key not in REST_OVERVIEW}
    rest = {key: packed[key] for key in REST} | {"edges": later, "overview": {key: overview[key] for key in REST_OVERVIEW}}
    return load, rest


def join(load: dict, rest: dict) -> dict:
    """The packed data that ``split`` cut in two (the edges drawn at load first)."""
    return {**load, **{key: rest[key] for key in REST}, "edges": load["edges"] + rest["edges"],
            "overview": {**load["overview"], **rest["overview"]}}


def unpack(data: dict) -> dict:
    """The page data that ``pack`` packed, as it was (what the page's script does, for tests and benchmarks)."""
    out = {**data, "info": {k: dict(v) for k, v in data["info"].items()}, "edgeInfo": {k: dict(v) for k, v in data["edgeInfo"].items()}}
    templates_of = out.pop("packed")
    strings = out.pop("strings")
    dates = out.pop("dates")
    unpack_cards(out["info"], templates_of["info"], prefix)
    unpack_cards(out["edgeInfo"], {"": templates_of["edgeInfo"]}, lambda _: "")
    for edge in out["edges"]:
        card = out["edgeInfo"][edge["id"]]
        card["from"], card["to"] = out["info"][edge["from"]]["name"], out["info"][edge["to"]]["name"]
    for card in (*out["info"].values(), *out["edgeInfo"].values()):
        card["evidence"] = [[strings[s], strings[a]] for s, a in card["evidence"]]
        card["when"] = [dates[span] if isinstance(span, int) else [dates[day] for day in span] for span in card["when"]]
        if "articles" in card:
            card["articles"] = [strings[t] for t in card["articles"]]
    look = {t["type"]: t for t in out["types"]}
    colours = _community_colours(out)
    out["reserveNodes"] = [_usual_node(out["info"][n["id"]], look, colours.get(n["id"])) | n for n in out.get("reserveNodes", [])]
    out["edges"] = [{**e, "smooth": e.get("smooth", STRAIGHT), "arrows": e.get("arrows", ARROW)} for e in out["edges"]]
    return out

