"""Specification of ``kg.corpus.layout``: body paragraphs, with sentences the print layout broke joined again."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus import JOIN_MIN_CHARS, paragraph_text, parse_article
from kg.records import Article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))


def texts(article: Article) -> list[str]:
    return [paragraph_text(article, paragraph) for paragraph in article.paragraphs]


# -- paragraphs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "end_of_line", "start_of_next"),
    [
        ("000", "对相关问题均以清单方式交办相关单位,确保", "化小化早。今年,先后组织相关单位"),
        ("000", "侦破了部督毒品专案、“杀猪盘”", "电信网络诈骗团伙等一批大要案件"),
        ("000", "专题研讨并推进了包括某某猥", "案、涉毒案件办理、全区第一起袭警案件"),
        ("000", "全区政法干警进一步提高了", "思想认识,拧紧责任链条"),
        ("001", "检察机关充分发挥刑事检察职", "能作用,打击各类刑事犯罪"),
        ("002", "在全市率先研究出台了《株洲市天元区推", "进社会治理现代化三年行动实施方案"),
        ("002", "推动市域社会治理现代化工作责任体", "系不断完善。派定专人对接各专项组。"),
    ],
)
def test_layout_repair_joins_broken_sentences(seeds, seed, end_of_line, start_of_next):
    article = seeds[seed]
    joined = [
        (article.text[a:b], article.text[c:d])
        for paragraph in article.paragraphs
        for (a, b), (c, d) in zip(paragraph.pieces, paragraph.pieces[1:])
    ]
    assert any(first.endswith(end_of_line) and second.startswith(start_of_next) for first, second in joined)


@pytest.mark.parametrize(
    ("seed", "line"),
    [
        ("001", "阳建"),
        ("001", "醴陵市委副书记"),
        ("001", "醴陵市委政法委书记"),
        ("001", "肩负新使命 奋楫新征程 建功新时代 着力开创醴陵政法工作新局面"),
        ("004", "刘继承"),
        ("004", "炎陵县副书记"),
        ("004", "政法委书记"),
        ("004", "为奋力谱写炎陵高质量发展新篇章提供坚实的法治保障"),
        ("002", "落细落实,下沉重心做实基层新能力"),
        ("002", "凝聚民力,发挥主体作用激活新动能"),
        ("000", "瞄准“平安”二字,打造政法工作“样板”"),
        ("002", "湘湾社区135社区微治理“童眼看社区之疯狂的垃圾”。通讯员供图"),
        ("002", "三门镇“益路同行”关爱农村留守和困境儿童暨爱蕾信息小站揭牌现场。通讯员供图"),
        ("000", "4. 区综治办、栗雨社区联合西站派出所督促业主对沙堆安全隐患进行整改。"),
    ],
)
def test_headings_name_cards_and_short_lines_stay_alone(seeds, seed, line):
    assert line in texts(seeds[seed])


def test_long_line_before_a_short_heading_is_not_joined(seeds):
    (paragraph,) = [p for p, text in zip(seeds["002"].paragraphs, texts(seeds["002"])) if text.endswith("“N合")]
    assert len(paragraph.pieces) == 1
    assert len("落细落实,下沉重心做实基层新能力") < JOIN_MIN_CHARS



BROKEN = "围绕建党100周年创造安全稳定环境的总目标,对相关问题均以清单方式交办相关单位,确保"
AFTER = "化小化早。今年,先后组织相关单位、部门和专家对20起重大建设项目开展了社会稳定风险评估。"


@pytest.mark.parametrize(
    ("ending", "joined"),
    [
        ("确保", True),
        ("侦破了部督毒品专案、“杀猪盘”", True),
        ("确保。", False),
        ("确保!", False),
        ("确保？", False),
        ("确保；", False),
        ("确保……", False),
        ("重返校园后我一定好好学习。”", False),
        ("再上新台阶。)", False),
    ],
)
def test_join_only_when_the_line_ends_mid_sentence(ending, joined):
    article = parse_article("x.txt", f"标题\n\n{BROKEN[:-2]}{ending}\n\n{AFTER}\n", "x.txt")
    assert (len(article.paragraphs) == 2) is joined


@pytest.mark.parametrize(
    ("following", "joined"),
    [
        (AFTER, True),
        ("1. 白鹤社区张艳春国学工作室,社区书记给孩子们上了一节生动的禁毒知识课。", False),
        ("### 坚持标本兼治,夯实基层基础,纵深推进“平安天元”创建,全力维护社会安全稳定", False),
        ("群丰镇新塘社区网格员彭露在集市宣传反诈电话,向过往群众讲解防骗知识。通讯员供图", False),
        ("化小化早。", False),
    ],
)
def test_join_needs_a_long_plain_next_line(following, joined):
    article = parse_article("x.txt", f"标题\n\n{BROKEN}\n\n{following}\n", "x.txt")
    assert (len(article.paragraphs) == 2) is joined


def test_a_long_heading_does_not_take_the_next_line():
    heading = "### 坚持标本兼治,夯实基层基础,纵深推进“平安天元”创建,全力维护社会安全"
    article = parse_article("x.txt", f"标题\n\n{heading}\n\n{AFTER}\n", "x.txt")
    assert texts(article)[1:] == [heading.removeprefix("### "), AFTER]


def test_a_page_header_line_between_blocks_stops_a_join():
    article = parse_article("x.txt", f"标题\n\n{BROKEN}\n\n记者/周圆\n\n{AFTER}\n", "x.txt")
    assert texts(article)[1:] == [BROKEN, AFTER]


@pytest.mark.xfail(reason="002 mixes columns: 督导 continues in 问责,推动工作落实, two blocks later", strict=True)
def test_layout_repair_follows_shuffled_columns(seeds):
    assert any("以强有力的督导问责,推动工作落实" in text for text in texts(seeds["002"]))


def test_page_header_lines_are_not_body(seeds):
    body = "\n".join(texts(seeds["000"]))
    assert "株洲日报 A3" not in body and "电话:22593799" not in body and "记者/周圆" not in body
    assert "——全市政法系统贯彻落实党代会精神特别报道·天元区" in texts(seeds["000"])


def test_heading_marks_and_whitespace_are_outside_pieces(seeds):
    assert texts(seeds["000"])[0] == "勇当实施“三高四新”战略主力军 奋力谱写现代化新株洲壮美篇章"
    assert "醴陵市委副书记" in texts(seeds["001"])  # the file line has two trailing spaces


def test_empty_headings_give_no_paragraph():
    assert texts(parse_article("x.txt", "标题\n\n##   \n\n正文。\n", "x.txt")) == ["标题", "正文。"]


def test_paragraph_text_concatenates_pieces():
    article = parse_article("x.txt", f"标题\n\n{BROKEN}\n\n{AFTER}\n", "x.txt")
    (_, paragraph) = article.paragraphs
    assert [article.text[start:end] for start, end in paragraph.pieces] == [BROKEN, AFTER]
    assert paragraph_text(article, paragraph) == BROKEN + AFTER
