"""The output folder: one build at a time, and a build's files replace the old ones all together,
even when the build is killed."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.outdir
from kg.build import build
from kg.cli import main
from kg.errors import KgError
from kg.outdir import OutputBusy, OutputFolder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the build of the first seed, a cache and a user's own note."""
    out = tmp_path_factory.mktemp("built") / "out"
    build(SEEDS[:1], out, jobs=1, ner=False)
    (out / "notes.md").write_text("my notes", encoding="utf-8")
    return out


def copy_of(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(built), str(out)], check=True)
    return out


@pytest.mark.slow
def test_a_second_build_into_the_same_folder_is_refused_with_a_message(tmp_path: Path) -> None:
    with OutputFolder(tmp_path / "out"):
        with pytest.raises(OutputBusy, match=rf"another kg build \(process {os.getpid()}\) is writing here"):
            build(SEEDS[:1], tmp_path / "out", jobs=1, ner=False)
        result = CliRunner().invoke(main, ["build", str(SEEDS[0]), "--out", str(tmp_path / "out"), "--jobs", "1",
                                           "--no-ner"])
        assert result.exit_code == 1 and "another kg build" in result.output
    assert build(SEEDS[:1], tmp_path / "out", jobs=1, ner=False).articles == 1  # free again once the first is done


def test_a_build_leaves_no_lock_staging_or_temporary_file_behind(built: Path) -> None:
    siblings = {p.name for p in built.parent.iterdir()}
    assert siblings == {"out"}
    assert {p.name for p in built.iterdir()} == {".kg-cache", ".kg-corpus.pickle", ".kg-outputs.json", "extractions.jsonl", "graph.gexf", "graph.graphml",
                                                   "graph.html", "graph.jsonld", "graph.nq", "graph.nt", "graph.sqlite", "graph.trig",
                                                   "graph.ttl", "notes.md", "people.gexf", "tables"}


@pytest.mark.slow
def test_a_rebuild_replaces_the_outputs_and_keeps_the_cache_and_other_files(built: Path, tmp_path: Path) -> None:
    out = copy_of(built, tmp_path)
    report = build(SEEDS[:2], out, jobs=1, ner=False)
    assert report.cached == 1 and (out / "notes.md").read_text(encoding="utf-8") == "my notes"
    assert contents(out)["extractions.jsonl"].count(b"\n") == 2


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["carrying", "exchange"])
def test_a_crash_before_the_exchange_leaves_the_old_set_and_the_next_run_puts_back_what_was_carried(
        built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    out = copy_of(built, tmp_path)
    before = contents(out)
    real_rename = os.rename

    def crash_after_carrying_one(source, target):
        real_rename(source, target)
        if stage == "carrying":
            raise KeyboardInterrupt

    def crash_at_exchange(a, b):
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.outdir.os, "rename", crash_after_carrying_one)
    monkeypatch.setattr(kg.outdir, "_exchange", crash_at_exchange)
    monkeypatch.setattr(kg.outdir.shutil, "rmtree", lambda *a, **k: None)  # as if killed: nothing cleaned up
    with pytest.raises(KeyboardInterrupt):
        build(SEEDS[:2], out, jobs=1, ner=False)
    monkeypatch.undo()
    assert {name: data for name, data in contents(out).items()} == {k: v for k, v in before.items() if k in contents(out)}
    assert build(SEEDS[:1], out, jobs=1, ner=False).cached == 1  # the cache came back
    assert contents(out)["notes.md"] == b"my notes"
    assert {p.name for p in out.parent.iterdir()} == {"out"}


@pytest.mark.slow
def test_a_build_killed_during_export_leaves_the_old_set_whole(built: Path, tmp_path: Path) -> None:
    out = copy_of(built, tmp_path)
    before = contents(out)
    killer = (
        "import os, signal, kg.export, kg.build\n"
        "real = kg.export.write_graphml\n"
        "def dying(*args, **kwargs):\n"
        "    real(*args, **kwargs)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "kg.export.write_graphml = dying\n"
        f"kg.build.build({[str(p) for p in SEEDS[:2]]!r}, {str(out)!r}, jobs=1, ner=False)\n"
    )
    process = subprocess.run([sys.executable, "-c", killer], cwd=ROOT)
    assert process.returncode == -signal.SIGKILL
    assert contents(out) == before
    build(SEEDS[:2], out, jobs=1, ner=False)
    assert contents(out)["extractions.jsonl"].count(b"\n") == 2
    assert {p.name for p in out.parent.iterdir()} == {"out"}


@pytest.mark.slow
def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "in"  # more articles than one batch, which the build would extract in its own process
    corpus.mkdir()
    for copy in range(12):
        for seed in SEEDS:
            (corpus / f"{copy}_{seed.name}").write_bytes(seed.read_bytes())
    process = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(tmp_path / "o"),
                                "--jobs", "2", "--no-cache", "--no-ner"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (workers := children(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers, "the build started no worker"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize(("code", "words"), [(errno.EROFS, "Read-only file system"), (errno.ENOSPC, "No space left on device")])
def test_a_read_only_or_full_disk_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int,
                                                      words: str) -> None:
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("kg.build.write_outputs", refuse)
    result = CliRunner().invoke(main, ["build", str(SEEDS[0]), "--out", str(tmp_path / "out"), "--jobs", "1",
                                           "--no-ner"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == f"Error: {tmp_path / 'out'}: cannot write the outputs: {words}"
    assert not [p for p in tmp_path.rglob("*") if ".kg-staging" in p.name or p.name.endswith(".tmp")]


def test_an_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(KgError, match="not a folder"):
        build(SEEDS[:1], tmp_path / "out", jobs=1, ner=False)
