"""The ``kg`` command line: a thin layer over the library API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .build import build as build_graph_files
from .errors import KgError
from .evaluate import evaluate, format_report, load_gold, load_predictions
from .records import Problem


@click.group()
@click.version_option(package_name="govkg")
def main() -> None:
    """govkg: a knowledge graph of officials, organisations, places, programmes
    and honours from Chinese local-governance news."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", default="output", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for extractions.jsonl and the graph files.")
def build(inputs: tuple[Path, ...], out: Path) -> None:
    """Extract entities and relations from articles and build the graph.

    INPUTS are files, folders (read recursively) or .jsonl files of
    {"id","title","date","source","text"} records.

    Example: kg build seeds/ --out output/
    """

    def warn(problem: Problem) -> None:
        click.echo(f"warning: skipped {problem.source}: {problem.problem}", err=True)

    try:
        report = build_graph_files(inputs, out, on_problem=warn)
    except KgError as error:
        raise click.ClickException(str(error)) from error
    skipped = len(report.problems)
    click.echo(f"read {report.articles} article(s), skipped {skipped}; "
               f"{report.entities} entities, {report.relations} relations")
    for path in report.outputs:
        click.echo(f"wrote {path}")
    if report.articles == 0:
        raise click.ClickException("no article could be read; nothing was written")


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--pred", "pred", default="output/extractions.jsonl", show_default=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Predictions (extractions.jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(gold_dir: Path, pred: Path, as_json: bool) -> None:
    """Score extractions against gold annotations (P/R/F1, lenient and strict).

    Example: kg eval ../shared/gold --pred output/extractions.jsonl
    """
    try:
        report = evaluate(load_gold(gold_dir), load_predictions(pred))
    except KgError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
