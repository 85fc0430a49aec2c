"""The library API behind ``kg build``: read, extract, resolve, graph, export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import read_articles
from .extract import read_article
from .export import write_outputs
from .graph import build_graph
from .records import Article, Extraction, Problem
from .resolve import resolve


@dataclass
class BuildReport:
    """What a build read, skipped and wrote."""

    articles: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    entities: int = 0
    relations: int = 0


def extract_articles(inputs: Iterable[str | Path], *, on_problem: Callable[[Problem], None] = lambda p: None) -> Iterable[Extraction]:
    """Extractions of every readable article; problems go to ``on_problem``."""
    for item in read_articles(inputs):
        if isinstance(item, Problem):
            on_problem(item)
            continue
        yield resolve(read_article(item))


def build(inputs: Iterable[str | Path], out: str | Path, *, on_problem: Callable[[Problem], None] = lambda p: None) -> BuildReport:
    """Build the knowledge graph of ``inputs`` into the folder ``out``.

    Nothing is written when no article could be read.
    """
    report = BuildReport()

    def problem(item: Problem) -> None:
        report.problems.append(item)
        on_problem(item)

    extractions = list(extract_articles(inputs, on_problem=problem))
    report.articles = len(extractions)
    if not extractions:
        return report
    graph = build_graph(extractions)
    report.entities = sum(1 for _, d in graph.nodes(data=True) if d["type"] != "ARTICLE")
    report.relations = graph.number_of_edges()
    report.outputs = write_outputs(extractions, graph, Path(out))
    return report


__all__ = ["Article", "BuildReport", "build", "extract_articles"]
