"""Fixtures shared by the test modules.

The suite runs on a fresh clone with nothing beside it: data the tests need is
committed under ``tests/fixtures/`` (see its README). Data a user will not have
(the full NER training sets, ``gold-dev``, the news corpus in ``../shared``)
and tools outside the package (Debian's Chromium) are asked for through
``shared_path`` and ``chromium_executable``, which skip the test and say why.
CI sets ``KG_REQUIRE_ALL=1`` (``.ci/run``): there every skip fails instead,
with the same reason, so a test cannot stop running unnoticed. Property tests
(hypothesis) try 25 examples each unless a test says otherwise, 100 with
``HYPOTHESIS_PROFILE=ci``, which ``.ci/run`` sets.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from spacy.language import Language
from spacy.tokens import Doc

from kg.build import build
from kg.corpus import read_text_file
from kg.extract import reading_from_doc
from kg.normalize import TextMap, assemble, normalize
from kg.pipeline import shared_nlp
from kg.records import Article, Extraction, Reading
from kg.resolve import resolve

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ALL = "KG_REQUIRE_ALL"


# -- what a fresh clone lacks: skip and say why, or fail under KG_REQUIRE_ALL=1 --


def everything_required() -> bool:
    """Whether skips are failures (``KG_REQUIRE_ALL=1``, as ``.ci/run`` sets it)."""
    return os.environ.get(REQUIRE_ALL) == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Under ``KG_REQUIRE_ALL=1`` a skipped test fails, with the reason it gave for skipping."""
    outcome = yield
    report = outcome.get_result()
    if everything_required() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{reason.removeprefix('Skipped: ')} ({REQUIRE_ALL}=1: every test must run)"


# -- property tests: fewer examples while working, hypothesis's default under CI --------------

settings.register_profile("dev", max_examples=25)
settings.register_profile("ci", max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


SECOND_STORE = "rdflib"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test run on both SPARQL stores specifies on Oxigraph, the default; its run on rdflib,
    the same behaviour on the slower engine, is ``slow``."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if SECOND_STORE in params.values():
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_path() -> Callable[..., Path]:
    """``shared_path("gold-dev", "gold")``: that path in ``../shared``, or a skip that says it is not there."""

    def find(*parts: str) -> Path:
        path = SHARED.joinpath(*parts)
        if not path.exists():
            pytest.skip(f"needs ../shared/{'/'.join(parts)} beside the checkout (development data a clone does not have)")
        return path

    return find


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's Chromium, which the browser tests drive through Playwright (nothing is downloaded)."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("needs Playwright (pip install -e '.[test]')")
    return CHROMIUM


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    """The seeds' gold files (a committed copy of ``../shared/gold``)."""
    return FIXTURES / "gold"


@pytest.fixture(scope="session")
def ner_data() -> Path:
    """The first 30 records of each NER training file, in the layout ``kg train-ner`` reads."""
    return FIXTURES / "ner"


# -- the seeds' build, once per session (test_build, test_rdf, test_cli) --


def build_seeds(out: Path) -> Path:
    """What the README's build command does (``kg build seeds/ --out OUT`` from the repository root,
    one process, with its cache in ``OUT/.kg-cache``)."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        report = build(["seeds/"], out)
    finally:
        os.chdir(here)
    assert report.articles == 5 and not report.problems
    return out


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds' build, shared by every test that reads one: copy it before changing anything in it."""
    return build_seeds(tmp_path_factory.mktemp("seeds-build"))


@pytest.fixture(scope="session")
def seeds_builder() -> Callable[[Path], Path]:
    """``build_seeds``, for a test that builds the seeds again (into a folder of its own)."""
    return build_seeds


@pytest.fixture(scope="session")
def seeds() -> dict[str, Article]:
    """The five seed articles as read from their files, by number: ``seeds["000"]``."""
    return {path.name[:3]: read_text_file(path) for path in sorted(SEED_DIR.glob("*.txt"))}


# -- shared pipeline and seed readings (test_normalize, test_pipeline, test_resolve) --


@dataclass(frozen=True)
class SeedRun:
    """One seed article taken through the whole pipeline, once per test session."""

    article: Article
    textmap: TextMap
    doc: Doc
    reading: Reading
    extraction: Extraction


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The cached govkg pipeline (``kg.pipeline.shared_nlp``)."""
    return shared_nlp()


@pytest.fixture(scope="module")
def read(nlp: Language) -> Callable[[str], Doc]:
    """``read(text)``: the pipeline's Doc of a sentence, normalised as the build does (each text read once)."""
    cache: dict[str, Doc] = {}

    def read(text: str) -> Doc:
        if text not in cache:
            cache[text] = nlp(normalize(text))
        return cache[text]

    return read


@pytest.fixture(scope="session")
def news_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``news_build(records)``: a build, with the rules alone, of JSONL records ({"id", "date", "title",
    "source", "text"}) written to a ``news.jsonl`` of their own; returns the output folder."""
    def make(records: list[dict], name: str = "news") -> Path:
        folder = tmp_path_factory.mktemp(name)
        news = folder / "news.jsonl"
        news.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        build([news], folder / "out", ner=False, cache=False)
        return folder / "out"

    return make


@pytest.fixture(scope="session")
def seed_runs(nlp: Language) -> dict[str, SeedRun]:
    """Every seed by number (``seed_runs["000"]``): article, text map, Doc, reading, extraction."""
    runs = {}
    for path in sorted(SEED_DIR.glob("*.txt")):
        article = read_text_file(path)
        textmap = assemble(article)
        doc = nlp(textmap.text)
        reading = reading_from_doc(article, textmap, doc)
        runs[path.name[:3]] = SeedRun(article, textmap, doc, reading, resolve(reading))
    return runs
