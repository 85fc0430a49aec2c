"""``kg person NAME``: a person's career timeline, read from a build's tables.

Every person of the name (an alias or a person id works too) gets a block: who
it is (its jurisdictions and why its mentions are one person), then one line
per spell in time order, with the evidence sentence.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import KgError
from .tables import TABLES

#: the widest evidence quoted on a timeline line
EVIDENCE_CHARS = 60


@dataclass(frozen=True)
class Career:
    """One person and their spells (rows of ``posts.csv``), in time order."""

    person: dict[str, str]
    spells: list[dict[str, str]]


def careers(folder: str | Path, name: str) -> list[Career]:
    """The careers of every person called ``name`` (or whose id is ``name``) in the build at ``folder``."""
    persons = [p for p in _rows(folder, "persons") if name in (p["name"], p["person_id"])]
    posts = _rows(folder, "posts")
    return [Career(p, sorted((s for s in posts if s["person_id"] == p["person_id"]), key=_when)) for p in persons]


def format_careers(found: list[Career], name: str) -> str:
    """The timelines as text; several persons of one name are listed one after the other."""
    if not found:
        return f"no person called {name} in this build"
    lines = [f"{len(found)} persons are called {name}; each is listed below." if len(found) > 1 else ""]
    for career in found:
        person = career.person
        lines += ["", f"{person['name']}  {person['person_id']}",
                  f"  jurisdictions: {person['jurisdictions'] or 'none known'}; {person['articles']} article(s)"]
        lines += [f"  {_span(s)}  {s['status']:<9} {s['title']}, {s['body']}  [{s['articles']}]\n      {_short(s['evidence'])}"
                  for s in career.spells] or ["  no post found"]
    return "\n".join(lines).strip("\n")


def _rows(folder: str | Path, table: str) -> list[dict[str, str]]:
    path = Path(folder) / TABLES / f"{table}.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise KgError(f"{path}: no such table; run kg build first (or point --out at a build)") from None


def _when(spell: dict[str, str]) -> tuple[str, str]:
    return spell["start"] or spell["first_seen"] or spell["end"] or "9999", spell["body"]


def _span(spell: dict[str, str]) -> str:
    start = spell["start"] or (f"seen {spell['first_seen']}" if spell["first_seen"] else "")
    end = spell["end"] or (spell["last_seen"] if spell["last_seen"] and spell["last_seen"] != spell["first_seen"] else "")
    return (f"{start} – {end}" if start or end else "undated").ljust(27)


def _short(sentence: str) -> str:
    return sentence if len(sentence) <= EVIDENCE_CHARS else sentence[: EVIDENCE_CHARS - 1] + "…"
