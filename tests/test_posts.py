"""Specification of officials' posts: title chains, appointments and removals, biographies, statuses and dates.

Sentences are real: from ``../shared/gold-dev`` (新闻联播 items), the seeds, and
the paragraphs quoted in issue 13. A post is read as (person, body key, title,
status) from ``doc._.kg_relations``; a body key keeps the placeholder of a
jurisdiction the sentence leaves implicit (``⟨市⟩公安局``), which resolution fills in.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from spacy.tokens import Doc

from kg.corpus import parse_article
from kg.dates import iso_date
from kg.extract import read_article
from kg.records import Extraction
from kg.resolve import resolve


def posts(doc: Doc) -> set[tuple[str, str, str, str]]:
    return {(r.args["person"].text, r.args["org"]._.kg_key, r.args["title"], r.args["status"])
            for r in doc._.kg_relations if r.type == "POST"}


def extract(text: str, date: str = "") -> Extraction:
    article = parse_article("synthetic.txt", text, "synthetic.txt")
    return resolve(read_article(replace(article, date=date)))


@pytest.mark.parametrize(("sentence", "expected"), [
    ("中共中央政治局委员、北京市委书记尹力出席会议。",
     {("尹力", "中共中央政治局", "委员", "current"), ("尹力", "北京市委", "书记", "current")}),
    ("中共中央政治局常委、国务院副总理丁薛祥在广东调研。",
     {("丁薛祥", "中共中央政治局", "常委", "current"), ("丁薛祥", "国务院", "副总理", "current")}),
    # a party organisation inside a body is a body of its own; a government head is on the place
    ("湖北省政府原党组成员、副省长曹广晶违规收受礼品。",
     {("曹广晶", "湖北省政府党组", "成员", "former"), ("曹广晶", "湖北省", "副省长", "former")}),
    # 原 marks its own item and the items after it that name no body of their own
    ("四川省人大常委会原党组副书记、副主任王铭晖违规公款吃喝。",
     {("王铭晖", "四川省人大常委会党组", "副书记", "former"), ("王铭晖", "四川省人大常委会", "副主任", "former")}),
    ("中央纪委国家监委对湖南省人大常委会党组成员、原副主任陈文浩进行了立案审查调查。",
     {("陈文浩", "湖南省人大常委会党组", "成员", "current"), ("陈文浩", "湖南省人大常委会", "副主任", "former")}),
    ("湖南省常德市人大常委会原副主任、石门县委原书记谭本仲违规收受礼金。",
     {("谭本仲", "常德市人大常委会", "副主任", "former"), ("谭本仲", "石门县委", "书记", "former")}),
    ("经中共中央批准，中央纪委国家监委对第二十届中央委员、重庆市委副书记、市长胡衡华进行了立案审查调查。",
     {("胡衡华", "中共中央", "委员", "current"), ("胡衡华", "重庆市委", "副书记", "current"),
      ("胡衡华", "重庆市", "市长", "current")}),
    # the issue's own paragraphs
    ("市公安局党委委员、副局长张志远出席。",
     {("张志远", "⟨市⟩公安局党委", "委员", "current"), ("张志远", "⟨市⟩公安局", "副局长", "current")}),
    ("市委常委、政法委书记,市公安局局长李明华讲话。",
     {("李明华", "⟨市⟩委", "常委", "current"), ("李明华", "⟨市⟩委政法委", "书记", "current"),
      ("李明华", "⟨市⟩公安局", "局长", "current")}),
    ("醴陵市委副书记、政法委书记阳建出席。",
     {("阳建", "醴陵市委", "副书记", "current"), ("阳建", "醴陵市委政法委", "书记", "current")}),
])
def test_a_title_chain_gives_one_post_per_title_and_body(read, sentence, expected):
    assert posts(read(sentence)) == expected


def test_a_chain_for_the_next_person_keeps_the_body_in_force(read):
    doc = read("6月24日，习近平在山东省委书记林武和省长周乃翔陪同下，来到德州市考察调研。")
    assert posts(doc) == {("林武", "山东省委", "书记", "current"), ("周乃翔", "山东省", "省长", "current")}


def test_a_bare_community_before_a_title_is_the_community_named_last(read):
    doc = read("福州市鼓楼区军门社区召开会议，社区党委书记林丹主持。")
    assert posts(doc) == {("林丹", "军门社区党委", "书记", "current")}


def test_a_pronoun_is_no_given_name(read):
    doc = read("林丹1972年来到军门社区工作,1991年她开始担任社区党支部书记。")
    assert not any(person == "年她" for person, *_ in posts(doc))


def test_an_internal_unit_in_a_chain_is_the_unit_of_the_body_in_force(read):
    doc = read("曹艳群，生前是广西壮族自治区资源县人民检察院检察委员会委员、第一检察部副主任、一级检察官。")
    assert posts(doc) == {("曹艳群", "资源县人民检察院检察委员会", "委员", "former"),
                          ("曹艳群", "资源县人民检察院第一检察部", "副主任", "former"),
                          ("曹艳群", "资源县人民检察院", "一级检察官", "former")}


@pytest.mark.parametrize(("sentence", "expected"), [
    ("一、任命董军为国防部部长。", {("董军", "国防部", "部长", "appointed")}),
    ("二、免去唐登杰的民政部部长职务；", {("唐登杰", "民政部", "部长", "removed")}),
    # 其 stands for the person named last; a term's ordinal stands between the place and the title
    ("会议经表决，任命郭振华为全国人大常委会代表工作委员会主任，免去其全国人大常委会副秘书长职务；任命宋锐为全国人大常委会副秘书长；",
     {("郭振华", "全国人大常委会代表工作委员会", "主任", "appointed"), ("郭振华", "全国人大常委会", "副秘书长", "removed"),
      ("宋锐", "全国人大常委会", "副秘书长", "appointed")}),
    ("国务院总理李强10月25日主持召开国务院第六次全体会议，决定任命岑浩辉为澳门特别行政区第六任行政长官。",
     {("李强", "国务院", "总理", "current"), ("岑浩辉", "澳门特别行政区", "行政长官", "appointed")}),
    ("任命杨帆为郫都区公安局局长，免去李刚的郫都区公安局副局长职务。",
     {("杨帆", "郫都区公安局", "局长", "appointed"), ("李刚", "郫都区公安局", "副局长", "removed")}),
    # the person may be the sentence's topic, a clause before the cue
    ("有着40多年党龄的徐白云，退休后被选举为八角中里社区第二党支部书记。",
     {("徐白云", "八角中里社区第二党支部", "书记", "appointed")}),
])
def test_appointments_and_removals_give_posts_with_their_status(read, sentence, expected):
    assert posts(read(sentence)) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("王宇飞，生前任成都市公安局禁毒支队支队长。", {("王宇飞", "成都市公安局禁毒支队", "支队长", "former")}),
    ("程凯，生前是湖北省黄梅县公安局黄梅派出所的一名民警。", {("程凯", "黄梅派出所", "民警", "former")}),
    ("谢雨丰，一名“00后”青年民警，生前是南京市公安局雨花台分局板桥派出所一级警员。",
     {("谢雨丰", "板桥派出所", "一级警员", "former")}),
    ("2005年8月，时任浙江省委书记的习近平同志来到余村考察。", {("习近平", "浙江省委", "书记", "former")}),
])
def test_a_biography_gives_former_posts(read, sentence, expected):
    assert posts(read(sentence)) == expected


def test_a_head_of_government_of_a_bare_level_is_on_the_article_s_division():
    text = "成都市郫都区召开全区政法工作会议。\n区委副书记、区长赵丽萍主持会议。\n"
    found = {(r.get("person"), r.get("org"), r.get("title")) for r in extract(text).relations if r.type == "POST"}
    assert found == {("赵丽萍", "郫都区委", "副书记"), ("赵丽萍", "郫都区", "区长")}


def test_a_branch_named_under_its_city_bureau_is_one_body_with_a_head(read):
    assert posts(read("佛山市公安局禅城分局局长王强出席。")) == {("王强", "佛山市公安局禅城分局", "局长", "current")}


@pytest.mark.parametrize(("sentence", "expected"), [
    ("检察长马丽通报了全市检察工作情况。", set()),  # no body: no post, and the name is 马丽
    ("检察长罗斌出席会议。", set()),
    ("在二十届中央纪委二次全会上，习近平总书记强调，制定实施中央八项规定。", set()),  # 强调 is no name
])
def test_no_post_without_a_person_and_a_body(read, sentence, expected):
    doc = read(sentence)
    assert posts(doc) == expected
    assert not any(s.text in ("马丽通", "罗斌出", "强调") for s in doc.spans["kg"] if s.label_ == "PER")


def test_an_appointment_is_dated_by_the_line_that_leads_its_list():
    text = ("第十九号主席令说，根据中华人民共和国第十四届全国人民代表大会常务委员会第七次会议于2023年12月29日的决定：\n"
            "一、任命董军为国防部部长。\n二、免去唐登杰的民政部部长职务；\n任命陆治原为民政部部长。\n")
    found = {(r.get("person"), r.get("org"), r.get("status"), r.get("date")) for r in extract(text).relations if r.type == "POST"}
    assert found == {("董军", "国防部", "appointed", "2023-12-29"), ("唐登杰", "民政部", "removed", "2023-12-29"),
                     ("陆治原", "民政部", "appointed", "2023-12-29")}


def test_a_month_and_day_take_the_article_year():
    text = "国务院总理李强10月25日主持召开国务院第六次全体会议，决定任命岑浩辉为澳门特别行政区第六任行政长官。\n"
    [post] = [r for r in extract(text, date="2024-10-26").relations if r.type == "POST" and r.get("person") == "岑浩辉"]
    assert (post.get("status"), post.get("date")) == ("appointed", "2024-10-25")
    [undated] = [r for r in extract(text).relations if r.type == "POST" and r.get("person") == "岑浩辉"]
    assert undated.get("date") == ""  # no article date: a month and day cannot be placed


@pytest.mark.parametrize(("expression", "article_date", "expected"), [
    ("2023年12月29日", "", "2023-12-29"),
    ("12月29日", "2023-12-30", "2023-12-29"),
    ("去年3月", "2024-01-05", "2023-03"),
    ("前年", "2024-01-05", "2022"),
    ("上月", "2024-01-05", "2023-12"),
    ("十二月二十九日", "2023-12-30", "2023-12-29"),
    ("去年", "", ""),
    ("13月2日", "2024-01-05", ""),
])
def test_dates_are_read_against_the_article_date(expression, article_date, expected):
    assert iso_date(expression, article_date) == expected


def test_a_discipline_report_gives_each_person_an_event_announced_by_the_discipline_body():
    text = ("央视网消息（新闻联播）：日前，经中共中央批准，中央纪委国家监委对第二十届中央委员、重庆市委副书记、市长胡衡华，"
            "湖南省委常委、长沙市委书记吴桂英进行了立案审查调查。\n")
    events = {(r.get("person"), r.get("org"), r.get("event")) for r in extract(text).relations if r.type == "DISCIPLINE"}
    assert events == {("胡衡华", "中央纪委国家监委", "investigated"), ("吴桂英", "中央纪委国家监委", "investigated")}


@pytest.mark.parametrize(("sentence", "person"), [
    ("山东省委书记林武陪同考察。", "林武"),  # 陪同 is a verb of the dictionary, though 同 may end a name
    ("检察长马丽通报了情况。", "马丽"),
])
def test_a_name_ends_where_a_verb_begins(read, sentence, person):
    assert [s.text for s in read(sentence).spans["kg"] if s.label_ == "PER"] == [person]


@pytest.mark.parametrize(("sentence", "expected"), [
    # a title's implied body is not given after a foreign body or country
    ("俄罗斯总理米舒斯京会见外宾。国务院有关负责人参加。", set()),
    ("朝鲜劳动党总书记金正恩出席。党中央致电祝贺。", set()),
    # a list after one chain: the next person's title does not take the first one's body
    ("北京市委书记尹力，国务委员谌贻琴出席。", {("尹力", "北京市委", "书记", "current")}),
    # 国家主席 is a post of the state
    ("国家主席习近平签署主席令。", {("习近平", "中华人民共和国", "国家主席", "current")}),
])
def test_implied_bodies_only_where_nothing_else_is_named(read, sentence, expected):
    assert posts(read(sentence)) == expected


@pytest.mark.parametrize("sentence", [
    "按照党中央部署,和李强总理等中央领导同志要求。",  # 和 is a conjunction, not the surname 和
    "总书记向全党发出号召。党中央",  # 向 is a preposition
    "总书记高度重视,党中央作出部署。",  # 高度 is a common word
    "省委常委班子成员参加。",  # 班子 too
    "他以全票当选,主席再次当选。",
])
def test_no_person_is_made_of_a_function_word_or_a_common_word(read, sentence):
    persons = {s.text for s in read(sentence).spans["kg"] if s.label_ == "PER" and not s._.kg_rule.startswith("ner.")}
    assert persons <= {"李强"}


@pytest.mark.parametrize("sentence", ["农工党中央主席何维出席。", "老挝人民革命党中央总书记通伦会见。", "美国国务院发言人称。"])
def test_another_party_s_or_country_s_central_body_is_not_china_s(read, sentence):
    assert not [s for s in read(sentence).spans["kg"] if s._.kg_key in ("党中央", "国务院")]


def test_a_name_before_an_election_cue_starts_a_word():
    """习近平全票当选国家主席 has no person 平全票."""
    found = {r.get("person") for r in extract("习近平全票当选国家主席。\n").relations if r.type == "POST"}
    assert "平全票" not in found


def test_the_one_who_orders_accountability_is_not_punished():
    text = "李强作出批示，要求查明原因，依法依规严肃问责。\n"
    assert not [r for r in extract(text).relations if r.type == "DISCIPLINE"]


@pytest.mark.parametrize(("text", "name"), [("村民们说，王书茂带头。", "王书茂"), ("社区书记孟二梅说。", "孟二梅")])
def test_a_name_jieba_knows_keeps_a_character_that_usually_ends_one(read, text, name):
    assert name in {s.text for s in read(text).spans["kg"] if s.label_ == "PER"}
