"""``kg_ner``: the trained model's entities as candidates beside the rules'.

The model is a separate spaCy pipeline (``kg/models/ner``) that cuts text
into jieba words, where the rule pipeline cuts it into characters; so this
component runs the model on ``doc.text`` and adds each entity it finds, by
character offsets, to ``doc.spans["kg_candidates"]`` with rule id
``ner.PER``, ``ner.ORG`` or ``ner.PLACE`` and ``meta["source"] == "model"``.
``kg_entities`` then decides which of them survive (``kg/pipeline/entities.py``).
The model is loaded in ``initialize`` (from the package, no network).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from kg.pipeline.entities import MODEL_RULE_PREFIX
from kg.pipeline.spans import add_candidate, register_extensions, text_of

from .model import Ent, doc_ents, load_model

SOURCE = "model"


class ModelCandidates:
    """Adds the NER model's entities to the candidate spans."""

    def __init__(self, nlp: Language, name: str = "kg_ner", *, batch_size: int = 64) -> None:
        register_extensions()
        self.name = name
        self.batch_size = batch_size
        self.model: Language | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, model: str | None = None) -> None:
        """Load the model at ``model`` (default: the shipped one)."""
        self.model = load_model(model)

    def _loaded(self) -> Language:
        if self.model is None:
            raise ValueError(f"{self.name}: the NER model is not loaded; call nlp.initialize() first")
        return self.model

    def __call__(self, doc: Doc) -> Doc:
        return self._add(doc, doc_ents(self._loaded()(text_of(doc))))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        stream = iter(docs)
        size = batch_size or self.batch_size
        while batch := list(islice(stream, size)):
            tagged = self._loaded().pipe((text_of(doc) for doc in batch), batch_size=size)
            for doc, model_doc in zip(batch, tagged):
                yield self._add(doc, doc_ents(model_doc))

    @staticmethod
    def _add(doc: Doc, ents: list[Ent]) -> Doc:
        taken = set(doc._.kg_info or {})
        text = text_of(doc)
        for start, end, label in ents:
            if (start, end, label) in taken:  # a rule's candidate: its facts (key, codes) stay
                continue
            add_candidate(doc, start, end, label, text[start:end], f"{MODEL_RULE_PREFIX}{label}", source=SOURCE)
        return doc


@Language.factory("kg_ner", assigns=["doc.spans"], requires=[], default_config={"batch_size": 64})
def make_model_candidates(nlp: Language, name: str, batch_size: int) -> ModelCandidates:
    return ModelCandidates(nlp, name, batch_size=batch_size)
