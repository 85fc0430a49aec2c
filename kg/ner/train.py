"""Train the NER model in one call: convert the data, train the CRF, ship the result.

``kg train-ner ../shared/data/ner --out training/ner --ship`` converts the
data (``kg.ner.data``), trains the CRF with python-crfsuite (L-BFGS for a
fixed number of iterations, so a run is reproducible), writes the model
folder (``out/model``: weights, the surnames its features know, the
given-name characters of the training PERs, ``meta.json``), scores it on the
carved dev split and, with ``--ship``, copies it into the package
(``kg/models/ner``) in one rename.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pycrfsuite

from kg import __version__
from kg.lexicon import lexicon
from kg.tokenizers import jieba_words

from .crf import TAGS, WEIGHTS, CrfModel, WordFeatures, word_tags
from .data import ConversionReport, convert, read_split
from .model import GIVEN_CHARS, SURNAMES, given_name_chars, load_model, model_path, score, tag

#: What the pipeline needs from a trained model folder.
SHIPPED = (WEIGHTS, SURNAMES, GIVEN_CHARS, "meta.json")
#: Written into the model's meta.json.
META = {
    "name": "govkg_ner",
    "description": "govkg's PER/ORG/PLACE tagger: a linear-chain CRF over jieba words (kg/ner/crf.py), trained with "
                   "python-crfsuite on CLUENER2020 and People's Daily 1998 (kg/ner/README.md).",
    "license": "code MIT; the training corpora state no licence (kg/ner/README.md)",
    "sources": [
        {"name": "CLUENER2020 train split", "url": "https://github.com/CLUEbenchmark/CLUENER2020", "license": "none stated"},
        {"name": "People's Daily 1998 NER (TodoListIOS/NER-PyTorch)", "url": "https://github.com/TodoListIOS/NER-PyTorch",
         "license": "none stated"},
    ],
}


@dataclass(frozen=True)
class Settings:
    """crfsuite's training settings: L-BFGS with L1 (``c1``) and L2 (``c2``) penalties."""

    c1: float = 0.1
    c2: float = 0.01
    max_iterations: int = 100

    def params(self) -> dict:
        return {**asdict(self), "feature.possible_transitions": True}


@dataclass
class TrainReport:
    """What ``train`` converted and skipped, where the model is, where it was shipped, its dev scores."""

    conversion: ConversionReport
    model: Path
    shipped: Path | None
    scores: dict
    seconds: float
    skipped: dict = field(default_factory=dict)  #: training sentences left out, by reason


def train(data_dir: str | Path, out_dir: str | Path, *, settings: Settings = Settings(), ship: bool = False) -> TrainReport:
    """Convert ``data_dir`` into ``out_dir/corpus``, train the model into ``out_dir/model``, score it on the
    dev split and with ``ship`` copy it into the package."""
    started = time.monotonic()
    out_dir = Path(out_dir)
    corpus, folder = out_dir / "corpus", out_dir / "model"
    conversion = convert(data_dir, corpus)
    features = WordFeatures(lexicon().surnames)
    model, skipped = fit(read_split(corpus / "train.jsonl"), features, settings, out_dir / "model.crfsuite")
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder)
    (folder / SURNAMES).write_text("# The surnames of the lexicon when the model was trained.\n"
                                   + "".join(f"{name}\n" for name in sorted(features.surnames)), encoding="utf-8")
    write_given_chars(conversion, folder)
    meta = {**META, "version": __version__, "tags": list(TAGS), "settings": asdict(settings), "skipped": skipped}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    scores = score_dev(model, corpus / "dev.jsonl")
    (out_dir / "dev-scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    shipped = ship_model(folder) if ship else None
    return TrainReport(conversion, folder, shipped, scores, time.monotonic() - started, skipped)


def fit(records: Iterable[dict], features: WordFeatures, settings: Settings, crfsuite_file: Path) -> tuple[CrfModel, dict]:
    """The CRF trained by crfsuite (its own model file at ``crfsuite_file``) on the records of a ``train.jsonl``,
    and how many records were left out, by reason: a record with a span of unknown label, or whose entity
    cuts a word, cannot give every word its tag."""
    trainer = pycrfsuite.Trainer(verbose=False)
    skipped = {"unknown spans": 0, "an entity cuts a word": 0}
    for record in records:
        words = jieba_words(record["text"])
        tags = word_tags(words, [tuple(e) for e in record["ents"]])
        if record["missing"] or tags is None:
            skipped["unknown spans" if record["missing"] else "an entity cuts a word"] += 1
            continue
        trainer.append(features.of_sentence(words), tags)
    trainer.set_params(settings.params())
    trainer.train(str(crfsuite_file))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(crfsuite_file))
    try:
        return CrfModel.from_crfsuite(tagger.info(), features), skipped
    finally:
        tagger.close()


def write_given_chars(conversion: ConversionReport, model_dir: Path) -> Path:
    """Write the given-name characters of the training PERs beside a model (``kg_entities`` checks model PERs with them)."""
    path = model_dir / GIVEN_CHARS
    rows = sorted(conversion.given_chars.items(), key=lambda item: (-item[1], item[0]))
    header = "# Characters of the given names of the training PERs (surname from the lexicon), with counts.\n"
    path.write_text(header + "".join(f"{char}\t{count}\n" for char, count in rows), encoding="utf-8")
    return path


def score_dev(model: str | Path | CrfModel, dev_jsonl: str | Path) -> dict:
    """Exact-span P/R/F1 per label of a model on a ``dev.jsonl``, overall and per source."""
    tagger = model if isinstance(model, CrfModel) else load_model(model)
    records = read_split(dev_jsonl)
    predicted = list(tag((r["text"] for r in records), model=tagger))
    out = {"all": score([r["ents"] for r in records], predicted, [r["missing"] for r in records])}
    for source in sorted({r["source"] for r in records}):
        chosen = [i for i, r in enumerate(records) if r["source"] == source]
        out[source] = score([records[i]["ents"] for i in chosen], [predicted[i] for i in chosen],
                            [records[i]["missing"] for i in chosen])
    return out


def ship_model(model_dir: str | Path, dest: str | Path | None = None) -> Path:
    """Copy a trained model folder into ``dest`` (the package's ``kg/models/ner``), atomically."""
    model_dir = Path(model_dir)
    dest = Path(dest) if dest is not None else model_path()
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".ner-"))
    staging.chmod(0o755)
    try:
        for name in SHIPPED:
            shutil.copy2(model_dir / name, staging / name)
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
