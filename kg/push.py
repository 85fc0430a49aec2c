"""Load a built graph into an external SPARQL store (SPARQL 1.1 Graph Store Protocol).

``push(path, endpoint)`` sends a graph file to a Graph Store endpoint such as
Oxigraph's ``/store``: a Turtle, N-Triples or JSON-LD file goes to the default
graph or to ``graph=IRI``; a TriG or N-Quads file is a dataset and is sent
without a graph parameter (its named graphs arrive as named graphs). With
``replace`` the target graph is replaced (HTTP PUT), otherwise the triples are
added (POST). The file is streamed, not read into memory.

The store is trusted with nothing: connecting, each send and the whole answer
must each take under ``timeout`` seconds; only 200, 201 or 204 without an HTML
page counts as done (a redirect is not followed); at most ``MAX_ANSWER`` bytes
of its answer are read, and control characters and terminal escape sequences
are removed from anything of it that is shown.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from .errors import KgError, printable

MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
}
DATASETS = (".trig", ".nq")
TIMEOUT = 30.0  #: seconds to connect, for each send, and for the whole answer
MAX_ANSWER = 64 * 1024  #: bytes of the store's answer read (an error message is cut there)
DONE = (200, 201, 204)  #: the Graph Store Protocol's answers to a successful POST or PUT


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
            sock = connection.sock  # the response reads from it; each read gets what is left of the time
            response = connection.getresponse()
            answer = _read_answer(response, sock, time.monotonic() + timeout)
    except TimeoutError as error:
        raise PushError(f"{endpoint}: the store did not answer within {timeout:g} s (--timeout)") from error
    except http.client.HTTPException as error:
        raise PushError(f"{endpoint}: the answer is not HTTP: {printable(str(error))}") from error
    except OSError as error:
        raise PushError(f"{endpoint}: cannot reach the store: {error}") from error
    finally:
        connection.close()
    _check_answer(url, response, answer)
    return PushResult(response.status, url, size)


def _read_answer(response: http.client.HTTPResponse, sock: socket.socket, deadline: float) -> bytes:
    """At most ``MAX_ANSWER`` bytes of the answer, all before ``deadline`` (a store that trickles times out)."""
    chunks: list[bytes] = []
    total = 0
    while total < MAX_ANSWER:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the answer took too long")
        sock.settimeout(left)
        chunk = response.read1(MAX_ANSWER - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _check_answer(url: str, response: http.client.HTTPResponse, answer: bytes) -> None:
    """Refuse any answer but the Graph Store Protocol's success: 200, 201 or 204, not an HTML page."""
    status, reason = response.status, printable(response.reason or "", 80)
    if 300 <= status < 400:
        location = printable(response.getheader("Location") or "nowhere", 200)
        raise PushError(f"{url}: the store answered {status} {reason}, a redirect to {location}: not followed "
                        "(give the store's own Graph Store address as --endpoint)")
    if status in DONE and response.getheader("Content-Type", "").split(";")[0].strip().lower() != "text/html":
        return
    cut = " (cut)" if len(answer) >= MAX_ANSWER else ""
    message = printable(answer.decode("utf-8", "replace"))
    if status in DONE:
        raise PushError(f"{url}: the store answered {status} {reason} with an HTML page, not as a Graph Store: {message}{cut}")
    raise PushError(f"{url}: the store answered {status} {reason}: {message}{cut}")


