"""The packaged lexicons: division table, surnames and the generic readers."""

from __future__ import annotations

from collections import Counter

import pytest

from kg import resources
from kg.resources import Division, ResourceError, divisions, read_lines, read_tsv, surnames

PROVINCE_LEVEL = (
    "北京市 天津市 上海市 重庆市 "
    "河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省 甘肃省 青海省 台湾省 "
    "内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区 "
    "香港特别行政区 澳门特别行政区"
).split()


def only(name: str) -> Division:
    """The one division called ``name`` (full name)."""
    found = [d for d in divisions().by_name(name) if d.name == name]
    assert len(found) == 1, (name, found)
    return found[0]


def test_table_is_large() -> None:
    assert len(divisions()) >= 3000


def test_every_province_level_division_is_present() -> None:
    provinces = {d.name for d in divisions() if d.level == "province"}
    assert provinces == set(PROVINCE_LEVEL)
    assert len(PROVINCE_LEVEL) == 34


def test_codes_are_six_digits_and_match_levels() -> None:
    for d in divisions():
        assert len(d.code) == 6 and d.code.isdigit(), d
        expected = "province" if d.code.endswith("0000") else "city" if d.code.endswith("00") else "county"
        assert d.level == expected, d


def test_parents_exist_and_sit_one_level_up() -> None:
    table = divisions()
    allowed = {"province": {None}, "city": {"province"}, "county": {"city", "province"}}
    for d in table:
        parent = table.parent(d)
        assert (parent.level if parent else None) in allowed[d.level], d
        if parent:
            assert d.code.startswith(parent.code[:2]), (d, parent)


def test_no_placeholder_rows() -> None:
    names = {d.name for d in divisions()}
    assert not {n for n in names if "直辖" in n or n in {"市辖区", "县", "苏鲁交界", "海域"}}
    # the municipalities appear once, as provinces, not again as a prefecture
    assert [d.level for d in divisions().by_name("北京市")] == ["province"]
    assert [d.level for d in divisions().by_name("重庆市")] == ["province"]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("湖南省", "湖南"),
        ("株洲市", "株洲"),
        ("天元区", "天元"),
        ("醴陵市", "醴陵"),
        ("炎陵县", "炎陵"),
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("香港特别行政区", "香港"),
        ("延边朝鲜族自治州", "延边"),
        ("湘西土家族苗族自治州", "湘西"),
        ("双江拉祜族佤族布朗族傣族自治县", "双江"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("龙胜各族自治县", "龙胜"),
        ("大兴安岭地区", "大兴安岭"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("浦东新区", "浦东"),
        ("清新区", "清新"),
        ("神农架林区", "神农架"),
        ("万柏林区", "万柏林"),
        ("碑林区", "碑林"),
        ("六枝特区", "六枝"),
        ("白云鄂博矿区", "白云鄂博"),
        ("东乡族自治县", ""),
        ("芒市", ""),
    ],
)
def test_short_form(name: str, short: str) -> None:
    assert only(name).short == short


@pytest.mark.parametrize("name", ["城区", "矿区", "郊区"])
def test_one_character_stems_have_no_short_form(name: str) -> None:
    found = divisions().by_name(name)
    assert found and all(d.short == "" for d in found)


def test_short_forms_have_two_characters_or_more() -> None:
    assert all(len(d.short) >= 2 for d in divisions() if d.short)


@pytest.mark.parametrize(
    ("query", "name"),
    [("株洲", "株洲市"), ("株洲市", "株洲市"), ("渌口", "渌口区"), ("广西", "广西壮族自治区")],
)
def test_by_name_finds_full_and_short_forms(query: str, name: str) -> None:
    assert name in [d.name for d in divisions().by_name(query)]


def test_by_name_returns_every_match_of_a_shared_form() -> None:
    assert {d.name for d in divisions().by_name("吉林")} == {"吉林省", "吉林市"}
    assert len(divisions().by_name("鼓楼区")) >= 3
    assert divisions().by_name("不存在的地方") == ()


@pytest.mark.parametrize(
    ("name", "chain"),
    [
        ("天元区", ["株洲市", "湖南省"]),
        ("渌口区", ["株洲市", "湖南省"]),
        ("醴陵市", ["株洲市", "湖南省"]),
        ("炎陵县", ["株洲市", "湖南省"]),
        ("湘潭市", ["湖南省"]),
        ("岳阳市", ["湖南省"]),
        ("湖南省", []),
        ("仙桃市", ["湖北省"]),
        ("万州区", ["重庆市"]),
        ("海淀区", ["北京市"]),
    ],
)
def test_ancestors(name: str, chain: list[str]) -> None:
    assert [d.name for d in divisions().ancestors(only(name))] == chain


def test_parent_of_a_province_is_none() -> None:
    assert divisions().parent(only("湖南省")) is None


@pytest.mark.parametrize(
    "name", ["王", "李", "张", "刘", "陈", "欧阳", "司马", "诸葛", "阳", "钟", "欧", "贺", "肖", "覃"]
)
def test_common_surnames_are_listed(name: str) -> None:
    assert name in surnames()


def test_surnames_are_unique_and_short() -> None:
    lines = read_lines("surnames.txt")
    assert len(lines) >= 400
    assert [s for s, n in Counter(lines).items() if n > 1] == []
    assert all(1 <= len(s) <= 2 for s in lines)


def test_read_lines_skips_comments() -> None:
    assert not any(line.startswith("#") for line in read_lines("surnames.txt"))


def test_read_tsv_keys_rows_by_header() -> None:
    rows = read_tsv("divisions.tsv")
    assert len(rows) == len(divisions())
    assert set(rows[0]) == {"code", "name", "level", "parent", "short"}


def test_missing_resource_is_a_clear_error() -> None:
    with pytest.raises(ResourceError, match="no-such-file.tsv"):
        read_tsv("no-such-file.tsv")


def test_loaders_are_cached() -> None:
    assert resources.divisions() is resources.divisions()
    assert resources.surnames() is resources.surnames()
