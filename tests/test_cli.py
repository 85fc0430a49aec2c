"""The `kg` command line: documented in the README, help for every command, exit codes, clear messages.

The documentation tests follow sqlite-utils' ``tests/test_docs.py``: the
README's command table and Measured figures are read back and compared with
what click and ``kg eval`` say, so a new command or option, or a changed
score, fails until the README says it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


# -- the README's command table, and its Measured figures -----------------------------------------


def readme_rows() -> dict[str, str]:
    """The rows of the README's table ``| command | what it does |``, by command name (``kg NAME …``)."""
    table = README.split("\n| command | what it does |\n", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines()[1:]:  # after the | --- | --- | line
        match = re.match(r"\| `kg ([a-z-]+)[ `]", line)
        assert match, f"a row of the command table that does not start with `kg COMMAND`: {line}"
        rows[match.group(1)] = line
    return rows


def documented_words() -> list[tuple[str, str]]:
    """(command, word) for every argument (``GRAPH``) and long option (``--out``) of every command."""
    words = []
    for name, command in sorted(main.commands.items()):
        for param in command.params:
            if isinstance(param, click.Argument):
                words.append((name, param.human_readable_name))
            else:
                words += [(name, opt) for opt in param.opts + param.secondary_opts if opt.startswith("--")]
    return words


def test_the_command_table_has_one_row_per_command() -> None:
    assert sorted(readme_rows()) == sorted(main.commands)


@pytest.mark.parametrize(("command", "word"), documented_words(), ids=[" ".join(w) for w in documented_words()])
def test_the_command_table_names_every_argument_and_option(command: str, word: str) -> None:
    row = readme_rows().get(command, "").split("` |", 1)[0]  # the synopsis cell
    assert row, f"README's command table has no row for `kg {command}`"
    assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", row), f"README's `kg {command}` row lacks {word}"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: kg " + command in result.output.replace("\n", " ")


def test_the_measured_scores_are_what_kg_eval_prints_for_the_committed_build(gold_dir: Path) -> None:
    """README "## Measured": `kg eval` of output/extractions.jsonl against the seeds' gold (tests/fixtures/gold)."""
    section = README.split("\n## Measured\n", 1)[1].split("\n## ", 1)[0]
    result = CliRunner().invoke(main, ["eval", str(gold_dir), "--pred", str(ROOT / "output" / "extractions.jsonl"), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    stated = {row[0]: row[1:] for row in re.findall(r"^\| (entities|relations) \| ([\d.]+) \| ([\d.]+) \|$", section, re.M)}
    assert stated == {kind: (f"{scores[kind]['lenient']['micro']['f1']:.3f}", f"{scores[kind]['strict']['micro']['f1']:.3f}")
                      for kind in ("entities", "relations")}
    title = scores["post_title"]
    assert f"POST title accuracy {title['accuracy']:.3f} ({title['correct']}/{title['matched']})" in section
    assert f"{scores['docs']} gold articles" in section


# -- kg build: executors ------------------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--jobs", "2"], "--jobs counts local processes"),
    (["--executor", "dask"], "--executor dask needs --scheduler ADDRESS"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is the Dask scheduler; add --executor dask"),
    (["--executor", "local", "--scheduler", "tcp://127.0.0.1:8786", "--jobs", "2"], "add --executor dask"),
])
def test_build_refuses_executor_options_that_do_not_go_together(options: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), *options])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


# -- commands at work ---------------------------------------------------------------------------


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


@pytest.mark.slow
def test_eval_prints_a_table_and_json(gold_dir: Path, seeds_build: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["eval", str(gold_dir), "--pred", str(seeds_build / "extractions.jsonl")])
    assert table.exit_code == 0 and "micro" in table.output and "POST title accuracy" in table.output
    scores = json.loads(runner.invoke(main, ["eval", str(gold_dir), "--pred", str(seeds_build / "extractions.jsonl"), "--json"]).output)
    assert scores["docs"] == 3 and scores["entities"]["lenient"]["micro"]["f1"] > 0.85


def test_query_lists_the_named_queries() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    for name in ("officials", "programmes", "honours", "sub-units", "mentions", "evidence"):
        assert name in result.output


@pytest.mark.slow
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


@pytest.mark.slow
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
