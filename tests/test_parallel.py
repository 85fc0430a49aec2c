"""The per-article stages on other executors give the same outputs as one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.errors import KgError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file by its path in the folder (tables/ too), but SQLite's pages, whose rows are the tables'."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).parts[0].startswith(".") and p.suffix != ".sqlite"}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("one")
    build([SEEDS], out, cache=False, jobs=1)
    return outputs(out)


@pytest.mark.slow
def test_a_process_pool_gives_byte_identical_outputs(one_process: dict[str, bytes], tmp_path: Path) -> None:
    report = build([SEEDS], tmp_path, cache=False, jobs=2)
    assert report.articles == 5
    assert outputs(tmp_path) == one_process


@pytest.mark.slow
def test_the_dask_executor_gives_byte_identical_outputs(one_process: dict[str, bytes], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        report = build([SEEDS], tmp_path, cache=False, executor="dask", scheduler=cluster.scheduler_address)
    assert report.articles == 5
    assert outputs(tmp_path) == one_process


def test_dask_without_a_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="--scheduler"):
        build([SEEDS], tmp_path, cache=False, executor="dask")


@pytest.mark.slow
def test_cached_and_fresh_articles_come_back_in_input_order(tmp_path: Path) -> None:
    from kg.build import extract_articles
    from kg.cache import Cache

    cache = Cache(tmp_path / "cache")
    first = [o.extraction.article.doc for o in extract_articles([SEEDS / "001_6590fda864a470cb.txt"], cache=cache)]
    docs = [o.extraction.article.doc for o in extract_articles([SEEDS], cache=cache, jobs=2)]
    assert first == ["001_6590fda864a470cb.txt"]
    assert docs == sorted(p.name for p in SEEDS.iterdir())


@pytest.mark.slow
def test_without_the_ner_model_the_rules_alone_build_the_graph(tmp_path: Path) -> None:
    from kg.build import CACHE_FOLDER

    report = build([SEEDS], tmp_path, ner=False)
    rules = (tmp_path / "extractions.jsonl").read_text(encoding="utf-8")
    assert report.articles == 5 and '"rule": "ner.' not in rules
    assert any(p.name.endswith("-rules") for p in (tmp_path / CACHE_FOLDER).iterdir())


@pytest.mark.slow
def test_a_batch_of_articles_reads_as_each_article_alone() -> None:
    from kg.corpus import read_text_file
    from kg.extract import read_article, read_batch

    articles = [read_text_file(path) for path in sorted(SEEDS.iterdir())]
    assert read_batch(articles) == [read_article(article) for article in articles]


def test_cached_outcomes_flow_out_without_waiting_for_the_articles_behind_them() -> None:
    from kg.parallel import BATCH, Outcome, run
    from kg.records import Article, Extraction

    known = [Outcome(Extraction(Article(f"{i}.txt", "", f"{i}.txt")), "", cached=True) for i in range(1000)]
    consumed: list[int] = []

    def items():
        for number, outcome in enumerate(known):
            consumed.append(number)
            yield outcome

    stream = run(items(), jobs=2)
    assert next(stream) is known[0] and len(consumed) <= BATCH + 1  # not the whole cache read into memory first
    assert [o.extraction.article.doc for o in stream] == [f"{i}.txt" for i in range(1, 1000)]
