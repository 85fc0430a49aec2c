"""`kg build` end to end: the seeds' scores, determinism, the committed output, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.build import build
from kg.evaluate import evaluate, load_gold, load_predictions

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ENTITY_FLOOR = 0.85
RELATION_FLOOR = 0.70


@pytest.mark.slow
def test_seed_scores_stay_above_the_floor(seeds_build: Path, gold_dir: Path) -> None:
    report = evaluate(load_gold(gold_dir), load_predictions(seeds_build / "extractions.jsonl"))
    assert report.micro("entities", "lenient").f1 >= ENTITY_FLOOR
    assert report.micro("relations", "lenient").f1 >= RELATION_FLOOR


@pytest.mark.slow
def test_build_writes_every_output(seeds_build: Path) -> None:
    names = sorted(p.name for p in seeds_build.iterdir() if not p.name.startswith("."))
    assert names == ["extractions.jsonl", "graph.gexf", "graph.graphml", "graph.html", "graph.jsonld",
                     "graph.nq", "graph.nt", "graph.sqlite", "graph.trig", "graph.ttl", "people.gexf", "tables"]
    assert sorted(p.name for p in (seeds_build / "tables").iterdir()) == [
        "articles.csv", "awards.csv", "bodies.csv", "discipline.csv", "evidence.csv", "identity.csv", "mentions.csv", "part_of.csv", "persons.csv", "places.csv",
        "posts.csv", "programmes.csv"]


@pytest.mark.slow
def test_the_same_input_gives_byte_identical_outputs(seeds_build: Path, seeds_builder, tmp_path: Path) -> None:
    seeds_builder(tmp_path)
    for path in [*seeds_build.glob("graph.*"), *seeds_build.glob("tables/*.csv")]:
        if path.suffix != ".sqlite":  # SQLite pages are not byte-stable; its rows are the tables'
            assert (tmp_path / path.relative_to(seeds_build)).read_bytes() == path.read_bytes(), path.name
    assert (tmp_path / "extractions.jsonl").read_bytes() == (seeds_build / "extractions.jsonl").read_bytes()


@pytest.mark.slow
def test_committed_output_is_current(seeds_build: Path) -> None:
    """output/ is what `kg build seeds/ --out output/` makes now (rebuild it after a rule change)."""
    committed = ROOT / "output"
    assert (committed / "extractions.jsonl").read_text(encoding="utf-8") == (seeds_build / "extractions.jsonl").read_text(encoding="utf-8")
    assert isomorphic(rdflib.Graph().parse(committed / "graph.ttl"), rdflib.Graph().parse(seeds_build / "graph.ttl"))
    for name, read in (("graph.gexf", nx.read_gexf), ("graph.graphml", nx.read_graphml)):
        fresh, old = read(seeds_build / name), read(committed / name)
        assert sorted(fresh.nodes(data=True)) == sorted(old.nodes(data=True)), name
        assert sorted(fresh.edges(data=True)) == sorted(old.edges(data=True)), name
    for table in sorted((seeds_build / "tables").glob("*.csv")):
        assert (committed / "tables" / table.name).read_text(encoding="utf-8") == table.read_text(encoding="utf-8"), table.name


@pytest.mark.slow
def test_extractions_follow_the_gold_format_with_offsets(seeds_build: Path) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.iterdir()}
    for line in (seeds_build / "extractions.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert set(record) >= {"doc", "entities", "relations", "mentions"}
        text = texts[record["doc"]]
        for mention in record["mentions"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
        for relation in record["relations"]:
            evidence = relation["evidence"]
            assert evidence["rule"] and text[evidence["start"] : evidence["end"]].strip() == evidence["sentence"]


@pytest.mark.slow
def test_gephi_files_read_back_with_every_node_typed(seeds_build: Path) -> None:
    for read in (nx.read_gexf, nx.read_graphml):
        graph = read(seeds_build / ("graph.gexf" if read is nx.read_gexf else "graph.graphml"))
        assert graph.number_of_nodes() > 100
        assert all(data.get("type") for _, data in graph.nodes(data=True))


@pytest.mark.slow
def test_html_view_makes_no_network_request(seeds_build: Path) -> None:
    page = (seeds_build / "graph.html").read_text(encoding="utf-8")
    assert "new vis.Network" in page
    assert "http://" not in page.split("<script>", 1)[0] and "src=\"http" not in page and "href=\"http" not in page


def test_a_build_with_bad_files_reads_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "gbk.txt").write_bytes("记者/周圆\n\n区公安局开展“百日攻坚庆百年”专项行动,天元区荣获平安示范县称号。".encode("gb18030"))
    report = build([corpus], tmp_path / "out")
    assert report.articles == 1
    assert sorted(Path(p.source).name for p in report.problems) == ["empty.txt", "image.txt"]
    assert (tmp_path / "out" / "extractions.jsonl").exists()


def test_nothing_is_written_when_nothing_could_be_read(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    report = build([tmp_path / "in"], tmp_path / "out")
    assert report.articles == 0 and report.problems
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_long_article_is_read_in_chunks_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.extract
    from kg.corpus import read_text_file
    from kg.resolve import resolve

    article = read_text_file(SEEDS / "000_fa77a8a22d1f7229.txt")
    whole = resolve(kg.extract.read_article(article))
    monkeypatch.setattr(kg.extract, "CHUNK_CHARS", 600)
    assert len(kg.extract.chunks(kg.extract.assemble(article), 600)) > 5
    chunked = resolve(kg.extract.read_article(article))
    assert {(e.type, e.name) for e in chunked.entities} == {(e.type, e.name) for e in whole.entities}
    assert {r.key for r in chunked.relations} == {r.key for r in whole.relations}
