"""Data files shipped with govkg, and small loaders for them.

Every lexicon (divisions, surnames, titles, cue words …) is a data file in this
package; README.md beside this module says where each one comes from.  Python
here only reads them: ``read_tsv`` and ``read_lines`` are the generic readers,
``divisions()`` and ``surnames()`` the cached, typed views.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import KgError

LEVELS = ("province", "city", "county")


class ResourceError(KgError):
    """A packaged data file is missing or malformed."""


def _text(name: str, folder: Path | None = None) -> str:
    root = resources.files(__name__) if folder is None else folder
    try:
        return root.joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourceError(f"{_where(folder)}/{name}: no such resource file") from exc


def _where(folder: Path | None) -> str:
    return "kg/resources" if folder is None else str(folder)


def read_lines(name: str, folder: Path | None = None) -> list[str]:
    """Non-blank lines of a resource file (in ``folder``, by default the packaged one),
    stripped, without ``#`` comment lines."""
    lines = (line.strip() for line in _text(name, folder).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def read_tsv(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    """Rows of a tab-separated resource file (in ``folder``, by default the packaged one)
    as dicts keyed by its header line.

    Blank lines and lines starting with ``#`` are skipped (before and after the
    header).  A row with more cells than the header raises ``ResourceError``;
    missing trailing cells read as ``""``.
    """
    lines = [line for line in _text(name, folder).splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise ResourceError(f"{_where(folder)}/{name}: no header line")
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [cell.strip() for cell in next(reader)]
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) > len(header):
            raise ResourceError(
                f"{_where(folder)}/{name}: data line {number} has {len(cells)} cells, header has {len(header)}"
            )
        cells = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells)))
    return rows


@dataclass(frozen=True)
class Division:
    """An administrative division of China (province, prefecture or county level).

    ``code`` is the 6-digit division code, ``parent`` the code of the division
    above it (``""`` for a province), ``short`` the form used in news
    (株洲市 -> 株洲) or ``""`` when the name has none (城区).
    """

    code: str
    name: str
    level: str
    parent: str
    short: str

    @property
    def names(self) -> tuple[str, ...]:
        """The full name, then the short form if there is one."""
        return (self.name, self.short) if self.short else (self.name,)


@dataclass(frozen=True, eq=False)
class Divisions:
    """The division table with lookups by code and by name."""

    by_code: dict[str, Division]
    _by_name: dict[str, tuple[Division, ...]] = field(repr=False, compare=False)

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> Divisions:
        """Build the table from ``divisions.tsv`` rows, checking levels and parents."""
        by_code: dict[str, Division] = {}
        for row in rows:
            division = Division(row["code"], row["name"], row["level"], row["parent"], row["short"])
            if division.level not in LEVELS:
                raise ResourceError(f"kg/resources/divisions.tsv: {division.code} has level {division.level!r}")
            if division.code in by_code:
                raise ResourceError(f"kg/resources/divisions.tsv: code {division.code} appears twice")
            by_code[division.code] = division
        by_name: dict[str, list[Division]] = {}
        for division in by_code.values():
            if division.parent and division.parent not in by_code:
                raise ResourceError(
                    f"kg/resources/divisions.tsv: {division.code} {division.name} has unknown parent {division.parent}"
                )
            for name in division.names:
                by_name.setdefault(name, []).append(division)
        return cls(by_code, {name: tuple(sorted(found, key=lambda d: d.code)) for name, found in by_name.items()})

    def __len__(self) -> int:
        return len(self.by_code)

    def __iter__(self) -> Iterator[Division]:
        return iter(self.by_code.values())

    def by_name(self, name: str) -> tuple[Division, ...]:
        """Divisions whose full name or short form is ``name``, in code order.

        Short forms and even full names can be shared (吉林省 and 吉林市 are
        both 吉林; there are several 鼓楼区), so every match is returned.
        """
        return self._by_name.get(name, ())

    def names(self) -> frozenset[str]:
        """Every full name and short form in the table."""
        return frozenset(self._by_name)

    def parent(self, division: Division) -> Division | None:
        """The division directly above ``division``, or ``None`` for a province."""
        return self.by_code.get(division.parent) if division.parent else None

    def ancestors(self, division: Division) -> tuple[Division, ...]:
        """The divisions above ``division``, nearest first (天元区 -> 株洲市, 湖南省)."""
        chain: list[Division] = []
        current = self.parent(division)
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        return tuple(chain)


@functools.cache
def divisions() -> Divisions:
    """The administrative divisions of China from ``divisions.tsv``."""
    return Divisions.from_rows(read_tsv("divisions.tsv"))


@functools.cache
def surnames() -> frozenset[str]:
    """Chinese surnames (single and double characters) from ``surnames.txt``."""
    return frozenset(read_lines("surnames.txt"))
