"""Start-up: a command imports only what it runs, a build whose articles are all cached loads no pipeline,
and the command leaves without tearing its objects down one by one."""

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
#: ... and rdflib's SPARQL engine, which only kg query and kg serve need; IPython, which pyvis imports.
WATCHED = (*PIPELINE, "rdflib.plugins.sparql", "IPython", "pkg_resources")
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


def test_a_build_writes_its_page_without_importing_ipython_or_pkg_resources(tmp_path: Path) -> None:
    imported = imported_by("build", str(SEED), "--out", str(tmp_path), "--quiet", "--no-ner")
    assert (tmp_path / "graph.html").stat().st_size > 400_000  # the vis-network script, inlined
    assert not imported & {"IPython", "pkg_resources"}


# -- leaving the process ------------------------------------------------------------------


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_command_prints_everything_before_it_leaves() -> None:
    done = run_python("from kg.cli import main; main()", "--version")  # stdout is a pipe: buffered until flushed
    assert (done.returncode, "version" in done.stdout) == (0, True), done.stderr


def test_the_command_leaves_with_its_status_and_message(tmp_path: Path) -> None:
    done = run_python("from kg.cli import main; main()", "build", str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "missing: no such file or folder" in done.stderr


@pytest.mark.parametrize(("code", "status", "printed"), [(None, 0, ""), (3, 3, ""), ("no articles", 1, "no articles")])
def test_leaving_runs_the_exit_handlers_and_ends_with_the_status_sys_exit_gives(code: object, status: int, printed: str) -> None:
    done = run_python(f"import atexit\nfrom kg.quick_exit import leave\natexit.register(print, 'handler ran')\nleave({code!r})")
    assert (done.returncode, done.stdout, done.stderr.strip()) == (status, "handler ran\n", printed)


def test_leaving_waits_for_a_live_thread_as_the_usual_exit_does() -> None:
    code = ("import threading, time\nfrom kg.quick_exit import leave\n"
            "threading.Thread(target=lambda: (time.sleep(0.3), print('thread finished'))).start()\nleave(0)")
    done = run_python(code)
    assert (done.returncode, done.stdout) == (0, "thread finished\n")


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
