"""Dates written in Chinese news, read against the article's own date.

A rule keeps a date as the text says it (``2023年12月29日``, ``12月29日``,
``去年3月``, ``上月``); :func:`iso_date` turns it into ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD`` once the article's date is known: a month and day without a
year take the article's year, ``去年``/``今年``/``前年`` count back from it, and
``上月``/``本月`` from its month. What cannot be placed gives ``""``.
"""

from __future__ import annotations

import re
from datetime import date

_NUMBER = r"(\d{1,4}|[〇零一二三四五六七八九十]{1,3})"
#: A date expression: an absolute or relative year, a month, a day; at least one part.
DATE_RE = re.compile(
    rf"(?:(?P<year>\d{{4}})年|(?P<rel_year>前年|去年|今年|当年))?"
    rf"(?:(?P<month>{_NUMBER})月|(?P<rel_month>上月|上个月|本月|当月))?"
    rf"(?:(?P<day>{_NUMBER})[日号])?")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_YEAR_BACK = {"前年": 2, "去年": 1, "今年": 0, "当年": 0}
_MONTH_BACK = {"上月": 1, "上个月": 1, "本月": 0, "当月": 0}


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the date expressions in ``text[start:end]`` that name a month or a year."""
    end = len(text) if end is None else end
    found = []
    for match in DATE_RE.finditer(text, start, end):
        if match.end() > match.start() and (match["month"] or match["rel_month"] or match["year"] or match["rel_year"]):
            if _plausible(match):
                found.append((match.start(), match.end()))
    return found


def iso_date(expression: str, article_date: str = "") -> str:
    """``expression`` (a whole date expression) as ISO text, completed from ``article_date`` (``YYYY-MM-DD``)."""
    match = DATE_RE.fullmatch(expression)
    if not match or not expression or not _plausible(match):
        return ""
    anchor = _parse_iso(article_date)
    year, month = _year_month(match, anchor)
    if year is None:
        return ""
    day = _number(match["day"]) if match["day"] else None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _year_month(match: re.Match, anchor: date | None) -> tuple[int | None, int | None]:
    month = _number(match["month"]) if match["month"] else None
    if match["rel_month"]:
        if anchor is None:
            return None, None
        months = anchor.year * 12 + anchor.month - 1 - _MONTH_BACK[match["rel_month"]]
        return months // 12, months % 12 + 1
    if match["year"]:
        return int(match["year"]), month
    if anchor is None:
        return None, month
    return anchor.year - _YEAR_BACK.get(match["rel_year"] or "今年", 0), month


def _plausible(match: re.Match) -> bool:
    month = _number(match["month"]) if match["month"] else 1
    day = _number(match["day"]) if match["day"] else 1
    return 1 <= month <= 12 and 1 <= day <= 31


def _number(text: str) -> int:
    """An Arabic or Chinese numeral up to 99 (十二, 二十九, 3)."""
    if text.isdigit():
        return int(text)
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return _DIGITS.get(text, 0)
    return (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)


def _parse_iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
