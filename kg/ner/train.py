"""Train the NER model in one call: convert the data, train with spaCy, ship the result.

``kg train-ner ../shared/data/ner --out training/ner --ship`` runs all three with the
committed config (``kg/ner/config.cfg``): CPU only, seeds fixed, a fixed
number of epochs (no wall-clock stop, so a run is reproducible); the model
scoring best on the carved dev split is kept. Shipping copies the pipeline
folder into the package (``kg/models/ner``), replacing the old one in one
rename.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import spacy
from spacy.language import Language

from kg import __version__

from .data import ConversionReport, convert, read_dev
from .model import GIVEN_CHARS, given_name_chars, load_model, model_path, score, tag

CONFIG_PATH = Path(__file__).with_name("config.cfg")
#: What the pipeline needs from a trained model folder.
SHIPPED = ("config.cfg", "meta.json", "tokenizer", "vocab", "ner", GIVEN_CHARS)
#: Written into the shipped model's meta.json.
META = {
    "name": "govkg_ner",
    "description": "govkg's PER/ORG/PLACE tagger: jieba words, a CNN tok2vec and a transition-based NER "
                   "(kg/ner/config.cfg), trained on CLUENER2020 and People's Daily 1998 (kg/ner/README.md).",
    "license": "code MIT; the training corpora state no licence (kg/ner/README.md)",
    "sources": [
        {"name": "CLUENER2020 train split", "url": "https://github.com/CLUEbenchmark/CLUENER2020", "license": "none stated"},
        {"name": "People's Daily 1998 NER (TodoListIOS/NER-PyTorch)", "url": "https://github.com/TodoListIOS/NER-PyTorch",
         "license": "none stated"},
    ],
}


@dataclass
class TrainReport:
    """What ``train`` converted, where the best model is, where it was shipped, its dev scores."""

    conversion: ConversionReport
    model: Path
    shipped: Path | None
    scores: dict
    seconds: float


def blank(config: str | Path = CONFIG_PATH) -> Language:
    """The untrained pipeline of a config (its tokenizer cuts the training texts)."""
    return spacy.util.load_model_from_config(spacy.util.load_config(config), auto_fill=True, validate=True)


def train(data_dir: str | Path, out_dir: str | Path, *, config: str | Path = CONFIG_PATH, overrides: dict | None = None,
          ship: bool = False, log: TextIO | None = None) -> TrainReport:
    """Convert ``data_dir`` into ``out_dir/corpus``, train into ``out_dir/model-best`` and
    ``out_dir/model-last``, score the best model on the dev split, and with ``ship``
    copy it into the package. ``overrides`` are config settings (``{"training.max_epochs": 1}``);
    spaCy's training table goes to ``log``."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    started = time.monotonic()
    out_dir = Path(out_dir)
    corpus = out_dir / "corpus"
    conversion = convert(data_dir, corpus, blank(config))
    settings = {"paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "dev.spacy"), **(overrides or {})}
    loaded = spacy.util.load_config(config, overrides=settings, interpolate=False)
    stream = log if log is not None else io.StringIO()
    nlp = init_nlp(loaded, use_gpu=-1)
    train_loop(nlp, out_dir, use_gpu=-1, stdout=stream, stderr=stream)
    for folder in ("model-best", "model-last"):
        write_given_chars(conversion, out_dir / folder)
    best = out_dir / "model-best"
    scores = score_dev(best, corpus / "dev.jsonl")
    (out_dir / "dev-scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    shipped = ship_model(best) if ship else None
    return TrainReport(conversion, best, shipped, scores, time.monotonic() - started)


def write_given_chars(conversion: ConversionReport, model_dir: Path) -> Path:
    """Write the given-name characters of the training PERs beside a model (``kg_entities`` checks model PERs with them)."""
    path = model_dir / GIVEN_CHARS
    rows = sorted(conversion.given_chars.items(), key=lambda item: (-item[1], item[0]))
    header = "# Characters of the given names of the training PERs (surname from the lexicon), with counts.\n"
    path.write_text(header + "".join(f"{char}\t{count}\n" for char, count in rows), encoding="utf-8")
    return path


def score_dev(model: str | Path | Language, dev_jsonl: str | Path) -> dict:
    """Exact-span P/R/F1 per label of a model on a ``dev.jsonl``, overall and per source."""
    nlp = model if isinstance(model, Language) else spacy.load(model)
    records = read_dev(dev_jsonl)
    predicted = list(tag((r["text"] for r in records), nlp=nlp))
    out = {"all": score([r["ents"] for r in records], predicted, [r["missing"] for r in records])}
    for source in sorted({r["source"] for r in records}):
        chosen = [i for i, r in enumerate(records) if r["source"] == source]
        out[source] = score([records[i]["ents"] for i in chosen], [predicted[i] for i in chosen],
                            [records[i]["missing"] for i in chosen])
    return out


def ship_model(model_dir: str | Path, dest: str | Path | None = None) -> Path:
    """Copy a trained pipeline folder into ``dest`` (the package's ``kg/models/ner``), atomically."""
    model_dir = Path(model_dir)
    dest = Path(dest) if dest is not None else model_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".ner-"))
    staging.chmod(0o755)
    try:
        for name in SHIPPED:
            source = model_dir / name
            if source.is_dir():
                shutil.copytree(source, staging / name)
            else:
                shutil.copy2(source, staging / name)
        meta = json.loads((staging / "meta.json").read_text(encoding="utf-8"))
        meta.update(META, version=__version__)
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        old = dest.with_name(dest.name + ".old")
        if dest.exists():
            dest.rename(old)
        staging.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    load_model.cache_clear()
    given_name_chars.cache_clear()
    return dest
