"""Layout repair: body lines become paragraphs, and sentences the print layout broke are joined again.

A print page sets an article in columns and blocks; its text file breaks a
sentence wherever a block ends. A long body line that stops mid-sentence is
joined with the next long body line, so a paragraph is one or more pieces
(offset spans) of ``Article.text``.
"""

from __future__ import annotations

import re

from kg.records import Article, Paragraph

from .header import CAPTION, HEADING, Lines

#: A line this long that ends mid-sentence may continue in the next line,
#: which must be this long too (shorter lines are headings or name cards).
JOIN_MIN_CHARS = 30

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.．、)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、|[-*•]\s)")
_SENTENCE_END = re.compile(r"(?:[。！？!?；;…]|\.\.\.)[”’」』）)》】\"'\]]*\s*$")
_CLAUSE_MARK = re.compile(r"[，,、。；;：:！？!?]")


def paragraph_text(article: Article, paragraph: Paragraph) -> str:
    """The text of a paragraph: its pieces concatenated."""
    return "".join(article.text[start:end] for start, end in paragraph.pieces)


def paragraphs(lines: Lines, kinds: list[str]) -> tuple[Paragraph, ...]:
    """The body lines as paragraphs, each broken sentence joined across the lines it spans."""
    found: list[list[tuple[int, int]]] = []
    previous = None  # the last body line, unless a page-header line came since
    for (offset, line), kind in zip(lines, kinds):
        span = _content_span(offset, line) if kind == "body" else None
        if span is None:
            previous = previous if kind == "blank" else None
            continue
        if previous is not None and _continues(previous, line):
            found[-1].append(span)
        else:
            found.append([span])
        previous = line
    return tuple(Paragraph(tuple(pieces)) for pieces in found)


def _content_span(offset: int, line: str) -> tuple[int, int] | None:
    """The span of a line's content, without heading marks or surrounding whitespace."""
    match = HEADING.match(line)
    start = match.end() if match else len(line) - len(line.lstrip())
    end = len(line.rstrip())
    return (offset + start, offset + end) if end > start else None


def _continues(previous: str, following: str) -> bool:
    """Whether the body line ``following`` carries on a sentence that ``previous`` broke off."""
    before, after = previous.strip(), following.strip()
    return (
        min(len(before), len(after)) >= JOIN_MIN_CHARS
        and bool(_CLAUSE_MARK.search(before))
        and not _SENTENCE_END.search(before)
        and not any(HEADING.match(line) or CAPTION.search(line) for line in (before, after))
        and not _LIST_ITEM.match(after)
    )
