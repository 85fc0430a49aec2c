"""The shipped NER model: where it lives, loading it, tagging texts with it, scoring it.

The model is a spaCy pipeline folder inside the package (``kg/models/ner``),
loaded with ``spacy.load`` from the file system: nothing is downloaded.
Texts are folded with ``kg.normalize.normalize`` (length-preserving) before
tagging, so the offsets returned point into the text as given.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from kg import segmenter
from kg.errors import KgError
from kg.normalize import normalize
from kg.tokenizers import with_jieba_words

from .data import LABELS

Ent = tuple[int, int, str]
#: Beside the model: the given-name characters seen in the training PERs.
GIVEN_CHARS = "given_chars.txt"


class ModelError(KgError):
    """The NER model is missing or cannot be loaded."""


def model_path() -> Path:
    """The folder of the shipped model (``kg/models/ner``)."""
    return Path(str(resources.files("kg").joinpath("models", "ner")))


@functools.cache
def load_model(path: str | Path | None = None) -> Language:
    """The NER pipeline at ``path`` (the shipped model by default), loaded once per process."""
    folder = Path(path) if path is not None else model_path()
    if not (folder / "config.cfg").is_file():
        raise ModelError(f"{folder}: no NER model here (train one with `kg train-ner`)")
    segmenter.ready()  # the model's tokenizer cuts jieba words
    try:
        return numpy_blas(with_jieba_words(spacy.load(folder)))
    except (OSError, ValueError) as error:
        raise ModelError(f"{folder}: cannot load the NER model ({error})") from error


def numpy_blas(nlp: Language) -> Language:
    """Make the pipeline's models multiply matrices with numpy's BLAS, on one thread, instead of blis.

    thinc's CPU ops default to blis, about 3x slower than numpy's OpenBLAS on
    recent CPUs for the tok2vec's products; the entities are the same (the
    floats differ by ~1e-5). OpenBLAS would start a thread per core, which
    oversubscribes the cores when ``--jobs`` runs a worker per core, so this
    process's BLAS is held to one thread.
    """
    threadpool_limits(1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    return nlp


@functools.cache
def given_name_chars(path: str | Path | None = None) -> frozenset[str]:
    """Characters seen in a given name of a training PER (``given_chars.txt`` beside the model)."""
    folder = Path(path) if path is not None else model_path()
    try:
        lines = (folder / GIVEN_CHARS).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ModelError(f"{folder}: no {GIVEN_CHARS} beside the NER model ({error})") from error
    return frozenset(line.split("\t")[0] for line in lines if line and not line.startswith("#"))


def doc_ents(doc: Doc) -> list[Ent]:
    """A tagged doc's entities as ``(start, end, label)`` character offsets, end-exclusive."""
    return [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]


def tag(texts: Iterable[str], *, nlp: Language | None = None, batch_size: int = 256, n_process: int = 1) -> Iterator[list[Ent]]:
    """The entities of each text, in order (offsets into the text as given)."""
    model = nlp if nlp is not None else load_model()
    for doc in model.pipe((normalize(t) for t in texts), batch_size=batch_size, n_process=n_process):
        yield doc_ents(doc)


def ner_json(text: str, ents: Sequence[Ent]) -> dict:
    """One line of ``kg ner`` output: ``{"text": …, "ents": [[start, end, label], …]}``."""
    return {"text": text, "ents": [[start, end, label] for start, end, label in ents]}


def inside(span: tuple[int, int], region: tuple[int, int]) -> bool:
    return region[0] <= span[0] and span[1] <= region[1]


def score(gold: Iterable[Sequence[Ent]], predicted: Iterable[Sequence[Ent]],
          unknown: Iterable[Sequence[tuple[int, int]]] | None = None, labels: Sequence[str] = LABELS) -> dict[str, dict]:
    """Exact-span precision, recall and F1 per label and micro-averaged.

    A predicted span inside a span of ``unknown`` label (a CLUENER ``scene``
    or street address) is not counted either way.
    """
    counts: dict[str, Counter] = {label: Counter() for label in labels}
    unknown_iter = iter(unknown) if unknown is not None else None
    for gold_ents, pred_ents in zip(gold, predicted, strict=True):
        regions = list(next(unknown_iter)) if unknown_iter is not None else []
        gold_set = {tuple(e) for e in gold_ents if e[2] in counts}
        pred_set = {tuple(e) for e in pred_ents if e[2] in counts and not any(inside(e[:2], r) for r in regions)}
        for start, end, label in gold_set | pred_set:
            key = "tp" if (start, end, label) in gold_set and (start, end, label) in pred_set else \
                  "fn" if (start, end, label) in gold_set else "fp"
            counts[label][key] += 1
    counts["micro"] = sum(counts.values(), Counter())
    return {label: _prf(c) for label, c in counts.items()}


def _prf(c: Counter) -> dict:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f, "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}
