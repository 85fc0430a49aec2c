"""Specification of rebuilding over unchanged inputs (``kg.unchanged``): a file that has not changed
since the last build is not read again, its articles come from the cache as they were checked then,
and anything changed, damaged or unlisted is read as before."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from kg.build import CACHE_FOLDER, build
from kg.corpus import files as corpus_files
from kg.state import STATE
from kg.unchanged import INDEX

pytestmark = pytest.mark.slow  # each test builds twice: about 0.4 s

ARTICLES = {
    "cd.txt": "成都日报讯 成都市公安局局长李明华出席会议并讲话。",
    "fs.txt": "佛山日报讯 佛山市公安局副局长张伟主持会议。",
}


def aged(path: Path, seconds: float = 60) -> None:
    """Date a file back, as files are that were written before a build started."""
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
        aged(folder / name)
    return folder


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the input files the build opens."""
    names: list[str] = []
    real = corpus_files.opened

    def spy(path, *args, **kwargs):
        names.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(corpus_files, "opened", spy)
    return names


def outputs(out: Path) -> dict[str, bytes]:
    """The folder's files but its kept corpus (a pickle of sets: not byte-stable)."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != STATE}


def test_a_rebuild_does_not_read_unchanged_files_and_writes_the_same_outputs(corpus: Path, tmp_path: Path,
                                                                             opened: list[str]) -> None:
    build([corpus], tmp_path / "out", ner=False)
    first = outputs(tmp_path / "out")
    assert sorted(opened) == ["cd.txt", "fs.txt"]
    opened.clear()
    report = build([corpus], tmp_path / "out", ner=False)
    assert opened == [] and report.cached == 2 and report.articles == 2
    assert outputs(tmp_path / "out") == first


def test_a_file_changed_since_is_read_again_even_at_the_same_size(corpus: Path, tmp_path: Path, opened: list[str]) -> None:
    build([corpus], tmp_path / "out", ner=False)
    changed = corpus / "fs.txt"
    changed.write_text(ARTICLES["fs.txt"].replace("张伟", "王芳") + "\n", encoding="utf-8")  # same length
    opened.clear()
    report = build([corpus], tmp_path / "out", ner=False)
    assert opened == ["fs.txt"] and report.cached == 1
    assert "王芳" in (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8")


def test_a_file_written_just_before_the_build_is_read_again_next_time(corpus: Path, tmp_path: Path,
                                                                       opened: list[str]) -> None:
    fresh = corpus / "fs.txt"
    fresh.write_text(ARTICLES["fs.txt"] + "\n", encoding="utf-8")  # its time may not show a change made at once
    build([corpus], tmp_path / "out", ner=False)
    opened.clear()
    build([corpus], tmp_path / "out", ner=False)
    assert opened == ["fs.txt"]


def test_a_damaged_entry_of_an_unchanged_file_is_found_and_the_article_extracted_again(
        corpus: Path, tmp_path: Path, opened: list[str]) -> None:
    out = tmp_path / "out"
    build([corpus], out, ner=False)
    index = json.loads(next((out / CACHE_FOLDER).rglob(INDEX)).read_text(encoding="utf-8"))
    [[_, key, _, _]] = index["files"][str(corpus / "cd.txt")][1]
    [entry] = (out / CACHE_FOLDER).rglob(f"{key}.json.gz")
    entry.write_bytes(gzip.compress(b'{"doc": "cd.txt"}\n<a> <b> <c'))
    opened.clear()
    report = build([corpus], out, ner=False)
    assert opened == ["cd.txt"] and report.cached == 1
    [problem] = report.problems
    assert problem.source == str(entry) and problem.problem.startswith("invalid cache entry (")
    assert "李明华" in (out / "extractions.jsonl").read_text(encoding="utf-8")


def test_a_file_that_gave_a_problem_is_read_each_time_and_its_problem_reported_again(corpus: Path, tmp_path: Path) -> None:
    news = corpus / "news.jsonl"
    news.write_text(json.dumps({"id": "n1", "text": ARTICLES["cd.txt"]}, ensure_ascii=False) + "\n{broken\n",
                    encoding="utf-8")
    aged(news)
    first = build([corpus], tmp_path / "out", ner=False)
    second = build([corpus], tmp_path / "out", ner=False)
    assert [p.source for p in first.problems] == [p.source for p in second.problems] == [f"{news}:2"]
    assert second.articles == 3


def test_with_a_meta_file_every_input_is_read(corpus: Path, tmp_path: Path, opened: list[str]) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("file,date\ncd.txt,2024-03-01\n", encoding="utf-8")
    build([corpus], tmp_path / "out", ner=False, meta=meta)
    opened.clear()
    build([corpus], tmp_path / "out", ner=False, meta=meta)
    assert sorted(opened) == ["cd.txt", "fs.txt"]


def test_an_entry_that_cannot_be_read_after_all_sends_the_article_back_to_its_file(
        corpus: Path, tmp_path: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.cache import Cache

    build([corpus], tmp_path / "out", ner=False)
    first = outputs(tmp_path / "out")
    opened.clear()
    monkeypatch.setattr(Cache, "get_known", lambda self, known: None)  # e.g. removed in the meantime
    report = build([corpus], tmp_path / "out", ner=False)
    assert sorted(opened) == ["cd.txt", "fs.txt"] and report.cached == 2 and report.problems == []
    assert outputs(tmp_path / "out") == first
