"""The library API behind ``kg build``: read, extract, resolve, graph, export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .corpus import read_articles
from .extract import read_article
from .export import write_outputs
from .graph import build_graph
from .records import Article, Extraction, Problem
from .resolve import resolve


CACHE_FOLDER = ".kg-cache"
#: Files larger than this are refused (``kg build --max-bytes``); longer texts are read in chunks.
MAX_BYTES = 20_000_000


@dataclass
class BuildReport:
    """What a build read, skipped and wrote."""

    articles: int = 0
    cached: int = 0
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    entities: int = 0
    relations: int = 0


def extract_articles(inputs: Iterable[str | Path], *, on_problem: Callable[[Problem], None] = lambda p: None,
                     cache: Cache | None = None, on_cached: Callable[[Extraction], None] = lambda e: None,
                     max_bytes: int = MAX_BYTES) -> Iterable[Extraction]:
    """Extractions of every readable article; problems go to ``on_problem``.

    With a ``cache``, an article already extracted by the same pipeline
    version is taken from it (and reported to ``on_cached``).
    """
    for item in read_articles(inputs, max_bytes=max_bytes):
        if isinstance(item, Problem):
            on_problem(item)
            continue
        cached = cache.get(item) if cache is not None else None
        if cached is not None:
            on_cached(cached)
            yield cached
            continue
        extraction = resolve(read_article(item))
        if cache is not None:
            cache.put(extraction)
        yield extraction


def build(inputs: Iterable[str | Path], out: str | Path, *, on_problem: Callable[[Problem], None] = lambda p: None,
          cache: bool = True, max_bytes: int = MAX_BYTES) -> BuildReport:
    """Build the knowledge graph of ``inputs`` into the folder ``out``.

    Extractions are cached per article in ``out/.kg-cache`` unless ``cache``
    is False. Nothing is written when no article could be read.
    """
    report = BuildReport()

    def problem(item: Problem) -> None:
        report.problems.append(item)
        on_problem(item)

    def cached(_: Extraction) -> None:
        report.cached += 1

    store = Cache(Path(out) / CACHE_FOLDER) if cache else None
    extractions = list(extract_articles(inputs, on_problem=problem, cache=store, on_cached=cached, max_bytes=max_bytes))
    report.articles = len(extractions)
    if not extractions:
        return report
    graph = build_graph(extractions)
    report.entities = sum(1 for _, d in graph.nodes(data=True) if d["type"] != "ARTICLE")
    report.relations = graph.number_of_edges()
    report.outputs = write_outputs(extractions, graph, Path(out))
    return report


__all__ = ["Article", "BuildReport", "build", "extract_articles"]
