"""HTML pages to text: markup, scripts and styles dropped, blocks kept as paragraphs.

``html_text`` is what ``Article.text`` holds for an HTML page, so every offset
of such an article points into this text, not into the markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>/]", re.IGNORECASE | re.DOTALL
)
_HTML_SPACES = re.compile(r"[ \t\n\r\f]+")
_WIDE = r"\u2018-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_HTML_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_WIDE}])")
#: Elements whose content is never text.
_HTML_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"})
#: Elements that start and end a block (a paragraph of the text).
_HTML_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
_HEADING_MARKS = {"h1": "# ", "h2": "## ", "h3": "### ", "h4": "#### ", "h5": "##### ", "h6": "###### "}


def looks_like_html(text: str) -> bool:
    """Whether ``text`` starts like an HTML page (a doctype, ``<html>``, ``<head>`` or ``<body>``)."""
    return bool(_HTML_START.match(text, 0, 4096))


@dataclass(frozen=True)
class HtmlPage:
    """The text of an HTML page, its ``<title>``, and whether it has an h1/h2 heading."""

    text: str
    title: str
    headed: bool


def html_text(markup: str) -> HtmlPage:
    """The text of an HTML page: scripts, styles and markup dropped, entities unescaped.

    Block elements (``p``, ``div``, ``li``, ``tr`` …) become paragraphs
    separated by a blank line and ``<br>`` a line break; headings are written
    with Markdown marks (``<h1>`` → ``# ``), so the page header rules see
    them. Runs of spaces and line breaks collapse to one space as a browser
    shows them, and a line break between two Chinese characters disappears.
    """
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return parser.page()


class _HtmlText(HTMLParser):
    """Collects the text of a page as blocks, each with the break that goes before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (break before, text)
        self.pending = ""
        self.line: list[str] = []
        self.skip: list[str] = []
        self.pre = 0
        self.heading = ""
        self.headed = False
        self.in_title = False
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.append(tag)
        elif tag in _HTML_SKIP:
            self.skip.append(tag)
        elif tag == "title":
            self.in_title = True
        elif tag == "br":
            self._flush("\n")
        elif tag in _HTML_BLOCKS:
            self._flush("\n\n")
            self.pre += tag == "pre"
            self.heading = _HEADING_MARKS.get(tag, self.heading)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in _HTML_SKIP:  # <script/> has no content to skip
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
        elif tag == "title":
            self.in_title = False
        elif tag in _HTML_BLOCKS:
            self._flush("\n\n")
            self.pre = max(0, self.pre - (tag == "pre"))
            self.heading = ""

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title.append(data)
        else:
            self.line.append(data.replace("\n", "\x00") if self.pre else data)

    def _break(self, separator: str) -> None:
        if self.blocks and len(separator) > len(self.pending):
            self.pending = separator

    def _flush(self, separator: str) -> None:
        text = _collapse_spaces("".join(self.line))
        self.line = []
        for index, piece in enumerate(text.split("\x00")):  # line breaks inside <pre>
            piece = piece.strip(" ")
            if index:
                self._break("\n" if piece else "\n\n")
            if piece:
                if self.heading:
                    self.headed = self.headed or self.heading in ("# ", "## ")
                    piece, self.heading = self.heading + piece, ""
                self.blocks.append((self.pending, piece))
                self.pending = ""
        self._break(separator)

    def page(self) -> HtmlPage:
        self._flush("\n\n")
        text = "".join(separator + block for separator, block in self.blocks)
        title = _collapse_spaces("".join(self.title)).strip()
        return HtmlPage(text + "\n" if text else "", title, self.headed)


def _collapse_spaces(text: str) -> str:
    """Collapse HTML white space as a browser shows it; a line break between Chinese characters goes."""
    return _HTML_SPACES.sub(" ", _HTML_WIDE_BREAK.sub("", text))
