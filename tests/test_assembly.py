"""Assembling the corpus for the exports: Python's cycle collector is paused meanwhile and set back after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.assembly import walked_again
from kg.export import assemble_for
from kg.records import Extraction


def test_the_cycle_collector_is_paused_while_the_corpus_is_assembled_and_set_back_after(seed_runs: dict,
                                                                                        tmp_path: Path) -> None:
    extractions = [run.extraction for run in seed_runs.values()]
    seen: list[bool] = []

    def read() -> Iterator[Extraction]:
        for extraction in extractions:
            seen.append(gc.isenabled())
            yield extraction

    corpus, rows = assemble_for(read, [], ["tables"], tmp_path)
    assert rows is not None
    rows.discard()
    assert seen and not any(seen) and gc.isenabled()
    assert corpus.graph.number_of_nodes() > 0


def test_the_cycle_collector_is_set_back_when_reading_fails_and_left_off_when_it_was(tmp_path: Path) -> None:
    def broken() -> Iterator[Extraction]:
        raise OSError(5, "Input/output error")
        yield  # a generator

    with pytest.raises(OSError, match="Input/output error"):
        assemble_for(broken, [], ["ttl"], tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        assemble_for(lambda: [], [], ["ttl"], tmp_path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_what_assembling_made_is_left_out_of_the_collectors_walks_until_the_build_is_done(seed_runs: dict,
                                                                                          tmp_path: Path) -> None:
    """The corpus makes no cycles: walking it after assembling (a million objects at 10,000 articles) cost
    the build seconds; it is walked again once the build that holds it is done."""
    extractions = [run.extraction for run in seed_runs.values()]
    gc.unfreeze()
    with walked_again():
        corpus, _ = assemble_for(lambda: extractions, [], ["ttl"], tmp_path)
        walked = {id(item) for generation in range(3) for item in gc.get_objects(generation)}
        assert gc.get_freeze_count() > 0 and id(corpus.graph.nodes["article:" + extractions[0].article.doc]) not in walked
    assert gc.get_freeze_count() == 0


def test_a_build_gives_what_it_left_out_back_to_the_collector(tmp_path: Path) -> None:
    from kg.build import build

    build([Path(__file__).resolve().parent.parent / "seeds"], tmp_path / "out", ner=False)
    assert gc.get_freeze_count() == 0
