"""A read-only SPARQL 1.1 Protocol endpoint over a loaded ``Store``.

``make_server(store)`` returns a stdlib ``ThreadingHTTPServer`` bound to the
loopback address that answers queries at ``/sparql`` and serves an offline
query page at ``/`` (YASGUI and its assets, from the package: ``kg.query_page``);
``serve(store)`` runs it until Ctrl-C.

Queries arrive as ``GET /sparql?query=…`` or ``POST /sparql`` with a form
(``application/x-www-form-urlencoded``) or a raw ``application/sparql-query``
body; the answer's format follows the ``Accept`` header (SPARQL results JSON by
default). Updates are refused with 403 however they are sent. A query may use
the graph's prefixes (``kg.sparql_text.PREFIXES``) without declaring them; a
malformed one gets a 400 that says on one line where, and what was expected.

The endpoint cannot be turned against its host:

- ``kg.sparql_guard`` refuses, before any engine parses it, a query over
  100 KB or nested over 64 levels, ``SERVICE``, ``LOAD`` and ``FROM`` other than
  a loaded graph, so no query contacts another address or reads a file;
- queries run in ``kg.query_pool`` worker processes (``workers`` of them): one
  past ``timeout`` seconds is killed and its worker replaced, each worker's
  memory is capped (``memory_mb``), an answer stops after ``max_rows`` rows
  (the ``X-Truncated`` header says so); a request waits at most ``timeout``
  seconds for a free worker, then gets 503;
- the ``Host`` header must name this server (loopback names when it listens on
  loopback, else a name given in ``allow_hosts``), which defeats DNS rebinding;
  no CORS header is sent unless ``cors`` names an origin; every response says
  ``X-Content-Type-Options: nosniff`` and may not be framed.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .errors import KgError
from .query import QueryError, QueryRefused, Store, negotiate
from .query_page import POLICY as PAGE_POLICY
from .query_page import asset, page
from .query_pool import PoolError, QueryPool
from .sparql_guard import check_query

log = logging.getLogger(__name__)

ENDPOINT = "/sparql"
MAX_BODY = 1_000_000  #: bytes accepted in a POST body
MAX_DRAIN = 16 * MAX_BODY  #: an oversized body up to this size is read and dropped so the client sees the 413
ALLOW = "GET, POST, OPTIONS"
READ_ONLY = "this endpoint is read-only"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
FRAME_POLICY = "frame-ancestors 'none'"


class ServeError(KgError):
    """The endpoint cannot start (the port is taken, the address is not this machine's)."""


@dataclass(frozen=True)
class Options:
    """How the endpoint runs its queries and whom it answers."""

    timeout: float = 30.0  #: seconds a query may run, and a request may wait for a free worker
    workers: int = 4  #: queries that run at once, each in its own process
    max_rows: int = 10_000  #: rows (or triples) of an answer; the rest is cut and X-Truncated says so
    memory_mb: int = 256  #: memory a worker may take beyond the loaded graph
    cors: str | None = None  #: the origin allowed to read answers from a browser page (none by default)
    allow_hosts: tuple[str, ...] = ()  #: more names the Host header may give (beyond the bound address)


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: one handler thread per request, queries in worker processes."""

    daemon_threads = True
    request_queue_size = 256  #: pending connections the socket accepts (a burst of clients)

    def __init__(self, address: tuple[str, int], store: Store, options: Options) -> None:
        super().__init__(address, SparqlHandler)
        self.store = store
        self.options = options
        self.hosts = allowed_hosts(address[0], options.allow_hosts)
        self.page = page()
        store.graph_names  # noqa: B018 - read now: once threads run, only forked workers touch the store
        self.pool = QueryPool(store, workers=options.workers, timeout=options.timeout,
                              memory_mb=options.memory_mb, max_rows=options.max_rows)

    @property
    def url(self) -> str:
        """The endpoint's address, e.g. ``http://127.0.0.1:8000/sparql``."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}{ENDPOINT}"

    def server_close(self) -> None:
        super().server_close()
        if hasattr(self, "pool"):
            self.pool.close()


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
    _policy = FRAME_POLICY

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
        self._policy = FRAME_POLICY
        try:
            self._check_host()
            path = urlsplit(self.path).path
            if path not in ("/", ENDPOINT) and asset(path) is None:
                raise _Refusal(HTTPStatus.NOT_FOUND, f"no such path {path!r}: the endpoint is {ENDPOINT}")
            route()
        except _Refusal as refusal:
            self._send(refusal.status, (refusal.message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _check_host(self) -> None:
        """Answer only requests that name this server: a DNS-rebinding page names its own host."""
        given = self.headers.get("Host", "")
        name, port = split_host(given)
        if name not in self.server.hosts or port not in (None, self.server.server_address[1]):
            self.close_connection = True
            raise _Refusal(HTTPStatus.MISDIRECTED_REQUEST,
                           f"Host {given!r} does not name this server: use {self.server.url} (or start it with --allow-host NAME)")

    def _not_allowed(self) -> None:
        raise _Refusal(HTTPStatus.METHOD_NOT_ALLOWED, f"method {self.command} is not allowed: use {ALLOW}")

    def _options(self) -> None:
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def _get(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/":
            return self._page()
        if found := asset(parts.path):
            return self._send(HTTPStatus.OK, *found, {"Cache-Control": "no-cache"})
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
        try:
            check_query(queries[0], self.server.store.graph_names)  # refused here, no worker is disturbed
            answer = self.server.pool.run(queries[0], self.headers.get("Accept", ""))
        except QueryRefused as refusal:
            raise _Refusal(HTTPStatus(refusal.status), str(refusal)) from refusal
        except QueryError as error:
            raise _Refusal(HTTPStatus.BAD_REQUEST, str(error)) from error
        except PoolError as error:
            log.warning("%s", error)
            raise _Refusal(HTTPStatus(error.status), str(error)) from error
        cut = {"X-Truncated": f"the first {answer.rows} rows; the query has more (max-rows {answer.rows})"} if answer.truncated else {}
        self._send(HTTPStatus.OK, answer.body, f"{answer.media_type}; charset=utf-8", cut)

    # -- plumbing -----------------------------------------------------------
    def _page(self) -> None:
        self._policy = PAGE_POLICY
        self._send(HTTPStatus.OK, self.server.page, "text/html; charset=utf-8")

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
        self.send_header("Vary", "Accept, Origin")
        for name, value in {**cors_headers(self.server.options.cors), **(headers or {})}.items():
            self.send_header(name, value)
        if status == HTTPStatus.METHOD_NOT_ALLOWED or self.command == "OPTIONS":
            self.send_header("Allow", ALLOW)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        """Every response, the stdlib's own errors included: no MIME sniffing, no framing."""
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", self._policy)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        log.info("%s %s", self.address_string(), format % args)


def _parse_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise _Refusal(HTTPStatus.BAD_REQUEST, f"cannot decode the parameters: {error}") from error


def _wants_html(accept: str) -> bool:
    return negotiate(accept, ["application/sparql-results+json", "text/html"]) == "text/html"


def cors_headers(origin: str | None) -> dict[str, str]:
    """The CORS headers that let pages from ``origin`` read answers; none without an origin."""
    if not origin:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": ALLOW,
            "Access-Control-Allow-Headers": "Accept, Content-Type", "Access-Control-Max-Age": "86400"}


def split_host(value: str) -> tuple[str, int | None]:
    """A Host header's name (lower case, no brackets or final dot) and port (None when absent or not a number)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    return name.rstrip("."), int(port) if port.isdigit() else (None if not port else -1)


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host == ""


def allowed_hosts(bound: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The names a request's Host may give: the bound address, loopback names on loopback or a wildcard, and ``extra``."""
    names = {bound.lower(), *(name.lower().rstrip(".") for name in extra)}
    if _is_loopback(bound) or _is_wildcard(bound):
        names |= LOOPBACK_NAMES
    return frozenset(names)


def exposure(host: str) -> str | None:
    """A warning when ``host`` makes the endpoint reachable from other machines."""
    if _is_loopback(host):
        return None
    return (f"warning: listening on {host or 'every address'}, beyond this machine: anyone who can reach it can read "
            "the graph and spend its CPU; requests must name the server by its address or an --allow-host NAME")


def make_server(store: Store, *, host: str = "127.0.0.1", port: int = 0, **options: object) -> SparqlServer:
    """A SPARQL endpoint over ``store``, bound but not yet serving (port 0 picks a free port).

    ``options`` are ``Options`` fields (timeout, workers, max_rows, memory_mb, cors, allow_hosts).
    Example: ``server = make_server(Store("output/graph.ttl"), port=8000); server.serve_forever()``.
    """
    settings = Options(**options)  # type: ignore[arg-type]
    try:
        server = SparqlServer((host, port), store, settings)
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    if warning := exposure(host):
        log.warning(warning)
    return server


def serve(store: Store, *, host: str = "127.0.0.1", port: int = 8000, on_ready: Callable[[str], None] = lambda url: None,
          **options: object) -> None:
    """Serve ``store`` until Ctrl-C; ``on_ready`` gets the endpoint's URL once it listens."""
    server = make_server(store, host=host, port=port, **options)
    url = server.url
    log.info("SPARQL endpoint at %s", url)
    on_ready(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        server.server_close()
