"""An article's jurisdiction: which division each gazetteer hit means, and which divisions dominate.

The dateline's or source line's medium (岳阳日报 -> 岳阳市) weighs most, then a
place in the title, then one in the lead, then any other citation; a name that
several divisions share means the one in the article's home province.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .records import Reading
from .resources import Division, divisions

#: A division dominates its level when cited this many times as often as the next one.
DOMINANCE = 1.5
#: What a citation weighs: the dateline's medium, a place in the title, one in the lead, any other.
MEDIA_WEIGHT, TITLE_WEIGHT, LEAD_WEIGHT = 8, 4, 2
LEAD_CHARS = 200
LEVELS = ("province", "city", "county")


@dataclass
class Jurisdiction:
    """The article's places: the division each gazetteer hit means, and the dominant ones per level."""

    hits: list[tuple[int, Division, bool]]  # in text order
    dominant: dict[str, Division]
    home: str

    def __post_init__(self) -> None:
        self._full = {division.name for _, division, short in self.hits if not short}
        self._short = {division.code for _, division, short in self.hits if short}
        self._at: dict[int, Division] = {}
        for at, division, _ in self.hits:
            self._at.setdefault(at, division)
        self._starts = [at for at, _, _ in self.hits]

    def named_full(self) -> set[str]:
        """Divisions the article writes out in full (株洲市, not just 株洲)."""
        return self._full

    def division_at(self, start: int) -> Division | None:
        return self._at.get(start)

    def hits_between(self, start: int, end: int) -> list[tuple[int, Division, bool]]:
        """The hits at offsets in ``[start, end)``, in text order."""
        return self.hits[bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)]

    def place_name(self, division: Division) -> str:
        """How the article names a division as a place: full if it writes it in full, else its short form."""
        written_short = division.code in self._short
        if division.name in self._full or not written_short:
            return division.name
        return division.short

    def division_named(self, name: str) -> Division | None:
        """The one division a name or short form means here, if it is unambiguous."""
        options = [d for d in divisions().by_name(name) if name in d.names]
        local = [d for d in options if _ancestor(d, "province").code == self.home]
        options = local or options
        return options[0] if len(options) == 1 else None


def infer_jurisdiction(reading: Reading) -> Jurisdiction:
    """Which divisions the article is about: the dateline's or source line's medium
    (岳阳日报 -> 岳阳市), then the title, then the most cited division."""
    weigh = _weigher(reading)
    media = _media_divisions(reading.article.newspaper)
    home = _ancestor(media[0], "province").code if media else _home_province(reading.place_hits, weigh)
    hits = []
    for at, codes, short in reading.place_hits:
        division = _meant(codes, home)
        if division is None:
            continue
        if _ancestor(division, "province").code != home and ((short and division.level == "county") or len(division.name) < 3):
            continue  # a county elsewhere named by a short form (河西, 城关) or a two-character name (和县)
        hits.append((at, division, short))
    hits = _with_parents(sorted(hits, key=lambda h: h[0]), media)
    weights = Counter({d.code: MEDIA_WEIGHT for d in media})
    for at, division, _ in hits:
        weights[division.code] += weigh(at)
    return Jurisdiction(hits, _dominant(weights), home)


def _with_parents(hits: list[tuple[int, Division, bool]], media: list[Division]) -> list[tuple[int, Division, bool]]:
    """Drop a county named only by its short form (友谊, 惠民) where the article cites neither
    its full name nor a division above it: a national article's word, not a county."""
    table = divisions()
    cited = {d.code for d in media} | {d.code for _, d, short in hits if not (short and d.level == "county")}
    return [(at, d, short) for at, d, short in hits
            if not (short and d.level == "county") or any(a.code in cited for a in (d, *table.ancestors(d)))]


def _meant(codes: tuple[str, ...], home: str) -> Division | None:
    """The one division a name means: in the home province if one is, else the highest in level
    (河北 is the province, not 天津's 河北区; 南昌 the city, not 南昌县)."""
    table = divisions()
    local = _drop_descendants([c for c in codes if _ancestor(table.by_code[c], "province").code == home])
    options = [table.by_code[c] for c in (local or _drop_descendants(list(codes)))]
    top = min((LEVELS.index(d.level) for d in options), default=0)
    options = [d for d in options if LEVELS.index(d.level) == top]
    return options[0] if len(options) == 1 else None


def _weigher(reading: Reading) -> Callable[[int], int]:
    """How much a place cited at an offset says about the article: most in the title, more in the lead."""
    text, title = reading.article.text, reading.article.title
    title_at = text.find(title) if title else -1
    title_span = (title_at, title_at + len(title)) if title_at >= 0 else (0, 0)
    lead_end = max(title_span[1], 0) + LEAD_CHARS

    def weigh(at: int) -> int:
        return TITLE_WEIGHT if title_span[0] <= at < title_span[1] else LEAD_WEIGHT if at < lead_end else 1

    return weigh


def _media_divisions(medium: str) -> list[Division]:
    """The division a medium's name opens with (岳阳日报, 浙江在线; none for 央视网),
    the higher level first where a name is shared (吉林日报: the province)."""
    table = divisions()
    for size in range(min(len(medium) - 1, 8), 1, -1):
        found = _drop_descendants([d.code for d in table.by_name(medium[:size])])
        if found:
            return [table.by_code[c] for c in sorted(found, key=lambda c: LEVELS.index(table.by_code[c].level))][:1]
    return []


def _drop_descendants(codes: list[str]) -> list[str]:
    """Of divisions sharing a name (岳阳市, 岳阳县), keep those no other one contains."""
    table = divisions()
    return [c for c in codes if not any(a.code in codes for a in table.ancestors(table.by_code[c]))]


def _home_province(place_hits: tuple, weigh: Callable[[int], int]) -> str:
    """The province most cited by unambiguous full names (short forms if there are none)."""
    table = divisions()
    for want_short in (False, True):
        provinces = Counter()
        for at, codes, short in place_hits:
            kept = _drop_descendants(list(codes))
            if len(kept) == 1 and short == want_short:
                provinces[_ancestor(table.by_code[kept[0]], "province").code] += weigh(at)
        if provinces:
            return max(provinces.items(), key=lambda item: (item[1], item[0]))[0]
    return ""


def _ancestor(division: Division, level: str) -> Division:
    """The division itself or its ancestor at ``level`` (the top one if none is)."""
    table = divisions()
    current = division
    while current.level != level and current.parent:
        current = table.by_code[current.parent]
    return current


def _dominant(weights: Counter) -> dict[str, Division]:
    """The most cited division of each level, counting what lies inside it
    (天元区 counts for 株洲市); a county must lead its level by a margin."""
    table = divisions()
    totals: Counter = Counter()
    for code, weight in weights.items():
        division = table.by_code[code]
        for covering in (division, *table.ancestors(division)):
            totals[covering.code] += weight
    dominant: dict[str, Division] = {}
    for level in ("county", "city", "province"):
        ranked = sorted(((w, c) for c, w in totals.items() if table.by_code[c].level == level), reverse=True)
        if ranked and (level != "county" or len(ranked) == 1 or ranked[0][0] >= DOMINANCE * ranked[1][0]):
            dominant[level] = table.by_code[ranked[0][1]]
    return dominant
