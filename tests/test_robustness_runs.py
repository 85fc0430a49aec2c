"""Runs that stop or fail part-way leave every output whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.export
from kg.build import build
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_fa77a8a22d1f7229.txt"


@pytest.mark.slow
def test_a_failed_export_leaves_the_previous_files_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build([SEED], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.glob("graph.*")}

    def broken(graph, path, date):  # the GEXF writer fails half-way through the run
        Path(path).write_text("<gexf", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(kg.export, "write_gexf", broken)
    with pytest.raises(OSError):
        build([SEED, ROOT / "seeds" / "001_6590fda864a470cb.txt"], tmp_path)
    assert (tmp_path / "graph.gexf").read_bytes() == before["graph.gexf"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    for path in tmp_path.glob("graph.*"):
        assert path.stat().st_size > 0


def test_ctrl_c_stops_the_build_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.build.build", interrupted)  # kg.cli imports it when the command runs
    result = CliRunner().invoke(main, ["build", str(SEED), "--out", str(tmp_path)])
    assert result.exit_code == 130
    assert "interrupted: the output folder holds the previous set of files" in result.output


@pytest.mark.slow
def test_an_error_inside_extraction_costs_that_article_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.resolve

    real = kg.resolve.resolve

    def fails_on_one(reading):
        if reading.article.doc == "001_6590fda864a470cb.txt":
            raise KeyError("会 同")
        return real(reading)

    monkeypatch.setattr(kg.resolve, "resolve", fails_on_one)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))[:3]
    report = build(seeds, tmp_path / "out", jobs=1, cache=False)
    assert report.articles == 2
    [problem] = report.problems
    assert problem.source == str(seeds[1])
    assert problem.problem == "extraction failed, article left out: KeyError: '会 同'"
    docs = [line.split('"', 4)[3] for line in (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert docs == [seeds[0].name, seeds[2].name]


@pytest.mark.slow
def test_a_failed_article_fails_the_run_only_under_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.resolve

    real = kg.resolve.resolve

    def fails_on_the_seed(reading):
        if reading.article.doc == SEED.name:
            raise ValueError("broken\nrule")
        return real(reading)

    monkeypatch.setattr(kg.resolve, "resolve", fails_on_the_seed)
    other = ROOT / "seeds" / "001_6590fda864a470cb.txt"
    for strict, code in (([], 0), (["--strict"], 1)):
        result = CliRunner().invoke(main, ["build", str(SEED), str(other), "--out", str(tmp_path / "out"), "--jobs", "1",
                                           "--no-cache", *strict])
        assert result.exit_code == code, result.output
        assert f"{SEED}: extraction failed, article left out: ValueError: broken rule" in result.output
    result = CliRunner().invoke(main, ["build", str(SEED), "--out", str(tmp_path / "none"), "--jobs", "1", "--no-cache"])
    assert result.exit_code == 1 and not (tmp_path / "none" / "graph.ttl").exists()


@pytest.mark.slow
def test_an_article_that_kills_its_worker_costs_that_article_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash in native code (here: the worker kills itself) breaks the process pool; the run goes on."""
    import os
    import signal

    import kg.resolve

    real = kg.resolve.resolve

    def dies_on_one(reading):
        if reading.article.doc == "05_002_e73098e6a7d1a423.txt":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(reading)

    monkeypatch.setattr(kg.resolve, "resolve", dies_on_one)  # the pool's forked workers inherit it
    corpus = tmp_path / "in"  # more articles than one batch, which the build would extract in its own process
    corpus.mkdir()
    for copy in range(12):
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            (corpus / f"{copy:02d}_{seed.name}").write_bytes(seed.read_bytes())
    report = build([corpus], tmp_path / "out", jobs=2, cache=False, ner=False)
    assert report.articles == 59
    [problem] = report.problems
    assert (problem.source, problem.problem) == (str(corpus / "05_002_e73098e6a7d1a423.txt"),
                                                 "extraction failed, article left out: its worker process died")
