"""Text-level fuzzing: real sentences with spaces, marks, quotes, NULs and long runs inserted
go through the whole per-article path (read, extract, resolve, RDF) without an exception,
and every offset still points into the original text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.corpus import parse_article
from kg.extract import read_article
from kg.rdf import article_nquads
from kg.records import Extraction
from kg.resolve import resolve

#: Sentences from the seeds and from news of other provinces (the cases issue 12 and 13 quote).
SENTENCES = [
    "去年,全国公安系统开展英雄模范立功集体表彰,炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。",
    "醴陵市委副书记、政法委书记阳建主持会议。",
    "天元区公安局开展“百日攻坚庆百年”专项行动,群丰镇新塘社区网格员彭露在走访中发现线索。",
    "经国会 同意,广东省公安厅副厅长李明华出席。",
    "区委副书记、区长赵丽萍,市委常委、政法委书记,市公安局局长李明华。",
    "任命杨帆为郫都区公安局局长,免去李刚的郫都区公安局局长职务。",
    "佛山市公安局禅城分局“枫桥式公安派出所”创建工作。",
]
#: What gets inserted: spaces of every width, zero-width and bidi marks, quotes and brackets,
#: NUL, a lone surrogate, a BOM, and long runs.
INSERTS = [" ", "\u3000", "\u00a0", "\t", "\n", "\u200b", "\u200d", "\u200e", "\u202e", "\u2066", "\ufeff", "“", "”",
           "\"", "(", ")", "《", "》", "【", "\x00", "\ud800", "\udfff", "、", "。", " " * 200, "的" * 300,
           "a" * 500, "“" * 50]
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(text: str, *, ner: bool = False) -> Extraction:
    """The per-article stages a build worker runs, on one text."""
    article = parse_article("fuzz.txt", text, "fuzz.txt")
    extraction = resolve(read_article(article, ner=ner))
    article_nquads(extraction)
    return extraction


def as_read(text: str) -> str:
    """What the reader keeps of a text: a leading BOM dropped, a lone surrogate replaced (one for one)."""
    return LONE_SURROGATE.sub("\ufffd", text.removeprefix("\ufeff"))


def assert_offsets_point_into(given: str, extraction: Extraction) -> None:
    text = extraction.article.text
    assert text == as_read(given)
    for entity in extraction.entities:
        for mention in entity.mentions:
            assert text[mention.start : mention.end] == mention.text
    for relation in extraction.relations:
        evidence = relation.evidence
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert evidence.sentence in text


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A real sentence with up to eight insertions at random places."""
    text = draw(st.sampled_from(SENTENCES))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(INSERTS)) + text[at:]
    return text


@pytest.mark.slow
@SETTINGS
@given(damaged())
def test_damaged_sentences_never_raise_and_offsets_point_into_the_text(text: str) -> None:
    assert_offsets_point_into(text, run(text))


@pytest.mark.parametrize("insert", INSERTS[:12])
def test_the_model_takes_damaged_sentences_too(insert: str) -> None:
    text = SENTENCES[0][:20] + insert + SENTENCES[0][20:]
    assert_offsets_point_into(text, run(text, ner=True))


@pytest.mark.slow
@pytest.mark.parametrize("space", [" ", "\u3000"])
def test_a_space_at_every_position_of_a_paragraph(space: str) -> None:
    """Nothing fails, and no mention crosses the space."""
    sentence = SENTENCES[1] + SENTENCES[0]
    for at in range(1, len(sentence)):
        text = sentence[:at] + space + sentence[at:]
        extraction = run(text)
        assert_offsets_point_into(text, extraction)
        for entity in extraction.entities:
            for mention in entity.mentions:
                assert space not in mention.text, (at, mention)


@pytest.mark.parametrize(("text", "place"), [("经国会 同意", "会同"), ("广 东省公安厅", "广东省")])
def test_a_division_name_cut_by_a_space_is_not_that_division(text: str, place: str) -> None:
    names = {e.name for e in run(text).entities}
    assert place not in names
