"""Load a built graph into an external SPARQL store (SPARQL 1.1 Graph Store Protocol).

``push(path, endpoint)`` sends a graph file to a Graph Store endpoint such as
Oxigraph's ``/store``: a Turtle, N-Triples or JSON-LD file goes to the default
graph or to ``graph=IRI``; a TriG or N-Quads file is a dataset and is sent
without a graph parameter (its named graphs arrive as named graphs). With
``replace`` the target graph is replaced (HTTP PUT), otherwise the triples are
added (POST). The file is streamed, not read into memory.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from .errors import KgError

MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
}
DATASETS = (".trig", ".nq")
TIMEOUT = 600.0


class PushError(KgError):
    """The store refused the graph or could not be reached."""


@dataclass(frozen=True)
class PushResult:
    status: int
    url: str
    bytes: int


def target_url(endpoint: str, suffix: str, graph: str | None) -> str:
    """The Graph Store URL for a file: ``?default``, ``?graph=IRI``, or the bare endpoint for a dataset."""
    if suffix in DATASETS:
        if graph:
            raise PushError("a TriG or N-Quads file carries its own named graphs: drop --graph")
        return endpoint
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}graph={quote(graph, safe='')}" if graph else f"{endpoint}{separator}default"


def push(path: str | Path, endpoint: str, *, graph: str | None = None, replace: bool = False,
         timeout: float = TIMEOUT) -> PushResult:
    """Send the graph file at ``path`` to the Graph Store ``endpoint``."""
    path = Path(path)
    if path.suffix not in MEDIA_TYPES:
        raise PushError(f"{path}: unknown RDF format (use {', '.join(MEDIA_TYPES)})")
    if not path.is_file():
        raise PushError(f"{path}: no such graph file (run `kg build` first)")
    url = target_url(endpoint, path.suffix, graph)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"{endpoint}: not an http(s) URL")
    connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_type(parts.hostname, parts.port, timeout=timeout)
    size = path.stat().st_size
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        with path.open("rb") as body:
            connection.request("PUT" if replace else "POST", target or "/", body=body,
                               headers={"Content-Type": MEDIA_TYPES[path.suffix], "Content-Length": str(size)})
            response = connection.getresponse()
            message = response.read().decode("utf-8", "replace").strip()
    except OSError as error:
        raise PushError(f"{endpoint}: cannot reach the store: {error}") from error
    finally:
        connection.close()
    if response.status >= 300:
        raise PushError(f"{url}: the store answered {response.status} {response.reason}: {message[:500]}")
    return PushResult(response.status, url, size)
