"""`kg push`: the graph reaches a real Oxigraph server over the Graph Store Protocol."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
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


def test_a_dataset_arrives_with_one_named_graph_per_article(oxigraph: str) -> None:
    result = CliRunner().invoke(main, ["push", str(OUTPUT / "graph.trig"), "--endpoint", f"{oxigraph}/store"])
    assert result.exit_code == 0, result.output
    graphs = count(oxigraph, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graphs == 5
    labels = count(oxigraph, 'SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> "天元区公安局"@zh }')
    assert labels == 1


def test_turtle_goes_to_the_default_graph_and_replace_does_not_duplicate(oxigraph: str) -> None:
    for _ in range(2):
        push(OUTPUT / "graph.ttl", f"{oxigraph}/store", replace=True)
    triples = count(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    expected = sum(1 for line in (OUTPUT / "graph.nt").read_text(encoding="utf-8").splitlines() if line.strip())
    assert triples == expected


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
