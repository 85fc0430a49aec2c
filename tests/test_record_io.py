"""The extraction record: a line of ``extractions.jsonl`` reads back into the extraction it was written from."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import record_io
from kg.record_io import RecordError
from kg.records import Article, Entity, Evidence, Extraction, Mention, Relation

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "output" / "extractions.jsonl"
ARTICLE = Article("a.txt", "", "in/a.txt", title="标题", date="2021-11-24")


def test_every_committed_record_reads_back_into_the_same_line() -> None:
    lines = COMMITTED.read_text(encoding="utf-8").splitlines()
    assert lines and all(record_io.dumps(record_io.loads(line)) == line for line in lines)


def test_a_place_keeps_its_division_code_and_level() -> None:
    place = Entity("PLACE", "天元区", ("天元",), (Mention("PLACE", "天元", 0, 2, "place.gazetteer"),), "430211", "county")
    extraction = Extraction(ARTICLE, (place, Entity("ORG", "天元区公安局")), (), ("天元区",))
    assert record_io.extraction_json(extraction)["entities"] == [
        {"type": "PLACE", "name": "天元区", "aliases": ["天元"], "code": "430211", "level": "county"},
        {"type": "ORG", "name": "天元区公安局", "aliases": []},
    ]
    assert record_io.loads(record_io.dumps(extraction)) == extraction


def test_a_line_separator_inside_a_sentence_stays_inside_its_record(tmp_path: Path) -> None:
    evidence = Evidence("a.txt", 0, 9, "天元区\u2028公安局开展行动", "runs.test")
    relation = Relation("RUNS", (("org", "天元区公安局"), ("programme", "行动")), evidence)
    extraction = Extraction(ARTICLE, (Entity("ORG", "天元区公安局"), Entity("PROGRAMME", "行动")), (relation,))
    path = tmp_path / "extractions.jsonl"
    path.write_text(record_io.dumps(extraction) + "\n\n" + record_io.dumps(extraction) + "\n", encoding="utf-8")
    assert list(record_io.read(path)) == [extraction, extraction]


@pytest.mark.parametrize(("bad", "problem"), [("{broken", "invalid JSON"), ('["a", "list"]', "not an extraction record"),
                                              ('{"doc": "b.txt"}', "not an extraction record")])
def test_a_bad_line_is_named_by_its_number(tmp_path: Path, bad: str, problem: str) -> None:
    path = tmp_path / "extractions.jsonl"
    path.write_text(f"{record_io.dumps(Extraction(ARTICLE))}\n\n{bad}\n", encoding="utf-8")
    with pytest.raises(RecordError, match=rf"extractions\.jsonl, line 3: {problem}"):
        list(record_io.read(path))


def test_a_missing_file_is_a_record_error(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="missing.jsonl: cannot read"):
        list(record_io.read(tmp_path / "missing.jsonl"))


def test_a_reader_gives_the_same_extractions_from_memory_as_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "extractions.jsonl"
    extractions = [Extraction(Article(f"{n}.txt", "", f"{n}.txt", title=f"第{n}篇"), (Entity("PER", "李明华"),)) for n in range(3)]
    path.write_text("".join(record_io.dumps(e) + "\n" for e in extractions), encoding="utf-8")
    kept, streamed = record_io.reader(path), record_io.reader(path, in_memory_bytes=0)
    assert list(kept()) == list(kept()) == list(streamed()) == list(streamed())
    assert [e.article.doc for e in kept()] == ["0.txt", "1.txt", "2.txt"]


def test_a_reader_gives_the_records_of_some_articles_without_decoding_the_others(tmp_path: Path) -> None:
    path = tmp_path / "extractions.jsonl"
    extractions = [Extraction(Article(f"第{n}篇.txt", "", f"{n}.txt"), (Entity("PER", "李明华"),)) for n in range(4)]
    lines = [record_io.dumps(e) + "\n" for e in extractions]
    lines[0] = lines[0][:-3] + "BROKEN\n"  # a line not asked for is not decoded, so it is not found broken
    path.write_text("".join(lines), encoding="utf-8")
    streamed = record_io.reader(path, check=False, in_memory_bytes=0)
    assert [e.article.doc for e in streamed.of({"第3篇.txt", "第1篇.txt"})] == ["第1篇.txt", "第3篇.txt"]
    with pytest.raises(RecordError, match="line 1: invalid JSON"):
        list(streamed.of({"第0篇.txt"}))
    path.write_text("".join(record_io.dumps(e) + "\n" for e in extractions), encoding="utf-8")
    kept = record_io.reader(path)
    assert list(kept.of({"第2篇.txt"})) == list(record_io.reader(path, in_memory_bytes=0).of({"第2篇.txt"})) == [extractions[2]]
