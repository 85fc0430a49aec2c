"""The NER model's CRF (``kg.ner.crf``): tags from spans and back, features, and the numpy tagger
against crfsuite's own.

A small model is trained here on the first 30 records of each training file
(``tests/fixtures/ner``); the numpy search must give crfsuite's tags for
every sentence, including sentences it never saw.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycrfsuite
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.lexicon import lexicon
from kg.ner.crf import OFFSETS, TAGS, CrfModel, WordFeatures, entities, word_tags
from kg.ner.data import convert, read_split
from kg.tokenizers import jieba_words

UNSEEN = [
    "2021年至今,钟平熊一共化解辖区矛盾纠纷",
    "炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。",
    "（新华社记者赵毅）国务院总理在北京会见了美国驻华大使尚慕杰。",
    "湖南省株洲市委书记曹慧泉主持召开市委常委会会议",
    "株洲",
]


BARRED = [(["A|B", "|", "张三", "在", "C|D|E"], ["B-ORG", "L-ORG", "U-PER", "O", "U-PLACE"]),
           (["|", "A|B", "说", "|"], ["O", "U-PER", "O", "O"])]


@pytest.fixture(scope="module")
def features() -> WordFeatures:
    return WordFeatures(lexicon().surnames)


@pytest.fixture(scope="module")
def trained(ner_data: Path, features: WordFeatures, tmp_path_factory: pytest.TempPathFactory) -> tuple[pycrfsuite.Tagger, CrfModel, list[list[str]]]:
    """crfsuite's tagger and ours for one small model, and the word lists of the training and unseen texts."""
    folder = tmp_path_factory.mktemp("crf")
    convert(ner_data, folder, dev_percent=0)
    trainer = pycrfsuite.Trainer(verbose=False)
    sentences = []
    for record in read_split(folder / "train.jsonl"):
        words = jieba_words(record["text"])
        tags = word_tags(words, [tuple(e) for e in record["ents"]])
        sentences.append(words)
        if tags is not None and not record["missing"]:
            trainer.append(features.of_sentence(words), tags)
    for words, tags in BARRED:  # words with the bar that pair attributes put between two words
        trainer.append(features.of_sentence(words), tags)
        sentences.append(words)
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 40, "feature.possible_transitions": True})
    trainer.train(str(folder / "model.crfsuite"))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(folder / "model.crfsuite"))
    return tagger, CrfModel.from_crfsuite(tagger.info(), features), sentences + [jieba_words(t) for t in UNSEEN]


@pytest.mark.parametrize(("text", "ents", "tags"), [
    ("湖南省株洲市委书记曹慧泉主持会议", [(0, 3, "PLACE"), (9, 12, "PER")], ["U-PLACE", "O", "O", "U-PER", "O"]),
    ("株洲市公安局天元分局", [(0, 10, "ORG")], ["B-ORG", "I-ORG", "I-ORG", "L-ORG"]),
])
def test_entities_become_word_tags_and_back(text: str, ents: list, tags: list) -> None:
    words = jieba_words(text)
    assert word_tags(words, ents) == tags
    assert entities(words, tags) == ents


def test_an_entity_that_cuts_a_word_has_no_word_tags() -> None:
    words = jieba_words("株洲市委书记曹慧泉")  # 株洲 | 市委书记 | ...: 株洲市 ends inside a word
    assert word_tags(words, [(0, 3, "PLACE")]) is None


def test_an_ill_formed_run_of_tags_marks_no_entity() -> None:
    words = ["国务院", "总理", "李强", "在", "北京"]
    assert entities(words, ["I-ORG", "L-ORG", "B-PER", "O", "U-PLACE"]) == [(8, 10, "PLACE")]
    assert entities(words, ["B-ORG", "L-PER", "U-PER", "O", "O"]) == [(5, 7, "PER")]


def test_a_word_gives_its_attributes_to_each_offset(features: WordFeatures) -> None:
    given_by = dict(zip(OFFSETS, features.of_word("曹慧泉")))
    assert "0w=曹慧泉" in given_by[0] and "0sur=3" in given_by[0] and "0c=慧" in given_by[0]
    assert given_by[-1] == [f"-1{name}" for name in ("w=曹慧泉", "t=?", "sh=H", "l=泉", "sur")]
    assert given_by[2] == ["2w=曹慧泉"]
    sentence = features.of_sentence(["书记", "曹慧泉"])
    assert "1w=曹慧泉" in sentence[0] and "-1w=书记" in sentence[1] and "-2w=<s>" in sentence[0]
    assert "pw=书记|曹慧泉" in sentence[1] and "wn=曹慧泉|</s>" in sentence[1]


def test_the_numpy_tagger_gives_crfsuites_tags(trained: tuple) -> None:
    tagger, model, sentences = trained
    assert len(sentences) > 50
    for words in sentences:
        assert model.tags(words) == tagger.tag(model.features.of_sentence(words)), words


def test_words_with_a_bar_find_their_pair_attributes(trained: tuple) -> None:
    tagger, model, _ = trained
    assert {"A|B", "|", "张三", "C|D|E", "B", "E", "D|E"} <= model.pairs_ending
    for words in [w for w, _ in BARRED] + [["|", "|", "A|B", "C|D|E", "|"]]:
        assert model.tags(words) == tagger.tag(model.features.of_sentence(words))


def test_sentences_of_different_lengths_are_searched_together(trained: tuple) -> None:
    _, model, sentences = trained
    scores = model.scores(sentences)
    assert [list(path) for path in model.best_tags(scores)] == [list(model.best_tags([s])[0]) for s in scores]
    assert model.best_tags([]) == [] and model.scores([]) == []
    with_empty = model.best_tags(model.scores([sentences[0], [], sentences[1]]))
    assert [len(path) for path in with_empty] == [len(sentences[0]), 0, len(sentences[1])]


@given(st.text(alphabet="株洲市委书记曹慧泉在北京会见了美国大使，。！\n 2021年A", max_size=60))
def test_tagging_any_text_gives_spans_inside_it(trained: tuple, text: str) -> None:
    _, model, _ = trained
    [ents] = model.tag([text])
    assert all(0 <= start < end <= len(text) and label in ("PER", "ORG", "PLACE") for start, end, label in ents)
    assert all("\n" not in text[start:end] for start, end, _ in ents)


def test_a_text_is_tagged_in_its_sentences_with_offsets_into_it(trained: tuple) -> None:
    _, model, _ = trained
    text = "\n".join(UNSEEN[1:3])
    [ents] = model.tag([text])
    pieces = [next(model.tag([piece])) for piece in UNSEEN[1:3]]
    shift = len(UNSEEN[1]) + 1
    assert ents == pieces[0] + [(s + shift, e + shift, label) for s, e, label in pieces[1]]


def test_a_saved_model_loads_with_the_same_tags_and_saves_to_the_same_bytes(trained: tuple, tmp_path: Path) -> None:
    _, model, sentences = trained
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    model.save(first)
    loaded = CrfModel.load(first, model.features)
    assert [loaded.tags(words) for words in sentences] == [model.tags(words) for words in sentences]
    loaded.save(second)
    assert (first / "weights.npz").read_bytes() == (second / "weights.npz").read_bytes()
    assert np.array_equal(loaded.transitions, model.transitions) and len(TAGS) == 13


def test_a_word_is_scored_once_and_remembered(trained: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    _, model, _ = trained
    model.words.clear()
    scored = []
    monkeypatch.setattr(model.words, "score_words", lambda words: scored.extend(words) or model._word_scores(words))
    first = model.scores([["株洲", "株洲", "株洲"]])[0]
    again = model.scores([["株洲"], ["株洲", "株洲", "株洲"]])[1]
    assert scored == ["<s>", "株洲", "</s>"] and np.array_equal(first, again)


def test_remembered_words_are_forgotten_at_once_when_full(trained: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    _, model, sentences = trained
    monkeypatch.setattr("kg.ner.crf.REMEMBERED_WORDS", 8)
    model.words.clear()
    expected = [list(path) for path in model.best_tags(model.scores(sentences))]  # more than 8 words at once: all kept
    assert len(model.words.ids) > 8
    assert [list(path) for path in model.best_tags(model.scores(sentences[:1] + sentences))] == [expected[0], *expected]
    model.scores([["株洲", "株洲市"]])
    assert set(model.words.ids) == {"<s>", "株洲", "株洲市", "</s>"}
