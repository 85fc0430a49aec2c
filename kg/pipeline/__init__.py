"""The spaCy pipeline: a blank Chinese ``Language`` with govkg's rule components
and, before ``kg_entities``, ``kg_ner``: the shipped NER model's entities as
candidates, which ``kg_entities`` combines with the rules' (``docs/ner.md``)."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from kg import tokenizers  # noqa: F401  (registers kg.char_tokenizer)

from . import (appointments, discipline, entities, honours, ner_candidates, orgs, persons, places,  # noqa: F401  (registers factories)
               programmes, relations, sentences)

COMPONENTS = ("kg_places", "kg_orgs", "kg_persons", "kg_appointments", "kg_programmes", "kg_honours", "kg_entities", "kg_relations", "kg_discipline")
#: The model component, placed just before ``kg_entities`` (the rule components never see its spans).
MODEL_COMPONENT = "kg_ner"
#: Character segmentation: every character is a token, so rule spans always align.
CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "kg.char_tokenizer"}}}


def make_nlp(*, ner: bool = True) -> Language:
    """A fresh pipeline with every govkg component, initialised from the packaged data
    (with ``ner=False``, the rule components only)."""
    nlp = _assemble(ner)
    nlp.initialize()
    return nlp


def _assemble(ner: bool) -> Language:
    """The pipeline with its components added, not yet initialised."""
    nlp = spacy.blank("zh", config=CONFIG)
    nlp.add_pipe("kg_sentences")
    for name in COMPONENTS:
        if ner and name == "kg_entities":
            nlp.add_pipe(MODEL_COMPONENT)
        nlp.add_pipe(name)
    return nlp


def config_text(*, ner: bool = True) -> str:
    """The pipeline's spaCy config as text: its components and their settings (resource files, limits)."""
    return _config_text(ner)


@functools.cache
def _config_text(ner: bool) -> str:
    return _assemble(ner).config.to_str()


def shared_nlp(ner: bool = True) -> Language:
    """One pipeline per process (and setting): lexicons, patterns and the model are loaded once."""
    return _shared_nlp(bool(ner))


@functools.cache
def _shared_nlp(ner: bool) -> Language:
    return make_nlp(ner=ner)
