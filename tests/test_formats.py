"""Which files a build writes (``--formats``), and writing them in parallel (``--jobs``)."""

from __future__ import annotations

import filecmp
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.export
import kg.forked
import kg.gephi
import kg.rdf_files
import kg.tables
from kg.build import build
from kg.cli import main
from kg.errors import KgError
from kg.state import STATE
from kg.export import FORMATS, export
from kg.manifest import stale

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def names(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and ".kg-cache" not in p.parts}


@pytest.mark.slow
def test_a_build_writes_only_the_formats_asked_for_beside_the_extractions(tmp_path: Path) -> None:
    report = build(SEEDS[:2], tmp_path / "out", ner=False, formats=["ttl", "html"])
    assert names(tmp_path / "out") == {"extractions.jsonl", "graph.ttl", "graph.html", ".kg-outputs.json", ".kg-corpus.pickle"}
    assert {p.name for p in report.outputs} == {"extractions.jsonl", "graph.ttl", "graph.html"}


@pytest.mark.slow
def test_every_format_names_a_file_a_full_build_writes(tmp_path: Path) -> None:
    build(SEEDS[:1], tmp_path / "out", ner=False)
    written = {name.partition("/")[0] for name in names(tmp_path / "out")}
    assert set(FORMATS.values()) | {"extractions.jsonl", ".kg-outputs.json", ".kg-corpus.pickle"} == written


@pytest.mark.slow
def test_files_of_formats_left_out_stay_as_they_were_and_are_named_stale(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(SEEDS[:1], out, ner=False)
    (out / "notes.md").write_text("my notes", encoding="utf-8")
    one_article = (out / "graph.ttl").read_bytes()
    report = build(SEEDS[:2], out, ner=False, formats=["nq", "tables"])
    assert report.cached == 1 and (out / "graph.ttl").read_bytes() == one_article and (out / "notes.md").exists()
    assert report.stale == stale(out) == sorted(set(FORMATS.values()) - {"graph.nq", "tables"})
    assert "graph.html" in stale(out) and "tables" not in stale(out)


@pytest.mark.slow
def test_export_writes_the_stale_files_again_from_the_extractions(tmp_path: Path) -> None:
    out, whole = tmp_path / "out", tmp_path / "whole"
    build(SEEDS[:1], out, ner=False)
    build(SEEDS[:2], out, ner=False, formats=["nq"])
    assert export(out) == sorted(set(FORMATS.values()) - {"graph.nq"}, key=list(FORMATS.values()).index)
    assert stale(out) == [] and export(out) == []
    build(SEEDS[:2], whole, ner=False)
    assert names(out) == names(whole)
    differ = [n for n in sorted(names(out) - {STATE}) if not filecmp.cmp(out / n, whole / n, shallow=False)]
    assert differ == []


def test_export_needs_a_build(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="no extractions.jsonl to export from"):
        export(tmp_path / "empty")


@pytest.fixture(params=["forked", "spawned"])
def rdf_writer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two jobs even for the seeds' small graph, the RDF files written by a forked process (a small graph's
    way) or a spawned one (a large graph's)."""
    monkeypatch.setattr("kg.export.PARALLEL_FROM_NODES", 0)
    if request.param == "spawned":
        monkeypatch.setattr("kg.export.FORK_BELOW_NODES", 0)
    return request.param


@pytest.mark.slow
def test_files_written_in_parallel_are_the_same_bytes(tmp_path: Path, rdf_writer: str) -> None:
    build(SEEDS, tmp_path / "one", ner=False, jobs=1)
    build(SEEDS, tmp_path / "two", ner=False, jobs=2)
    assert names(tmp_path / "one") == names(tmp_path / "two")
    differ = [n for n in sorted(names(tmp_path / "one")) if not filecmp.cmp(tmp_path / "one" / n, tmp_path / "two" / n, shallow=False)]
    assert differ == []


# Stand-ins for the writers, which a spawned process imports by name (a test's own function could not be sent).
def record_rdf(*args: object, **kwargs: object) -> None:
    _mark("write_rdf")
    kg.rdf_files.write_rdf(*args, **kwargs)


def record_gexf(*args: object, **kwargs: object) -> None:
    _mark("write_gexf")
    kg.gephi.write_gexf(*args, **kwargs)


def record_sqlite(*args: object, **kwargs: object) -> None:
    _mark("write_sqlite")
    kg.tables.write_sqlite(*args, **kwargs)


def _mark(writer: str) -> None:
    """Leave a file named after the writer and the process it runs in, in the folder ``KG_TEST_MARKS`` names."""
    (Path(os.environ["KG_TEST_MARKS"]) / f"{writer}.{os.getpid()}").touch()


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.slow
def test_with_two_jobs_another_process_writes_the_rdf_and_this_one_the_files_that_walk_the_graph(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rdf_writer: str) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("KG_TEST_MARKS", str(marks))
    for name, stand_in in (("write_rdf", record_rdf), ("write_gexf", record_gexf), ("write_sqlite", record_sqlite)):
        monkeypatch.setattr(f"kg.export.{name}", stand_in)
    build(SEEDS[:2], tmp_path / "out", ner=False, jobs=2, formats=["ttl", "nq", "gexf", "sqlite"])
    writers: dict[str, set[int]] = {}
    for mark in marks.iterdir():
        writers.setdefault(mark.stem, set()).add(int(mark.suffix[1:]))
    assert writers["write_gexf"] == writers["write_sqlite"] == {os.getpid()}
    assert len(writers["write_rdf"]) == 1 and os.getpid() not in writers["write_rdf"]  # one process for both RDF files
    assert names(tmp_path / "out") == {"extractions.jsonl", "graph.ttl", "graph.nq", "graph.gexf", "graph.sqlite",
                                       ".kg-outputs.json", ".kg-corpus.pickle"}  # the rows' and the default graph's files are gone


@pytest.mark.slow
@pytest.mark.parametrize("writer", ["write_rdf", "write_gexf"])  # in another process, in this one
def test_a_failing_writer_fails_the_build_and_leaves_the_old_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  writer: str, rdf_writer: str) -> None:
    out = tmp_path / "out"
    build(SEEDS[:1], out, ner=False)
    before = (out / "graph.ttl").read_bytes()
    monkeypatch.setattr(f"kg.export.{writer}", no_space)
    with pytest.raises(OSError, match="No space left"):
        build(SEEDS[:2], out, ner=False, jobs=2)
    assert (out / "graph.ttl").read_bytes() == before and (out / "graph.gexf").exists()


@pytest.mark.slow
def test_kg_build_names_the_stale_files_and_kg_export_writes_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(SEEDS[0]), "--out", str(out), "--no-ner"]).exit_code == 0
    fast = runner.invoke(main, ["build", str(SEEDS[0]), str(SEEDS[1]), "--out", str(out), "--no-ner", "--formats", "appendable"])
    assert fast.exit_code == 0 and "now stale: graph.gexf, graph.graphml, graph.html" in fast.output
    assert f"(kg export {out} writes them again)" in fast.output
    exported = runner.invoke(main, ["export", str(out)])
    assert exported.exit_code == 0 and exported.output.startswith("wrote graph.ttl, graph.nt, graph.jsonld, graph.gexf")
    assert runner.invoke(main, ["export", str(out)]).output == f"{out}: every file is current\n"


def test_an_unknown_format_is_named_with_the_choices(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS[0]), "--out", str(tmp_path / "out"), "--formats", "ttl,pdf"])
    assert result.exit_code == 2 and "pdf: choose from trig, nq, ttl" in result.output


class Unpicklable(Exception):
    def __reduce__(self) -> object:
        raise TypeError("cannot pickle this error")


def raise_unpicklable() -> None:
    raise Unpicklable("板块写入失败")


def test_a_forked_job_gives_back_what_it_returns_and_raises_what_it_raised() -> None:
    with kg.forked.forked(lambda: [("write graph.ttl", os.getpid())]) as result:
        [(stage, pid)] = result()
    assert stage == "write graph.ttl" and pid != os.getpid()
    with kg.forked.forked(lambda: no_space()) as result, pytest.raises(OSError, match="No space left on device"):
        result()


def test_a_forked_job_that_dies_or_fails_strangely_is_named_in_a_clear_error() -> None:
    with kg.forked.forked(lambda: os._exit(3)) as result, pytest.raises(KgError, match=r"ended without a word \(exit code 3\)"):
        result()
    with kg.forked.forked(raise_unpicklable) as result, pytest.raises(KgError, match="failed: 板块写入失败"):
        result()


def test_leaving_early_ends_the_forked_job(tmp_path: Path) -> None:
    started = tmp_path / "started"
    with pytest.raises(RuntimeError, match="the other writer failed"):
        with kg.forked.forked(lambda: (started.write_text(str(os.getpid())), time.sleep(60))):
            while not started.exists() or not started.read_text():
                time.sleep(0.01)
            raise RuntimeError("the other writer failed")
    with pytest.raises(ProcessLookupError):
        os.kill(int(started.read_text()), 0)  # ended and reaped


def test_no_fork_while_another_thread_runs() -> None:
    """A thread's locks would be copied held into the child: the RDF writer is then spawned instead."""
    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()
    try:
        assert not kg.forked.can_fork()
    finally:
        release.set()
        waiter.join()
