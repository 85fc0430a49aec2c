"""The SPARQL endpoint, over real HTTP on 127.0.0.1 against the committed seed graph."""

from __future__ import annotations

import contextlib
import csv
import html
import http.client
import inspect
import io
import json
import re
import socket
import threading
import time
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
    """Serve in a background thread; on exit stop it (and its query workers)."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def server(store: Store, **options: object) -> SparqlServer:
    """``make_server`` with one query worker unless asked for more: a worker is a fork of this test
    process, which is slow, and these tests send one query at a time."""
    return make_server(store, **{"workers": 1, **options})


@pytest.fixture(scope="module")
def store() -> Store:
    return Store(GRAPH)


@pytest.fixture(scope="module")
def url(store: Store) -> Iterator[str]:
    with running(server(store)) as endpoint:
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
    assert "Access-Control-Allow-Origin" not in reply.headers
    assert reply.json()["head"]["vars"] == ["s", "label"]
    assert labels(reply) == [LABEL]


@pytest.mark.parametrize("store_name", ["oxigraph", "rdflib"])
def test_both_stores_serve_the_same_answer(store_name: str) -> None:
    with running(server(Store(GRAPH, store=store_name))) as endpoint:
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


def test_options_answers_cors_preflight_only_for_the_origin_given_by_cors(store: Store) -> None:
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
    with running(server(store, cors="http://localhost:3000")) as endpoint:
        reply = call(endpoint, "OPTIONS", headers=preflight)
        assert reply.status == 204
        assert reply.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert "POST" in reply.headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in reply.headers["Access-Control-Allow-Headers"]
        assert get(endpoint, SELECT, Origin="http://localhost:3000").headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_no_cors_header_by_default_so_other_sites_pages_read_nothing(url: str) -> None:
    for reply in (call(url, "OPTIONS", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}),
                  get(url, SELECT, Origin="http://evil.example")):
        assert not [name for name in reply.headers if name.lower().startswith("access-control-")]


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
    assert 'id="yasgui"' in page and '<script src="/static/yasgui/yasgui.min.js">' in page
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert "connect-src 'self'" in reply.headers["Content-Security-Policy"]
    assert "script-src 'self';" in reply.headers["Content-Security-Policy"]  # no inline script, no eval


def test_the_query_pages_example_needs_no_prefix_lines_and_the_page_names_them(url: str) -> None:
    from kg.sparql_text import PREFIXES

    page = call(url, path="/").text
    script = call(url, path="/static/query-page.js").text
    example = "".join(json.loads(part) for part in re.findall(r'^\s*(".*\\n")', script[script.index("editor.value"):], re.M))
    assert "PREFIX" not in example.replace("no PREFIX lines", "") and "skos:prefLabel" in example
    reply = post_form(url, {"query": example})
    assert reply.status == 200 and LABEL in labels(reply)
    assert all(f">{name}:</code>" in page for name in PREFIXES)


# -- asking without friction ----------------------------------------------------


def test_a_query_may_use_the_graphs_prefixes_undeclared(url: str) -> None:
    undeclared = SELECT.split(" ", 3)[3]
    assert undeclared.startswith("SELECT") and labels(get(url, undeclared)) == [LABEL]


def test_a_query_that_declares_a_prefix_keeps_its_own(url: str) -> None:
    own = SELECT.replace("http://www.w3.org/2004/02/skos/core#", "urn:not-skos#")
    assert get(url, own).json()["results"]["bindings"] == []


@pytest.mark.parametrize("store_name", ["oxigraph", "rdflib"])
def test_a_malformed_query_is_a_400_of_one_line_that_says_where(store_name: str) -> None:
    text = f'SELECT ?s WHERE {{\n  ?s skos:prefLabel "{LABEL}"@zh\n}}\nLIMIT 十'
    with running(server(Store(GRAPH, store=store_name))) as endpoint:
        reply = post_query(endpoint, text)
        assert reply.status == 400 and reply.media_type == "text/plain"
        assert re.fullmatch(r"malformed query: line 4, column \d+: expected [^\n]{1,100}\n", reply.text), reply.text
        undeclared = post_query(endpoint, "SELECT * {\n  ?s 人物:职务 ?o }")
        assert undeclared.text == "malformed query: line 2, column 6: the prefix '人物:' is not declared (add PREFIX 人物: <…>)\n"


# -- binding, timeouts, logging -----------------------------------------------


def test_server_binds_to_loopback_by_default(store: Store) -> None:
    assert inspect.signature(make_server).parameters["host"].default == "127.0.0.1"
    server = make_server(store, workers=1)
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
def test_every_sparql_update_form_is_refused(update: str, url: str) -> None:
    reply = post_query(url, update)
    assert reply.status == 403 and "read-only" in reply.text
    assert get(url, INSERTED).json()["boolean"] is False  # the one server every test here shares is unchanged


# -- the endpoint cannot be turned against its host (issue 12) ------------------


class Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it and closes it at once."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.05)
        self.port = self.socket.getsockname()[1]
        self.contacts = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.contacts += 1
            connection.close()

    def settle(self) -> int:
        """The contacts made before now: a connection of our own is accepted after every earlier one
        (the backlog is first in, first out), so once it is counted they all are."""
        before = self.contacts
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT):
            deadline = time.monotonic() + TIMEOUT
            while self.contacts == before and time.monotonic() < deadline:
                time.sleep(0.001)
        return self.contacts - 1

    def close(self) -> None:
        self.stopped.set()
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT):
            pass  # wakes the accept loop, which then sees it is stopped
        self.thread.join(TIMEOUT)
        self.socket.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    recorder = Listener()
    yield recorder
    recorder.close()


TRIG = GRAPH.with_suffix(".trig")
HOSTILE = [
    "SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s ?p ?o . ?s ?p trueSERVICE <http://127.0.0.1:{port}/> {{ }} }}",
    "PREFIX : <http://127.0.0.1:{port}/> SELECT * {{ SERVICE:x {{ }} }}",
    "SELECT * {{ BIND(<http://127.0.0.1:{port}/> AS ?e) SERVICE ?e {{ }} }}",
    'SELECT * {{ ?s ?p "\\u0022 . SERVICE <http://127.0.0.1:{port}/> {{ }} \\u0022" }}',
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "PREFIX x: <http://127.0.0.1:{port}/> SELECT * FROM x:data {{ ?s ?p ?o }}",
    "PREFIX : <http://127.0.0.1:{port}/> SELECT*FROM:data{{?s ?p ?o}}",
    "SELECT * FROM <file:///etc/passwd> {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <file:///etc/passwd> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s ?p ?o }} LOAD <http://127.0.0.1:{port}/>",
    "SELECT * {{ ?s skos:prefLabel ?o . SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",  # prefixes declared for it
    "SELECT * FROM schema:x {{ ?s ?p ?o }}",
]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def trig_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The endpoint over graph.trig (one named graph per article) on each store."""
    with running(server(Store(TRIG, store=request.param))) as endpoint:
        yield endpoint


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_query_contacts_another_address_or_reads_a_file(trig_url: str, listener: Listener, hostile: str) -> None:
    reply = post_query(trig_url, hostile.format(port=listener.port))
    assert reply.status == 400, reply.text
    assert re.search(r"SERVICE is not allowed|FROM and FROM NAMED may only name a loaded graph|LOAD is not allowed", reply.text)
    assert "root:" not in reply.text
    assert listener.settle() == 0


@pytest.mark.parametrize("store_name", ["oxigraph", "rdflib"])
def test_the_guard_is_what_stands_between_a_query_and_the_network(listener: Listener, store_name: str) -> None:
    """The engines themselves call SERVICE addresses (so the listener would see it); nothing the guard admits does."""
    from kg.sparql_guard import QueryRefused, check_query

    store = Store(GRAPH, store=store_name)
    tricky = HOSTILE + [
        'SELECT * {{ ?s ?p "SERVICE <http://127.0.0.1:{port}/> {{ }}" }}',
        "SELECT * {{ ?s ?p ?o }} # SERVICE <http://127.0.0.1:{port}/> {{ }}",
        "SELECT * {{ ?s ?p ?o }} #\\u000a SERVICE <http://127.0.0.1:{port}/> {{ }}",
        "SELECT * {{ <http://a\\u0041#> ?p ?o . SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "PREFIX ex: <http://127.0.0.1:{port}/> SELECT * {{ ?s ?p ex:a\\#b . SERVICE ex: {{ }} }}",
        "SELECT * {{ ?s ?p 1SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ ?s ?p ?o.SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ ?s ?p \"x\"@enSERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ ?s ?p ?oSERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ ?s ?p '''a'''SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ ?s ?p _:bSERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ ?s ?p \"a\"^^<urn:x>SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
        "SELECT * {{ VALUES ?x {{ 1 }} SERVICE <http://127.0.0.1:{port}/> {{ }} }}",
    ]
    admitted = 0
    for text in (query.format(port=listener.port) for query in tricky):
        try:
            check_query(text)
        except QueryRefused:
            continue
        admitted += 1
        try:
            list(store.graph.query(text))
        except Exception:  # most are malformed; what matters is whom they called
            pass
    assert admitted >= 5
    assert listener.settle() == 0
    with pytest.raises(Exception):  # the control: without the guard, the engine calls the listener
        list(store.graph.query(f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"))
    assert listener.settle() >= 1


def test_from_a_loaded_graph_reads_that_graph_only(trig_url: str) -> None:
    graph = sorted(Store(TRIG).graph_names)[0]
    reply = post_query(trig_url, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    everything = post_query(trig_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert reply.status == everything.status == 200
    count = int(reply.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < count < int(everything.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("text", [
    "SELECT ?add ?load ?service ?from WHERE { BIND(1 AS ?add) BIND(2 AS ?load) BIND(3 AS ?service) BIND(4 AS ?from) }",
    "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?load WHERE { ?load prov:wasDerivedFrom ?add } LIMIT 1",
])
def test_variables_named_like_keywords_are_answered(url: str, text: str) -> None:
    reply = post_query(url, text)
    assert reply.status == 200, reply.text
    assert reply.json()["results"]["bindings"]


def test_3000_nested_groups_are_refused_and_the_server_still_answers(url: str) -> None:
    reply = post_query(url, "SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    assert reply.status == 400
    assert "nested more than 64 levels" in reply.text
    assert labels(get(url, SELECT)) == [LABEL]


@pytest.mark.parametrize(("body", "status"), [("<" * 200_000, 413), ("<" * 99_000, 400), ("a." * 49_000, 400), ("(" * 99_000, 400)])
def test_a_hostile_body_is_answered_at_once(url: str, body: str, status: int) -> None:
    started = time.perf_counter()
    reply = post_query(url, body)
    elapsed = time.perf_counter() - started
    assert reply.status == status
    assert elapsed < 0.5, f"{elapsed:.2f} s"
    assert labels(get(url, SELECT)) == [LABEL]


def test_a_cartesian_product_is_cut_at_max_rows(store: Store) -> None:
    with running(server(store, max_rows=100)) as endpoint:
        started = time.perf_counter()
        reply = post_query(endpoint, "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", Accept="text/csv")
        assert time.perf_counter() - started < 0.5
        assert reply.status == 200
        assert len(list(csv.reader(io.StringIO(reply.text)))) == 1 + 100
        assert "100 rows" in reply.headers["X-Truncated"]
        assert "X-Truncated" not in get(endpoint, SELECT).headers


@pytest.mark.slow
def test_a_query_past_its_memory_stops_its_worker_only(store: Store) -> None:
    with running(make_server(store, memory_mb=64, timeout=20)) as endpoint:
        reply = post_query(endpoint, "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g")
        assert reply.status == 503
        assert "ran out of memory: a query may use 64 MB" in reply.text
        assert labels(get(endpoint, SELECT)) == [LABEL]


@pytest.mark.slow
def test_runaway_queries_are_killed_and_their_slots_come_back(store: Store) -> None:
    """Four runaway queries take the four workers; past the timeout they are killed, so the next query is answered."""
    from concurrent.futures import ThreadPoolExecutor

    runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running(make_server(store, timeout=0.4)) as endpoint:
        with ThreadPoolExecutor(max_workers=4) as pool:
            replies = list(pool.map(lambda _: post_query(endpoint, runaway), range(4)))
        assert [r.status for r in replies] == [503] * 4
        assert all("timed out after 0.4 s" in r.text for r in replies)
        started = time.perf_counter()
        assert labels(get(endpoint, SELECT)) == [LABEL]
        assert time.perf_counter() - started < 0.4


@pytest.mark.parametrize(("host", "status"), [
    ("127.0.0.1", 200), ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("LOCALHOST.", 200), ("[::1]:{port}", 200),
    ("evil.example", 421), ("evil.example:{port}", 421), ("127.0.0.1:1", 421), ("127.0.0.1.evil.example", 421), ("", 421),
])
def test_the_host_header_must_name_this_server(url: str, host: str, status: int) -> None:
    port = urlsplit(url).port
    reply = call(url, path=f"/sparql?query={quote(SELECT)}", headers={"Host": host.format(port=port)})
    assert reply.status == status, reply.text
    if status == 421:
        assert "does not name this server" in reply.text and "--allow-host" in reply.text


def test_allow_host_admits_a_name(store: Store) -> None:
    with running(server(store, allow_hosts=("kg.example",))) as endpoint:
        assert call(endpoint, path="/", headers={"Host": "kg.example"}).status == 200
        assert call(endpoint, path="/", headers={"Host": "other.example"}).status == 421


def test_a_request_without_host_is_refused(url: str) -> None:
    with socket.create_connection((urlsplit(url).hostname, urlsplit(url).port), timeout=TIMEOUT) as raw:
        raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert raw.makefile("rb").readline().split()[1] == b"421"


@pytest.mark.parametrize("send", [
    pytest.param(lambda url: get(url, SELECT), id="answer"),
    pytest.param(lambda url: call(url, path="/"), id="page"),
    pytest.param(lambda url: get(url, "SELECT ?s WHERE {"), id="400"),
    pytest.param(lambda url: call(url, path="/nowhere"), id="404"),
    pytest.param(lambda url: call(url, "PUT", body="x"), id="405"),
    pytest.param(lambda url: call(url, headers={"Host": "evil.example"}), id="421"),
    pytest.param(lambda url: call(url, path="/" + "x" * 70_000), id="stdlib 414"),
])
def test_every_response_forbids_sniffing_and_framing(url: str, send) -> None:
    reply = send(url)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]


def test_a_taken_port_is_a_one_line_error() -> None:
    from click.testing import CliRunner

    from kg.cli import main

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", str(GRAPH), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_binding_beyond_loopback_is_warned_about() -> None:
    from kg.serve import allowed_hosts, exposure

    assert exposure("127.0.0.1") is None and exposure("::1") is None and exposure("localhost") is None
    for host in ("0.0.0.0", "::", "192.168.1.20"):
        assert "beyond this machine" in (exposure(host) or "")
    assert "localhost" in allowed_hosts("0.0.0.0") and "localhost" not in allowed_hosts("192.168.1.20")
    assert "kg.example" in allowed_hosts("192.168.1.20", ("KG.example.",))


def process_memory(pid: int) -> dict[str, int]:
    """RSS and PSS in bytes of a process and its children (the query workers), from /proc."""
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    totals = {"rss": 0, "pss": 0}
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("Rss", "Pss"):
                    totals[name.lower()] += int(value.split()[0]) * 1024
        except OSError:  # a worker just replaced
            continue
    return totals


@pytest.mark.slow
def test_after_a_hostile_sequence_kg_serve_answers_within_its_timeout_and_memory_stayed_bounded() -> None:
    """The issue's sequence against `kg serve` itself: 3,000 nested groups, a 200 KB body of `<`, four runaway
    cartesian products at once (counting, sorting, listing, constructing); then a simple query."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    timeout = 2.0
    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(GRAPH), "--port", "0", "--timeout", str(timeout)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        endpoint = re.search(r"http://\S+/sparql", server.stdout.readline()).group()
        start = process_memory(server.pid)
        peak = dict(start)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                for key, value in process_memory(server.pid).items():
                    peak[key] = max(peak[key], value)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        product = "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        assert post_query(endpoint, "SELECT * WHERE " + "{" * 3000 + "}" * 3000).status == 400
        assert post_query(endpoint, "<" * 200_000).status == 413
        runaway = [f"SELECT (COUNT(*) AS ?n) {product}", f"SELECT * {product} ORDER BY ?a ?d ?g",
                   f"SELECT * {product}", f"CONSTRUCT {{ ?a ?b ?g }} WHERE {product} ORDER BY ?i"]
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = [reply.status for reply in pool.map(lambda text: post_query(endpoint, text), runaway)]
        assert statuses.count(200) <= 1 and set(statuses) <= {200, 503}  # SELECT * is cut at --max-rows
        started = time.perf_counter()
        assert labels(get(endpoint, SELECT)) == [LABEL]
        answered = time.perf_counter() - started
        done.set()
        sampler.join(TIMEOUT)
        grown = {key: peak[key] - start[key] for key in start}
        print(f"\nstart {start}, peak {peak}, grown {grown}, simple query answered in {answered:.3f} s, statuses {statuses}")
        assert answered < timeout
        assert grown["rss"] < 1.5e9
    finally:
        server.terminate()
        server.wait(TIMEOUT)


@pytest.mark.slow
def test_workers_end_when_kg_serve_is_killed() -> None:
    """A server killed with SIGKILL cannot stop its workers; each notices within a second, runaway query or not."""
    import signal
    import subprocess
    import sys

    server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(GRAPH), "--port", "0", "--timeout", "60"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    endpoint = re.search(r"http://\S+/sparql", server.stdout.readline()).group()
    workers = [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]

    def ask_forever() -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):  # the server dies under it
            post_query(endpoint, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")

    threading.Thread(target=ask_forever, daemon=True).start()
    time.sleep(0.5)
    server.send_signal(signal.SIGKILL)
    server.wait(TIMEOUT)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
