"""Specification of the named queries over careers: ``career``, ``posts-in``, ``appointments``, ``co-members``.

Each runs on both stores against a small build of articles with real sentences and dates
(``kg.build.build``), and on a hand-written graph where the build cannot give the case.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query import STORES, Store, resolve_query
from kg.sparql_text import PREFIXES

RECORDS = [
    {"id": "pd-1", "date": "2021-03-05", "title": "任免", "source": "成都日报",
     "text": "3月2日，郫都区人大常委会会议任命杨帆为郫都区公安局局长，免去李刚的郫都区公安局局长职务。"},
    {"id": "pd-2", "date": "2024-05-10", "title": "纪律审查", "source": "成都日报",
     "text": "郫都区公安局原局长杨帆接受纪律审查和监察调查。"},
    {"id": "pd-3", "date": "2022-01-10", "title": "会议", "source": "成都日报", "text": "郫都区公安局副局长王刚出席会议。"},
    {"id": "pd-4", "date": "2023-02-01", "title": "常务会议", "source": "成都日报", "text": "郫都区委副书记、区长张明主持召开区政府常务会议。"},
    {"id": "pd-5", "title": "走访", "source": "成都日报", "text": "郫都区公安局政委赵强走访辖区企业。"},  # undated
    {"id": "pd-6", "date": "2025-01-10", "title": "会议", "source": "成都日报", "text": "郫都区公安局副局长孙丽出席会议。"},
    {"id": "cd-1", "date": "2023-06-01", "title": "成都警方通报", "source": "成都日报", "text": "成都市公安局局长李明华出席会议并讲话。"},
    {"id": "fs-1", "date": "2023-07-01", "title": "佛山警方部署", "source": "佛山日报", "text": "佛山市公安局副局长李明华主持会议。"},
]

# what the build never writes: a post appointed with no date of its own, and a start known to the month
UNDATED = """
@base <https://w3id.org/govkg/id/> .
<membership/a> a org:Membership ; org:member <per/甲> ; org:organization <org/乙局> ; org:role <role/局长> ;
    govkg:status "appointed" ; govkg:firstSeen "2021-06-01"^^xsd:date .
<membership/b> a org:Membership ; org:member <per/丙> ; org:organization <org/乙局> ; org:role <role/副局长> ;
    govkg:status "current" ; org:memberDuring [ time:hasBeginning [ time:inXSDgYearMonth "2021-12"^^xsd:gYearMonth ] ] .
<org/乙局> skos:prefLabel "乙局"@zh .
<role/局长> skos:prefLabel "局长"@zh .
<role/副局长> skos:prefLabel "副局长"@zh .
"""


@pytest.fixture(scope="module")
def graph(news_build) -> Path:
    return news_build(RECORDS, "career-queries") / "graph.ttl"


@pytest.fixture(scope="module", params=STORES)
def store(request: pytest.FixtureRequest, graph: Path) -> Store:
    return Store(graph, store=request.param)


def ask(store: Store, query: str, columns: str, **params: str) -> list[tuple[str, ...]]:
    """The rows of a named query, cut to ``columns`` (space-separated)."""
    answer = store.query(resolve_query(query, params))
    keep = [answer.variables.index(c) for c in columns.split()]
    return [tuple(row[i] for i in keep) for row in answer.rows]


def test_a_career_is_one_row_per_spell_with_its_dates_articles_and_a_sentence(store: Store) -> None:
    assert ask(store, "career", "person title body status start end first_seen last_seen articles evidence", name="杨帆") == [
        ("杨帆", "局长", "郫都区公安局", "former", "2021-03-02", "2024-05-10", "2021-03-05", "2024-05-10", "2",
         "3月2日，郫都区人大常委会会议任命杨帆为郫都区公安局局长，免去李刚的郫都区公安局局长职务。")]


def test_a_career_tells_apart_the_persons_who_share_a_name(store: Store) -> None:
    assert ask(store, "career", "person title body first_seen", name="李明华") == [
        ("李明华@佛山市", "副局长", "佛山市公安局", "2023-07-01"), ("李明华@成都市", "局长", "成都市公安局", "2023-06-01")]


def test_a_career_lists_a_government_heads_post_on_the_division_and_orders_by_date(store: Store) -> None:
    assert ask(store, "career", "title body status", name="张明") == [("区长", "郫都区", "current"), ("副书记", "郫都区委", "current")]


def test_posts_in_a_city_reach_the_bodies_of_its_districts_and_the_districts_themselves(store: Store) -> None:
    assert ask(store, "posts-in", "person title body status division", place="成都市") == [
        ("李明华@成都市", "局长", "成都市公安局", "current", "成都市"),
        ("张明", "区长", "郫都区", "current", "郫都区"),
        ("孙丽", "副局长", "郫都区公安局", "current", "郫都区"),
        ("王刚", "副局长", "郫都区公安局", "current", "郫都区"),
        ("李刚", "局长", "郫都区公安局", "removed", "郫都区"),
        ("杨帆", "局长", "郫都区公安局", "former", "郫都区"),
        ("赵强", "政委", "郫都区公安局", "current", "郫都区"),
        ("张明", "副书记", "郫都区委", "current", "郫都区"),
    ]


def test_posts_in_a_district_or_another_city_stay_inside_it(store: Store) -> None:
    assert "成都市公安局" not in {body for body, in ask(store, "posts-in", "body", place="郫都区")}
    assert ask(store, "posts-in", "person body", place="佛山市") == [("李明华@佛山市", "佛山市公安局")]
    assert ask(store, "posts-in", "person", place="四川省") == ask(store, "posts-in", "person", place="成都市")


def test_appointments_in_a_year_are_the_dated_changes_with_who_succeeded_whom(store: Store) -> None:
    columns = "date change person title body status succeeds succeeded_by"
    assert ask(store, "appointments", columns, **{"from": "2021-01-01", "to": "2021-12-31"}) == [
        ("2021-03-02", "end", "李刚", "局长", "郫都区公安局", "removed", "", "杨帆"),
        ("2021-03-02", "start", "杨帆", "局长", "郫都区公安局", "former", "李刚", ""),
    ]
    assert ask(store, "appointments", "date change person", **{"from": "2024-05-10", "to": "2024-05-10"}) == [
        ("2024-05-10", "end", "杨帆")]
    assert ask(store, "appointments", "person", **{"from": "2022-01-01", "to": "2023-12-31"}) == []  # posts merely seen


@pytest.mark.parametrize("name", STORES)
def test_a_post_appointed_without_a_date_of_its_own_is_dated_by_its_first_article(tmp_path: Path, name: str) -> None:
    path = tmp_path / "undated.ttl"
    path.write_text("".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()) + UNDATED, encoding="utf-8")
    store = Store(path, store=name)
    assert ask(store, "appointments", "date change person title", **{"from": "2021-01-01", "to": "2021-12-31"}) == [
        ("2021-06-01", "reported", "甲", "局长"), ("2021-12", "start", "丙", "副局长")]
    assert ask(store, "appointments", "person", **{"from": "2021-12-02", "to": "2021-12-31"}) == []  # a month counts from its first day


@pytest.mark.slow
def test_co_members_share_a_body_and_overlap_by_their_known_dates(store: Store) -> None:
    assert ask(store, "co-members", "person title body other other_title overlap", name="杨帆") == [
        ("杨帆", "局长", "郫都区公安局", "孙丽", "副局长", "no"),  # first seen after 杨帆 had left
        ("杨帆", "局长", "郫都区公安局", "李刚", "局长", "no"),  # 杨帆 took the post the day 李刚 left it
        ("杨帆", "局长", "郫都区公安局", "王刚", "副局长", "yes"),  # seen in post while 杨帆 was
        ("杨帆", "局长", "郫都区公安局", "赵强", "政委", "unknown"),  # 赵强's article has no date
    ]
    # seen three years apart, neither known to have left: they may have served together
    assert ask(store, "co-members", "other overlap", name="王刚") == [("孙丽", "unknown"), ("李刚", "no"), ("杨帆", "yes"), ("赵强", "unknown")]
    assert ask(store, "co-members", "other", name="李明华") == []


def test_kg_query_lists_and_runs_the_career_queries(graph: Path) -> None:
    listing = CliRunner().invoke(main, ["query", "--list"]).output
    for needs in ("career --param name=…", "posts-in --param place=…", "appointments --param from=… --param to=…",
                  "co-members --param name=…"):
        assert needs in listing
    result = CliRunner().invoke(main, ["query", "career", "--param", "name=杨帆", "--graph", str(graph), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "person,title,body,status,start,end,first_seen,last_seen,articles,evidence"

