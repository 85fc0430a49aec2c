"""Specification of honours and programmes (``kg_honours``, ``kg_programmes``) and of the
AWARD and RUNS relations between them and the bodies, persons and places that hold them.

Each case is a real sentence of the kind government news prints; the expected
values are what the annotation guidelines ask for.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc



def names(doc: Doc, label: str) -> list[str]:
    return sorted({s._.kg_key for s in doc.spans["kg"] if s.label_ == label})


def awards(doc: Doc) -> list[tuple[str, str, str]]:
    """(recipient, honour, year) of each AWARD; an empty recipient is left to the main actor."""
    return [
        (r.args["recipient"] if isinstance(r.args["recipient"], str) else r.args["recipient"].text,
         r.args["honour"]._.kg_key, r.args["year"])
        for r in doc._.kg_relations
        if r.type == "AWARD"
    ]


def runs(doc: Doc) -> list[tuple[str, str]]:
    """(runner, programme) of each RUNS; an empty runner is left to the main actor."""
    return [
        (r.args["org"] if isinstance(r.args["org"], str) else r.args["org"].text, r.args["programme"]._.kg_key)
        for r in doc._.kg_relations
        if r.type == "RUNS"
    ]


# -- honours and their recipients ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a unit named under its parent: the unit receives it, not the parent body
        ("郫都区公安局犀浦派出所被评为全国优秀公安基层单位。", [("犀浦派出所", "全国优秀公安基层单位", "")]),
        # a town named under its district: the town receives it, not the district
        ("郫都区犀浦镇荣获全国文明村镇称号。", [("犀浦镇", "全国文明村镇", "")]),
        # a list of bodies: each receives it
        (
            "天元区公安局、芦淞区司法局、荷塘区人民法院等单位被评为全省平安建设先进集体。",
            [("天元区公安局", "全省平安建设先进集体", ""), ("芦淞区司法局", "全省平安建设先进集体", ""),
             ("荷塘区人民法院", "全省平安建设先进集体", "")],
        ),
        # 授予/追授 name the recipient after the verb, the bodies before it confer
        (
            "日前,人力资源社会保障部、最高人民检察院追授曹艳群同志“全国模范检察官”称号。",
            [("曹艳群", "全国模范检察官", "")],
        ),
        ("授予王永志等4人“共和国勋章”。", [("王永志", "共和国勋章", "")]),
        # the recipient opens the sentence, the clause of the award leaves it out
        ("刘亚斌牺牲后,被追授为“全国公安系统一级英雄模范”。", [("刘亚斌", "全国公安系统一级英雄模范", "")]),
        ("李丰是从浙江农村到上海打工的,曾荣获上海市农民工先进个人。", [("李丰", "上海市农民工先进个人", "")]),
        # the year of the sentence, when the name has none
        ("2021年,天元区还荣获全省平安建设先进集体的荣誉称号。", [("天元区", "全省平安建设先进集体", "2021")]),
        ("天元区荣获2021-2022年度湖南省平安校园示范县市区称号。", [("天元区", "湖南省平安校园示范县市区", "2021-2022")]),
        # 获得…授予的“…”称号: the honour is the quoted name, the bodies that give it receive nothing
        # (今年 stays as written: resolution reads it against the article's date)
        ("今年7月,获得中央宣传部和应急管理部授予的“最美应急管理工作者”称号。", [("", "最美应急管理工作者", "今年")]),
    ],
)
def test_awards(read, sentence, expected):
    assert sorted(awards(read(sentence))) == sorted(expected)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a recipient that is written but is no entity: no award to the article's main actor
        ("1670人被授予全国劳动模范称号,756人被授予全国先进工作者称号。", []),
        ("星湖、西草坪等10个村入选全市村级治理示范点。", []),
    ],
)
def test_no_award_to_an_unnamed_recipient(read, sentence, expected):
    assert awards(read(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "not_honour"),
    [
        ("切实增强人民群众获得感、幸福感、安全感。", "幸福感"),  # 获得感 is a noun, not 获得 + honour
        ("习近平向国家勋章和国家荣誉称号获得者颁授勋章奖章。", "勋章奖章"),  # a bare class of honours
        ("在全省考评中荣获第一类。", "第一类"),  # a rank, not a named honour
        ("谢雨丰凭借过硬素质入选南京公安“王牌”战队——龙虎突击大队。", "南京公安王牌"),  # a body joined
    ],
)
def test_no_honour(read, sentence, not_honour):
    assert not [n for n in names(read(sentence), "HONOUR") if not_honour in n or n in not_honour]


@pytest.mark.parametrize(
    ("sentence", "honours"),
    [
        # 和 inside a word (共和国) does not split a list of honours
        ("向他授予中华人民共和国“友谊勋章”。", ["中华人民共和国友谊勋章"]),
        # a clause after the quote is not part of the name
        ("向获得“友谊勋章”的国际友人表示热烈祝贺。", ["友谊勋章"]),
        ("2021年,代庄村党支部还荣获全国先进基层党组织的荣誉称号。", ["全国先进基层党组织"]),
        ("2023年11月,“新时代六尺巷工作法”获评全国新时代“枫桥经验”先进典型。", ["全国新时代枫桥经验先进典型"]),
    ],
)
def test_honour_names(read, sentence, honours):
    assert names(read(sentence), "HONOUR") == honours


# -- programmes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "not_programme"),
    [
        # a figure of speech: the work is treated "as" a 一把手 project
        ("各级各部门将创建工作作为“一把手”工程,列入当前重点紧要工作。", "一把手"),
        # a manner word with no programme head after it
        ("对重点地区、重点行业开展“点穴式”督导。", "点穴式"),
        # quotes with words between them are no run of names
        ("在打造以“大余村”为核心的“未来乡村”建设中,余村携手周边24个行政村。", "大余村"),
        # a numbered phase is no name
        ("如今,正在推进的三期工程将进一步抢占全自主智慧码头建设的制高点。", "三期工程"),
    ],
)
def test_no_programme(read, sentence, not_programme):
    assert not_programme not in names(read(sentence), "PROGRAMME")


@pytest.mark.parametrize(
    ("sentence", "programme"),
    [
        # the scope word is not part of the name
        ("全市扫黑除恶专项斗争取得明显成效。", "扫黑除恶专项斗争"),
        # a manner word takes the head that follows it
        ("深入开展“枫桥式”派出所、司法所创建。", "枫桥式派出所、司法所创建"),
        # 工坊 heads a programme name
        ("记者在代庄村采访时,正赶上“共富工坊”的黄桃加工培训。", "共富工坊"),
    ],
)
def test_programme_names(read, sentence, programme):
    assert programme in names(read(sentence), "PROGRAMME")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a launch verb before the names: the clause subject runs them
        (
            "区公安局开展“百日攻坚庆百年”、缉毒“百千万”、“三清一收一净”等专项行动。",
            [("区公安局", "百日攻坚庆百年"), ("区公安局", "百千万"), ("区公安局", "三清一收一净")],
        ),
        # a body written right before the name runs it, a strategy too
        ("炎陵县贯彻省委“三高四新”战略。", [("省委", "三高四新")]),
        # a launch verb after the name; no body in the sentence: left to the main actor
        ("党史学习教育开展以来,政法各单位认真开展了党史学习教育活动。", [("", "党史学习教育")]),
        # a strategy set above is not run by the body that carries it out
        ("天元区大力实施“三高四新”战略。", []),
        ("天元区不断深化“放管服”改革。", []),
        # no launch verb: nobody runs it here
        ("站在“十四五”规划的新起点,天元区政法队伍意气风发。", []),
        ("天元区认真贯彻落实“枫桥经验”。", []),
        # a bare quoted phrase without a head is too weak for the main actor
        ("以打造“智慧法院”“智慧检务”平台为抓手,促进科技创新成果同政法工作深度融合。", []),
    ],
)
def test_runs(read, sentence, expected):
    assert sorted(set(runs(read(sentence)))) == sorted(expected)


@pytest.mark.parametrize(
    ("sentence", "programmes"),
    [
        # the variants of one name in an article are one programme under the fullest name
        ("常态化开展扫黑除恶斗争,扫黑除恶专项斗争成效明显。", ["扫黑除恶专项斗争"]),
        # a verb that opens a list is not part of its first name
        ("打好政治能力建设攻坚战、平安醴陵建设攻坚战“两大攻坚战”。", ["两大攻坚战", "平安醴陵建设攻坚战", "政治能力建设攻坚战"]),
        # only a numbered summary (“四大行动”) names the list before it, not any quoted programme
        ("四川省实施农业科技新品种、新技术、新装备成果转化“星火”行动。", ["星火"]),
    ],
)
def test_programme_lists_and_variants(read, sentence, programmes):
    assert names(read(sentence), "PROGRAMME") == programmes
