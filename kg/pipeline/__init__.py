"""The spaCy pipeline: a blank Chinese ``Language`` with govkg's rule components
and, before ``kg_entities``, ``kg_ner``: the shipped NER model's entities as
candidates, which ``kg_entities`` combines with the rules' (``docs/ner.md``)."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from . import entities, honours, orgs, persons, places, programmes, relations  # noqa: F401  (registers factories)
from kg.ner import component  # noqa: F401,E402  (registers kg_ner)

COMPONENTS = ("kg_places", "kg_orgs", "kg_persons", "kg_programmes", "kg_honours", "kg_entities", "kg_relations")
#: The model component, placed just before ``kg_entities`` (the rule components never see its spans).
MODEL_COMPONENT = "kg_ner"
#: Character segmentation: every character is a token, so rule spans always align.
CONFIG = {"nlp": {"tokenizer": {"segmenter": "char"}}}


def make_nlp(*, ner: bool = True) -> Language:
    """A fresh pipeline with every govkg component, initialised from the packaged data
    (with ``ner=False``, the rule components only)."""
    nlp = spacy.blank("zh", config=CONFIG)
    nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "!", "?", ";", "\n"]})
    for name in COMPONENTS:
        if ner and name == "kg_entities":
            nlp.add_pipe(MODEL_COMPONENT)
        nlp.add_pipe(name)
    nlp.initialize()
    return nlp


@functools.cache
def shared_nlp(ner: bool = True) -> Language:
    """One pipeline per process (and setting): lexicons, patterns and the model are loaded once."""
    return make_nlp(ner=ner)
