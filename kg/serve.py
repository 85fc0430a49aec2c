"""A read-only SPARQL 1.1 Protocol endpoint over a loaded ``Store``.

``make_server(store)`` returns a stdlib ``ThreadingHTTPServer`` bound to the
loopback address that answers queries at ``/sparql`` and serves an offline
query page at ``/``; ``serve(store)`` runs it until Ctrl-C.

Queries arrive as ``GET /sparql?query=…`` or ``POST /sparql`` with a form
(``application/x-www-form-urlencoded``) or a raw ``application/sparql-query``
body; the answer's format follows the ``Accept`` header (SPARQL results JSON by
default). Updates are refused with 403 however they are sent.

Each query runs in a worker thread. When it has not finished after ``timeout``
seconds the client gets 503 and the handler stops waiting, but the worker
cannot be killed: it finishes in the background and its answer is dropped. At
most ``MAX_RUNNING`` queries run at once (abandoned ones included); a request
waits up to ``timeout`` seconds for a free slot and then gets 503, so a burst
of queries queues while runaway queries cannot pile up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from . import query as kg_query
from .query import QueryError, Store, negotiate

log = logging.getLogger(__name__)

ENDPOINT = "/sparql"
MAX_BODY = 1_000_000  #: bytes accepted in a POST body
MAX_DRAIN = 16 * MAX_BODY  #: an oversized body up to this size is read and dropped so the client sees the 413
MAX_RUNNING = 4  #: queries running at once, abandoned (timed-out) ones included
ALLOW = "GET, POST, OPTIONS"
READ_ONLY = "this endpoint is read-only"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOW,
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
#: the query page may run its own inline script and talk to this server, nothing else
PAGE_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: one handler thread per request, the store shared read-only."""

    daemon_threads = True
    request_queue_size = 256  #: pending connections the socket accepts (a burst of clients)

    def __init__(self, address: tuple[str, int], store: Store, *, timeout: float) -> None:
        super().__init__(address, SparqlHandler)
        self.store = store
        self.query_timeout = timeout
        self.running = threading.BoundedSemaphore(MAX_RUNNING)
        self.page = resources.files("kg").joinpath("templates", "sparql.html").read_bytes()

    @property
    def url(self) -> str:
        """The endpoint's address, e.g. ``http://127.0.0.1:8000/sparql``."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}{ENDPOINT}"


class _Refusal(Exception):
    """An HTTP error answer: status and a plain-text message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SparqlHandler(BaseHTTPRequestHandler):
    """Routes one request; every answer is a query result, the page, or a plain-text error."""

    server: SparqlServer
    server_version = "govkg-sparql/0.1"
    timeout = 60  # seconds a client may stall while sending its request

    # -- methods ------------------------------------------------------------
    def do_GET(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        self._handle(self._post)

    def do_OPTIONS(self) -> None:
        self._handle(self._options)

    def do_PUT(self) -> None:
        self._handle(self._not_allowed)

    do_DELETE = do_PATCH = do_HEAD = do_PUT

    def _handle(self, route: Callable[[], None]) -> None:
        try:
            if urlsplit(self.path).path not in ("/", ENDPOINT):
                raise _Refusal(HTTPStatus.NOT_FOUND, f"no such path {urlsplit(self.path).path!r}: the endpoint is {ENDPOINT}")
            route()
        except _Refusal as refusal:
            self._send(refusal.status, (refusal.message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _not_allowed(self) -> None:
        raise _Refusal(HTTPStatus.METHOD_NOT_ALLOWED, f"method {self.command} is not allowed: use {ALLOW}")

    def _options(self) -> None:
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def _get(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/":
            return self._page()
        params = _parse_form(parts.query)
        if "query" not in params and "update" not in params and _wants_html(self.headers.get("Accept", "")):
            return self._page()
        self._answer(params)

    def _post(self) -> None:
        if urlsplit(self.path).path != ENDPOINT:
            self._not_allowed()
        media_type = self.headers.get_content_type()
        if media_type == "application/sparql-update":
            self._discard_body()
            raise _Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
        if media_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            self._discard_body()
            raise _Refusal(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"unsupported Content-Type {media_type!r}: send application/sparql-query or application/x-www-form-urlencoded",
            )
        body = self._read_body()
        params = _parse_form(urlsplit(self.path).query)
        if media_type == "application/sparql-query":
            params["query"] = [body]
        else:
            params.update(_parse_form(body))
        self._answer(params)

    # -- queries ------------------------------------------------------------
    def _answer(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            raise _Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise _Refusal(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported: the dataset is the whole graph")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise _Refusal(HTTPStatus.BAD_REQUEST, "no query given: send one query=… parameter or an application/sparql-query body")
        text = queries[0]
        if kg_query.is_update(text):
            raise _Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
        body, media_type = self._run(text, self.headers.get("Accept", ""))
        self._send(HTTPStatus.OK, body, f"{media_type}; charset=utf-8")

    def _run(self, text: str, accept: str) -> tuple[bytes, str]:
        """Run the query in a worker thread; stop waiting after the server's timeout."""
        if not self.server.running.acquire(timeout=self.server.query_timeout):
            raise _Refusal(HTTPStatus.SERVICE_UNAVAILABLE, f"too many queries running (at most {MAX_RUNNING}): try again later")
        outcome: dict[str, object] = {}

        def work() -> None:
            try:
                outcome["answer"] = self.server.store.serialize(text, accept)
            except BaseException as error:  # handed to the waiting handler
                outcome["error"] = error
            finally:
                self.server.running.release()

        worker = threading.Thread(target=work, name="sparql-query", daemon=True)
        worker.start()
        worker.join(self.server.query_timeout)
        if worker.is_alive():
            log.warning("query abandoned after %ss; it finishes in the background", self.server.query_timeout)
            raise _Refusal(HTTPStatus.SERVICE_UNAVAILABLE, f"query timed out after {self.server.query_timeout:g} s")
        error = outcome.get("error")
        if isinstance(error, QueryError):
            raise _Refusal(HTTPStatus.BAD_REQUEST, str(error))
        if error is not None:
            log.error("query failed", exc_info=error)
            raise _Refusal(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed: {error}")
        return outcome["answer"]  # type: ignore[return-value]

    # -- plumbing -----------------------------------------------------------
    def _page(self) -> None:
        self._send(HTTPStatus.OK, self.server.page, "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_POLICY})

    def _length(self) -> int:
        if "Transfer-Encoding" in self.headers:
            self.close_connection = True
            raise _Refusal(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise _Refusal(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
        return length

    def _discard_body(self) -> None:
        length = self._length()
        if length > MAX_DRAIN:
            self.close_connection = True
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)

    def _read_body(self) -> str:
        length = self._length()
        if length > MAX_BODY:
            self._discard_body()
            raise _Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY} bytes")
        body = self.rfile.read(length)
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Refusal(HTTPStatus.BAD_REQUEST, f"the body is not UTF-8: {error}") from error

    def _send(self, status: HTTPStatus, body: bytes, content_type: str | None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        for name, value in {**CORS, **(headers or {})}.items():
            self.send_header(name, value)
        if status == HTTPStatus.METHOD_NOT_ALLOWED or self.command == "OPTIONS":
            self.send_header("Allow", ALLOW)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        log.info("%s %s", self.address_string(), format % args)


def _parse_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise _Refusal(HTTPStatus.BAD_REQUEST, f"cannot decode the parameters: {error}") from error


def _wants_html(accept: str) -> bool:
    return negotiate(accept, ["application/sparql-results+json", "text/html"]) == "text/html"


def make_server(store: Store, *, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0) -> SparqlServer:
    """A SPARQL endpoint over ``store``, bound but not yet serving (port 0 picks a free port).

    Example: ``server = make_server(Store("output/graph.ttl"), port=8000); server.serve_forever()``.
    """
    return SparqlServer((host, port), store, timeout=timeout)


def serve(
    store: Store,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 30.0,
    on_ready: Callable[[str], None] = lambda url: None,
) -> None:
    """Serve ``store`` until Ctrl-C; ``on_ready`` gets the endpoint's URL once it listens."""
    server = make_server(store, host=host, port=port, timeout=timeout)
    url = server.url
    log.info("SPARQL endpoint at %s", url)
    on_ready(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        server.server_close()
