"""Specification of ``kg.corpus.header``: the page header (newspaper, page, date, title) and bylines,
and of the byline table it reads (``kg/resources/bylines.tsv``, ``byline_roles.tsv``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import rdf, records, view
from kg.corpus import BODY_MIN_CHARS, paragraph_text, parse_article
from kg.records import Article
from kg.resources import BYLINE_PLACES, Bylines, ResourceError, bylines
from kg.vocab import GOVKG

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))


def credits(article: Article) -> list[tuple[str, str]]:
    return [(byline.role, byline.name) for byline in article.bylines]


def texts(article: Article) -> list[str]:
    return [paragraph_text(article, paragraph) for paragraph in article.paragraphs]


# -- page header -------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "newspaper", "page", "date", "title"),
    [
        ("000", "株洲日报", "A3", "2021-11-24", "勇当实施“三高四新”战略主力军 奋力谱写现代化新株洲壮美篇章"),
        ("001", "株洲日报", "", "", "创新思路开法治新局 改革进取谋发展新篇"),
        ("002", "株洲日报", "", "", "五指发力,以『大平安』思维构建『齐心治』大格局"),
        ("003", "株洲日报", "", "", "株洲政法工作经历“非同寻常”一年"),
        ("004", "株洲日报", "", "", "推进“五治”融合 夯实基层治理基石"),
    ],
)
def test_seed_header(seeds, seed, newspaper, page, date, title):
    article = seeds[seed]
    assert (article.newspaper, article.page, article.date, article.title) == (newspaper, page, date, title)


def test_seed_doc_source_and_encoding(seeds):
    article = seeds["000"]
    assert article.doc == "000_fa77a8a22d1f7229.txt"
    assert article.source == str(SEEDS / "000_fa77a8a22d1f7229.txt")
    assert article.encoding == "utf-8"


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (
            "000",
            [("editor", "齐卫国"), ("editor", "赵强"), ("editor", "杨卓"), ("reporter", "周圆"), ("correspondent", "马杰")],
        ),
        (
            "001",
            [
                ("reporter", "齐卫国"),
                ("correspondent", "焦玉"),
                ("correspondent", "吴佳昊"),
                ("correspondent", "欧村法"),
                ("correspondent", "李玲"),
            ],
        ),
        (
            "002",
            [("reporter", "齐卫国"), ("correspondent", "马杰"), ("reporter", "沈全华"), ("correspondent", "何志军")],
        ),
        ("003", [("reporter", "齐卫国"), ("reporter", "周圆")]),
        ("004", [("reporter", "贺天鸿"), ("correspondent", "唐新春"), ("correspondent", "刘如荣")]),
    ],
)
def test_seed_bylines(seeds, seed, expected):
    assert credits(seeds[seed]) == expected


@pytest.mark.parametrize("seed", [name[:3] for name in SEED_NAMES])
def test_seed_offsets_point_into_text(seeds, seed):
    article = seeds[seed]
    for byline in article.bylines:
        assert article.text[byline.start : byline.end] == byline.name
    for paragraph in article.paragraphs:
        for start, end in paragraph.pieces:
            piece = article.text[start:end]
            assert 0 <= start < end <= len(article.text)
            assert piece == piece.strip() and not piece.startswith("#") and "\n" not in piece


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("株洲日报·掌上株洲记者/周圆 通讯员/马杰", [("reporter", "周圆"), ("correspondent", "马杰")]),
        ("株洲日报·掌上株洲记者齐卫国 通讯员马杰", [("reporter", "齐卫国"), ("correspondent", "马杰")]),
        ("株洲日报·掌上株洲讯记者/贺天鸿 通讯员/唐新春 刘如荣", [("reporter", "贺天鸿"), ("correspondent", "唐新春"), ("correspondent", "刘如荣")]),
        ("文/图 株洲日报全媒体记者/齐卫国 周圆", [("reporter", "齐卫国"), ("reporter", "周圆")]),
        ("文/图 周圆", [("reporter", "周圆")]),
        ("记者 周圆", [("reporter", "周圆")]),
        ("记者/周圆通讯员/马杰", [("reporter", "周圆"), ("correspondent", "马杰")]),
        ("通讯员 焦玉、吴佳昊", [("correspondent", "焦玉"), ("correspondent", "吴佳昊")]),
        (
            "电话:22593799 | 2021年11月24日 星期三 责任编辑:齐卫国 美术编辑:赵强 校对:杨卓",
            [("editor", "齐卫国"), ("editor", "赵强"), ("editor", "杨卓")],
        ),
        ("编辑：赵强", [("editor", "赵强")]),
        ("记者 周圆 编辑 赵强", [("reporter", "周圆"), ("editor", "赵强")]),
        ("记者/周圆 摄影/马杰", [("reporter", "周圆"), ("photo", "马杰")]),
        ("本报讯记者张三 通讯员李四", [("reporter", "张三"), ("correspondent", "李四")]),
        ("本报讯（记者 周圆 通讯员 马杰）11月23日,天元区召开平安建设推进会。", [("reporter", "周圆"), ("correspondent", "马杰")]),
        ("本报讯(记者周圆)11月23日,天元区召开平安建设推进会。", [("reporter", "周圆")]),
        ("记者手记", []),
        ("通讯员 供图", []),
        ("记者 周圆 摄", [("photo", "周圆")]),
        ("2021年11月24日 星期三 责任编辑:欧阳春晓明", []),
        ("校对完成", []),
        ("摄影/周圆", [("photo", "周圆")]),
        ("白鹤小学开展护学活动。记者 周圆 摄", [("photo", "周圆")]),
        ("白鹤小学开展护学活动。周圆/摄", [("photo", "周圆")]),
        ("白鹤小学开展护学活动 周圆 摄", [("photo", "周圆")]),
        ("志愿者们在白鹤小学门口合影留念,记者现场拍摄", []),
        ("湘湾社区135社区微治理“童眼看社区之疯狂的垃圾”。通讯员供图", []),
        ("第二个中国人民警察节来临之际,记者走进市公安局综合管理支队反扒大队,了解反扒民警与扒手斗智斗勇的故事。", []),
        ("随后,他们通过步行、摩托车、坐公交车等多种途径,悄无声息地跟踪对方,并拍摄视频资料。", []),
        ("编辑部的同志认真校对了全文。", []),
        ("浙江在线01月23日讯 (浙江日报记者 周圆 通讯员 马杰) 近日，杭州市召开平安建设推进会。",
         [("reporter", "周圆"), ("correspondent", "马杰")]),
        ("来源：岳阳日报  编辑：赵强  责编：齐卫国  审核：杨卓", [("editor", "赵强"), ("editor", "齐卫国"), ("editor", "杨卓")]),
        ("责编 齐卫国", [("editor", "齐卫国")]),
        ("作者：周圆", [("reporter", "周圆")]),
        ("近日，天元区召开平安建设推进会，会议总结了全年工作。（文/图 周圆）", [("reporter", "周圆")]),
        ("(文/图 周圆)", [("reporter", "周圆")]),
        ("央视网消息（新闻联播）：十四届全国人大常委会第三次会议28日下午在北京闭幕。", []),
        ("会议审核通过了三项议案。", []),
    ],
)
def test_byline_lines(line, expected):
    article = parse_article("x.txt", f"标题\n\n{line}\n", "x.txt")
    assert credits(article) == expected
    assert all(article.text[b.start : b.end] == b.name for b in article.bylines)


def test_bylines_are_deduplicated_in_text_order():
    text = "记者/周圆 通讯员/马杰\n\n正文。\n\n记者/齐卫国 通讯员/马杰\n"
    assert credits(parse_article("x.txt", text, "x.txt")) == [
        ("reporter", "周圆"),
        ("correspondent", "马杰"),
        ("reporter", "齐卫国"),
    ]


@pytest.mark.parametrize(
    ("line", "newspaper", "page"),
    [("株洲日报 A3", "株洲日报", "A3"), ("湖南日报 第5版", "湖南日报", "第5版"), ("潇湘晨报 12", "潇湘晨报", "12")],
)
def test_newspaper_and_page_line(line, newspaper, page):
    article = parse_article("x.txt", f"# 标题\n\n{line}\n\n正文第一句。\n", "x.txt")
    assert (article.newspaper, article.page) == (newspaper, page)
    assert line not in texts(article)


@pytest.mark.parametrize(
    ("line", "newspaper"),
    [
        ("湖南日报·新湖南记者/周圆", "湖南日报"),
        ("湖南日报・新湖南记者/周圆", "湖南日报"),
        ("株洲日报讯（记者 周圆）11月23日,天元区召开平安建设推进会。", "株洲日报"),
        ("本报讯（记者 周圆）11月23日,天元区召开平安建设推进会。", ""),
        ("记者/周圆", ""),
        ("央视网消息（新闻联播）：十四届全国人大常委会第三次会议28日下午在北京闭幕。", "央视网"),
        ("浙江在线01月23日讯 (浙江日报记者 周圆) 近日，杭州市召开平安建设推进会。", "浙江在线"),
        ("岳阳日报讯 近日，岳阳市召开平安建设推进会。", "岳阳日报"),
        ("来源：岳阳日报  编辑：赵强", "岳阳日报"),
        ("据新华网消息，天元区召开平安建设推进会。", ""),
        ("资金来源：财政拨款", ""),
    ],
)
def test_newspaper_from_byline_prefix(line, newspaper):
    article = parse_article("x.txt", f"标题\n\n{line}\n", "x.txt")
    assert (article.newspaper, article.page) == (newspaper, "")


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("电话:22593799 | 2021年11月24日 星期三 责任编辑:齐卫国", "2021-11-24"),
        ("2021年1月5日 星期二", "2021-01-05"),
        ("2021-11-24", "2021-11-24"),
        ("2021/11/24", "2021-11-24"),
        ("2021年2月30日", ""),
    ],
)
def test_header_date(line, date):
    assert parse_article("x.txt", f"标题\n\n{line}\n\n正文。\n", "x.txt").date == date


def test_date_line_is_header_not_body():
    article = parse_article("x.txt", "标题\n\n2021年11月24日 星期三\n\n正文。\n", "x.txt")
    assert texts(article) == ["标题", "正文。"]


@pytest.mark.parametrize(
    ("line", "is_body"),
    [
        ("电话:22593799 | 2021年11月24日 星期三", False),
        ("群众可拨打举报电话:22593799。", True),
        (
            "2021年11月24日,天元区公安分局向社会公布了涉黑涉恶线索举报电话:22593799,欢迎广大群众积极提供线索,"
            "对查证属实的线索,将按照有关规定给予奖励,并对举报人的个人信息严格保密,切实保障举报人的合法权益不受侵害。",
            True,
        ),
    ],
)
def test_telephone_and_editor_lines(line, is_body):
    assert (line in texts(parse_article("x.txt", f"标题\n\n{line}\n", "x.txt"))) is is_body


@pytest.mark.parametrize(
    "first_line",
    [
        "三门镇“益路同行”关爱农村留守和困境儿童暨爱蕾信息小站揭牌现场,志愿者与孩子们合影。通讯员供图",
        "# 勇当实施“三高四新”战略主力军 奋力谱写现代化新株洲壮美篇章,全力维护社会安全稳定大局",
    ],
)
def test_long_captions_and_headings_do_not_end_the_header(first_line):
    text = f"{first_line}\n\n株洲日报 2021年11月24日\n\n记者/周圆\n\n正文。\n"
    assert len(first_line) >= BODY_MIN_CHARS and parse_article("x.txt", text, "x.txt").date == "2021-11-24"


def test_date_in_body_is_not_the_article_date():
    body = "天元区委政法委从改革发展稳定大局出发,于2021年11月24日召开会议,化解了大量矛盾纠纷和不稳定隐患。"
    text = f"标题\n\n记者/周圆\n\n{body}\n\n又一段在2021年11月25日的正文。\n"
    assert parse_article("x.txt", text, "x.txt").date == ""


def test_title_skips_captions(seeds):
    assert texts(seeds["002"])[0].endswith("通讯员供图")
    assert seeds["002"].title == "五指发力,以『大平安』思维构建『齐心治』大格局"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("写在前面\n\n## 真正的标题\n\n### 小节\n", "真正的标题"),
        ("真正的标题\n\n### 小节\n", "真正的标题"),
        ("株洲日报 A3\n\n记者/周圆\n\n  真正的标题  \n", "真正的标题"),
        ("\n\n", ""),
    ],
)
def test_title(text, title):
    assert parse_article("x.txt", text, "x.txt").title == title


def test_a_city_paper_byline_names_reporter_and_correspondent():
    article = parse_article("x.txt", "标题\n\n本报记者 周圆 通讯员 李明\n\n正文。\n", "x.txt")
    assert credits(article) == [("reporter", "周圆"), ("correspondent", "李明")]
    assert "本报记者 周圆 通讯员 李明" not in texts(article)


# -- the byline table --------------------------------------------------------

ROLE_ROWS = [{"role": "reporter", "label": "记者", "credit": "creator"}]


def test_every_cue_maps_to_a_known_role():
    table = bylines()
    assert table.cue_roles and set(table.cue_roles.values()) == set(table.roles)
    for cue, role in table.cue_roles.items():
        assert table.role_of(cue) == role and table.role(role).label, cue
        assert GOVKG[role] == rdf.ROLES[role]  # a govkg:BylineRole of the ontology


def test_the_annotation_guideline_cues_are_listed():
    expected = {"记者": "reporter", "通讯员": "correspondent", "责任编辑": "editor", "美术编辑": "editor",
                "校对": "editor", "摄": "photo", "供图": "photo"}
    assert {cue: bylines().role_of(cue) for cue in expected} == expected


def test_every_cue_is_read_somewhere():
    table = bylines()
    read = {cue for place in BYLINE_PLACES for cue in table.cues(place)}
    assert read == set(table.cue_roles)
    assert all(len(a) >= len(b) for place in BYLINE_PLACES for a, b in zip(table.cues(place), table.cues(place)[1:]))


def test_role_lists_elsewhere_come_from_the_table():
    table = bylines()
    assert records.AUTHOR_ROLES == tuple(table.roles)
    assert set(rdf.ROLES) == set(table.roles)
    assert rdf.CREATOR_ROLES == ("reporter", "correspondent")
    assert view.ROLE_LABELS == {"reporter": "记者", "correspondent": "通讯员", "editor": "编辑", "photo": "摄影"}


def test_an_unknown_role_in_the_data_is_a_clear_error():
    with pytest.raises(ResourceError, match="cue '摄像' has unknown role 'camera'"):
        Bylines.from_rows(ROLE_ROWS, [{"cue": "摄像", "role": "camera", "places": "byline"}])


@pytest.mark.parametrize(
    ("roles", "cues", "message"),
    [
        (ROLE_ROWS, [{"cue": "记者", "role": "reporter", "places": "masthead"}], "cue '记者' has places 'masthead'"),
        (ROLE_ROWS, [{"cue": "记者", "role": "reporter", "places": ""}], "cue '记者' has places ''"),
        (ROLE_ROWS, [{"cue": "记者", "role": "reporter", "places": "byline"}] * 2, "cue '记者' is empty or appears twice"),
        ([{"role": "reporter", "label": "记者", "credit": "author"}], [], "role 'reporter' has credit 'author'"),
        ([{"role": "reporter", "label": "", "credit": "creator"}], [], "role 'reporter' is empty, appears twice or has no label"),
    ],
)
def test_malformed_rows_are_clear_errors(roles, cues, message):
    with pytest.raises(ResourceError, match=message):
        Bylines.from_rows(roles, cues)


def test_an_unknown_cue_or_role_is_an_error_not_a_default():
    table = Bylines.from_rows(ROLE_ROWS, [{"cue": "记者", "role": "reporter", "places": "byline dateline"}])
    assert table.role_of("记者") == "reporter" and table.cues("dateline") == ("记者",) and table.cues("credit") == ()
    with pytest.raises(ResourceError, match="byline cue '主编' is not in kg/resources/bylines.tsv"):
        table.role_of("主编")
    with pytest.raises(ResourceError, match="byline role 'editor' is not in kg/resources/byline_roles.tsv"):
        table.role("editor")
    with pytest.raises(ResourceError, match="no byline place 'masthead'"):
        table.cues("masthead")
