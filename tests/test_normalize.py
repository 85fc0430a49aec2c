"""Specification of ``kg.normalize``: length-preserving folding and the offset map.

Normalisation must never move a character (style habit 4): every offset the
pipeline reports is an offset into ``Article.text`` once passed through
``TextMap.span``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.corpus import parse_article
from kg.normalize import assemble, fold_width, normalize, to_simplified
from kg.resources import read_tsv

ROOT = Path(__file__).resolve().parents[1]

#: Characters the normaliser has an opinion about, mixed into generated text.
INTERESTING = list("，：；！？（）〔〕「」『』０１９ＡＺａｚ＋－／。、“”‘’\u3000\u00a0\ufeff") + list("天元区公安局,:()縣鍾開乾於")
TEXTS = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(INTERESTING)), max_size=80)

#: Half-width punctuation -> its full-width form, as Chinese newspapers often print it.
TO_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", **{str(d): chr(0xFF10 + d) for d in range(10)}})


# -- fold_width / normalize ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("天元区委政法委从改革发展稳定大局出发，化解了大量矛盾纠纷", "天元区委政法委从改革发展稳定大局出发,化解了大量矛盾纠纷"),
        ("醴陵市国安办（防务办）被省国家安全厅评为", "醴陵市国安办(防务办)被省国家安全厅评为"),
        ("湖南省法治政府建设示范县（市、区）等荣誉", "湖南省法治政府建设示范县(市、区)等荣誉"),
        ("责任编辑：齐卫国 美术编辑：赵强", "责任编辑:齐卫国 美术编辑:赵强"),
        ("区人民法院、区人民检察院就当下新型电信网络诈骗的类型进行讨论；", "区人民法院、区人民检察院就当下新型电信网络诈骗的类型进行讨论;"),
        ("天元区荣获２０２１-２０２２年度湖南省平安校园示范县市区称号！", "天元区荣获2021-2022年度湖南省平安校园示范县市区称号!"),
        ("“国家反诈中心”ＡＰＰ客户端", "“国家反诈中心”APP客户端"),
        ("以『大平安』思维构建「齐心治」大格局", "以“大平安”思维构建“齐心治”大格局"),
        ("〔2021〕3号", "(2021)3号"),
        ("记者\u3000周圆", "记者 周圆"),
        ("通讯员\u00a0马杰", "通讯员 马杰"),
        # the ideographic full stop and enumeration comma are Chinese, not full-width ASCII: kept
        ("新时代文明实践站、雷锋驿站。", "新时代文明实践站、雷锋驿站。"),
    ],
)
def test_fold_width(text, expected):
    assert fold_width(text) == expected
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("炎陵縣公安局沔渡派出所所長鍾平熊獲評“全國優秀人民警察”", "炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”"),
        ("醴陵市國安辦（防務辦）被省國家安全廳評為", "醴陵市国安办（防务办）被省国家安全厅评为"),
        ("開展掃黑除惡專項鬥爭", "开展扫黑除恶专项斗争"),
        ("株洲日報記者/周圓", "株洲日报记者/周圆"),
        # written in simplified text too: 乾 (乾隆), 於 (a surname), 覆 (覆盖) stay
        ("乾隆年間於氏覆蓋", "乾隆年间於氏覆盖"),
        ("天元区委政法委", "天元区委政法委"),
    ],
)
def test_to_simplified(text, expected):
    assert to_simplified(text) == expected
    assert len(to_simplified(text)) == len(text)


def test_to_simplified_leaves_simplified_seeds_alone():
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert to_simplified(text) == text, path.name


def test_to_simplified_leaves_the_lexicons_alone():
    for path in sorted((ROOT / "kg" / "resources").glob("*.t[sx][vt]")):
        if path.name != "t2s.tsv":
            text = path.read_text(encoding="utf-8")
            assert to_simplified(text) == text, path.name


def test_the_t2s_table_is_one_to_one_and_settled():
    rows = read_tsv("t2s.tsv")
    table = {row["traditional"]: row["simplified"] for row in rows}
    assert len(rows) == len(table) > 4000
    assert all(len(key) == len(value) == 1 and key != value for key, value in table.items())
    assert not set(table.values()) & set(table), "a simplified form must not be folded again"
    assert normalize("".join(table)) == "".join(table.values())


def test_the_t2s_table_is_current():
    pytest.importorskip("opencc", reason="the build script needs opencc-python-reimplemented")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_t2s.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@given(TEXTS)
def test_normalize_keeps_the_length(text):
    assert len(normalize(text)) == len(text)


@given(TEXTS)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(TEXTS)
def test_normalize_changes_characters_one_for_one(text):
    """Each character is folded on its own: normalising a slice is slicing the normalised text."""
    folded = normalize(text)
    assert all(normalize(a) == b for a, b in zip(text, folded))


# -- the pipeline sees full- and half-width text alike ---------------------------

SAME_ENTITIES = [
    "醴陵市国安办(防务办)被省国家安全厅评为“2020年湖南省先进基层防务办”。",
    "营造专心创业、放心投资、安心经营的良好环境。获评全省扫黑除恶专项斗争先进单位、湖南省法治政府建设示范县(市、区)等荣誉。",
    "经过不懈奋斗,天元区荣获2021-2022年度湖南省平安校园示范县市区称号,社会大局安定稳定。",
    "天元区委政法委从改革发展稳定大局出发,化解了大量矛盾纠纷和不稳定隐患,解决了一批事关群众切身利益突出问题。",
    "天元区委政法委围绕市域社会治理“怎么推”、“治什么”、“靠什么”,坚持以系统推进、拉长补短、智力支撑的思路推进市域社会治理现代化。",
    "1月1日,正是株洲经开区龙头铺镇赶集日,一名在农贸市场购买水果的女子手机被扒走。",
]


def _found(doc) -> tuple[list, list]:
    spans = [(s.label_, s.start_char, s.end_char, s._.kg_key) for s in doc.spans["kg"]]
    rels = [
        (r.type, tuple((k, v if isinstance(v, str) else (v.start_char, v.end_char)) for k, v in r.args.items()))
        for r in doc._.kg_relations
    ]
    return spans, rels


@pytest.mark.parametrize("half", SAME_ENTITIES)
def test_full_width_punctuation_gives_the_same_entities(nlp, half):
    full = half.translate(TO_FULL_WIDTH)
    assert full != half
    expected = _found(nlp(half))
    assert expected[0], "the sentence should hold entities"
    assert _found(nlp(normalize(full))) == expected


# -- assemble / TextMap ----------------------------------------------------------

#: Seed 000: one sentence the print layout broke across two blocks, in full-width punctuation.
BROKEN = (
    "# 瞄准“平安”二字，打造政法工作“样板”\n"
    "\n"
    "区平安办将平安创建融入百姓的日常生活中，发动平安志愿者进社区、全区机关干部“一拖十”、四联干部“联点企业”等平安建设宣传方式，"
    "将人人参与、人人有责的平安建设氛围推向高潮。今年以来，区各政法单位在开展政法队伍教育整顿的同时，通过边改边建，将其成效转化为推动\n"
    "\n"
    "内力。区公安局号召全体干警要树立起正确的世界观、人生观、价值观，打造一支终生学习、不忘初心、为民服务的公安铁军，"
    "让天元公安成为株洲公安首善之警；区人民法院、区人民检察院就当下新型电信网络诈骗的类型进行讨论。\n"
    "\n"
    "天元区荣获２０２１-２０２２年度湖南省平安校园示范县市区称号。\n"
)


@pytest.fixture(scope="module")
def broken():
    article = parse_article("broken.txt", BROKEN, "broken.txt")
    return article, assemble(article)


def test_the_broken_sentence_is_one_paragraph(broken):
    article, textmap = broken
    assert [len(p.pieces) for p in article.paragraphs] == [1, 2, 1]  # heading, repaired paragraph, last line
    assert "转化为推动内力。" in textmap.text
    assert textmap.text.count("\n") == len(article.paragraphs) - 1


def test_assembled_text_is_normalised(broken):
    _, textmap = broken
    assert "，" not in textmap.text and "；" not in textmap.text
    assert "2021-2022年度" in textmap.text
    assert normalize(textmap.text) == textmap.text


def test_every_character_maps_back_to_its_original(broken):
    article, textmap = broken
    assert len(textmap.origin) == len(textmap.text)
    assert list(textmap.origin) == sorted(set(textmap.origin)), "offsets must increase"
    for at, char in enumerate(textmap.text):
        original = article.text[textmap.origin[at]]
        if char == "\n":  # the joint between two paragraphs
            assert original.isspace()
        else:
            assert normalize(original) == char


@pytest.mark.parametrize(
    ("words", "original"),
    [
        ("区平安办", "区平安办"),
        ("区公安局", "区公安局"),
        ("天元公安", "天元公安"),
        ("教育整顿的同时,通过", "教育整顿的同时，通过"),
        # across the joint of the repaired paragraph: the original still holds the break
        ("转化为推动内力", "转化为推动\n\n内力"),
        ("2021-2022年度", "２０２１-２０２２年度"),
    ],
)
def test_span_maps_back_to_the_article_text(broken, words, original):
    article, textmap = broken
    start = textmap.text.index(words)
    begin, end = textmap.span(start, start + len(words))
    assert article.text[begin:end] == original


def test_empty_span_maps_to_a_point(broken):
    _, textmap = broken
    at = textmap.text.index("区公安局")
    assert textmap.span(at, at) == (textmap.origin[at], textmap.origin[at])


def test_pipeline_entities_map_back_to_the_article(nlp, broken):
    article, textmap = broken
    doc = nlp(textmap.text)
    seen = {}
    for span in doc.spans["kg"]:
        begin, end = textmap.span(span.start_char, span.end_char)
        assert normalize(re.sub(r"\s", "", article.text[begin:end])) == span.text
        seen[span.text] = article.text[begin:end]
    assert seen["区公安局"] == "区公安局"
    assert article.text.index("区公安局") == textmap.span(*_offsets(doc, "区公安局"))[0]
    assert seen["湖南省平安校园示范县市区"] == "湖南省平安校园示范县市区"


def _offsets(doc, text: str) -> tuple[int, int]:
    span = next(s for s in doc.spans["kg"] if s.text == text)
    return span.start_char, span.end_char


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_spans_map_back(seed_runs, seed):
    """In the real seeds too, every chosen span is the original text once whitespace is dropped."""
    run = seed_runs[seed]
    assert any(len(p.pieces) > 1 for p in run.article.paragraphs) or seed != "000"
    for span in run.doc.spans["kg"]:
        begin, end = run.textmap.span(span.start_char, span.end_char)
        assert normalize(re.sub(r"\s", "", run.article.text[begin:end])) == re.sub(r"\s", "", span.text)


@given(st.lists(st.text(alphabet=st.sampled_from(list("天元区公安局开展专项行动，,。、（）\u3000 ")), min_size=1, max_size=60), min_size=1, max_size=6))
def test_assemble_maps_any_article_back(lines):
    text = "\n".join(lines)
    article = parse_article("any.txt", text, "any.txt")
    textmap = assemble(article)
    assert len(textmap.origin) == len(textmap.text)
    for at, char in enumerate(textmap.text):
        original = article.text[textmap.origin[at]]
        assert normalize(original) == char or (char == "\n" and original.isspace())
