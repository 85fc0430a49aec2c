"""Start-up: a command imports only what it runs, and a build whose articles are all cached loads no pipeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import CACHE_FOLDER
from kg.cache import VERSIONS, Cache
from kg.corpus import read_text_file
from kg.extract import read_article
from kg.rdf import article_nquads
from kg.resolve import resolve

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_6590fda864a470cb.txt"
#: The modules of the pipeline and the model: spaCy, jieba (the rules' and the model's words), the extraction.
PIPELINE = ("spacy", "jieba", "thinc", "kg.extract", "kg.pipeline", "kg.ner")
#: ... and rdflib's SPARQL engine, which only kg query and kg serve need.
WATCHED = (*PIPELINE, "rdflib.plugins.sparql")
#: Each test starts a fresh interpreter or builds the gazetteer's matcher twice: over 0.25 s.
pytestmark = pytest.mark.slow


def imported_by(*args: str) -> set[str]:
    """Which of ``WATCHED`` ``kg ARGS`` imports, run in a fresh interpreter."""
    script = ("import sys\nfrom kg.cli import main\nmain(sys.argv[1:], standalone_mode=False)\n"
              f"print('imported:', *(m for m in {WATCHED!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("imported:")]
    return set(line.split()[1:])


def test_the_help_imports_neither_the_pipeline_nor_a_sparql_engine() -> None:
    assert imported_by("--help") == set()


def test_kg_query_imports_no_pipeline() -> None:
    assert imported_by("query", "--list") == {"rdflib.plugins.sparql"}


def test_a_build_whose_every_article_is_cached_loads_no_pipeline(tmp_path: Path) -> None:
    article = read_text_file(SEED)
    extraction = resolve(read_article(article))
    Cache(tmp_path / "out" / CACHE_FOLDER).put(extraction, article_nquads(extraction))
    assert (tmp_path / "out" / CACHE_FOLDER / VERSIONS).exists(), "a file of kg changed in the last seconds: run again"
    assert imported_by("build", str(SEED), "--out", str(tmp_path / "out"), "--quiet") == set()
    assert (tmp_path / "out" / "extractions.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_a_build_with_an_article_to_extract_loads_the_pipeline(tmp_path: Path) -> None:
    """The check above can fail: the same build without the cache entry imports the pipeline."""
    assert {"spacy", "jieba", "kg.extract"} <= imported_by("build", str(SEED), "--out", str(tmp_path), "--quiet", "--no-ner")


def test_the_gazetteer_patterns_match_what_a_doc_per_name_matches() -> None:
    """``orth_patterns`` spares a Doc per name (``nlp.make_doc``) and finds the same places."""
    import spacy
    from spacy.matcher import PhraseMatcher

    from kg.lexicon import lexicon
    from kg.pipeline import CONFIG
    from kg.pipeline.places import orth_patterns

    nlp = spacy.blank("zh", config=CONFIG)
    names = lexicon().place_names
    by_docs, by_ids = PhraseMatcher(nlp.vocab), PhraseMatcher(nlp.vocab)
    by_docs.add("PLACE", [nlp.make_doc(name) for name in names])
    by_ids.add("PLACE", orth_patterns(nlp.vocab, names))
    doc = nlp.make_doc(SEED.read_text(encoding="utf-8") + "".join(sorted(names)[::7]) + "抵达日喀则，国会 同意")
    assert len(by_ids(doc)) > 100 and sorted(by_ids(doc)) == sorted(by_docs(doc))
