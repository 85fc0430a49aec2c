"""Character-level helpers shared by the rule components."""

from __future__ import annotations

import functools
import re

import jieba
import jieba.posseg as posseg

from .lexicon import HAN, LEVEL_CHARS, name_stopchars, stopwords, surname_re

jieba.setLogLevel(60)

NAME_CHARS = re.compile(f"[{HAN}0-9A-Za-z]")
CLAUSE_BREAK = re.compile(r"[,;:。!?、\n“”\"《》()]")
SENTENCE_END = "。!?;\n"
#: Characters before a level character that make it generic (全市, 各区, 我市).
GENERIC_BEFORE_LEVEL = set("全各本我该外两三四五等他")


def name_run_start(text: str, end: int, limit: int) -> int:
    """Start of the run of name characters (Han, digits, letters) ending at ``end``."""
    start = end
    while start > 0 and end - start < limit and NAME_CHARS.match(text[start - 1]):
        start -= 1
    return start


def trim_modifier(text: str, start: int, end: int, *, max_len: int) -> int:
    """Left edge of a proper-name modifier in ``text[start:end]`` (白鹤 in 深入白鹤社区).

    The run is cut into words (jieba); words are taken from the right while they
    are not stop words, prepositions, particles, pronouns, adverbs or counted
    quantities, and while the modifier stays within ``max_len`` characters.
    """
    words, multi = stopwords()
    edge = end
    for word, flag in reversed(_cut(text[start:end])):
        if word in words or multi.search(word) or flag in STOP_POS or (flag == "m" and QUANTITY.search(word)):
            break
        if end - (edge - len(word)) > max_len:
            break
        edge -= len(word)
    return edge


STOP_POS = {"p", "u", "uj", "ul", "c", "r", "d", "f"}
QUANTITY = re.compile(r"[0-9个家名支批次项起件所座级]")


@functools.lru_cache(maxsize=65536)
def _cut(run: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in posseg.lcut(run))


def level_prefix(text: str, at: int) -> str:
    """The level character (省市区县镇乡) right before ``at`` when it is specific."""
    if at == 0 or text[at - 1] not in LEVEL_CHARS:
        return ""
    if at >= 2 and text[at - 2] in GENERIC_BEFORE_LEVEL:
        return ""
    return text[at - 1]


def person_name_at(text: str, start: int) -> int:
    """End of a Chinese personal name starting at ``start``, or ``start`` if none.

    A name is a surname from the lexicon followed by one or two given-name
    characters; a given character that usually follows a name (在, 获, 说 …)
    ends it.
    """
    match = surname_re().match(text, start)
    if not match:
        return start
    stop = name_stopchars()
    end = match.end()
    given = 0
    while end < len(text) and given < 2 and "\u4e00" <= text[end] <= "\u9fff" and text[end] not in stop:
        end += 1
        given += 1
    if given == 0 or end - start > 4:
        return start
    if end < len(text) and text[end] == "某":
        return start
    return end


def sentence_bounds(text: str, at: int) -> tuple[int, int]:
    """Start and end of the sentence holding ``at``."""
    start = at
    while start > 0 and text[start - 1] not in SENTENCE_END:
        start -= 1
    end = at
    while end < len(text) and text[end] not in SENTENCE_END:
        end += 1
    return start, end


def clause_start(text: str, at: int) -> int:
    """Start of the clause holding ``at`` (after the last , ; : or sentence end)."""
    start = at
    while start > 0 and text[start - 1] not in ",;:" + SENTENCE_END:
        start -= 1
    return start


def next_word(text: str, at: int, reach: int = 8) -> tuple[str, str] | tuple[()]:
    """The jieba word (and its part of speech) that starts at ``at``."""
    run = text[at : at + reach]
    words = _cut(run) if run else ()
    return words[0] if words else ()
