"""The SPARQL endpoint, over real HTTP on 127.0.0.1 against the committed seed graph."""

from __future__ import annotations

import csv
import http.client
import inspect
import io
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
import rdflib

from kg.query import Store
from kg.serve import MAX_BODY, SparqlServer, make_server

GRAPH = Path(__file__).resolve().parents[1] / "output" / "graph.ttl"
LABEL = "天元区公安局"
SELECT = f'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?s ?label WHERE {{ ?s skos:prefLabel ?label . FILTER(STR(?label) = "{LABEL}") }}'
CONSTRUCT = f'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> CONSTRUCT {{ ?s skos:prefLabel ?label }} WHERE {{ ?s skos:prefLabel ?label . FILTER(STR(?label) = "{LABEL}") }}'
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
INSERTED = "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }"
TIMEOUT = 10  # seconds for any one HTTP exchange


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()

    @property
    def media_type(self) -> str:
        return self.headers.get_content_type()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> dict:
        return json.loads(self.body)


def call(url: str, method: str = "GET", *, path: str = "/sparql", body: bytes | str | None = None, headers: dict[str, str] | None = None) -> Reply:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body.encode("utf-8") if isinstance(body, str) else body, headers=headers or {})
        return Reply(connection.getresponse())
    finally:
        connection.close()


def get(url: str, query: str | None = None, **headers: str) -> Reply:
    return call(url, path="/sparql" + (f"?query={quote(query)}" if query is not None else ""), headers=_headers(headers))


def post_form(url: str, fields: dict[str, str], **headers: str) -> Reply:
    return call(url, "POST", body=urlencode(fields), headers={"Content-Type": "application/x-www-form-urlencoded", **_headers(headers)})


def post_query(url: str, query: str, content_type: str = "application/sparql-query", **headers: str) -> Reply:
    return call(url, "POST", body=query, headers={"Content-Type": content_type, **_headers(headers)})


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in headers.items()}


def labels(reply: Reply) -> list[str]:
    return [row["label"]["value"] for row in reply.json()["results"]["bindings"]]


@contextmanager
def running(server: SparqlServer) -> Iterator[str]:
    """Serve in a background thread; on exit stop it and wait for abandoned queries."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)
        for worker in threading.enumerate():  # let abandoned queries finish before the next module
            if worker.name == "sparql-query":
                worker.join(30)


@pytest.fixture(scope="module")
def store() -> Store:
    return Store(GRAPH)


@pytest.fixture(scope="module")
def url(store: Store) -> Iterator[str]:
    with running(make_server(store)) as endpoint:
        yield endpoint


# -- queries ------------------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda url: get(url, SELECT), id="GET"),
        pytest.param(lambda url: post_form(url, {"query": SELECT}), id="POST form"),
        pytest.param(lambda url: post_query(url, SELECT), id="POST sparql-query"),
    ],
)
def test_select_answers_json_with_bindings(url: str, send) -> None:
    reply = send(url)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.json()["head"]["vars"] == ["s", "label"]
    assert labels(reply) == [LABEL]


@pytest.mark.parametrize("store_name", ["oxigraph", "rdflib"])
def test_both_stores_serve_the_same_answer(store_name: str) -> None:
    with running(make_server(Store(GRAPH, store=store_name))) as endpoint:
        assert labels(get(endpoint, SELECT)) == [LABEL]


@pytest.mark.parametrize(
    ("accept", "media_type", "check"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", lambda text: "<sparql" in text and LABEL in text),
        ("text/csv", "text/csv", lambda text: next(csv.reader(io.StringIO(text))) == ["s", "label"] and LABEL in text),
        ("text/tab-separated-values", "text/tab-separated-values", lambda text: text.startswith("?s\t?label") and LABEL in text),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", lambda text: "<sparql" in text),
        ("", "application/sparql-results+json", lambda text: json.loads(text)["results"]["bindings"]),
        ("*/*", "application/sparql-results+json", lambda text: json.loads(text)["results"]["bindings"]),
    ],
)
def test_accept_header_picks_the_results_format(url: str, accept: str, media_type: str, check) -> None:
    reply = get(url, SELECT, Accept=accept) if accept else get(url, SELECT)
    assert reply.status == 200
    assert reply.media_type == media_type
    assert reply.headers.get_content_charset() == "utf-8"
    assert check(reply.text)


def test_ask_answers_a_boolean(url: str) -> None:
    reply = get(url, f'ASK {{ ?s ?p "{LABEL}"@zh }}')
    assert reply.status == 200
    assert reply.json()["boolean"] is True


@pytest.mark.parametrize(("accept", "media_type"), [("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"), ("", "text/turtle")])
def test_construct_answers_rdf(url: str, accept: str, media_type: str) -> None:
    reply = get(url, CONSTRUCT, Accept=accept)
    assert reply.status == 200
    assert reply.media_type == media_type
    graph = rdflib.Graph().parse(data=reply.text, format="turtle" if media_type == "text/turtle" else "nt")
    assert [str(o) for o in graph.objects()] == [LABEL]


# -- refusals -----------------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda url: get(url, "DROP ALL"), id="GET DROP ALL"),
        pytest.param(lambda url: post_form(url, {"query": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"}), id="form INSERT DATA"),
        pytest.param(lambda url: post_query(url, "# clean up\nPREFIX x: <urn:x:>\nDELETE WHERE { ?s ?p ?o }"), id="sparql-query DELETE"),
        pytest.param(lambda url: post_query(url, "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "application/sparql-update"), id="sparql-update"),
        pytest.param(lambda url: post_form(url, {"update": "DROP ALL"}), id="form update="),
        pytest.param(lambda url: call(url, path="/sparql?update=" + quote("CLEAR DEFAULT")), id="GET update="),
    ],
)
def test_updates_are_refused_and_change_nothing(url: str, store: Store, send) -> None:
    size = len(store)
    reply = send(url)
    assert reply.status == 403
    assert reply.media_type == "text/plain"
    assert "this endpoint is read-only" in reply.text
    assert len(store) == size > 0
    assert labels(get(url, SELECT)) == [LABEL]
    assert get(url, INSERTED).json()["boolean"] is False


def test_malformed_query_is_400_with_the_parser_message(url: str) -> None:
    reply = get(url, "SELECT ?s WHERE { ?s ?p }")
    assert reply.status == 400
    assert reply.media_type == "text/plain"
    assert "malformed query" in reply.text


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda url: get(url), id="GET nothing"),
        pytest.param(lambda url: get(url, "   "), id="GET blank"),
        pytest.param(lambda url: post_form(url, {}), id="empty form"),
        pytest.param(lambda url: post_query(url, ""), id="empty body"),
    ],
)
def test_missing_query_is_400(url: str, send) -> None:
    reply = send(url)
    assert reply.status == 400
    assert "no query given" in reply.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(url: str, method: str) -> None:
    reply = call(url, method, body=SELECT)
    assert reply.status == 405
    assert "POST" in reply.headers["Allow"]


@pytest.mark.parametrize("path", ["/nowhere", "/sparql/extra", "/sparql.html"])
def test_unknown_paths_are_404(url: str, path: str) -> None:
    assert call(url, path=path).status == 404


def test_unsupported_content_type_is_415(url: str) -> None:
    assert post_query(url, SELECT, "application/json").status == 415


def test_oversized_body_is_413(url: str) -> None:
    reply = post_query(url, "#" * (MAX_BODY + 1))
    assert reply.status == 413


def test_dataset_parameters_are_refused(url: str) -> None:
    reply = call(url, path=f"/sparql?query={quote(SELECT)}&default-graph-uri={quote('urn:x:g')}")
    assert reply.status == 400


def test_options_answers_cors_preflight(url: str) -> None:
    reply = call(url, "OPTIONS", headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in reply.headers["Access-Control-Allow-Headers"]


# -- the query page -----------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda url: call(url, path="/"), id="GET /"),
        pytest.param(lambda url: get(url, Accept="text/html,application/xhtml+xml,*/*;q=0.8"), id="browser on /sparql"),
    ],
)
def test_query_page_is_offline_html(url: str, send) -> None:
    reply = send(url)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    page = reply.text
    assert "<textarea" in page and "skos:prefLabel" in page
    assert "application/sparql-results+json" in page and "textContent" in page
    assert "innerHTML" not in page
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert not re.search(r"<link\b|@import|url\(", page, re.I)
    assert "connect-src 'self'" in reply.headers["Content-Security-Policy"]


# -- binding, timeouts, logging -----------------------------------------------


def test_server_binds_to_loopback_by_default(store: Store) -> None:
    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"
    server = make_server(store)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1" and port > 0
    finally:
        server.server_close()


@pytest.mark.slow
def test_slow_query_times_out_with_503(store: Store) -> None:
    with running(make_server(store, timeout=0.05)) as endpoint:
        reply = get(endpoint, SLOW)
        assert reply.status == 503
        assert "timed out" in reply.text
        assert get(endpoint, "ASK {}").status == 200  # a quick query still answers


def test_requests_are_logged_not_printed(url: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    with caplog.at_level("INFO", logger="kg.serve"):
        assert get(url, SELECT).status == 200
    assert any("GET /sparql" in record.getMessage() for record in caplog.records if record.name == "kg.serve")
    assert capfd.readouterr().err == ""


@pytest.mark.slow
def test_the_endpoint_stays_up_under_200_concurrent_queries() -> None:
    """A bounded burst on loopback: every query answers 200 and the server still answers afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    with running(make_server(Store(GRAPH), timeout=20.0)) as url:
        with ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(pool.map(lambda _: get(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").status, range(200)))
        assert statuses.count(200) == 200
        assert get(url, INSERTED).status == 200


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <urn:x#> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR DEFAULT",
    "CREATE GRAPH <urn:g>",
    "DROP ALL",
    "COPY DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "# a comment first\ndrop silent graph <urn:g>",
])
def test_every_sparql_update_form_is_refused(update: str, store: Store) -> None:
    with running(make_server(store)) as url:
        reply = post_query(url, update)
        assert reply.status == 403 and "read-only" in reply.text
        assert get(url, INSERTED).json()["boolean"] is False
