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


#: Where a byline cue is read: the words of the ``places`` column of ``bylines.tsv``.
BYLINE_PLACES = ("byline", "dateline", "paper", "field", "credit")
#: How a byline role is credited: the ``credit`` column of ``byline_roles.tsv``.
BYLINE_CREDITS = ("creator", "contributor")


@dataclass(frozen=True)
class BylineRole:
    """A role a news page credits a person with: ``reporter`` (记者), ``editor`` (编辑) …

    ``creator`` says whether the role wrote the article (``dcterms:creator``)
    rather than contributed to it (``dcterms:contributor``).
    """

    id: str
    label: str
    creator: bool


@dataclass(frozen=True, eq=False)
class Bylines:
    """The byline roles and the cues that name them (``byline_roles.tsv``, ``bylines.tsv``).

    Every lookup is strict: a cue or role the tables lack raises ``ResourceError``.
    """

    roles: dict[str, BylineRole]
    cue_roles: dict[str, str]
    _places: dict[str, tuple[str, ...]] = field(repr=False)

    @classmethod
    def from_rows(cls, role_rows: list[dict[str, str]], cue_rows: list[dict[str, str]]) -> Bylines:
        """Build the tables from rows of ``byline_roles.tsv`` and ``bylines.tsv``, checking every cell."""
        roles = _byline_roles(role_rows)
        cue_roles: dict[str, str] = {}
        places: dict[str, list[str]] = {place: [] for place in BYLINE_PLACES}
        for row in cue_rows:
            cue, role = row["cue"], row["role"]
            where = f"kg/resources/bylines.tsv: cue {cue!r}"
            if not cue or cue in cue_roles:
                raise ResourceError(f"{where} is empty or appears twice")
            if role not in roles:
                raise ResourceError(f"{where} has unknown role {role!r} (byline_roles.tsv has {', '.join(roles)})")
            read_in = row["places"].split()
            if not read_in or not set(read_in) <= set(BYLINE_PLACES):
                raise ResourceError(f"{where} has places {row['places']!r}, not some of {', '.join(BYLINE_PLACES)}")
            cue_roles[cue] = role
            for place in read_in:
                places[place].append(cue)
        longest_first = {place: tuple(sorted(cues, key=len, reverse=True)) for place, cues in places.items()}
        return cls(roles, cue_roles, longest_first)

    def role_of(self, cue: str) -> str:
        """The role id a cue names (``全媒体记者`` -> ``reporter``)."""
        try:
            return self.cue_roles[cue]
        except KeyError:
            raise ResourceError(f"byline cue {cue!r} is not in kg/resources/bylines.tsv") from None

    def role(self, role: str) -> BylineRole:
        """The role with id ``role``."""
        try:
            return self.roles[role]
        except KeyError:
            known = ", ".join(self.roles)
            raise ResourceError(f"byline role {role!r} is not in kg/resources/byline_roles.tsv ({known})") from None

    def cues(self, place: str) -> tuple[str, ...]:
        """The cues read in ``place`` (one of ``BYLINE_PLACES``), longest first."""
        if place not in self._places:
            raise ResourceError(f"no byline place {place!r}: the places are {', '.join(BYLINE_PLACES)}")
        return self._places[place]

    @property
    def labels(self) -> dict[str, str]:
        """Role id -> the label the view shows (``reporter`` -> ``记者``)."""
        return {role.id: role.label for role in self.roles.values()}

    @property
    def creator_roles(self) -> tuple[str, ...]:
        """The ids of the roles that wrote the article (reporters, correspondents)."""
        return tuple(role.id for role in self.roles.values() if role.creator)


def _byline_roles(rows: list[dict[str, str]]) -> dict[str, BylineRole]:
    roles: dict[str, BylineRole] = {}
    for row in rows:
        where = f"kg/resources/byline_roles.tsv: role {row['role']!r}"
        if not row["role"] or row["role"] in roles or not row["label"]:
            raise ResourceError(f"{where} is empty, appears twice or has no label")
        if row["credit"] not in BYLINE_CREDITS:
            raise ResourceError(f"{where} has credit {row['credit']!r}, not {' or '.join(BYLINE_CREDITS)}")
        roles[row["role"]] = BylineRole(row["role"], row["label"], row["credit"] == "creator")
    return roles


@functools.cache
def bylines() -> Bylines:
    """The byline roles and cues from ``byline_roles.tsv`` and ``bylines.tsv``."""
    return Bylines.from_rows(read_tsv("byline_roles.tsv"), read_tsv("bylines.tsv"))
