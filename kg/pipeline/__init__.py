"""The spaCy pipeline: a blank Chinese ``Language`` with govkg's rule components."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from . import entities, honours, orgs, persons, places, programmes, relations  # noqa: F401  (registers factories)

COMPONENTS = ("kg_places", "kg_orgs", "kg_persons", "kg_programmes", "kg_honours", "kg_entities", "kg_relations")
#: Character segmentation: every character is a token, so rule spans always align.
CONFIG = {"nlp": {"tokenizer": {"segmenter": "char"}}}


def make_nlp() -> Language:
    """A fresh pipeline with every govkg component, initialised from the packaged data."""
    nlp = spacy.blank("zh", config=CONFIG)
    nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "!", "?", ";", "\n"]})
    for name in COMPONENTS:
        nlp.add_pipe(name)
    nlp.initialize()
    return nlp


@functools.cache
def shared_nlp() -> Language:
    """One pipeline per process: lexicons and patterns are loaded once."""
    return make_nlp()
