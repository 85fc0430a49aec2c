"""Compiled views of the packaged lexicons, built once per process.

Python here turns data files into lookup structures (regexes, dicts); the
entries themselves live in ``kg/resources``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.resources import divisions, read_lines, read_tsv, surnames

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
LEVEL_CHARS = "省市区县镇乡"


def alternation(words: list[str] | set[str]) -> str:
    """A regex alternation that prefers the longest word."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class OrgHead:
    head: str
    kind: str
    canonical: str
    standalone: bool
    prefix: int


@dataclass(frozen=True)
class Title:
    title: str
    org_suffix: str
    post: str
    place_org: str
    default_org: str


@functools.cache
def org_heads() -> dict[str, OrgHead]:
    return {
        row["head"]: OrgHead(row["head"], row["kind"], row["canonical"], row["standalone"] == "1", int(row["prefix"] or 0))
        for row in read_tsv("org_heads.tsv")
    }


@functools.cache
def org_head_re() -> re.Pattern[str]:
    return re.compile(alternation(list(org_heads())))


@functools.cache
def titles() -> dict[str, Title]:
    return {row["title"]: Title(**row) for row in read_tsv("titles.tsv")}


@functools.cache
def title_re() -> re.Pattern[str]:
    return re.compile(alternation(list(titles())))


@functools.cache
def cues(resource: str) -> dict[str, set[str]]:
    """Cue words of a cue file grouped by role (``{"verb": {...}, ...}``)."""
    groups: dict[str, set[str]] = {}
    for row in read_tsv(resource):
        groups.setdefault(row["role"], set()).add(row["cue"])
    return groups


@functools.cache
def cue_re(resource: str, role: str) -> re.Pattern[str]:
    return re.compile(alternation(cues(resource)[role]))


@functools.cache
def kept_heads(resource: str = "programme_cues.tsv") -> frozenset[str]:
    return frozenset(row["cue"] for row in read_tsv(resource) if row.get("keep") == "1")


@functools.cache
def stopwords() -> tuple[frozenset[str], re.Pattern[str]]:
    words = frozenset(read_lines("stopwords.txt"))
    return words, re.compile(alternation([w for w in words if len(w) > 1]))


@functools.cache
def name_stopchars() -> frozenset[str]:
    return frozenset(read_lines("name_stopchars.txt"))


@functools.cache
def surname_re() -> re.Pattern[str]:
    return re.compile(alternation(surnames()))


@functools.cache
def place_names() -> dict[str, tuple[str, ...]]:
    """Every full name and short form of a division -> the division codes it may mean."""
    table: dict[str, list[str]] = {}
    for division in divisions().by_code.values():
        for name in division.names:
            table.setdefault(name, []).append(division.code)
    return {name: tuple(codes) for name, codes in table.items()}
