"""Compiled views of a folder of lexicons (by default the packaged ``kg/resources``).

Python here turns data files into lookup structures (regexes, dicts, sets);
the entries themselves live in the data files. A ``Lexicon`` is built once per
folder and process (``lexicon(folder)``), so the rule components, the NER
component's span filter and the training-data converter share one copy, and
a test can give a component a folder holding a tiny lexicon instead.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kg.resources import Divisions, ResourceError, divisions, read_lines, read_tsv, surnames

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

#: Files every lexicon folder holds; component-specific files are named in each component's config.
DIVISIONS, SURNAMES, STOPWORDS, NAME_STOPCHARS, ADDRESS_FORMS, WORD_CLASSES = (
    "divisions.tsv", "surnames.txt", "stopwords.txt", "name_stopchars.txt", "address_forms.txt", "word_classes.tsv")


def alternation(words: list[str] | set[str] | frozenset[str]) -> str:
    """A regex alternation that prefers the longest word (one that matches nothing when there are no words)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or "(?!)"


@dataclass(frozen=True)
class OrgHead:
    """A row of ``org_heads.tsv``: a word that ends an organisation name."""

    head: str
    kind: str
    canonical: str
    standalone: bool
    prefix: int
    not_after: str


@dataclass(frozen=True)
class Title:
    """A row of ``titles.tsv``: an official title and the body it belongs to."""

    title: str
    org_suffix: str
    post: str
    place_org: str
    default_org: str
    on_place: str = ""  #: "1" for a government head, whose post is on the place (副省长 -> 湖北省)


@dataclass(frozen=True)
class PlaceHead:
    """A row of ``place_heads.tsv``: a word that ends a locality's name (三门镇, 响石广场)."""

    head: str
    prefix: int
    not_after: str


class Lexicon:
    """The lexicons of one folder, each read and compiled on first use."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder else None

    def tsv(self, name: str) -> list[dict[str, str]]:
        return read_tsv(name, self.folder)

    def lines(self, name: str) -> list[str]:
        return read_lines(name, self.folder)

    # -- closed word classes (word_classes.tsv) ----------------------------------------------

    @cached_property
    def _classes(self) -> dict[str, tuple[str, ...]]:
        return {row["class"]: tuple(row["members"].split()) for row in self.tsv(WORD_CLASSES)}

    def words(self, name: str) -> tuple[str, ...]:
        """The members of a class of ``word_classes.tsv``."""
        try:
            return self._classes[name]
        except KeyError:
            raise ResourceError(f"{WORD_CLASSES}: no class {name!r}") from None

    @functools.cache  # noqa: B019  (one Lexicon per folder and process: nothing leaks)
    def chars(self, name: str) -> str:
        """The members of a class of single characters, as one string (for ``in`` tests), joined once."""
        return "".join(self.words(name))

    # -- shared lexicons ----------------------------------------------------------------------

    @cached_property
    def divisions(self) -> Divisions:
        return divisions() if self.folder is None else Divisions.from_rows(self.tsv(DIVISIONS))

    @cached_property
    def place_names(self) -> dict[str, tuple[str, ...]]:
        """Every full name and short form of a division -> the division codes it may mean."""
        table: dict[str, list[str]] = {}
        for division in self.divisions.by_code.values():
            for name in division.names:
                table.setdefault(name, []).append(division.code)
        return {name: tuple(codes) for name, codes in table.items()}

    @cached_property
    def surnames(self) -> frozenset[str]:
        return surnames() if self.folder is None else frozenset(self.lines(SURNAMES))

    @cached_property
    def surname_re(self) -> re.Pattern[str]:
        return re.compile(alternation(self.surnames))

    @cached_property
    def stopwords(self) -> frozenset[str]:
        return frozenset(self.lines(STOPWORDS))

    @cached_property
    def stopword_re(self) -> re.Pattern[str]:
        """The stop words of two or more characters."""
        return re.compile(alternation([w for w in self.stopwords if len(w) > 1]))

    @cached_property
    def name_stopchars(self) -> frozenset[str]:
        return frozenset(self.lines(NAME_STOPCHARS))

    @cached_property
    def address_forms(self) -> re.Pattern[str]:
        """Titles and forms of address after a lone surname (江主席, 张女士), longest first."""
        return re.compile(alternation(self.lines(ADDRESS_FORMS)))

    # -- component files, named in each component's config ---------------------------------------

    @functools.cache  # noqa: B019  (one Lexicon per folder and process: nothing leaks)
    def org_heads(self, name: str) -> dict[str, OrgHead]:
        return {
            row["head"]: OrgHead(row["head"], row["kind"], row["canonical"], row["standalone"] == "1",
                                 int(row["prefix"] or 0), row["not_after"])
            for row in self.tsv(name)
        }

    @functools.cache  # noqa: B019
    def place_heads(self, name: str) -> dict[str, PlaceHead]:
        return {row["head"]: PlaceHead(row["head"], int(row["prefix"]), row["not_after"]) for row in self.tsv(name)}

    @functools.cache  # noqa: B019
    def titles(self, name: str) -> dict[str, Title]:
        return {row["title"]: Title(**row) for row in self.tsv(name)}

    @functools.cache  # noqa: B019
    def cues(self, name: str) -> dict[str, frozenset[str]]:
        """Cue words of a cue file grouped by role (``{"verb": {...}, ...}``)."""
        groups: dict[str, set[str]] = {}
        for row in self.tsv(name):
            groups.setdefault(row["role"], set()).add(row["cue"])
        return {role: frozenset(words) for role, words in groups.items()}

    @functools.cache  # noqa: B019
    def cue_re(self, name: str, role: str) -> re.Pattern[str]:
        """The cues of one role of a cue file as a regex that prefers the longest."""
        return re.compile(alternation(self.cues(name)[role]))

    @functools.cache  # noqa: B019
    def kept_cues(self, name: str) -> frozenset[str]:
        """Cues of a cue file marked ``keep`` (a name ending in one is kept whole)."""
        return frozenset(row["cue"] for row in self.tsv(name) if row.get("keep") == "1")


@functools.cache
def lexicon(folder: str | None = None) -> Lexicon:
    """The lexicon of ``folder`` (by default the packaged resources), one per process."""
    return Lexicon(folder)


__all__ = ["HAN", "Lexicon", "OrgHead", "PlaceHead", "Title", "alternation", "lexicon"]
