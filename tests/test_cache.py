"""The per-article cache: a re-run only processes new or changed articles, with the same outputs."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from kg.build import CACHE_FOLDER, build
from kg.cache import Cache, article_key
from kg.corpus import read_text_file
from kg.extract import read_article
from kg.rdf import article_nquads
from kg.record_io import extraction_from_json, extraction_json
from kg.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_6590fda864a470cb.txt"


def test_an_extraction_survives_the_round_trip_through_json() -> None:
    article = read_text_file(SEED)
    extraction = resolve(read_article(article))
    assert extraction_from_json(extraction_json(extraction), article) == extraction


def test_a_rerun_takes_every_unchanged_article_from_the_cache(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", corpus)
    first = build([corpus], tmp_path / "out")
    outputs = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("graph.*")}
    second = build([corpus], tmp_path / "out")
    assert (first.cached, second.cached) == (0, 5)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").glob("graph.*")} == outputs


def test_a_changed_or_new_article_is_processed_again(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", corpus)
    build([corpus], tmp_path / "out")
    changed = corpus / "001_6590fda864a470cb.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n炎陵县公安局沔渡派出所所长钟平熊获评“全国优秀人民警察”。\n", encoding="utf-8")
    (corpus / "new.txt").write_text("记者/周圆\n\n天元区委政法委组织开展“防范邪教宣传周”活动。", encoding="utf-8")
    report = build([corpus], tmp_path / "out")
    assert (report.articles, report.cached) == (6, 4)
    assert "钟平熊" in (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8")


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path) -> None:
    article = read_text_file(SEED)
    cache = Cache(tmp_path)
    extraction = resolve(read_article(article))
    cache.put(extraction, article_nquads(extraction))
    assert cache.get(article) is not None
    entry = next(cache.folder.rglob(f"{article_key(article)}.json.gz"))
    for damage in (b"{not json", gzip.compress(b"{not json"), entry.read_bytes()[:40]):
        entry.write_bytes(damage)
        assert cache.get(article) is None


def test_the_cache_is_not_used_when_turned_off(tmp_path: Path) -> None:
    report = build([SEED], tmp_path, cache=False)
    assert report.articles == 1 and not (tmp_path / CACHE_FOLDER).exists()
