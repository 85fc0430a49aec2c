"""Specification of careers: who is who across articles (``kg.identity``), spells (``kg.careers``),
the researchers' tables (``tables/*.csv``, ``graph.sqlite``) and ``kg person``.

Articles are small JSONL records with real sentences and dates, built with ``kg.build.build``.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.identity import Decision, Group, read_decisions, resolve_identities

ORG = "http://www.w3.org/ns/org#"
GOVKG = "https://w3id.org/govkg/ontology#"


def rows(out: Path, table: str) -> list[dict[str, str]]:
    with open(out / "tables" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def careers_build(news_build) -> Path:
    records = [
        {"id": "cd-1", "title": "成都警方通报", "date": "2023-06-01", "source": "成都日报",
         "text": "成都市公安局局长李明华出席会议并讲话。"},
        {"id": "fs-1", "title": "佛山警方部署", "date": "2023-07-01", "source": "佛山日报",
         "text": "佛山市公安局副局长李明华主持会议。"},
        {"id": "pd-1", "title": "郫都区人大常委会任免", "date": "2021-03-05", "source": "成都日报",
         "text": "3月2日，郫都区人大常委会会议任命杨帆为郫都区公安局局长，免去李刚的郫都区公安局局长职务。"},
        {"id": "pd-2", "title": "纪律审查", "date": "2024-05-10", "source": "成都日报",
         "text": "郫都区公安局原局长杨帆接受纪律审查和监察调查。"},
    ]
    return news_build(records, "careers")


def test_two_people_of_one_name_in_different_cities_are_two_persons(careers_build: Path) -> None:
    persons = [p for p in rows(careers_build, "persons") if p["name"] == "李明华"]
    assert sorted(p["jurisdictions"] for p in persons) == ["佛山市", "成都市"]
    assert len({p["person_id"] for p in persons}) == 2
    posts = {(p["person_id"], p["body"], p["title"]) for p in rows(careers_build, "posts") if p["person"] == "李明华"}
    assert {body for _, body, _ in posts} == {"成都市公安局", "佛山市公安局"}
    assert len({pid for pid, _, _ in posts}) == 2  # each post is its own person's


def test_an_appointment_and_a_later_discipline_report_give_one_spell(careers_build: Path) -> None:
    [spell] = [p for p in rows(careers_build, "posts") if p["person"] == "杨帆"]
    assert (spell["body"], spell["title"], spell["status"]) == ("郫都区公安局", "局长", "former")
    assert (spell["start"], spell["first_seen"], spell["last_seen"]) == ("2021-03-02", "2021-03-05", "2024-05-10")
    assert spell["end"] == "2024-05-10"  # first reported as former
    assert spell["articles"] == "pd-1; pd-2"


def test_an_appointment_that_removes_another_names_the_successor(careers_build: Path) -> None:
    [spell] = [p for p in rows(careers_build, "posts") if p["person"] == "杨帆"]
    [removed] = [p for p in rows(careers_build, "posts") if p["person"] == "李刚"]
    assert spell["successor_of"] == removed["person_id"]
    assert (removed["status"], removed["end"]) == ("removed", "2021-03-02")


def test_the_tables_and_the_sqlite_file_hold_the_rdf_ids_and_counts(careers_build: Path) -> None:
    turtle = rdflib.Graph().parse(careers_build / "graph.ttl")
    persons = {str(s) for s in turtle.subjects(rdflib.RDF.type, rdflib.FOAF.Person)}
    assert {p["person_id"] for p in rows(careers_build, "persons")} == persons
    bodies = {str(s) for s in turtle.subjects(rdflib.RDF.type, rdflib.URIRef(ORG + "Organization"))}
    assert {b["body_id"] for b in rows(careers_build, "bodies")} == bodies
    memberships = set(turtle.subjects(rdflib.URIRef(GOVKG + "status"), None))
    assert len(rows(careers_build, "posts")) == len(memberships)
    with sqlite3.connect(careers_build / "graph.sqlite") as db:
        for table in ("persons", "bodies", "places", "posts", "awards", "programmes", "part_of", "articles", "mentions",
                      "evidence", "discipline", "identity"):
            [(count,)] = db.execute(f'SELECT count(*) FROM "{table}"')
            assert count == len(rows(careers_build, table)), table
        found = db.execute("SELECT relation, article_id FROM evidence_fts WHERE evidence_fts MATCH '纪律审查'").fetchall()
    assert ("POST", "https://w3id.org/govkg/id/article/pd-2") in found


def test_the_named_graph_of_an_article_names_the_person_told_apart_and_is_written_once(careers_build: Path) -> None:
    persons = {p["person_id"] for p in rows(careers_build, "persons") if p["name"] == "李明华"}
    quads = rdflib.Dataset()
    quads.parse(careers_build / "graph.nq", format="nquads")
    for doc in ("cd-1", "fs-1"):
        [graph] = [g for g in quads.graphs() if str(g.identifier).endswith(f"/graph/{doc}")]
        named = {str(node) for node in graph.all_nodes()} & persons
        assert len(named) == 1, doc  # the article's own 李明华, by the id the corpus gives them
    lines = (careers_build / "graph.nq").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))  # no article's graph is written twice


def test_a_spell_has_its_interval_and_status_in_rdf(careers_build: Path) -> None:
    turtle = rdflib.Graph().parse(careers_build / "graph.ttl")
    [(status, start, end)] = turtle.query("""
        PREFIX org: <http://www.w3.org/ns/org#> PREFIX time: <http://www.w3.org/2006/time#>
        PREFIX govkg: <https://w3id.org/govkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?status ?start ?end WHERE {
          ?m org:member/skos:prefLabel "杨帆"@zh ; govkg:status ?status ;
             org:memberDuring [ time:hasBeginning/time:inXSDDate ?start ; time:hasEnd/time:inXSDDate ?end ] }""")
    assert (str(status), str(start), str(end)) == ("former", "2021-03-02", "2024-05-10")
    assert start.datatype == rdflib.XSD.date


def test_a_discipline_report_is_an_event_against_the_person(careers_build: Path) -> None:
    [event] = [d for d in rows(careers_build, "discipline") if d["person"] == "杨帆"]
    assert (event["event"], event["articles"]) == ("investigated", "pd-2")


def test_why_a_person_is_one_is_counted_in_persons_and_listed_in_identity(careers_build: Path) -> None:
    [person] = [p for p in rows(careers_build, "persons") if p["name"] == "杨帆"]
    assert person["identity"] == "first seen: 1; shares a body or place: 1"
    notes = [(r["article"], r["reason"]) for r in rows(careers_build, "identity") if r["person_id"] == person["person_id"]]
    assert notes == [("pd-1", "first seen, at 成都市"), ("pd-2", "shares 郫都区公安局")]  # a shared body says most


def test_kg_person_prints_each_person_of_a_name(careers_build: Path) -> None:
    result = CliRunner().invoke(main, ["person", "李明华", "--out", str(careers_build)])
    assert result.exit_code == 0, result.output
    assert "2 persons are called 李明华" in result.output
    assert "局长, 成都市公安局" in result.output and "副局长, 佛山市公安局" in result.output


def test_a_decision_joins_two_persons_and_another_keeps_them_apart(tmp_path: Path) -> None:
    groups = [Group("a", "王伟", frozenset({"成都市公安局"}), frozenset({"成都市"})),
              Group("b", "王伟", frozenset({"四川省公安厅"}), frozenset({"四川省"})),
              Group("c", "王伟", frozenset({"成都市人民检察院"}), frozenset({"成都市"}))]
    apart = resolve_identities(groups)
    assert apart.person("a", "王伟") == apart.person("c", "王伟") != apart.person("b", "王伟")  # one city, one person
    decisions = tmp_path / "identities.csv"
    decisions.write_text("name,key,decision,other\n王伟,成都市,same,四川省\n", encoding="utf-8")
    joined = resolve_identities(groups, read_decisions(decisions))
    assert len({joined.person(doc, "王伟") for doc in "abc"}) == 1
    assert any("decision" in reason for reason in joined.reasons[joined.person("a", "王伟")])
    moved = [Group("a", "王伟", frozenset({"成都市公安局"}), frozenset({"成都市"})),
             Group("d", "王伟", frozenset({"成都市公安局", "四川省公安厅"}), frozenset({"成都市", "四川省"}))]
    assert resolve_identities(moved).person("a", "王伟") == resolve_identities(moved).person("d", "王伟")
    kept = resolve_identities(moved, [Decision("王伟", "成都市", False, "四川省")])
    assert kept.person("a", "王伟") != kept.person("d", "王伟")


def test_a_mention_without_a_post_joins_the_only_person_of_its_name() -> None:
    groups = [Group("a", "赵丽萍", frozenset({"成都市公安局"}), frozenset({"成都市"})),
              Group("b", "赵丽萍", frozenset(), frozenset(), ("广东省",))]
    identities = resolve_identities(groups)
    assert identities.person("a", "赵丽萍") == identities.person("b", "赵丽萍") == "per:赵丽萍"
    assert any("no post" in reason for reason in identities.reasons["per:赵丽萍"])


def test_a_bad_decisions_file_names_its_line(tmp_path: Path) -> None:
    decisions = tmp_path / "identities.csv"
    decisions.write_text("name,key,decision,other\n王伟,成都市,maybe,四川省\n", encoding="utf-8")
    with pytest.raises(ValueError, match="identities.csv:2"):
        read_decisions(decisions)


def test_past_posts_and_bare_mentions_join_the_most_reported_person_of_the_name() -> None:
    main_posts = [Group(f"n{i}", "习近平", frozenset({"党中央"}), frozenset({"中央"})) for i in range(6)]
    namesake = Group("x1", "习近平", frozenset({"某县委"}), frozenset({"赣州市"}))  # a namesake with a current post
    past = Group("f1", "习近平", frozenset({"福州市委"}), frozenset({"福州市"}), former_only=True)
    bare = Group("b1", "习近平", frozenset(), frozenset(), ("山东省",))
    identities = resolve_identities([*main_posts, namesake, past, bare])
    assert {identities.person(g.doc, "习近平") for g in [*main_posts, past, bare]} == {"per:习近平@中央"}
    assert identities.person("x1", "习近平") == "per:习近平@赣州市"
    reasons = identities.reasons["per:习近平@中央"]
    assert any(r.startswith("f1: only past posts; joins the most reported person") for r in reasons)


def test_current_posts_in_two_provinces_stay_two_persons_with_readable_ids() -> None:
    groups = [Group("a", "刘宁", frozenset({"广西壮族自治区党委"}), frozenset({"广西壮族自治区"})),
              Group("b", "刘宁", frozenset({"河南省委"}), frozenset({"河南省"}))]
    identities = resolve_identities(groups)
    assert (identities.person("a", "刘宁"), identities.person("b", "刘宁")) == ("per:刘宁@广西壮族自治区", "per:刘宁@河南省")


def test_a_national_post_and_a_province_level_one_are_one_cadre_moving() -> None:
    groups = [Group("a", "易炼红", frozenset({"浙江省委"}), frozenset({"浙江省"})),
              Group("b", "易炼红", frozenset({"全国人大常委会"}), frozenset({"中央"})),
              Group("c", "王伟", frozenset({"成都市公安局"}), frozenset({"成都市"})),
              Group("d", "王伟", frozenset({"国务院"}), frozenset({"中央"}))]
    identities = resolve_identities(groups)
    assert identities.person("a", "易炼红") == identities.person("b", "易炼红") == "per:易炼红"
    assert identities.person("c", "王伟") != identities.person("d", "王伟")  # a city post is no province-level one


def test_who_is_who_reads_the_same_groups_from_a_record_as_from_the_whole_extraction(seed_runs) -> None:
    import json

    from kg import record_io
    from kg.identity import groups_of

    for run in seed_runs.values():
        groups = groups_of(run.extraction)
        assert groups_of(record_io.persons_and_posts(json.loads(record_io.dumps(run.extraction)))) == groups
    assert any(group.bodies for run in seed_runs.values() for group in groups_of(run.extraction))


def test_the_tables_rows_are_kept_on_disk_and_read_back_in_the_order_of_the_articles(seed_runs, tmp_path) -> None:
    from kg.identity import groups_of
    from kg.rdf import iri
    from kg.tables import RowStore

    extractions = [run.extraction for run in seed_runs.values()]
    identities = resolve_identities([g for e in extractions for g in groups_of(e)])
    store = RowStore(tmp_path)
    for extraction in reversed(extractions):
        store.add(extraction, identities)
    mentions, evidence = store.close()
    assert mentions.path.parent == tmp_path and mentions.path.stat().st_size > 0
    listed = list(mentions)
    articles = [str(iri(f"article:{e.article.doc}")) for e in reversed(extractions)]
    assert list(dict.fromkeys(row[0] for row in listed)) == articles  # as added, not sorted: a build adds rows after them
    assert len(listed) == sum(len(entity.mentions) for e in extractions for entity in e.entities)  # every mention
    assert any(row[3] == "习近平" for row in listed) and {type(row[4]) for row in listed} == {int}
    sentences = list(evidence)
    assert len(sentences) == len(set(sentences)) and any("株洲" in row[5] for row in sentences)  # each once
    assert mentions.integer(4) and not mentions.integer(3) and evidence.integer(3)
