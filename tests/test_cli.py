"""The `kg` command line: help for every command, exit codes, clear messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: kg " + command in result.output.replace("\n", " ")
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_build_warns_about_a_bad_file_and_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    good = tmp_path / "good.txt"
    good.write_text("记者/周圆\n\n天元区委政法委组织开展“防范邪教宣传周”活动。", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "bad.txt" in result.output and "binary" in result.output
    assert "read 1 article(s) (0 from cache), skipped 1" in result.output


def test_build_fails_clearly_when_no_article_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "empty.txt" in result.output and "no article could be read" in result.output


@pytest.mark.skipif(not GOLD.is_dir(), reason="../shared/gold is not beside the checkout")
def test_eval_prints_a_table_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path)]).exit_code == 0
    table = runner.invoke(main, ["eval", str(GOLD), "--pred", str(tmp_path / "extractions.jsonl")])
    assert table.exit_code == 0 and "micro" in table.output and "POST title accuracy" in table.output
    scores = json.loads(runner.invoke(main, ["eval", str(GOLD), "--pred", str(tmp_path / "extractions.jsonl"), "--json"]).output)
    assert scores["docs"] == 3 and scores["entities"]["lenient"]["micro"]["f1"] > 0.85


def test_query_lists_the_named_queries() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    for name in ("officials", "programmes", "honours", "sub-units", "mentions", "evidence"):
        assert name in result.output


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_the_officials_query_lists_the_posts_found_in_the_seeds(store: str) -> None:
    result = CliRunner().invoke(main, ["query", "officials", "--graph", str(ROOT / "output" / "graph.ttl"),
                                       "--format", "json", "--store", store])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"person": "阳建", "title": "副书记", "organisation": "醴陵市委"}.items() <= next(
        r for r in rows if r["person"] == "阳建" and r["title"] == "副书记").items()
    assert any(r["person"] == "钟平熊" and r["organisation"] == "沔渡派出所" for r in rows)


def test_a_named_query_takes_its_parameter() -> None:
    graph = str(ROOT / "output" / "graph.ttl")
    result = CliRunner().invoke(main, ["query", "sub-units", "--graph", graph, "--param", "org=株洲市公安局", "--format", "csv"])
    assert result.exit_code == 0 and "株洲市公安局综合管理支队反扒大队" in result.output
    missing = CliRunner().invoke(main, ["query", "sub-units", "--graph", graph])
    assert missing.exit_code != 0 and "--param org=" in missing.output


def test_query_refuses_updates_and_reports_bad_queries() -> None:
    graph = str(ROOT / "output" / "graph.ttl")
    drop = CliRunner().invoke(main, ["query", "DROP ALL", "--graph", graph])
    assert drop.exit_code != 0 and "read-only" in drop.output
    bad = CliRunner().invoke(main, ["query", "SELECT ?x WHERE {", "--graph", graph])
    assert bad.exit_code != 0 and "malformed query" in bad.output


def test_strict_fails_when_any_input_was_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "good.txt").write_text("记者/周圆\n\n天元区委政法委组织开展“防范邪教宣传周”活动。", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code != 0 and "--strict: 1 input(s) skipped" in result.output
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_max_bytes_refuses_a_larger_file_by_name(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("天元区委政法委组织开展“防范邪教宣传周”活动。\n" * 100, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(big), "--out", str(tmp_path / "out"), "--max-bytes", "1000"])
    assert result.exit_code != 0 and "big.txt" in result.output and "1,000" in result.output
