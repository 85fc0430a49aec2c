"""Decoded text to an ``Article``: the page header, the bylines and the repaired paragraphs.

``parse_page`` takes what a file or JSONL record holds, HTML or not;
``parse_article`` takes plain text. Offsets of the article point into its
text with ``\\r\\n``/``\\r`` turned into ``\\n``.
"""

from __future__ import annotations

from dataclasses import replace

from kg.errors import InputError
from kg.records import Article

from .decode import normalize_newlines, replace_surrogates
from .header import Lines, find_bylines, find_date, header_lines, line_kind, paper_and_page, title
from .layout import paragraphs
from .markup import html_text, looks_like_html


def parse_article(doc: str, text: str, source: str, encoding: str = "utf-8") -> Article:
    """Build an ``Article`` from decoded text: header, bylines and repaired paragraphs."""
    text = replace_surrogates(normalize_newlines(text))
    lines = _lines(text)
    kinds = [line_kind(line) for _, line in lines]
    header = header_lines(lines, kinds)
    paper, page = paper_and_page(lines, kinds, header)
    return Article(
        doc=doc,
        text=text,
        source=source,
        title=title(lines, kinds),
        newspaper=paper,
        page=page,
        date=next((d for _, line in header if (d := find_date(line))), ""),
        bylines=find_bylines(lines, kinds),
        paragraphs=paragraphs(lines, kinds),
        encoding=encoding,
    )


def parse_page(doc: str, text: str, source: str, encoding: str = "utf-8", *, html: bool | None = None) -> Article:
    """``parse_article`` for text that may be an HTML page (``html=None``: if it looks like one).

    A page is reduced to its text by ``html_text``; that text becomes
    ``Article.text``. Its ``<title>`` is the title unless an ``<h1>``/``<h2>``
    heading gives one. Raises ``InputError`` when a page holds no text.
    """
    if html is False or (html is None and not looks_like_html(text)):
        return parse_article(doc, text, source, encoding)
    page = html_text(text)
    if not page.text.strip():
        raise InputError(source, "HTML page without text")
    article = parse_article(doc, page.text, source, encoding)
    return replace(article, title=page.title) if page.title and not page.headed else article


def _lines(text: str) -> Lines:
    """``(offset, line)`` for every line of ``text``."""
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    return lines
