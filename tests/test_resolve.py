"""Specification of ``kg.resolve``: jurisdiction, canonical names, merging and fallbacks.

The seed articles are read once per session (``seed_runs`` in ``conftest.py``);
small synthetic articles built from seed sentences isolate one rule at a time.
"""

from __future__ import annotations

from collections import Counter

import pytest

from kg.corpus import parse_article
from kg.extract import read_article
from kg.records import ENTITY_FIELDS, Entity, Extraction
from kg.jurisdiction import infer_jurisdiction
from kg.resolve import resolve

SEEDS = ["000", "001", "002", "003", "004"]
#: 平安区 (青海省海东市): its short form 平安 is everywhere in 平安株洲, 平安建设 …
PINGAN_DISTRICT = "630203"


def extract(text: str, doc: str = "synthetic.txt") -> Extraction:
    return resolve(read_article(parse_article(doc, text, doc)))


def entity(extraction: Extraction, type_: str, name: str) -> Entity:
    found = [e for e in extraction.entities if e.type == type_ and e.name == name]
    assert len(found) == 1, f"no {type_} {name!r} in {[(e.type, e.name) for e in extraction.entities]}"
    return found[0]


def names(extraction: Extraction, type_: str) -> set[str]:
    return {e.name for e in extraction.entities if e.type == type_}


def relation_keys(extraction: Extraction, type_: str | None = None) -> set[tuple[str, ...]]:
    return {r.key for r in extraction.relations if type_ is None or r.type == type_}


def relation_rule(extraction: Extraction, key: tuple[str, ...]) -> str:
    (found,) = [r for r in extraction.relations if r.key == key]
    return found.evidence.rule


# -- jurisdiction ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "jurisdiction"),
    [
        ("000", ("湖南省", "株洲市", "天元区")),
        ("001", ("湖南省", "株洲市", "醴陵市")),
        ("002", ("湖南省", "株洲市", "天元区")),
        ("004", ("湖南省", "株洲市", "炎陵县")),
    ],
)
def test_seed_jurisdiction(seed_runs, seed, jurisdiction):
    assert seed_runs[seed].extraction.jurisdiction == jurisdiction


def test_a_city_wide_article_has_no_dominant_county(seed_runs):
    """Seed 003 reviews the whole city's year: it cites many districts, none dominates."""
    assert seed_runs["003"].extraction.jurisdiction == ("湖南省", "株洲市")


def test_the_home_province_comes_from_the_text(seed_runs):
    assert infer_jurisdiction(seed_runs["000"].reading).home == "430000"


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "other_name"), [("000", "004_1741ed30133a9311.txt"), ("004", "000_fa77a8a22d1f7229.txt")])
def test_the_jurisdiction_comes_from_the_text_not_the_file_name(seed_runs, seed, other_name):
    run = seed_runs[seed]
    renamed = extract(run.article.text, doc=other_name)
    assert renamed.jurisdiction == run.extraction.jurisdiction
    assert [(e.type, e.name, e.aliases) for e in renamed.entities] == [
        (e.type, e.name, e.aliases) for e in run.extraction.entities
    ]
    assert [r.key for r in renamed.relations] == [r.key for r in run.extraction.relations]
    assert all(r.evidence.doc == other_name for r in renamed.relations)


# -- canonical names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "type_", "name", "aliases"),
    [
        # placeholders filled from the article's jurisdiction
        ("000", "ORG", "天元区公安局", {"区公安局", "天元公安分局", "天元公安"}),
        ("000", "ORG", "天元区委政法委", {"区委政法委"}),
        ("000", "ORG", "天元区人民法院", {"区人民法院", "天元法院"}),
        ("000", "ORG", "天元区人民法院执行局", {"天元法院执行局"}),
        ("002", "ORG", "株洲市公安局", {"市公安局"}),
        ("003", "ORG", "株洲市中级人民法院", {"市中级人民法院"}),
        ("001", "ORG", "醴陵市委政法委", set()),
        # places: the full name when the article writes it
        ("000", "PLACE", "株洲市", {"株洲"}),
        ("001", "PLACE", "醴陵市", {"醴陵"}),
        ("004", "PLACE", "炎陵县", {"炎陵"}),
    ],
)
def test_canonical_names_and_aliases(seed_runs, seed, type_, name, aliases):
    assert set(entity(seed_runs[seed].extraction, type_, name).aliases) >= aliases
    if aliases:
        assert not any(e.type == type_ and e.name in aliases for e in seed_runs[seed].extraction.entities)


@pytest.mark.parametrize(
    ("sentence", "org", "alias"),
    [
        ("株洲市召开全市政法工作会议,市中级人民法院、市人民检察院负责人参加会议。", "株洲市中级人民法院", "市中级人民法院"),
        ("株洲市召开全市政法工作会议,市中级人民法院、市人民检察院负责人参加会议。", "株洲市人民检察院", "市人民检察院"),
        ("天元区召开平安建设推进会。区公安局开展“百日攻坚庆百年”专项行动,天元公安分局举行反恐综合演练。", "天元区公安局", "区公安局"),
        ("天元区召开平安建设推进会。区公安局开展“百日攻坚庆百年”专项行动,天元公安分局举行反恐综合演练。", "天元区公安局", "天元公安分局"),
    ],
)
def test_a_short_organisation_name_takes_the_article_place(sentence, org, alias):
    assert alias in entity(extract(sentence + "\n"), "ORG", org).aliases


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        ("炎陵县人民检察院", "县人民检察院"),
        ("炎陵县人民法院", "县人民法院"),
    ],
)
def test_a_level_placeholder_takes_the_nearest_county(seed_runs, name, alias):
    """Seed 003 is about all of 株洲, but 炎陵县司法局联合县人民检察院和县人民法院 means 炎陵县's."""
    extraction = seed_runs["003"].extraction
    assert alias in entity(extraction, "ORG", name).aliases
    assert "和县人民法院" not in names(extraction, "ORG")


@pytest.mark.parametrize(
    ("seed", "short", "full"),
    [
        # a home-province city the article names only by its short form keeps it
        ("002", "岳阳", "岳阳市"),
        ("003", "株洲", "株洲市"),
    ],
)
def test_a_short_place_name_stays_short_when_the_article_does_not_write_the_full_one(seed_runs, seed, short, full):
    extraction = seed_runs[seed].extraction
    assert short in names(extraction, "PLACE")
    assert full not in names(extraction, "PLACE")
    assert full not in seed_runs[seed].article.text


def test_the_full_place_name_wins_when_the_article_writes_it():
    extraction = extract("株洲市天元区发现一个岳阳市团伙流窜来株作案,岳阳警方配合抓获。\n")
    assert entity(extraction, "PLACE", "岳阳市").aliases == ("岳阳",)
    assert "岳阳" not in names(extraction, "PLACE")


def test_a_place_carries_the_code_and_level_of_the_one_division_its_name_is(seed_runs):
    extraction = seed_runs["000"].extraction
    assert [(e.name, e.code, e.level) for e in extraction.entities if e.name in ("天元区", "株洲市")] == [
        ("天元区", "430211", "county"), ("株洲市", "430200", "city")]
    assert entity(seed_runs["003"].extraction, "PLACE", "株洲").code == "430200"  # the short form of one division
    assert entity(seed_runs["002"].extraction, "PLACE", "岳阳").code == ""  # 岳阳市 and 岳阳县 share the short form
    assert entity(seed_runs["002"].extraction, "PLACE", "三门镇").level == ""  # not a division
    assert not any(e.code or e.level for e in extraction.entities if e.type != "PLACE")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_short_form_that_is_a_word_is_no_place(seed_runs, seed):
    """平安 (平安区, 青海) is an ordinary word (word_shorts.txt): 平安株洲, 平安建设 cite no place."""
    run = seed_runs[seed]
    assert not any(PINGAN_DISTRICT in codes for _, codes, _ in run.reading.place_hits)
    assert not {"平安", "平安区"} & names(run.extraction, "PLACE")


# -- merging ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_one_entity_per_type_and_name(seed_runs, seed):
    entities = seed_runs[seed].extraction.entities
    counts = Counter((e.type, e.name) for e in entities)
    assert [key for key, n in counts.items() if n > 1] == []
    assert all(e.name not in e.aliases for e in entities)
    mentions = [(m.type, m.start, m.end) for e in entities for m in e.mentions]
    assert len(mentions) == len(set(mentions)), "a mention belongs to one entity"


def test_a_department_named_alone_joins_the_organisation_ending_with_it(seed_runs):
    extraction = seed_runs["002"].extraction
    squad = entity(extraction, "ORG", "株洲市公安局综合管理支队反扒大队")
    assert "反扒大队" in squad.aliases
    assert "反扒大队" not in names(extraction, "ORG")
    assert len([m for m in squad.mentions if m.text == "反扒大队"]) > 1


def test_a_department_named_alone_joins_the_main_actor(seed_runs):
    """Seed 000: 执法监督室 belongs to 天元区委政法委, the body that acts throughout."""
    extraction = seed_runs["000"].extraction
    assert "执法监督室" in entity(extraction, "ORG", "天元区委政法委执法监督室").aliases
    key = ("PART_OF", "天元区委政法委执法监督室", "天元区委政法委")
    assert key in relation_keys(extraction)
    assert relation_rule(extraction, key) == "part_of.main_actor"


# -- relations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "child", "parent"),
    [("000", "天元区", "株洲市"), ("001", "醴陵市", "株洲市"), ("002", "天元区", "株洲市"), ("002", "荷塘区", "株洲市")],
)
def test_places_are_part_of_their_gazetteer_parent(seed_runs, seed, child, parent):
    extraction = seed_runs[seed].extraction
    key = ("PART_OF", child, parent)
    assert key in relation_keys(extraction)
    assert relation_rule(extraction, key) == "part_of.gazetteer"


@pytest.mark.parametrize(
    ("seed", "key"),
    [
        ("000", ("PART_OF", "天元区委政法委", "天元区委")),
        ("000", ("PART_OF", "天元区人民法院执行局", "天元区人民法院")),
        ("002", ("PART_OF", "株洲市公安局综合管理支队反扒大队", "株洲市公安局综合管理支队")),
        ("002", ("PART_OF", "株洲市公安局综合管理支队", "株洲市公安局")),
        ("002", ("PART_OF", "新塘社区", "群丰镇")),
        ("002", ("PART_OF", "龙头铺镇", "株洲经开区")),
        ("003", ("PART_OF", "沔渡派出所", "炎陵县公安局")),
        ("000", ("RUNS", "天元区公安局", "百日攻坚庆百年")),
        ("000", ("RUNS", "天元区公安局", "百千万")),
        ("000", ("RUNS", "天元区公安局", "三清一收一净")),
        ("002", ("RUNS", "三门镇", "益路同行")),
        ("001", ("POST", "阳建", "醴陵市委", "副书记", "current", "")),
        ("001", ("POST", "阳建", "醴陵市委政法委", "书记", "current", "")),
        ("003", ("POST", "钟平熊", "沔渡派出所", "所长", "current", "")),
        ("000", ("AWARD", "天元区", "湖南省平安校园示范县市区", "2021-2022")),
        ("003", ("AWARD", "钟平熊", "全国优秀人民警察", "")),
    ],
)
def test_relations_use_canonical_names(seed_runs, seed, key):
    assert key in relation_keys(seed_runs[seed].extraction)


def test_the_recipient_of_a_passive_award_is_the_subject(seed_runs):
    awards = {r.get("honour"): r.get("recipient") for r in seed_runs["001"].extraction.relations if r.type == "AWARD"}
    recipients = [recipient for honour, recipient in awards.items() if honour.endswith("先进基层防务办")]
    assert recipients == ["醴陵市国安办"]


def test_a_year_inside_quotes_is_the_award_year(seed_runs):
    assert ("AWARD", "醴陵市国安办", "湖南省先进基层防务办", "2020") in relation_keys(seed_runs["001"].extraction)


@pytest.mark.parametrize(
    "honour",
    ["全省扫黑除恶专项斗争先进单位", "湖南省法治政府建设示范县(市、区)", "全国创新社会治理最佳案例"],
)
def test_an_award_without_recipient_goes_to_the_home_place(seed_runs, honour):
    """Seed 001: 获评全省扫黑除恶专项斗争先进单位… has no subject; the article is about 醴陵市."""
    extraction = seed_runs["001"].extraction
    key = ("AWARD", "醴陵市", honour, "")
    assert key in relation_keys(extraction)
    assert relation_rule(extraction, key) == "award.verb.main_actor"


def test_a_fallback_never_fills_the_year(seed_runs):
    for run in seed_runs.values():
        for relation in run.extraction.relations:
            if relation.type == "AWARD":
                year = relation.get("year")
                assert year == "" or year[:1].isdigit(), relation.key


@pytest.mark.parametrize("programme", ["党史学习教育", "法帮帮"])
def test_a_programme_without_runner_goes_to_the_main_actor(seed_runs, programme):
    extraction = seed_runs["000"].extraction
    key = ("RUNS", "天元区委政法委", programme)
    assert key in relation_keys(extraction)
    assert relation_rule(extraction, key) == "runs.main_actor"


@pytest.mark.parametrize("seed", SEEDS)
def test_every_relation_names_known_entities(seed_runs, seed):
    extraction = seed_runs[seed].extraction
    known = {e.name for e in extraction.entities}
    for relation in extraction.relations:
        for field, value in relation.args:
            if field in ENTITY_FIELDS:
                assert value in known, (relation.key, field)


def test_districts_count_for_their_city_when_choosing_the_jurisdiction() -> None:
    from kg.corpus import parse_article
    from kg.extract import read_article
    from kg.jurisdiction import infer_jurisdiction

    article = parse_article("x.txt", "荷塘区、天元区扒窃案件频发,发现是一个岳阳团伙。", "x.txt")
    dominant = infer_jurisdiction(read_article(article)).dominant
    assert dominant["city"].name == "株洲市" and "county" not in dominant
