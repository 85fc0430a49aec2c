"""Specification of ``kg_orgs`` beyond one paper's 政法 pages: the bodies a news item from any
province names (national bodies, party organisations inside a body, companies, villages,
departments of a congress or a bureau), each with its canonical name (``span._.kg_key``)
and the PART_OF to the body it belongs to. The sentences are from CCTV news items.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc



def org_keys(doc: Doc) -> dict[str, str]:
    """Chosen ORG span text -> its canonical key."""
    return {s.text: s._.kg_key for s in doc.spans["kg"] if s.label_ == "ORG"}


def part_of(doc: Doc) -> set[tuple[str, str]]:
    return {(r.args["child"].text, r.args["parent"].text) for r in doc._.kg_relations if r.type == "PART_OF"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # ministries and State Council bodies, by name or by a national word and a head
        ("市场监管总局、全国总工会、国家消防救援局、宁夏回族自治区人民政府等有关部门", {
            "市场监管总局": "市场监管总局", "全国总工会": "全国总工会", "国家消防救援局": "国家消防救援局",
            "宁夏回族自治区人民政府": "宁夏回族自治区人民政府"}),
        ("任命陆治原为民政部部长,免去国防部原部长李尚福的职务。", {"民政部": "民政部", "国防部": "国防部"}),
        ("听取了国务院港澳事务办公室主任夏宝龙关于澳门的情况报告。", {
            "国务院港澳事务办公室": "国务院港澳事务办公室", "国务院": "国务院"}),
        ("经中共中央批准,中央纪委国家监委对第二十届中央委员胡忠雄立案审查。", {
            "中共中央": "中共中央", "中央纪委国家监委": "中央纪委国家监委"}),
        ("中共中央政治局委员、北京市委书记尹力出席。", {"中共中央政治局": "中共中央政治局", "北京市委": "北京市委"}),
        # a congress's standing committee and its committees
        ("会议表决通过了全国人大常委会关于设立全国人大常委会代表工作委员会的决定。", {
            "全国人大常委会": "全国人大常委会", "全国人大常委会代表工作委员会": "全国人大常委会代表工作委员会"}),
        # a party organisation inside a body, a status word between them
        ("湖北省政府原党组成员、副省长曹广晶,云南省政协原党组成员、副主席黄毅。", {
            "湖北省政府": "湖北省政府", "湖北省政府原党组": "湖北省政府党组",
            "云南省政协": "云南省政协", "云南省政协原党组": "云南省政协党组"}),
        ("徐白云退休后被选举为八角中里社区第二党支部书记。", {
            "八角中里社区": "八角中里社区", "八角中里社区第二党支部": "八角中里社区第二党支部"}),
        # companies keep their whole name, places and brackets included
        ("吉林省农业投资集团有限公司原党委书记、董事长袁维森", {
            "吉林省农业投资集团有限公司": "吉林省农业投资集团有限公司",
            "吉林省农业投资集团有限公司原党委": "吉林省农业投资集团有限公司党委"}),
        ("中国人寿保险(集团)公司原党委书记、董事长王滨", {
            "中国人寿保险(集团)公司": "中国人寿保险（集团）公司",
            "中国人寿保险(集团)公司原党委": "中国人寿保险（集团）公司党委"}),
        # a bureau's branch and its units
        ("谢雨丰生前是南京市公安局雨花台分局板桥派出所一级警长。", {
            "南京市公安局": "南京市公安局", "南京市公安局雨花台分局": "南京市公安局雨花台分局", "板桥派出所": "板桥派出所"}),
        ("王宇飞,生前任成都市公安局禁毒支队支队长。", {"成都市公安局": "成都市公安局", "成都市公安局禁毒支队": "成都市公安局禁毒支队"}),
        # villages named after the place they lie in
        ("习近平来到德州市陵城区边临镇东于架村,听取当地“三夏”生产情况介绍。", {"东于架村": "东于架村"}),
        ("河南省兰考县仪封镇代庄村党组织坚持党建引领。", {"代庄村": "代庄村"}),
    ],
)
def test_bodies_named_in_any_province(read, sentence, expected):
    found = org_keys(read(sentence))
    assert expected.items() <= found.items(), found


@pytest.mark.parametrize(
    ("sentence", "links"),
    [
        ("听取了国务院港澳事务办公室主任夏宝龙关于澳门的情况报告。", {("国务院港澳事务办公室", "国务院")}),
        ("全国人大常委会香港特别行政区基本法委员会组成人员名单", {("全国人大常委会香港特别行政区基本法委员会", "全国人大常委会")}),
        ("湖北省政府原党组成员、副省长曹广晶", {("湖北省政府原党组", "湖北省政府")}),
        ("谢雨丰生前是南京市公安局雨花台分局板桥派出所一级警长。", {
            ("南京市公安局雨花台分局", "南京市公安局"), ("板桥派出所", "南京市公安局雨花台分局")}),
    ],
)
def test_a_department_is_part_of_its_body(read, sentence, links):
    assert links <= part_of(read(sentence))


@pytest.mark.parametrize(
    ("sentence", "not_an_org"),
    [
        ("《中华人民共和国公司法》已由全国人民代表大会常务委员会修订通过。", "中华人民共和国公司"),  # 公司法: a law
        ("一位独居老人家中有异常,立刻上报社区党委,启动应急预案。", "上报社区"),  # a verb is no name
        ("1991年她开始担任社区党支部书记。", "担任社区"),
        ("坚决贯彻落实党中央决策部署。", "党中央决策部署"),  # 部署 is a verb, not a 署
        ("服务国家发展大局。", "国家发展大局"),  # 大局 is one word
        ("王宇飞,生前任成都市公安局禁毒支队支队长。", "成都市公安局禁毒支队支队"),  # 支队长 is a title
        ("物业公司党支部书记到场协调。", "物业公司"),  # a common noun, not a company's name
        ("在浙江东阳的三单村,当地政府引入社会资本。", "的三单村"),
        ("2017年,22岁的吴奇洵大学毕业后自愿来到西藏。", "吴奇洵大学"),
        ("回到清华大学看望师生。", "回到清华大学"),
        ("推进新型城镇化和乡村全面振兴。", "镇化和乡村"),  # a village's name holds no level character
        ("应急管理部会同国家粮食和物资储备局调运物资。", "应急管理部会同国家粮食和物资储备局"),
    ],
)
def test_no_organisation_from_a_common_phrase(read, sentence, not_an_org):
    assert not_an_org not in org_keys(read(sentence))


def test_a_village_is_not_a_generic_word_for_villages(read):
    assert not [k for k in org_keys(read("全县各村和乡镇农村都建起了示范村。")) if k.endswith("村")]
