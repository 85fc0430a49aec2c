"""The shipped NER model: where it lives, loading it, tagging texts with it, scoring it.

The model is a CRF over jieba words (``kg.ner.crf``) in a folder inside the
package (``kg/models/ner``), read from the file system: nothing is
downloaded. Texts are folded with ``kg.normalize.normalize``
(length-preserving) before tagging, so the offsets returned point into the
text as given.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path

from kg.errors import KgError
from kg.normalize import normalize

from .crf import WEIGHTS, CrfModel, Ent, WordFeatures
from .data import LABELS

#: Beside the model: the given-name characters seen in the training PERs.
GIVEN_CHARS = "given_chars.txt"
#: Beside the model: the surnames its features know (the lexicon's when it was trained).
SURNAMES = "surnames.txt"


class ModelError(KgError):
    """The NER model is missing or cannot be loaded."""


def model_path() -> Path:
    """The folder of the shipped model (``kg/models/ner``)."""
    return Path(str(resources.files("kg").joinpath("models", "ner")))


@functools.cache
def load_model(path: str | Path | None = None) -> CrfModel:
    """The NER model at ``path`` (the shipped model by default), loaded once per process."""
    folder = Path(path) if path is not None else model_path()
    if not (folder / WEIGHTS).is_file():
        raise ModelError(f"{folder}: no NER model here (train one with `kg train-ner`)")
    try:
        return CrfModel.load(folder, WordFeatures(_listed(folder / SURNAMES)))
    except (OSError, ValueError, KeyError) as error:
        raise ModelError(f"{folder}: cannot load the NER model ({error})") from error


@functools.cache
def given_name_chars(path: str | Path | None = None) -> frozenset[str]:
    """Characters seen in a given name of a training PER (``given_chars.txt`` beside the model)."""
    folder = Path(path) if path is not None else model_path()
    try:
        return frozenset(_listed(folder / GIVEN_CHARS))
    except OSError as error:
        raise ModelError(f"{folder}: no {GIVEN_CHARS} beside the NER model ({error})") from error


def _listed(path: Path) -> list[str]:
    """The first field of each line of a list file beside the model (``#`` lines are comments)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


def tag(texts: Iterable[str], *, model: CrfModel | None = None) -> Iterator[list[Ent]]:
    """The entities of each text, in order (offsets into the text as given)."""
    return (model if model is not None else load_model()).tag(normalize(text) for text in texts)


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
