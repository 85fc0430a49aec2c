"""The pipelines' tokenizers cut and space text as spaCy's Chinese tokenizers do, in linear time, and the
sentences are those of spaCy's sentencizer."""

from __future__ import annotations

import jieba
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.util import get_words_and_spaces

from kg.pipeline.sentences import PUNCT_CHARS
from kg.pipeline.spans import SENTENCE_STARTS, sentence_of, text_of
from kg.tokenizers import TEXT, JiebaWords, characters_and_spaces, jieba_words

TEXTS = [
    "市委书记王国强到白鹤社区调研乡村振兴工作。",
    "  株洲市 天元区  召开会议\n\n会议要求:",  # spaces before, inside and doubled, blank lines
    "中\u3000文\xa0x ",  # an ideographic and a no-break space, one trailing space
    "  ",
    "",
]


@pytest.fixture(scope="module")
def spacy_chars() -> Language:
    """spaCy's own Chinese pipeline, one token per character, with its sentencizer."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": PUNCT_CHARS})
    return nlp


@pytest.mark.parametrize("text", TEXTS)
def test_characters_and_spaces_are_those_of_spacys_function(text: str) -> None:
    assert characters_and_spaces(text) == get_words_and_spaces(list(text), text)


@pytest.mark.slow
@settings(deadline=None)  # the first example loads jieba's dictionary
@given(st.text(alphabet="王国强市 \n\u3000。,”!", max_size=40))
def test_any_text_is_cut_and_spaced_as_spacy_cuts_and_spaces_it(text: str) -> None:
    assert characters_and_spaces(text) == get_words_and_spaces(list(text), text)
    assert "".join(jieba_words(text)) == text  # the model's words spell the text: their offsets are its own


@pytest.mark.parametrize("text", TEXTS)
def test_the_rule_pipeline_has_a_token_per_character_and_keeps_the_text(nlp: Language, spacy_chars: Language,
                                                                        text: str) -> None:
    doc, expected = nlp.make_doc(text), spacy_chars.make_doc(text)
    assert [(t.text, t.whitespace_) for t in doc] == [(t.text, t.whitespace_) for t in expected]
    assert doc.user_data[TEXT] == text == doc.text


@pytest.mark.parametrize("text", [
    "湖南省株洲市委书记曹慧泉到白鹤社区调研",
    "S-300防空导弹和XBB.1.5变异株",  # jieba-rs keeps S-300 and XBB.1.5 whole; jieba cuts them
    "5G+工业互联网 试点,占比97.1%。",
])
def test_the_models_words_are_those_jieba_cuts(text: str) -> None:
    by_python, by_rust = JiebaWords(python_first=len(text)), JiebaWords(python_first=0)
    assert by_python(text) == by_rust(text) == [word for word in jieba.cut(text, cut_all=False) if word]
    assert by_python.cut_in_python == len(text) and by_rust.cut_in_python == 0


def test_the_models_words_spell_the_text() -> None:
    text = "湖南省 株洲市委书记曹慧泉\n\n调研"
    assert jieba_words(text)[:6] == ["湖南省", " ", "株洲", "市委书记", "曹慧泉", "\n"]
    assert "".join(jieba_words(text)) == text


@pytest.mark.parametrize("text", [
    "会议要求:抓落实。“要真抓实干。”他说。",  # 。” stays whole: the quote closes the sentence before
    "第一句!!第二句?\n\n第三句;第四句",  # several final characters and blank lines start one sentence
    "没有句末标点",
    "。",
])
def test_sentences_start_where_spacys_sentencizer_starts_them(nlp: Language, spacy_chars: Language, text: str) -> None:
    doc = nlp.get_pipe("kg_sentences")(nlp.make_doc(text))
    expected = [sentence.start for sentence in spacy_chars(text).sents]
    assert [sentence.start for sentence in doc.sents] == expected == doc.user_data[SENTENCE_STARTS]


def test_a_span_finds_its_sentence_among_the_starts(nlp: Language) -> None:
    doc = nlp("株洲市召开会议。市委书记曹慧泉出席会议并讲话。")
    person = next(span for span in doc.spans["kg"] if span.text == "曹慧泉")
    assert sentence_of(person).text == "市委书记曹慧泉出席会议并讲话。"
    assert text_of(doc) == "株洲市召开会议。市委书记曹慧泉出席会议并讲话。"
