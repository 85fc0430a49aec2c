"""The query page that ``kg serve`` answers at ``/``: YASGUI, shipped in the package, configured for this graph.

``page()`` is the HTML: YASGUI (``kg/static/yasgui/``, a copy of the npm
package ``@zazuko/yasgui``; see its README.md) and the page's own script and
style, all served by ``kg serve`` itself under ``/static/``, with the graph's
prefixes and the named queries (``kg/queries/*.rq``) as a JSON data block that
the script reads. ``asset(path)`` is a static file's bytes and media type (None
for any path not listed in ``ASSETS``: nothing else under the package is served).

Nothing on the page reaches another address: ``POLICY`` lets it load scripts,
styles and images from this server only and send queries only here
(``connect-src 'self'``), and the script turns off what YASGUI could fetch
(the LOV class and property completers, prefix.cc) or leak (share links).
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from importlib import resources

from .query import named_queries
from .sparql_text import PREFIXES

#: URL path -> (file under kg/static, media type); the only files the server reads for a browser
ASSETS: dict[str, tuple[str, str]] = {
    "/static/yasgui/yasgui.min.js": ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
    "/static/yasgui/yasgui.min.css": ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
    "/static/query-page.js": ("query-page.js", "text/javascript; charset=utf-8"),
    "/static/query-page.css": ("query-page.css", "text/css; charset=utf-8"),
}

#: the two <style> elements YASGUI's table adds (its column resizer: the grips' rules, and the
#: resize cursor while a column is dragged), by hash: the only inline style the page may have
STYLE_HASHES = ("sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=", "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=")
#: the page's Content-Security-Policy: scripts and styles from this server only (no inline
#: script, no eval, no inline style but STYLE_HASHES), images from here or data: URLs, and
#: requests to this server only
POLICY = (f"default-src 'none'; script-src 'self'; style-src 'self' {' '.join(repr(h) for h in STYLE_HASHES)}; "
          "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_EXAMPLE = re.compile(r"e\.g\.\s*(\S+?)[;,.]?(?:\s|$)")


def examples() -> list[dict[str, str]]:
    """The named queries as the page's examples: name, description, and a text that runs as it is.

    A parameter is bound to the example its ``# param:`` line gives (``e.g. 杨帆``), so
    every example answers on its own; the user changes the value in the VALUES line.
    """
    found = []
    for query in named_queries().values():
        values = {}
        for name in query.params:
            line = re.search(rf"^#\s*param:\s*{name}\b(.*)$", query.text, re.M)
            sample = _EXAMPLE.search(line.group(1)) if line else None
            if sample:
                values[name] = sample.group(1)
        text = query.bind(values) if len(values) == len(query.params) else query.text
        found.append({"name": query.name, "description": query.description, "query": text})
    return found


def config() -> dict[str, object]:
    """What the page's script is told: the endpoint's path, the prefixes, the examples."""
    return {"endpoint": "/sparql", "prefixes": PREFIXES, "examples": examples()}


@cache
def page() -> bytes:
    """The query page's HTML, with the prefixes named and the configuration as a JSON data block."""
    template = resources.files("kg").joinpath("templates", "sparql.html").read_text(encoding="utf-8")
    names = ", ".join(f'<code title="{escape(iri)}">{name}:</code>' for name, iri in PREFIXES.items())
    data = json.dumps(config(), ensure_ascii=False).replace("<", "\\u003c")  # no "</script>" can close the block
    return template.replace("__PREFIXES__", names).replace("__CONFIG__", data).encode("utf-8")


@cache
def asset(path: str) -> tuple[bytes, str] | None:
    """A static file's bytes and media type, or None when ``path`` is not one of ``ASSETS``."""
    if path not in ASSETS:
        return None
    name, media_type = ASSETS[path]
    return resources.files("kg").joinpath("static", *name.split("/")).read_bytes(), media_type
