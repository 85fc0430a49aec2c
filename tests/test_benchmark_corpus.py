"""The corpus generator of the scale benchmark (``benchmarks/corpus.py``)."""

from __future__ import annotations

import statistics

import pytest

from benchmarks import corpus
from kg.corpus import parse_article
from kg.resources import divisions

pytestmark = pytest.mark.slow  # each test generates a corpus: seconds


@pytest.fixture(scope="module")
def articles() -> list[tuple[str, str]]:
    return list(corpus.generate(60, seed=7))


def test_same_seed_same_corpus(articles):
    assert list(corpus.generate(60, seed=7)) == articles


def test_another_seed_another_corpus(articles):
    other = list(corpus.generate(60, seed=8))
    assert {text for _, text in other}.isdisjoint(text for _, text in articles[1:])


def test_articles_are_numbered_and_can_be_added(articles):
    assert [name for name, _ in articles] == [f"{i:06d}.txt" for i in range(60)]
    assert list(corpus.generate(5, seed=7, start=55)) == articles[55:]


def test_texts_differ(articles):
    assert len({text for _, text in articles}) == len(articles)
    bodies = ["\n\n".join(text.split("\n\n")[4:]) for _, text in articles]
    assert len(set(bodies)) == len(bodies)


def test_articles_parse_with_their_header(articles):
    for name, text in articles:
        article = parse_article(name, text, name)
        assert article.newspaper.endswith("日报") and article.page
        assert article.date[:4].isdigit() and corpus.FIRST_YEAR <= int(article.date[:4]) <= corpus.LAST_YEAR
        assert article.title and not article.title.startswith("#")
        roles = {byline.role for byline in article.bylines}
        assert {"editor", "reporter", "correspondent"} <= roles
        assert len(article.paragraphs) >= corpus.MIN_PARAGRAPHS


def test_names_of_the_seeds_are_replaced(articles):
    seeds = corpus.source()
    for name, text in articles:
        # two-character names can arise across a word boundary (耒阳建设 holds 阳建)
        assert not [person for person in seeds.persons if len(person) > 2 and person in text], name
        article = parse_article(name, text, name)
        assert not {byline.name for byline in article.bylines} & seeds.persons, name
        paper = article.newspaper
        if paper != "株洲日报":
            assert "株洲" not in text and "天元" not in text, name


def test_jurisdiction_is_one_county_of_the_seeds_province(articles):
    table = divisions()
    hunan = {d.name for d in table if d.level == "city" and d.parent == "430000"}
    for name, text in articles:
        paper = parse_article(name, text, name).newspaper
        city = next(d for d in table if d.level == "city" and d.parent == "430000"
                    and paper == (d.short or d.name.removesuffix("市")) + "日报")
        assert city.name in hunan
        counties = [d for d in table if d.parent == city.code and d.name in text]
        assert counties, name


def test_lengths_are_realistic():
    lengths = [len(text) for _, text in corpus.generate(300)]
    assert 2500 <= statistics.median(lengths) <= 3800
    assert min(lengths) >= 800
