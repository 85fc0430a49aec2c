"""Read news articles from files, folders and JSONL into ``Article`` records.

Offsets in every record (bylines, paragraph pieces) point into ``Article.text``:
the decoded text with any BOM removed and ``\\r\\n``/``\\r`` turned into ``\\n``.
For an HTML page, ``Article.text`` is the text extracted from the markup
(``html_text``), not the markup itself, so offsets point into that text.
Besides the text, each article gets what its page header says: newspaper,
page, date, title and bylines, and its body split into paragraphs, with
sentences that the print layout broke across blocks joined again.

Reading never raises for a bad input: ``read_articles`` yields a ``Problem``
that names the file (and line, in JSONL) and says why it was skipped or only
partly read. The choice of encoding is kept in ``Article.encoding``.

One module per job; this package re-exports their public names:

* ``files``: walking folders and opening files (``read_articles``, ``read_text_file``)
* ``opening``: opening one file safely (no blocking, read errors as ``InputError``)
* ``decode``: bytes to text (BOMs, legacy encodings, refusing binary files)
* ``jsonl``: JSONL files, one article a line
* ``markup``: HTML pages to text
* ``header``: the page header and bylines (cues from ``kg/resources/bylines.tsv``)
* ``layout``: paragraphs, with sentences the print layout broke joined again
* ``parse``: decoded text to an ``Article``, using ``header``, ``layout`` and ``markup``
* ``meta``: dates from file names, and dates and sources from a researcher's CSV (``kg build --meta``)
"""

from __future__ import annotations

from .decode import (
    BINARY_CONTROL_SHARE,
    BOMS,
    LEGACY_ENCODINGS,
    MAGIC,
    MAX_UNDECODABLE_SHARE,
    SCORE_CHARS,
    SNIFF_BYTES,
    normalize_newlines,
)
from .files import ARTICLE_SUFFIXES, DEFAULT_MAX_BYTES, HTML_SUFFIXES, read_articles, read_text_file
from .header import BODY_MIN_CHARS, INFO_MAX_CHARS, PHOTO_CREDIT_CHARS, TITLE_HEADING_LEVELS, find_date
from .layout import JOIN_MIN_CHARS, paragraph_text
from .markup import HtmlPage, html_text, looks_like_html
from .meta import Meta, date_in_name, parse_date, read_meta
from .opening import Reading as _Reading  # noqa: F401  (tests patch its reads)
from .parse import parse_article, parse_page

__all__ = [
    "ARTICLE_SUFFIXES",
    "BINARY_CONTROL_SHARE",
    "BODY_MIN_CHARS",
    "BOMS",
    "DEFAULT_MAX_BYTES",
    "HTML_SUFFIXES",
    "INFO_MAX_CHARS",
    "JOIN_MIN_CHARS",
    "LEGACY_ENCODINGS",
    "MAGIC",
    "MAX_UNDECODABLE_SHARE",
    "PHOTO_CREDIT_CHARS",
    "SCORE_CHARS",
    "SNIFF_BYTES",
    "TITLE_HEADING_LEVELS",
    "HtmlPage",
    "Meta",
    "date_in_name",
    "find_date",
    "html_text",
    "looks_like_html",
    "normalize_newlines",
    "paragraph_text",
    "parse_date",
    "parse_article",
    "parse_page",
    "read_articles",
    "read_meta",
    "read_text_file",
]
