"""Fixtures shared by the test modules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from kg.corpus import read_text_file
from kg.extract import reading_from_doc
from kg.normalize import TextMap, assemble
from kg.pipeline import shared_nlp
from kg.records import Article, Extraction, Reading
from kg.resolve import resolve

SEED_DIR = Path(__file__).resolve().parents[1] / "seeds"


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
