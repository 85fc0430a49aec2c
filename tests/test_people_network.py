"""Specification of ``people.gexf`` (persons tied by bodies, 陪同 and sentences) and of the hierarchy layer of
``graph.gexf``.

Articles are small JSONL records with real sentences and dates, built with ``kg.build.build``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.networks import accompanied

RECORDS = [
    {"id": "dz-1", "title": "习近平在山东考察", "date": "2024-05-24", "source": "人民日报",
     "text": "6月24日，习近平总书记在山东省委书记林武和省长周乃翔陪同下，来到德州市考察调研。"},
    {"id": "dz-2", "title": "李强在山东调研", "date": "2024-07-02", "source": "大众日报",
     "text": "山东省委书记林武、省长周乃翔陪同国务院总理李强调研。"},
    {"id": "zz-1", "title": "株洲市公安局会议", "date": "2023-03-01", "source": "株洲日报",
     "text": "株洲市公安局局长王建华主持会议。株洲市公安局副局长刘洋出席会议并讲话。"},
    {"id": "zz-2", "title": "株洲警方", "date": "2023-09-01", "source": "株洲日报",
     "text": "株洲市公安局副局长刘洋、株洲市公安局局长王建华一同检查工作。"},
]


@pytest.fixture(scope="module")
def people_build(news_build) -> Path:
    return news_build(RECORDS, "people")


def ties(out: Path) -> dict[tuple[str, str, str], dict]:
    graph = nx.read_gexf(out / "people.gexf")
    assert not graph.is_directed()
    found = {}
    for source, target, data in graph.edges(data=True):
        pair = tuple(sorted((source, target), key=lambda person: (person == data.get("principal"), person)))
        assert (data["kind"], *pair) not in found
        found[data["kind"], *pair] = data
    return found


def test_persons_in_one_sentence_are_tied_once_per_sentence(people_build: Path) -> None:
    found = ties(people_build)
    both = found["same_sentence", "per:周乃翔", "per:林武"]
    assert both["weight"] == 2
    assert (both["first_date"], both["last_date"], both["docs"]) == ("2024-05-24", "2024-07-02", "dz-1|dz-2")
    assert both["evidence"].startswith("6月24日，习近平总书记")
    assert ("same_sentence", "per:习近平", "per:林武") in found
    officers = found["same_sentence", "per:刘洋", "per:王建华"]  # zz-1 names them in two sentences
    assert (officers["weight"], officers["first_date"]) == (1, "2023-09-01")


def test_the_accompanying_are_tied_to_whom_they_accompany(people_build: Path) -> None:
    found = ties(people_build)
    accompanied_ties = {key[1:] for key in found if key[0] == "accompanied"}
    assert accompanied_ties == {("per:林武", "per:习近平"), ("per:周乃翔", "per:习近平"),
                                ("per:林武", "per:李强"), ("per:周乃翔", "per:李强")}
    tie = found["accompanied", "per:林武", "per:习近平"]
    assert (tie["principal"], tie["weight"], tie["first_date"], tie["docs"]) == ("per:习近平", 1, "2024-05-24", "dz-1")


def test_colleagues_of_one_body_are_tied_with_the_time_they_overlap(people_build: Path) -> None:
    tie = ties(people_build)["co_member", "per:刘洋", "per:王建华"]
    assert (tie["bodies"], tie["weight"]) == ("株洲市公安局", 1)
    assert (tie["overlap_start"], tie["overlap_end"], tie["first_date"]) == ("2023-03-01", "2023-09-01", "2023-03-01")


def test_every_person_is_a_node_with_the_bodies_of_their_posts(people_build: Path) -> None:
    graph = nx.read_gexf(people_build / "people.gexf")
    assert {"per:习近平", "per:林武", "per:周乃翔", "per:李强", "per:刘洋", "per:王建华"} <= set(graph)
    assert graph.nodes["per:林武"]["label"] == "林武" and graph.nodes["per:林武"]["bodies"] == "山东省委"


def test_people_gexf_is_the_same_bytes_for_the_same_input(people_build: Path, news_build) -> None:
    assert (news_build(RECORDS, "people-again") / "people.gexf").read_bytes() == (people_build / "people.gexf").read_bytes()


@pytest.mark.parametrize("sentence, names, pairs", [
    ("在省委书记张明陪同下，李强来到德州。", ["张明", "李强"], {("张明", "李强")}),
    ("习近平走下列车，在省委书记张明、省长王华陪同下，考察运城。", ["习近平", "张明", "王华"],
     {("张明", "习近平"), ("王华", "习近平")}),
    ("主任蔡奇陪同考察。", ["蔡奇"], set()),
    ("国务委员吴政隆等陪同人员同机抵达，李强出席。", ["吴政隆", "李强"], set()),
])
def test_who_accompanies_whom_in_a_sentence(sentence: str, names: list[str], pairs: set[tuple[str, str]]) -> None:
    persons = [(sentence.index(n), sentence.index(n) + len(n), n) for n in names]
    assert set(accompanied(sentence, sorted(persons))) == pairs


def test_graph_gexf_holds_the_body_hierarchy_as_a_layer(people_build: Path) -> None:
    graph = nx.read_gexf(people_build / "graph.gexf")
    edges = {(s, t, d["relation"]): d for s, t, d in graph.edges(data=True)}
    assert edges["org:株洲市公安局", "place:株洲市", "IN_PLACE"]["layer"] == "hierarchy"
    assert graph.nodes["place:株洲市"]["type"] == "PLACE"
    assert edges["place:德州市", "place:山东省", "PART_OF"]["layer"] == "hierarchy"
    assert edges["per:林武", "org:山东省委", "POST"]["layer"] == "statement"
    assert {d["layer"] for d in edges.values()} == {"hierarchy", "statement"}
