"""The overview page's data, packed (kg/view_pack.py): smaller, and the same once unpacked."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest

from benchmarks.view_load import synthetic_extractions
from kg.graph import build_graph
from kg.view import page_data
from kg.view_pack import FROM_ID, ID_FIELDS, REST, join, pack, prefix, split, unpack


@pytest.fixture(scope="module")
def data() -> dict:
    """Page data of a generated graph, half its nodes carried (``reserveNodes``) as on the overview."""
    graph = build_graph(synthetic_extractions(300))
    out = page_data(graph, positions={node: (i, -i) for i, node in enumerate(sorted(graph)[::2])})
    out["reserveNodes"] = out["nodes"][1::2]
    out["nodes"] = out["nodes"][::2]
    return out


def _size(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def test_unpacking_gives_back_the_page_data_exactly(data: dict) -> None:
    before = json.dumps(data, sort_keys=True)
    packed = pack(data)
    assert json.dumps(data, sort_keys=True) == before  # the data given is left as it was
    assert unpack(packed) == data


def test_packed_data_is_much_smaller(data: dict) -> None:
    assert _size(pack(data)) < 0.6 * _size(data)


def test_a_card_keeps_only_what_its_id_and_its_group_do_not_say(data: dict) -> None:
    packed = pack(data)
    person = next(key for key, card in data["info"].items() if card["type"] == "PER" and key == f"per:{card['name']}")
    assert packed["packed"]["info"]["per"]["type"] == "PER" and packed["packed"]["info"]["per"]["name"] == FROM_ID
    assert "type" not in packed["info"][person] and "name" not in packed["info"][person]
    counts: dict[tuple[str, str], Counter[str]] = {}
    for key, card in data["info"].items():
        for field, value in card.items():
            counts.setdefault((prefix(key), field), Counter())[json.dumps(value, sort_keys=True)] += 1
    for key, card in data["info"].items():  # left out: names and files that the id says, else the group's commonest value
        for field in set(card) - set(packed["info"][key]):
            if field in ID_FIELDS:
                assert card[field] == key.split(":", 1)[1]
            else:
                common = counts[prefix(key), field].most_common(1)[0][1]
                assert counts[prefix(key), field][json.dumps(card[field], sort_keys=True)] == common
    sentences = [s for card in data["info"].values() for s, _ in card["evidence"]]
    assert sentences and len(packed["strings"]) < len(sentences)  # each sentence written once


def test_a_name_that_is_not_the_id_after_its_prefix_is_kept() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("per:王伟#2", type="PER", label="王伟", aliases=[], articles=[])
    graph.add_node("per:李明", type="PER", label="李明", aliases=[], articles=[])
    packed = pack(page_data(graph, frozen=False))
    assert packed["info"]["per:王伟#2"]["name"] == "王伟" and "name" not in packed["info"]["per:李明"]
    assert unpack(packed)["info"]["per:王伟#2"]["name"] == "王伟"


def test_the_page_data_splits_into_what_is_drawn_at_load_and_the_rest(data: dict) -> None:
    packed = pack(data)
    packed["overview"] = {"communities": [{"id": "community:0", "members": [n["id"] for n in data["reserveNodes"][:20]], "cluster": True}],
                          "central": [], "reserve": [n["id"] for n in data["reserveNodes"][20:]], "firstArticle": {}}
    load, rest = split(packed)
    assert not set(REST) & set(load) and "reserve" not in load["overview"] and "firstArticle" not in load["overview"]
    standing = {n["id"] for n in data["nodes"]} | set(packed["overview"]["communities"][0]["members"])
    assert load["edges"] and all(e["from"] in standing and e["to"] in standing for e in load["edges"])
    assert rest["edges"] and all(e["from"] not in standing or e["to"] not in standing for e in rest["edges"])
    joined = join(load, rest)
    order = {e["id"]: i for i, e in enumerate(packed["edges"])}
    assert {**joined, "edges": sorted(joined["edges"], key=lambda e: order[e["id"]])} == packed
