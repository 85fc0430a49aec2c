"""Progress of a build on a terminal: articles done, rate, time left, cache hits (a tqdm bar on stderr).

The total is estimated before the build from the inputs (a JSONL file's
lines, a folder's article files), without reading any article; when the
build finds more or fewer, the bar follows what it finds.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from tqdm import tqdm

from .build import BuildReport
from .corpus.files import ARTICLE_SUFFIXES


def estimate_articles(inputs: Iterable[str | Path]) -> int | None:
    """How many articles ``inputs`` hold, roughly (``None`` when an input cannot be looked at)."""
    total = 0
    try:
        for item in map(Path, inputs):
            paths = sorted(p for p in item.rglob("*") if p.is_file()) if item.is_dir() else [item]
            total += sum(_articles_in(p) for p in paths if p.suffix.lower() in ARTICLE_SUFFIXES or not item.is_dir())
    except OSError:
        return None
    return total


def _articles_in(path: Path) -> int:
    if path.suffix.lower() != ".jsonl":
        return 1
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


class ProgressBar:
    """A build's progress bar; call it with the report after each article, and ``close()`` at the end."""

    def __init__(self, total: int | None, stream: IO[str] | None = None, every: float = 0.2) -> None:
        self.bar = tqdm(total=total, unit="article", file=stream or sys.stderr, dynamic_ncols=True, mininterval=every,
                        miniters=1, desc="extract", leave=False)

    def __call__(self, report: BuildReport) -> None:
        if self.bar.total is not None and report.articles > self.bar.total:
            self.bar.total = report.articles
        self.bar.set_postfix_str(f"{report.cached} from cache", refresh=False)
        self.bar.update(report.articles - self.bar.n)

    def close(self) -> None:
        self.bar.close()
