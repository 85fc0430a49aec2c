"""`kg query` and the query guard: what a query may ask, and what a query argument may name."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import main
from kg.query import QueryError, Store, is_update, named_queries, resolve_query
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


#: Ten times the text may take at most this many times as long (linear is 10, quadratic 100).
LINEAR_RATIO = 20


def guard_seconds(text: str, runs: int = 3) -> float:
    """The fastest of ``runs`` checks of ``text`` (the others carry the machine's noise)."""
    fastest = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        try:
            check_query(text)
        except QueryRefused:
            pass
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["<", "a.", "<a", "ex:", "'''", "\\", "\"a\"", "?v ", "@en", "1e", "(", "{}"])
def test_the_guard_takes_linear_time_on_hostile_text(unit: str) -> None:
    """The longest query allowed, one unit repeated, costs about ten times a tenth of it (a floor of 50 ms for
    the tenth), measured against the same machine's load rather than a fixed time."""
    text = unit * ((MAX_QUERY_BYTES - 10) // len(unit))
    assert guard_seconds(text) <= LINEAR_RATIO * max(guard_seconds(text[: len(text) // 10]), 0.05)


@pytest.mark.slow
def test_a_chain_that_overflowed_pyoxigraphs_stack_is_answered() -> None:
    """`true&&true&&…` 16,000 times (96 KB) killed the process on an 8 MiB stack; queries run on a deeper one."""
    answer = Store(GRAPH).query("ASK { FILTER(" + "&&".join(["true"] * 16_000) + ") }")
    assert answer.boolean is True


@pytest.mark.slow
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


# -- asking without friction: prefixes, language tags, errors, parameters, tables ----------------

PEOPLE = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/govkg/id/per/李明华> skos:prefLabel "李明华"@zh .
<urn:other:李明华> skos:prefLabel "李明华" .
<https://w3id.org/govkg/id/org/株洲市芦淞区建设路街道办事处> skos:prefLabel "{long}"@zh .
<https://w3id.org/govkg/id/article/001> dcterms:identifier "001" ;
    schema:mentions <https://w3id.org/govkg/id/per/李明华>, <urn:other:李明华> .
"""
LONG = "株洲市芦淞区建设路街道办事处党工委关于开展扫黑除恶专项斗争集中宣传月活动的通知"


@pytest.fixture
def people(tmp_path: Path) -> Path:
    """A small graph: 李明华 labelled with @zh and without, and one very long label."""
    path = tmp_path / "people.ttl"
    path.write_text(PEOPLE.replace("{long}", LONG), encoding="utf-8")
    return path


def ask(graph: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["query", *args, "--graph", str(graph)])


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_the_graphs_prefixes_need_no_prefix_lines(store: str) -> None:
    text = 'SELECT ?title WHERE { ?m a org:Membership ; org:member/skos:prefLabel "钟平熊"@zh ; org:role/skos:prefLabel ?title }'
    assert Store(GRAPH, store=store).query(text).rows == [["所长"]]


def test_a_query_that_declares_a_prefix_keeps_its_own() -> None:
    own = 'PREFIX skos: <urn:not-skos#> SELECT ?s WHERE { ?s skos:prefLabel "钟平熊"@zh }'
    assert Store(GRAPH).query(own).rows == []


def test_every_prefix_of_the_ontology_is_declared_for_you() -> None:
    from kg.sparql_text import PREFIXES

    ontology = (ROOT / "ontology" / "govkg.ttl").read_text(encoding="utf-8")
    assert dict(re.findall(r"^@prefix\s+(\w+):\s+<([^>]+)>", ontology, re.M)).items() <= PREFIXES.items()


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(("text", "where"), [
    ("SELECT ?s WHERE {\n  ?s skos:prefLabel ?label .\n}\nLIMIT 十", "line 4, column "),  # the user's lines, not the prefixes
    ("SELECT ?s WHERE {\n  ?s skos:prefLabel ?label .\n  FILTER(STR(?label) = )\n}", "line "),
    ("SELECT ?s WHERE { ?s skos:prefLabel }", "line 1, column "),
    ("SELEC ?s WHERE { ?s ?p ?o }", "line 1, column "),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 十", "line 1, column "),
])
def test_a_syntax_error_is_one_short_line_with_its_line_and_column(store: str, text: str, where: str) -> None:
    with pytest.raises(QueryError) as caught:
        Store(GRAPH, store=store).query(text)
    message = str(caught.value)
    assert message.startswith("malformed query: " + where) and "expected" in message
    assert "\n" not in message and len(message) < 160
    assert not re.search(r"\\u\{|\.\.=|\(at char", message)


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_an_undeclared_prefix_is_named_where_it_is_used(store: str) -> None:
    with pytest.raises(QueryError) as caught:
        Store(GRAPH, store=store).query("SELECT ?s WHERE {\n  ?s 人物:职务 ?o }")
    assert str(caught.value) == "malformed query: line 2, column 6: the prefix '人物:' is not declared (add PREFIX 人物: <…>)"


def test_an_unclosed_string_is_placed_by_line_and_column() -> None:
    result = kg_query('SELECT ?s WHERE {\n  ?s skos:prefLabel "钟平熊 }')
    assert result.exit_code == 1
    assert result.output.strip() == "Error: malformed query: line 2, column 21: this string is never closed"


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_a_named_query_matches_a_name_whatever_its_language_tag(people: Path, store: str) -> None:
    result = ask(people, "mentions", "--param", "name=李明华", "--format", "json", "--store", store)
    assert result.exit_code == 0, result.output
    assert sorted(row["entity"] for row in json.loads(result.output)) == ["李明华", "李明华"]


def test_every_named_querys_parameter_is_compared_as_a_plain_string() -> None:
    for named in named_queries().values():
        for param in named.params:
            assert re.search(rf"STR\(\?\w+\)\s*[<>]?=\s*\${param}\b", named.text), f"{named.name}: ${param} vs a tagged or typed literal"


def test_a_named_querys_parameter_is_used_once_so_no_column_or_pattern_is_pinned_to_its_value() -> None:
    for named in named_queries().values():
        body = re.sub(r"#.*", "", named.text)
        for param in named.params:
            assert len(re.findall(rf"[?$]{param}\b", body)) == 1, f"{named.name}: ?{param} is also bound by --param {param}"


def test_param_binds_dollar_and_question_mark_variables_in_ones_own_query_file(people: Path, tmp_path: Path) -> None:
    dollar = tmp_path / "who.rq"
    dollar.write_text("SELECT ?e WHERE { ?e skos:prefLabel ?label FILTER(STR(?label) = $name) } ORDER BY ?e", encoding="utf-8")
    result = ask(people, str(dollar), "--param", "name=李明华", "--format", "csv")
    assert result.output.splitlines() == ["e", "https://w3id.org/govkg/id/per/李明华", "urn:other:李明华"]
    question = 'SELECT ?name (COUNT(?e) AS ?n) WHERE { ?e skos:prefLabel ?label FILTER(STR(?label) = ?name) } GROUP BY ?name'
    assert json.loads(ask(people, question, "--param", "name=李明华", "--format", "json").output) == [{"name": "李明华", "n": "2"}]


def test_a_misspelt_param_is_an_error_that_lists_the_querys_parameters() -> None:
    result = kg_query("evidence", "--param", "nmae=钟平熊")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --param nmae: the query has no parameter 'nmae'; its parameters are name"


def test_a_param_for_a_query_without_parameters_lists_its_variables() -> None:
    result = kg_query("SELECT ?person WHERE { ?p skos:prefLabel ?person }", "--param", "name=钟平熊")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: --param name: the query has no parameter 'name'; "
                                     "it has no $parameter, and its variables are ?person, ?p")


def test_a_dollar_parameter_must_be_given(tmp_path: Path) -> None:
    path = tmp_path / "who.rq"
    path.write_text("SELECT ?e WHERE { ?e skos:prefLabel ?label FILTER(STR(?label) = $name) }", encoding="utf-8")
    result = kg_query(str(path))
    assert result.exit_code == 1 and result.output.strip() == "Error: the query needs --param name=VALUE"


def test_a_param_value_is_a_string_never_sparql() -> None:
    result = kg_query("evidence", "--param", 'name=钟平熊" ) } } DROP ALL #\\', "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_the_table_cuts_a_wide_cell_and_csv_and_json_keep_it_whole(people: Path) -> None:
    from kg.query import CELL_WIDTH, _width

    text = 'SELECT ?label WHERE { ?s skos:prefLabel ?label FILTER(STRLEN(?label) > 20) }'
    table = ask(people, text).output.splitlines()
    assert table[2].endswith("…") and _width(table[2]) <= CELL_WIDTH and LONG.startswith(table[2][:-1])
    assert ask(people, text, "--format", "csv").output.splitlines()[1] == LONG
    assert json.loads(ask(people, text, "--format", "json").output) == [{"label": LONG}]


def test_a_row_of_officials_fits_a_terminal() -> None:
    from kg.query import _width

    lines = kg_query("officials").output.splitlines()
    assert max(_width(line) for line in lines) <= 5 * 40 + 4 * 3
