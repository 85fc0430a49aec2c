"""The RDF graph: ontology terms, SHACL conformance, provenance of every statement, formats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import XSD
from rdflib.compare import isomorphic

from kg.graph import build_graph
from kg.rdf_files import Part, to_graph, union, write_rdf
from kg.records import Article, Entity, Extraction
from kg.vocab import GOVKG

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """
PREFIX govkg: <https://w3id.org/govkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


@pytest.fixture(scope="module")
def built(seeds_build: Path) -> Path:
    """The seeds' build (``seeds_build`` in conftest.py, shared by the session)."""
    return seeds_build


@pytest.fixture(scope="module")
def turtle(seed_runs: dict) -> rdflib.Graph:
    """The triples of the seeds' ``graph.ttl``, made in memory from the seeds read once per session."""
    return to_graph(run.extraction for run in seed_runs.values())


@pytest.mark.slow
def test_the_build_writes_the_graph_its_extractions_give(built: Path, turtle: rdflib.Graph) -> None:
    assert isomorphic(rdflib.Graph().parse(built / "graph.ttl"), turtle)


@pytest.mark.slow
def test_the_vocabulary_module_is_generated_from_the_ontology() -> None:
    check = subprocess.run([sys.executable, "scripts/generate_vocab.py", "--check"], cwd=ROOT)
    assert check.returncode == 0, "run scripts/generate_vocab.py after editing ontology/govkg.ttl"


def test_a_misspelt_own_term_fails_loudly() -> None:
    assert str(GOVKG.Programme).endswith("#Programme")
    with pytest.raises(AttributeError):
        GOVKG.Programe  # noqa: B018


def test_every_own_term_used_in_the_graph_is_declared(turtle: rdflib.Graph) -> None:
    declared = {str(s) for s in rdflib.Graph().parse(ROOT / "ontology" / "govkg.ttl").subjects()}
    used = {str(t) for triple in turtle for t in triple if str(t).startswith(str(GOVKG))}
    assert used and used <= declared


@pytest.mark.slow
def test_the_build_conforms_to_the_shapes(turtle: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, report = pyshacl.validate(turtle, shacl_graph=shapes, inference="none")
    assert conforms, report


@pytest.mark.slow
def test_the_shapes_reject_an_entity_without_a_name(turtle: rdflib.Graph) -> None:
    broken = rdflib.Graph()
    for triple in turtle:
        broken.add(triple)
    subject = next(broken.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/org#Organization")))
    broken.remove((subject, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None))
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    assert not pyshacl.validate(broken, shacl_graph=shapes)[0]


def test_a_post_is_a_membership_with_role_and_dated_evidence(turtle: rdflib.Graph) -> None:
    rows = list(turtle.query(PREFIXES + """
        SELECT ?title ?sentence ?start ?end ?rule ?date WHERE {
          ?m a org:Membership ; org:member/skos:prefLabel "钟平熊"@zh ;
             org:organization/skos:prefLabel "沔渡派出所"@zh ; org:role/skos:prefLabel ?title ;
             prov:wasDerivedFrom ?e .
          ?e govkg:sentence ?sentence ; govkg:startOffset ?start ; govkg:endOffset ?end ; govkg:rule ?rule ;
             prov:wasQuotedFrom ?article .
          OPTIONAL { ?article dcterms:date ?date }
        }"""))
    assert len(rows) == 1
    title, sentence, start, end, rule, _ = rows[0]
    assert str(title) == "所长" and "钟平熊" in str(sentence) and str(rule).startswith("post.")
    text = (ROOT / "seeds" / "003_35cf51e87d738b0b.txt").read_text(encoding="utf-8")
    assert text[int(start) : int(end)].strip() == str(sentence)


def test_a_direct_triple_finds_its_evidence_through_its_statement(turtle: rdflib.Graph) -> None:
    rows = list(turtle.query(PREFIXES + """
        SELECT ?sentence ?article WHERE {
          ?child skos:prefLabel "天元区委政法委"@zh . ?parent skos:prefLabel "天元区委"@zh .
          ?child org:subOrganizationOf ?parent .
          ?st rdf:subject ?child ; rdf:predicate org:subOrganizationOf ; rdf:object ?parent ;
              prov:wasDerivedFrom ?e .
          ?e govkg:sentence ?sentence ; prov:wasQuotedFrom ?article .
        }"""))
    assert rows and all("政法委" in str(sentence) for sentence, _ in rows)


def test_an_award_keeps_its_year_typed_and_its_period_as_written(turtle: rdflib.Graph) -> None:
    rows = list(turtle.query(PREFIXES + """
        SELECT ?year ?period WHERE { ?a a govkg:Award ; govkg:recipient/skos:prefLabel "天元区"@zh ;
                             govkg:honour/skos:prefLabel "湖南省平安校园示范县市区"@zh ; govkg:year ?year ; govkg:period ?period }"""))
    assert [(r[0].datatype, str(r[0]), str(r[1])) for r in rows] == [(XSD.gYear, "2021", "2021-2022")]
    years = turtle.query(PREFIXES + 'SELECT ?a WHERE { ?a govkg:year "2021"^^<http://www.w3.org/2001/XMLSchema#gYear> }')
    assert len(years) >= 1  # a typed year matches a typed year, whatever the period was written as


def test_bodies_lie_in_their_division_and_divisions_in_the_ones_above(turtle: rdflib.Graph) -> None:
    rows = {str(r[0]) for r in turtle.query(PREFIXES + """
        SELECT ?label WHERE { ?body dcterms:spatial/schema:containedInPlace* ?place . ?place skos:prefLabel "株洲市"@zh .
                              ?body skos:prefLabel ?label }""")}
    assert {"天元区公安局", "醴陵市委"} <= rows  # 天元区 and 醴陵市 lie in 株洲市
    [(code,)] = turtle.query(PREFIXES + 'SELECT ?code WHERE { ?p skos:prefLabel "湖南省"@zh ; govkg:divisionCode ?code }')
    assert str(code) == "430000"


@pytest.mark.slow
def test_trig_holds_one_named_graph_per_article(built: Path) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(built / "graph.trig", format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if str(g.identifier).startswith("https://w3id.org/govkg/id/graph/")}
    assert len(names) == 5


@pytest.mark.slow
def test_every_format_holds_the_same_triples(built: Path) -> None:
    turtle = rdflib.Graph().parse(built / "graph.ttl")
    for name, fmt in (("graph.nt", "nt"), ("graph.jsonld", "json-ld")):
        assert isomorphic(rdflib.Graph().parse(built / name, format=fmt), turtle), name
    quads = rdflib.Dataset().parse(built / "graph.nq", format="nquads")
    union = rdflib.Graph()
    for subject, predicate, value, _ in quads.quads((None, None, None, None)):
        union.add((subject, predicate, value))
    assert isomorphic(union, turtle), "graph.nq"


def test_a_place_node_takes_its_division_from_the_entity() -> None:
    places = (Entity("PLACE", "天元区", code="430211", level="county"), Entity("PLACE", "株洲市"))
    graph = build_graph([Extraction(Article("a.txt", "", "a.txt"), places)])
    assert (graph.nodes["place:天元区"]["code"], graph.nodes["place:天元区"]["level"]) == ("430211", "county")
    assert "code" not in graph.nodes["place:株洲市"]  # the gazetteer is not asked again


def test_a_division_code_and_level_reach_the_rdf(turtle: rdflib.Graph) -> None:
    rows = turtle.query(PREFIXES + """
        SELECT ?code ?level WHERE { ?place skos:prefLabel "天元区"@zh ; govkg:divisionCode ?code ; govkg:level ?level }""")
    assert {(str(code), str(level)) for code, level in rows} == {("430211", "county")}


def test_the_default_graph_sorted_in_runs_on_disk_is_the_one_sorted_at_once(seed_runs: dict, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph as ox

    from kg import rdf, rdf_files
    from kg.assembly import assemble

    extractions = [run.extraction for run in seed_runs.values()]
    corpus = assemble(lambda: extractions)
    at_once = ox.serialize(rdf.entity_quads(corpus.graph, corpus.spells, corpus.identities), format=ox.RdfFormat.N_QUADS)
    monkeypatch.setattr(rdf_files, "SORT_RUN", 50)  # the seeds' default graph in some twenty runs
    rdf_files.write_default_graph(corpus.graph, corpus.spells, corpus.identities, tmp_path / "default.nq")
    assert (tmp_path / "default.nq").read_bytes() == at_once
    assert len(at_once.splitlines()) > 20 * 50 and [p.name for p in tmp_path.iterdir()] == ["default.nq"]  # runs removed


def test_n_triples_are_the_union_of_the_quads_each_once_as_pyoxigraph_writes_them(tmp_path: Path) -> None:
    membership = "<https://w3id.org/govkg/id/membership/1f2e> <http://www.w3.org/ns/org#member> <https://w3id.org/govkg/id/per/王伟>"
    evidence = ('<https://w3id.org/govkg/id/evidence/{doc}/0-9/post> <https://w3id.org/govkg/ontology#sentence> '
                '"王伟任<天元区>区长。\\n"@zh')
    default = tmp_path / "default.nq"
    default.write_text('<https://w3id.org/govkg/id/per/王伟> <http://www.w3.org/2000/01/rdf-schema#label> "王伟"@zh .\n',
                       encoding="utf-8")
    named = tmp_path / "named.nq"
    named.write_text("".join(f"{triple.format(doc=doc)} <https://w3id.org/govkg/id/graph/{doc}> .\n"
                             for doc in ("d1", "d2") for triple in (membership, evidence)), encoding="utf-8")
    write_rdf(default, [Part(named)], tmp_path / "graph.nt", format="nt")
    quads = [q for part in (default, named) for q in ox.parse(path=str(part), format=ox.RdfFormat.N_QUADS)]
    expected = ox.serialize(union(quads), format=ox.RdfFormat.N_TRIPLES)
    assert (tmp_path / "graph.nt").read_bytes() == expected
    assert expected.count(membership.encode()) == 1 and expected.count("区长".encode()) == 2
