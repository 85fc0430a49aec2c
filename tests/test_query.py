"""`kg query` and the query guard: what a query may ask, and what a query argument may name."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.query import QueryError, Store, is_update, resolve_query
from kg.sparql_guard import MAX_DEPTH, MAX_QUERY_BYTES, QueryRefused, check_query

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "output" / "graph.ttl"
NESTED = "SELECT * WHERE " + "{" * 3000 + "}" * 3000


def kg_query(*args: str) -> Result:
    return CliRunner().invoke(main, ["query", *args, "--graph", str(GRAPH)])


def refusal(text: str, graphs: frozenset[str] = frozenset()) -> QueryRefused:
    with pytest.raises(QueryRefused) as caught:
        check_query(text, graphs)
    return caught.value


# -- the guard ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * { service silent <http://127.0.0.1:9/> { } }",
    "SELECT * { ?s ?p true SERVICE <http://127.0.0.1:9/> { } }",
    "SELECT * { ?s ?p trueSERVICE <http://127.0.0.1:9/> { } }",  # pyoxigraph reads `true SERVICE`
    "SELECT * { ?s ?p 1SERVICE <http://127.0.0.1:9/> { } }",
    "SELECT * { ?s ?p ?o.SERVICE <http://127.0.0.1:9/> { } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { } }",  # pyoxigraph reads `SERVICE :x`
    "SELECT * { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { } }",
    'SELECT * { ?s ?p "\\u0022 . SERVICE <http://127.0.0.1:9/> { } \\u0022" }',  # rdflib expands \u0022 first
    "SELECT * { ?s ?p ?o } #\\u000a SERVICE <http://127.0.0.1:9/> { }",
    "SELECT * { <http://a\\u0041#> ?p ?o . SERVICE <http://127.0.0.1:9/> { } }",
    "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX : <file:///etc/> SELECT * FROM:passwd { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o } LOAD <http://127.0.0.1:9/>",
])
def test_service_from_and_load_are_refused(text: str) -> None:
    assert refusal(text).status == 400


@pytest.mark.parametrize("text", [
    "SELECT ?add ?load ?service ?from ?insert { BIND(1 AS ?add) BIND(2 AS ?load) }",
    'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:9/> { } FROM LOAD" }',
    "SELECT * { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { } FROM <file:///etc/passwd>",
    "SELECT * { <http://127.0.0.1:9/SERVICE> ?p ?o }",
    "PREFIX schema: <http://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> "
    "SELECT * { ?s a schema:Service ; prov:wasDerivedFrom ?e ; schema:load ?l }",
    'SELECT * { ?s ?p "x"@en-service }',
    "SELECT * { ?s ?p ?o } LIMIT 1",
])
def test_names_strings_and_comments_that_look_like_keywords_are_not(text: str) -> None:
    assert check_query(text) is False
    assert not is_update(text)


def test_from_may_name_a_loaded_graph() -> None:
    assert check_query("SELECT * FROM <urn:g:1> FROM NAMED <urn:g:2> { ?s ?p ?o }", frozenset({"urn:g:1", "urn:g:2"})) is True
    assert refusal("SELECT * FROM <urn:g:3> { ?s ?p ?o }", frozenset({"urn:g:1"})).status == 400


@pytest.mark.parametrize("update", ["DROP ALL", "# note\nPREFIX x: <urn:x#> INSERT DATA { x:a x:b x:c }", "with <urn:g> delete { ?s ?p ?o } where { ?s ?p ?o }",
                                    "LOAD <http://127.0.0.1:9/>", "ADD DEFAULT TO <urn:g>"])
def test_updates_are_refused_as_read_only(update: str) -> None:
    assert refusal(update).status == 403
    assert is_update(update)


def test_nesting_is_capped_before_parsing() -> None:
    assert check_query("SELECT * WHERE " + "{" * MAX_DEPTH + "}" * MAX_DEPTH) is False
    assert "nested more than 64" in str(refusal("SELECT * WHERE " + "{" * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1)))
    assert "nested" in str(refusal("ASK { FILTER(" + "(" * 40 + "EXISTS { " * 40 + "} )" * 40 + ")" * 40 + ") }"))
    assert check_query('ASK { FILTER("((((((((" != "{{{{{{{{{{") } # ' + "(" * 100) is False


def test_size_is_capped_before_parsing() -> None:
    assert refusal("#" * (MAX_QUERY_BYTES + 1)).status == 413


@pytest.mark.parametrize("unit", ["<", "a.", "<a", "ex:", "'''", "\\", "\"a\"", "?v ", "@en", "1e", "(", "{}"])
def test_the_guard_takes_linear_time_on_hostile_text(unit: str) -> None:
    text = unit * ((MAX_QUERY_BYTES - 10) // len(unit))
    started = time.perf_counter()
    try:
        check_query(text)
    except QueryRefused:
        pass
    assert time.perf_counter() - started < 0.5


def test_a_chain_that_overflowed_pyoxigraphs_stack_is_answered() -> None:
    """`true&&true&&…` 16,000 times (96 KB) killed the process on an 8 MiB stack; queries run on a deeper one."""
    answer = Store(GRAPH).query("ASK { FILTER(" + "&&".join(["true"] * 16_000) + ") }")
    assert answer.boolean is True


def test_the_rdflib_store_takes_the_deepest_nesting_allowed() -> None:
    text = "SELECT * WHERE { FILTER(" + "(" * (MAX_DEPTH - 2) + "1" + ")" * (MAX_DEPTH - 2) + ") }"
    assert Store(GRAPH, store="rdflib").query(text).kind == "select"


# -- kg query: the argument -----------------------------------------------------


def test_3000_nested_groups_are_a_clear_error() -> None:
    result = kg_query(NESTED)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: the query is nested more than 64 levels deep ({ ( [ or <<)"


@pytest.mark.slow
def test_3000_nested_groups_exit_1_not_139(tmp_path: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "kg.cli", "query", NESTED, "--graph", str(GRAPH)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 1
    assert "nested more than 64" in completed.stderr and "Traceback" not in completed.stderr


def test_a_directory_is_not_a_query(tmp_path: Path) -> None:
    result = kg_query(str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path}: is a directory, not a query file"


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "query.rq"
    os.mkfifo(fifo)
    outcome: list[Result] = []
    worker = threading.Thread(target=lambda: outcome.append(kg_query(str(fifo))), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # it opened the FIFO: free it before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("kg query blocked on a FIFO")
    assert outcome[0].exit_code == 1
    assert outcome[0].output.strip() == f"Error: {fifo}: not a regular file (a FIFO), not a query file"


@pytest.mark.parametrize("name", ["missing.rq", "missing.sparql"])
def test_a_missing_query_file_is_an_error(tmp_path: Path, name: str) -> None:
    result = kg_query(str(tmp_path / name))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / name}: no such query file"


def test_a_query_file_that_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.rq"
    path.write_bytes("SELECT * { ?s ?p \"café\" }".encode("latin-1"))
    result = kg_query(str(path))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {path}: the query file is not UTF-8 (byte 0xe9 at offset 21)"


def test_an_unreadable_query_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.rq"
    path.write_text("ASK {}", encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: open it as another user would
        real_open = Path.open

        def refused(self: Path, *args, **kwargs):
            if self == path:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refused)
    result = kg_query(str(path))
    assert result.exit_code == 1
    assert "cannot read the query file: Permission denied" in result.output


def test_an_existing_file_of_any_name_is_read_and_text_is_text(tmp_path: Path) -> None:
    path = tmp_path / "ask.txt"
    path.write_text("\ufeffASK { ?s ?p ?o }", encoding="utf-8")
    assert resolve_query(str(path), {}) == "ASK { ?s ?p ?o }"
    assert resolve_query("ASK { ?s ?p ?o }", {}) == "ASK { ?s ?p ?o }"
    assert resolve_query("x" * 5000, {}) == "x" * 5000  # too long for a file name: text
    with pytest.raises(QueryError, match="over the limit"):
        big = tmp_path / "big.rq"
        big.write_bytes(b"#" * (MAX_QUERY_BYTES + 1))
        resolve_query(str(big), {})
    assert kg_query(str(path), "--format", "json").output.strip() == '{"boolean": true}'
