"""Specification of an article's places: which divisions it is about (the jurisdiction),
one entity per place, and county short forms that are ordinary words
(``kg/resources/word_shorts.txt``, built by ``scripts/build_word_shorts.py``)."""

from __future__ import annotations

import pytest

from kg.corpus import parse_article
from kg.extract import read_article
from kg.records import Extraction
from kg.resolve import resolve
from kg.resources import read_lines

#: A 岳阳 article whose 市公安局 is the city's, though 公安 is also a county of 荆州 (公安县).
YUEYANG = (
    "岳阳加强平安建设\n\n"
    "近日，市公安局召开全市平安建设推进会。市公安局局长在会上作了部署，各县市区公安局负责人参加会议。\n\n"
    "今年以来，市公安局共破获刑事案件1200余起。公安民警将守护岳阳平安。\n"
)


def extract(text: str, doc: str = "synthetic.txt") -> Extraction:
    return resolve(read_article(parse_article(doc, text, doc)))


def names(extraction: Extraction, type_: str) -> set[str]:
    return {e.name for e in extraction.entities if e.type == type_}


# -- county short forms that are ordinary words ------------------------------------------


@pytest.mark.parametrize("word", ["公安", "资源", "和平", "通道", "合作"])
def test_common_words_are_listed(word):
    assert word in read_lines("word_shorts.txt")


@pytest.mark.parametrize("place", ["天元", "醴陵", "岳阳", "株洲", "炎陵", "临夏"])
def test_place_names_are_not_listed(place):
    assert place not in read_lines("word_shorts.txt")


def test_body_word_is_not_a_county():
    extraction = extract(YUEYANG)
    assert extraction.jurisdiction[:2] == ("湖南省", "岳阳市")
    assert "公安县" not in extraction.jurisdiction
    assert not names(extraction, "PLACE") & {"公安", "公安县"}


def test_placeholder_takes_the_article_city():
    assert "岳阳市公安局" in names(extract(YUEYANG), "ORG")


def test_county_written_in_full_is_a_place():
    text = "公安县推进平安建设\n\n公安县召开平安建设推进会，县公安局参加。公安县地处荆州南部。\n"
    assert "公安县" in names(extract(text), "PLACE")


# -- jurisdiction: dateline, title, then the most cited -----------------------------------


@pytest.mark.parametrize(
    ("text", "city"),
    [
        # the dateline's paper names the city, though another city is cited more often
        ("推进平安建设\n\n株洲日报讯（记者 周圆）近日，市委召开平安建设推进会。长沙、长沙、长沙的经验值得学习。\n", "株洲市"),
        # the title names the city
        ("岳阳推进平安建设\n\n近日，市委召开平安建设推进会。长沙、长沙的经验值得学习。\n", "岳阳市"),
        # a source line names the paper; a provincial site its province
        ("推进平安建设\n\n来源：岳阳日报\n\n近日，市委召开平安建设推进会。长沙、长沙的经验值得学习。\n", "岳阳市"),
        ("推进平安建设\n\n浙江在线01月23日讯 近日，省委召开平安建设推进会。湖南、湖南的经验值得学习。\n", "浙江省"),
        # neither: the most cited city
        ("推进平安建设\n\n近日，株洲市委召开平安建设推进会，株洲各区县参加，长沙市委派员指导。\n", "株洲市"),
    ],
)
def test_jurisdiction_order(text, city):
    assert city in extract(text).jurisdiction


# -- one place, one entity: the fullest written form, the official name an alias ---------


@pytest.mark.parametrize(
    ("text", "name", "aliases"),
    [
        ("株洲推进平安建设\n\n株洲日报讯 近日，株洲召开平安建设推进会，株洲各区县参加。\n", "株洲", {"株洲市"}),
        ("岳阳推进平安建设\n\n近日，岳阳召开平安建设推进会，岳阳市各区县参加。\n", "岳阳市", {"岳阳"}),
        ("甘肃临夏州积石山县发生地震\n\n近日，甘肃临夏州积石山县发生地震，临夏州各县支援。\n",
         "临夏州", {"临夏回族自治州"}),
        ("甘肃临夏州积石山县发生地震\n\n近日，甘肃临夏州积石山县发生地震，临夏州各县支援。\n",
         "积石山县", {"积石山保安族东乡族撒拉族自治县"}),
    ],
)
def test_a_place_is_one_entity_with_its_official_name(text, name, aliases):
    (place,) = [e for e in extract(text).entities if e.type == "PLACE" and e.name == name]
    assert aliases <= set(place.aliases)
    assert not [e for e in extract(text).entities if e.type == "PLACE" and e.name in aliases]


def test_a_district_inside_a_body_name_is_no_place():
    extraction = extract("佛山市公安局禅城分局召开会议\n\n近日，佛山市公安局禅城分局召开平安建设推进会。\n")
    assert "禅城" not in names(extraction, "PLACE")


# -- which gazetteer names are places where they stand -------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("各地的物资源源不断抵达日喀则。\n", "日喀则"),  # not 达日 (达日县)
        ("与程凯一样，河北沧州的民警也在坚守。\n", "河北"),  # the province, not 天津's 河北区
        ("1993年，南昌一家商城发生火灾。\n", "南昌"),  # the city, not 南昌县
        ("近日，沧州市运河区召开会议。\n", "运河区"),
        ("近日，北京市通州区潞城镇召开会议。\n", "潞城镇"),
        ("黑龙江双鸭山友谊县召开会议，友谊各乡镇参加。\n", "友谊县"),
    ],
)
def test_a_short_form_names_its_division(text, place):
    assert place in names(extract(text), "PLACE")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("维护国家长治久安，天元区召开会议。\n", "长治"),  # a city's short form inside an idiom
        ("社区宣传推广安装反诈APP。\n", "广安"),  # across two words
        ("全区深入推进平安建设。\n", "平安"),  # a county's short form that is an ordinary word
        ("中俄友谊源远流长。\n", "友谊"),  # a county (友谊县) whose city and province the article never cites
        ("要统筹城乡发展，推进新型城镇化。\n", "统筹"),  # 城乡 is a word, not a 乡
        ("要统筹城乡发展，推进新型城镇化。\n", "新型"),
    ],
)
def test_a_short_form_inside_other_words_is_no_place(text, word):
    assert not {p for p in names(extract(text), "PLACE") if p.startswith(word)}
