"""Text normalisation that never moves a character.

Each function maps ``str -> str`` with the same length, so an offset into the
normalised text is an offset into the original: ``fold_width`` folds full-width
forms and punctuation variants, ``to_simplified`` folds traditional characters
to simplified ones (the lexicons are simplified), and ``normalize`` does both.
``TextMap`` joins an article's
repaired paragraphs into the text the pipeline reads and keeps, for every
character, its offset in ``Article.text``.
"""

from __future__ import annotations

import functools
import re
from array import array
from dataclasses import dataclass

from .records import Article
from .resources import read_tsv

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_PUNCTUATION = {
    "，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")",
    "〔": "(", "〕": ")", "「": "“", "」": "”", "『": "“", "』": "”",
    "\u3000": " ", "\u00a0": " ", "\u2018": "‘", "\u2019": "’", "\ufeff": " ",
}
_TABLE = {**_FULLWIDTH, **{ord(k): v for k, v in _PUNCTUATION.items()}}
_TABLE[ord("。")] = "。"
_TABLE[ord("、")] = "、"


def fold_width(text: str) -> str:
    """Fold full-width ASCII and punctuation variants to one form (same length)."""
    return text.translate(_TABLE)


@functools.cache
def _t2s_table() -> dict[int, str]:
    return {ord(row["traditional"]): row["simplified"] for row in read_tsv("t2s.tsv")}


def to_simplified(text: str) -> str:
    """Fold traditional characters to simplified ones, one for one (same length).

    The table (``kg/resources/t2s.tsv``, from OpenCC) holds only characters
    with a single simplified form, so 縣 → 县 and 鍾 → 钟, while 乾 and 於,
    which simplified text uses too, stay as they are.
    """
    return text.translate(_t2s_table())


_SURROGATE = re.compile("[\ud800-\udfff]")


def drop_surrogates(text: str) -> str:
    """Lone surrogates (undecodable in UTF-8) become U+FFFD, one for one."""
    return _SURROGATE.sub("\ufffd", text)


def normalize(text: str) -> str:
    """The normaliser the pipeline uses: idempotent and length-preserving."""
    folded = to_simplified(fold_width(drop_surrogates(text)))
    assert len(folded) == len(text)
    return folded


@dataclass(frozen=True)
class TextMap:
    """Pipeline text and, per character, its offset in the original text."""

    text: str
    origin: array

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` back to offsets in the original text."""
        if not self.origin:
            return 0, 0
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else self.origin[-1]
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def assemble(article: Article) -> TextMap:
    """Join the article's paragraphs, one per line, normalised, with an offset map."""
    parts: list[str] = []
    origin = array("l")
    for paragraph in article.paragraphs:
        if parts:
            parts.append("\n")
            origin.append(origin[-1] + 1 if origin else 0)
        for start, end in paragraph.pieces:
            parts.append(article.text[start:end])
            origin.extend(range(start, end))
    return TextMap(normalize("".join(parts)), origin)
