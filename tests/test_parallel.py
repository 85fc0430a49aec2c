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
def test_a_process_pool_gives_byte_identical_outputs(one_process: dict[str, bytes], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.parallel.BATCH", 1)  # five batches: a pool starts (one batch would run in this process)
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
    first = [o.doc for o in extract_articles([SEEDS / "001_6590fda864a470cb.txt"], cache=cache)]
    outcomes = list(extract_articles([SEEDS], cache=cache, jobs=2))
    assert first == ["001_6590fda864a470cb.txt"]
    assert [o.doc for o in outcomes] == sorted(p.name for p in SEEDS.iterdir())
    assert [o.doc for o in outcomes if o.cached] == first


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
    from kg.parallel import BATCH, run

    known = [outcome(f"{i}.txt", cached=True) for i in range(1000)]
    consumed: list[int] = []

    def items():
        for number, outcome in enumerate(known):
            consumed.append(number)
            yield outcome

    stream = run(items(), jobs=2)
    assert next(stream) is known[0] and len(consumed) <= BATCH + 1  # not the whole cache read into memory first
    assert [o.doc for o in stream] == [f"{i}.txt" for i in range(1, 1000)]


class FakeExecutors:
    """``extract_batch`` and the process pool of ``kg.parallel`` replaced by recorders: which batches ran where."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import kg.parallel

        self.here: list[list[str]] = []
        self.pooled: list[list[str]] = []
        self.pools = 0
        fake = self

        class Pool:
            def __init__(self, jobs: int, ner: bool) -> None:
                fake.pools += 1

            def submit(self, batch: list) -> list:
                fake.pooled.append([a.doc for a in batch])
                return batch

            def collect(self, submitted: list, batch: list) -> list:
                return [outcome(a.doc) for a in batch]

            def close(self) -> None:
                pass

        def extract_batch(batch: list, ner: bool = True) -> list:
            self.here.append([a.doc for a in batch])
            return [outcome(a.doc) for a in batch]

        monkeypatch.setattr(kg.parallel, "_Pool", Pool)
        monkeypatch.setattr(kg.parallel, "extract_batch", extract_batch)


def outcome(doc: str, cached: bool = False):
    from kg import record_io
    from kg.parallel import Outcome
    from kg.records import Article, Extraction

    return Outcome(record_io.dumps(Extraction(Article(doc, "", doc))), "", cached=cached)


def stream(pattern: str) -> list:
    """Articles (``a``) and cached outcomes (``c``), in the order of ``pattern``, named by position."""
    from kg.records import Article

    return [Article(f"{i}", "text", f"{i}") if kind == "a" else outcome(f"{i}", cached=True) for i, kind in enumerate(pattern)]


@pytest.mark.parametrize("pattern", ["a", "aaaaaaaa", "ccac", "cccaaacccc"])
def test_one_batch_of_articles_runs_in_this_process_without_a_pool(monkeypatch: pytest.MonkeyPatch, pattern: str) -> None:
    from kg.parallel import run

    fake = FakeExecutors(monkeypatch)
    docs = [o.doc for o in run(stream(pattern), jobs=4)]
    assert docs == [str(i) for i in range(len(pattern))]
    assert fake.pools == 0 and fake.here == [[str(i) for i, kind in enumerate(pattern) if kind == "a"]]


def test_a_second_batch_of_articles_starts_the_pool_for_all_of_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.parallel import BATCH, run

    fake = FakeExecutors(monkeypatch)
    pattern = "c" + "a" * (BATCH + 1) + "c"
    docs = [o.doc for o in run(stream(pattern), jobs=2)]
    assert docs == [str(i) for i in range(len(pattern))]
    assert fake.pools == 1 and fake.here == [] and fake.pooled == [[str(i) for i in range(1, BATCH + 1)], [str(BATCH + 1)]]


def test_batches_a_window_apart_among_cached_articles_each_run_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.parallel import BATCH, IN_FLIGHT, run

    fake = FakeExecutors(monkeypatch)
    window = 2 * IN_FLIGHT * BATCH
    pattern = ("a" + "c" * window) * 3
    docs = [o.doc for o in run(stream(pattern), jobs=2)]
    assert docs == [str(i) for i in range(len(pattern))]
    assert fake.pools == 0 and fake.here == [[str(i * (window + 1))] for i in range(3)]
