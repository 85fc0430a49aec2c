"""The per-article cache: a re-run only processes new or changed articles, with the same outputs."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tracemalloc
from pathlib import Path

import pytest

import kg.cache
from kg.build import CACHE_FOLDER, build
from kg.cache import Cache, article_key, pipeline_version, stage_modules
from kg.corpus import read_articles, read_text_file
from kg.extract import read_article
from kg.rdf import article_nquads
from kg.record_io import extraction_from_json, extraction_json
from kg.resolve import resolve
from kg.state import STATE

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_6590fda864a470cb.txt"


@pytest.mark.slow
def test_an_extraction_survives_the_round_trip_through_json() -> None:
    article = read_text_file(SEED)
    extraction = resolve(read_article(article))
    assert extraction_from_json(extraction_json(extraction), article) == extraction


@pytest.mark.slow
def test_a_rerun_takes_every_unchanged_article_from_the_cache(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", corpus)
    first = build([corpus], tmp_path / "out")
    outputs = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.is_file() and p.name != STATE}
    second = build([corpus], tmp_path / "out")
    assert (first.cached, second.cached) == (0, 5)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()
            if p.is_file() and p.name != STATE} == outputs  # records too (the kept corpus is a pickle of sets: not byte-stable)


@pytest.mark.slow
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


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path, seed_runs) -> None:
    article, extraction = seed_runs["001"].article, seed_runs["001"].extraction
    cache = Cache(tmp_path)
    cache.put(extraction, article_nquads(extraction))
    assert cache.get(article) is not None
    entry = next(cache.folder.rglob(f"{article_key(article)}.json.gz"))
    for damage in (b"{not json", gzip.compress(b"{not json"), entry.read_bytes()[:40]):
        entry.write_bytes(damage)
        assert cache.get(article) is None


@pytest.mark.slow
def test_the_cache_is_not_used_when_turned_off(tmp_path: Path) -> None:
    report = build([SEED], tmp_path, cache=False)
    assert report.articles == 1 and not (tmp_path / CACHE_FOLDER).exists()


# -- the pipeline version --------------------------------------------------------------------


@pytest.fixture
def resources_copy(tmp_path: Path) -> Path:
    """A copy of the package's resource folder (the pipeline itself still reads the packaged one)."""
    return Path(shutil.copytree(kg.cache.RESOURCES, tmp_path / "resources-a", ignore=shutil.ignore_patterns("__pycache__")))


def changed_copy(folder: Path, target: Path) -> Path:
    """A copy of ``folder`` with one line of one resource file changed."""
    copy = Path(shutil.copytree(folder, target))
    path = copy / "stopwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].rstrip("\n") + "甲\n"
    path.write_text("".join(lines), encoding="utf-8")
    return copy


@pytest.mark.slow
def test_a_copy_of_the_resources_gives_the_same_version_and_ner_its_own(resources_copy: Path) -> None:
    assert pipeline_version(resources=resources_copy) == pipeline_version()
    assert pipeline_version(True) != pipeline_version(False)


@pytest.mark.slow
def test_one_changed_resource_line_makes_every_cache_entry_stale(resources_copy: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.cache, "RESOURCES", resources_copy)
    seeds = ROOT / "seeds"
    first, second = (build([seeds], tmp_path / "out", ner=False) for _ in range(2))
    assert (first.cached, second.cached) == (0, first.articles)
    changed = changed_copy(resources_copy, tmp_path / "resources-b")
    assert pipeline_version(False, resources=changed) != pipeline_version(False, resources=resources_copy)
    monkeypatch.setattr(kg.cache, "RESOURCES", changed)
    cache = Cache(tmp_path / "out" / CACHE_FOLDER, ner=False)
    assert all(cache.get(article) is None for article in read_articles([seeds]))
    assert build([seeds], tmp_path / "out", ner=False).cached == 0


@pytest.mark.slow
def test_a_new_resource_file_changes_the_version(resources_copy: Path, tmp_path: Path) -> None:
    added = Path(shutil.copytree(resources_copy, tmp_path / "resources-b"))
    (added / "more").mkdir()
    (added / "more" / "new_words.txt").write_text("新词\n", encoding="utf-8")
    assert pipeline_version(resources=added) != pipeline_version(resources=resources_copy)


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled however recently written, and this process has computed no version yet."""
    monkeypatch.setattr(kg.cache, "RACY_SECONDS", -60.0)
    monkeypatch.setattr(kg.cache, "_known", {})


def computed_versions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The versions ``pipeline_version`` computes from here on (not those it finds remembered)."""
    computed: list[str] = []
    compute = kg.cache._version

    def counted(*args: object) -> str:
        computed.append(compute(*args))
        return computed[-1]

    monkeypatch.setattr(kg.cache, "_version", counted)
    return computed


def test_a_version_is_remembered_in_the_cache_folder_and_not_computed_again(
        resources_copy: Path, tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = tmp_path / "cache" / kg.cache.VERSIONS
    memo.parent.mkdir()
    computed = computed_versions(monkeypatch)
    version = pipeline_version(False, resources=resources_copy, memo=memo)
    monkeypatch.setattr(kg.cache, "_known", {})  # a new process
    assert pipeline_version(False, resources=resources_copy, memo=memo) == version and computed == [version]
    memo.write_text("{not json", encoding="utf-8")
    assert pipeline_version(False, resources=resources_copy, memo=memo) == version and computed == [version]


def test_a_cache_remembers_its_version_once_it_holds_an_entry(tmp_path: Path, settled: None, seed_runs) -> None:
    root = tmp_path / "out" / CACHE_FOLDER
    cache = Cache(root, ner=False)
    assert not (tmp_path / "out").exists()  # no folder made only to remember a version
    extraction = seed_runs["001"].extraction
    cache.put(extraction, article_nquads(extraction))
    remembered = json.loads((root / kg.cache.VERSIONS).read_text(encoding="utf-8"))
    assert list(remembered.values()) == [cache.folder.name.removesuffix("-rules")]


def test_a_resource_rewritten_with_its_size_and_times_kept_gives_a_new_version(
        resources_copy: Path, tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    memo = tmp_path / "cache" / kg.cache.VERSIONS
    before = pipeline_version(False, resources=resources_copy, memo=memo)
    path = resources_copy / "stopwords.txt"
    info, text = path.stat(), path.read_text(encoding="utf-8")
    han = next(char for char in text if "\u4e00" <= char <= "\u9fff")
    path.write_text(text.replace(han, "乙" if han != "乙" else "甲", 1), encoding="utf-8")  # as many bytes
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    monkeypatch.setattr(kg.cache, "_known", {})
    assert pipeline_version(False, resources=resources_copy, memo=memo) != before


def test_a_version_whose_files_just_changed_is_not_remembered(resources_copy: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.cache, "_known", {})
    computed = computed_versions(monkeypatch)
    memo = tmp_path / "cache" / kg.cache.VERSIONS
    memo.parent.mkdir()
    version = pipeline_version(False, resources=resources_copy, memo=memo)  # the copy was written just now
    assert pipeline_version(False, resources=resources_copy, memo=memo) == version
    assert computed == [version, version] and not memo.exists()


@pytest.mark.slow
def test_the_stage_modules_are_found_by_following_the_imports_of_the_workers() -> None:
    names = {path.relative_to(kg.cache.PACKAGE).as_posix() for path in stage_modules()}
    assert {"__init__.py", "parallel.py", "extract.py", "normalize.py", "resolve.py", "rdf.py", "graph.py", "records.py",
            "record_io.py", "pipeline/__init__.py", "resources/__init__.py", "ner/model.py", "ner/crf.py"} <= names
    assert not names & {"cli.py", "build.py", "cache.py", "view.py", "serve.py", "export.py", "evaluate.py", "ner/train.py"}


def test_the_import_walk_follows_relative_absolute_and_lazy_imports(tmp_path: Path) -> None:
    package = tmp_path / "kg"
    sources = {
        "__init__.py": "",
        "parallel.py": "from .a import run\nimport json\n",
        "a.py": "from . import b\n\ndef run():\n    from kg.sub.c import x\n",
        "b.py": "",
        "sub/__init__.py": "",
        "sub/c.py": "from ..d import y\n",
        "d.py": "",
        "unused.py": "",
        "record_io.py": "",
    }
    for name, text in sources.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    found = {path.relative_to(package).as_posix() for path in stage_modules(package)}
    assert found == set(sources) - {"unused.py"}


# -- entries are checked when read ------------------------------------------------------------


@pytest.fixture(scope="module")
def cached_seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A build of one seed with the rules alone, and its one cache entry: the record, with its N-Quads
    under ``"nquads"`` (an entry is the record's JSON line, a line break and the N-Quads)."""
    out = tmp_path_factory.mktemp("cached") / "out"
    build([SEED], out, jobs=1, ner=False)
    [entry] = (out / CACHE_FOLDER).rglob("*.json.gz")
    line, _, nquads = gzip.decompress(entry.read_bytes()).decode("utf-8").partition("\n")
    return out, {**json.loads(line), "nquads": nquads}


def entry_bytes(entry: object) -> bytes:
    """A cache entry as the cache writes one, from a record with its N-Quads under ``"nquads"``."""
    nquads = entry.pop("nquads", None) if isinstance(entry, dict) else None
    line = json.dumps(entry, ensure_ascii=False)
    return gzip.compress((line if nquads is None else f"{line}\n{nquads}").encode("utf-8"))


def rebuilt_with(entry_bytes: bytes, cached_seed: tuple[Path, dict], tmp_path: Path) -> tuple[list[str], Path]:
    """Rebuild after putting ``entry_bytes`` in place of the entry: the problems reported, and the entry path."""
    out = tmp_path / "out"
    shutil.copytree(cached_seed[0], out)
    [entry] = (out / CACHE_FOLDER).rglob("*.json.gz")
    entry.write_bytes(entry_bytes)
    report = build([SEED], out, jobs=1, ner=False)
    assert (report.articles, report.cached) == (1, 0)
    again = build([SEED], out, jobs=1, ner=False)  # the entry was replaced by a good one
    assert (again.cached, again.problems) == (1, [])
    return [f"{p.source}: {p.problem}" for p in report.problems], entry


@pytest.mark.slow
@pytest.mark.parametrize(("damage", "reason"), [
    (lambda e: {**e, "entities": [{"type": "PER", "name": 7, "aliases": []}]}, "entities[0].name: expected str, got int '7'"),
    (lambda e: {**e, "relations": [{"type": "BOSS_OF"}]}, "relations[0].type: unknown relation type 'BOSS_OF'"),
    (lambda e: {**e, "mentions": [{**e["mentions"][0], "start": 9, "end": 2}]}, "mentions[0]: start 9 after end 2"),
    (lambda e: {**e, "nquads": "<a> <b> <c"}, "its N-Quads do not parse"),
    (lambda e: {k: v for k, v in e.items() if k != "nquads"}, "no N-Quads text"),
    (lambda e: [e], "no N-Quads text"),
])
def test_an_entry_of_the_wrong_shape_is_named_and_extracted_again(cached_seed: tuple[Path, dict], tmp_path: Path,
                                                                 damage, reason: str) -> None:
    problems, entry = rebuilt_with(entry_bytes(damage(dict(cached_seed[1]))), cached_seed, tmp_path)
    [problem] = problems
    assert problem.startswith(f"{entry}: invalid cache entry (") and reason in problem and problem.endswith("extracted again")


@pytest.mark.slow
def test_a_gzip_bomb_is_refused_without_being_inflated(cached_seed: tuple[Path, dict], tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * 30_000_000, compresslevel=9)  # 30 MB in about 30 KB
    problems, entry = rebuilt_with(bomb, cached_seed, tmp_path)
    assert "inflates to over" in problems[0]
    entry.write_bytes(bomb)
    article = read_text_file(SEED)
    seen: list[str] = []
    cache = Cache(tmp_path / "out" / CACHE_FOLDER, ner=False, on_invalid=lambda path, why: seen.append(why))
    tracemalloc.start()
    assert cache.get(article) is None
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seen[0].startswith("inflates to over") and peak < 5_000_000


@pytest.mark.slow
def test_an_article_saved_again_in_another_encoding_comes_from_the_cache_with_its_new_encoding(tmp_path: Path) -> None:
    article = tmp_path / "in" / "湘潭.txt"
    article.parent.mkdir()
    text = "湘潭日报讯 湘潭市公安局局长李明华出席会议并讲话。\n"
    article.write_text(text, encoding="utf-8")
    build([article.parent], tmp_path / "out", ner=False)
    article.write_bytes(text.encode("gb18030"))
    report = build([article.parent], tmp_path / "out", ner=False)
    [record] = [json.loads(line) for line in (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert report.cached == 1 and record["meta"]["encoding"] == "gb18030"
    assert [e["name"] for e in record["entities"] if e["type"] == "PER"] == ["李明华"]
