"""Specification of a build's progress: the estimate of its articles, the bar on a terminal, --quiet."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildReport
from kg.cli import main
from kg.progress import ProgressBar, estimate_articles

ROOT = Path(__file__).resolve().parent.parent


def test_the_estimate_counts_jsonl_lines_and_article_files(tmp_path: Path) -> None:
    (tmp_path / "news.jsonl").write_text("".join(json.dumps({"id": str(i), "text": "成都市公安局局长李明华出席。"}) + "\n"
                                                 for i in range(3)) + "\n", encoding="utf-8")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "a.txt").write_text("天元区召开会议。", encoding="utf-8")
    (tmp_path / "more" / "picture.png").write_bytes(b"\x89PNG")
    assert estimate_articles([tmp_path / "news.jsonl", tmp_path / "more"]) == 4
    assert estimate_articles([tmp_path / "missing"]) == 1  # a missing input counts once; the build reports it


def test_the_bar_shows_articles_rate_and_cache_hits() -> None:
    stream = io.StringIO()
    bar = ProgressBar(2, stream, every=0)
    bar(BuildReport(articles=1, cached=1))
    bar(BuildReport(articles=3, cached=1))  # more than estimated: the bar follows
    shown = stream.getvalue()
    bar.close()
    assert "3/3" in shown and "article" in shown and "1 from cache" in shown


@pytest.mark.slow
def test_quiet_prints_nothing_and_a_pipe_gets_one_summary_line(tmp_path: Path) -> None:
    quiet = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--no-ner", "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
    piped = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--no-ner"])
    assert piped.exit_code == 0
    assert piped.output.count("\n") == 1 and piped.output.startswith("read 5 article(s) (5 from cache)")
