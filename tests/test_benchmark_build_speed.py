"""The build-speed benchmark's corpus copy, configurations and report splicing (``benchmarks/build_speed.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import build_speed as bs


def test_copy_items_takes_n_items_from_a_start(tmp_path: Path) -> None:
    source = tmp_path / "news.jsonl"
    items = [{"id": f"a{i}", "text": "字" * (i + 1)} for i in range(5)]
    source.write_text("".join(json.dumps(item) + "\n" for item in items) + "\n", encoding="utf-8")
    assert bs.copy_items(source, 2, tmp_path / "first") == 1 + 2
    assert bs.copy_items(source, 10, tmp_path / "rest", start=3) == 4 + 5
    lines = (tmp_path / "rest" / "news.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a3", "a4"]


def test_configurations_round_trip() -> None:
    for jobs, ner, gate, words in [(2, True, False, "jobs=2"), (1, False, False, "jobs=1, no NER"),
                                   (2, True, True, "jobs=2, NER gated")]:
        key = bs.config(jobs, ner, gate)
        assert (bs.parse_config(key), bs.gated(key), bs.label(key)) == ((jobs, ner), gate, words)


def test_each_corpus_replaces_only_its_own_part_of_the_report(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text("# Build speed\n\ngenerated figures\n", encoding="utf-8")
    out.write_text(bs.spliced(out, "# Build speed on real text\n\nfirst\n", real=True), encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Build speed\n\ngenerated figures\n") and "## Build speed on real text" in text
    out.write_text(bs.spliced(out, "# Build speed on real text\n\nsecond\n", real=True), encoding="utf-8")
    out.write_text(bs.spliced(out, "# Build speed\n\nnew generated figures\n", real=False), encoding="utf-8")
    text = out.read_text(encoding="utf-8")
    assert "new generated figures" in text and "second" in text and "first" not in text
    assert text.count(bs.REAL[0]) == 1 and text.index("new generated") < text.index(bs.REAL[0])


def test_real_text_notes_keep_their_headings() -> None:
    report = f"# Build speed on real text\n\n{bs.REAL_NOTES[0]}\n### Notes\n{bs.REAL_NOTES[1]}\n## N = 1\n"
    section = bs.real_section(report)
    assert "\n### Notes\n" in section and "\n### N = 1\n" in section and "\n## Build speed on real text\n" in section


def test_the_incremental_case_says_how_the_articles_were_added() -> None:
    from benchmarks.build_speed import Incremental, incremental_section

    assert "`kg build added --out OUT --add`" in "\n".join(incremental_section(Incremental(10_000, 100, 2, mode="add")))
    assert "whole grown corpus" in "\n".join(incremental_section(Incremental(10_000, 100, 2)))
