"""`kg push`: the graph reaches a real Oxigraph server over the Graph Store Protocol."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.push import PushError, push, target_url

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "output"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """An Oxigraph server (the PyPI `oxigraph` package's binary) on loopback, stopped after the test."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "store"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def count(base: str, query: str) -> int:
    url = f"{base}/query?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    bindings = json.loads(urllib.request.urlopen(request, timeout=10).read())["results"]["bindings"]
    return int(bindings[0]["n"]["value"])


@pytest.mark.slow
def test_a_dataset_arrives_with_one_named_graph_per_article(oxigraph: str) -> None:
    result = CliRunner().invoke(main, ["push", str(OUTPUT / "graph.trig"), "--endpoint", f"{oxigraph}/store"])
    assert result.exit_code == 0, result.output
    graphs = count(oxigraph, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == 5
    labels = count(oxigraph, 'SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> "天元区公安局"@zh }')
    assert labels == 1


@pytest.mark.slow
def test_turtle_goes_to_the_default_graph_and_replace_does_not_duplicate(oxigraph: str) -> None:
    for _ in range(2):
        push(OUTPUT / "graph.ttl", f"{oxigraph}/store", replace=True)
    triples = count(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    expected = sum(1 for line in (OUTPUT / "graph.nt").read_text(encoding="utf-8").splitlines() if line.strip())
    assert triples == expected


@pytest.mark.slow
def test_a_refused_push_names_the_store_and_its_answer(oxigraph: str) -> None:
    with pytest.raises(PushError, match="400|415"):
        push(OUTPUT / "graph.ttl", f"{oxigraph}/query")


def test_an_unreachable_store_is_a_clear_error() -> None:
    with pytest.raises(PushError, match="cannot reach"):
        push(OUTPUT / "graph.ttl", f"http://127.0.0.1:{free_port()}/store", timeout=2)


def test_the_target_follows_the_graph_store_protocol() -> None:
    assert target_url("http://h/store", ".ttl", None) == "http://h/store?default"
    assert target_url("http://h/store", ".ttl", "urn:x") == "http://h/store?graph=urn%3Ax"
    assert target_url("http://h/store", ".trig", None) == "http://h/store"
    with pytest.raises(PushError):
        target_url("http://h/store", ".trig", "urn:x")


# -- a store that misbehaves (issue 12) -----------------------------------------


class FakeStore:
    """A loopback TCP server whose answer to each request is ``respond(connection)``; it records bytes it sent."""

    def __init__(self, respond) -> None:
        self.respond = respond
        self.sent = 0
        self.stop = threading.Event()
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/store"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(5)
                try:
                    self._read_request(connection)
                    self.respond(self, connection)
                except OSError:  # the client gave up: what this store is for
                    pass

    @staticmethod
    def _read_request(connection: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += connection.recv(65536)

    def send(self, connection: socket.socket, data: bytes) -> None:
        connection.sendall(data)
        self.sent += len(data)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.socket.close()


@contextmanager
def fake_store(respond) -> Iterator[FakeStore]:
    store = FakeStore(respond)
    try:
        yield store
    finally:
        store.close()


def answer(status: str, body: bytes = b"", **headers: str) -> callable:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items())]
    return lambda store, connection: store.send(connection, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


@pytest.mark.slow
def test_a_store_that_hangs_times_out_after_timeout() -> None:
    with fake_store(lambda store, connection: store.stop.wait(10)) as store:
        started = time.perf_counter()
        result = CliRunner().invoke(main, ["push", str(OUTPUT / "graph.ttl"), "--endpoint", store.url, "--timeout", "0.5"])
        elapsed = time.perf_counter() - started
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {store.url}: the store did not answer within 0.5 s (--timeout)"
    assert elapsed < 3


@pytest.mark.slow
def test_a_huge_error_body_is_read_no_further_than_the_cap() -> None:
    def flood(store: FakeStore, connection: socket.socket) -> None:
        store.send(connection, b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 300000000\r\n\r\n")
        chunk = b"x" * 65536
        while store.sent < 300_000_000 and not store.stop.is_set():
            store.send(connection, chunk)

    with fake_store(flood) as store:
        with pytest.raises(PushError) as caught:
            push(OUTPUT / "graph.ttl", store.url, timeout=5)
        time.sleep(0.2)
    message = str(caught.value)
    assert "answered 500 Internal Server Error" in message and message.endswith("… (cut)")
    assert len(message) < 700
    assert store.sent < 20_000_000  # the client read 64 KB and hung up; the store could not push 300 MB


def test_escape_sequences_from_the_store_are_not_printed() -> None:
    hostile = b"\x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m\r\nfake prompt $ \xc2\x9b1m\x00\x08\xe2\x80\xaeevil"
    with fake_store(answer("400 Bad\x1b[5mRequest", hostile, Content_Type="text/plain")) as store:
        result = CliRunner().invoke(main, ["push", str(OUTPUT / "graph.ttl"), "--endpoint", store.url])
    assert result.exit_code == 1
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", result.output)
    assert "red fake prompt $ evil" in result.output


@pytest.mark.parametrize(("respond", "message"), [
    (answer("302 Found", Location="http://127.0.0.1:9/elsewhere"), "a redirect to http://127.0.0.1:9/elsewhere: not followed"),
    (answer("200 OK", b"<html><body>Welcome</body></html>", Content_Type="text/html; charset=utf-8"), "with an HTML page, not as a Graph Store"),
    (answer("202 Accepted"), "answered 202 Accepted"),
])
def test_only_a_graph_store_success_counts(respond, message: str) -> None:
    with fake_store(respond) as store:
        with pytest.raises(PushError, match=re.escape(message)):
            push(OUTPUT / "graph.ttl", store.url, timeout=5)


@pytest.mark.parametrize("status", ["204 No Content", "201 Created", "200 OK"])
def test_a_graph_store_success_is_reported(status: str) -> None:
    with fake_store(answer(status)) as store:
        assert push(OUTPUT / "graph.ttl", store.url, timeout=5).status == int(status[:3])
