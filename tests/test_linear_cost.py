"""Every per-article stage costs time linear in the article's length, even on one endless line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.corpus import parse_article
from kg.extract import read_article
from kg.pipeline.text import _cut as word_cache
from kg.rdf import article_nquads
from kg.resolve import resolve

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
#: Ten times the text may take at most this many times as long (linear is 10, quadratic 100; memory and
#: cache effects make a linear stage cost 10-17 times on a busy machine).
RATIO = 20


def one_line(size: int) -> str:
    """The seed articles' text without line breaks, repeated to ``size`` characters."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))).replace("\n", "")
    return (text * (size // len(text) + 1))[:size]


def stage_seconds(text: str) -> dict[str, float]:
    word_cache.cache_clear()  # each size starts from the same state of jieba's look-up cache
    article = parse_article("long.txt", text, "long.txt")
    clock = time.perf_counter()
    reading = read_article(article, ner=False)
    read = time.perf_counter()
    extraction = resolve(reading)
    resolved = time.perf_counter()
    article_nquads(extraction)
    return {"read": read - clock, "resolve": resolved - read, "rdf": time.perf_counter() - resolved}


@pytest.mark.slow
def test_a_1_mb_one_line_article_costs_about_ten_times_a_100_kb_one() -> None:
    stage_seconds(one_line(10_000))  # load the pipeline first
    small, large = stage_seconds(one_line(100_000)), stage_seconds(one_line(1_000_000))
    total_small, total_large = sum(small.values()), sum(large.values())
    assert total_large <= RATIO * total_small, (small, large)
    for stage in small:  # no stage hides a square behind the others (a floor of 0.1 s for the quick ones)
        assert large[stage] <= RATIO * max(small[stage], 0.1), (stage, small, large)
