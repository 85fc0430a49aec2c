"""Score extractions against gold files, as the guidelines' *Scoring* section says.

Entities match by type and normalised name: *lenient* accepts the gold ``name``
or any alias, *strict* only the ``name``. Relations match by type and every
entity field (POST on person and org; the title is scored apart as accuracy).
Matching is one-to-one and maximal; optional gold items (flagged, or relations
naming an optional entity) are neither false negatives when missed nor make a
matching prediction a false positive. Each document is scored on its own and
the counts are added up.

P = tp/(tp+fp) and R = tp/(tp+fn), each 0.0 when its denominator is 0 (so an
empty prediction scores 0.0 even against an empty gold); F1 = 0.0 when P+R = 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import GoldError
from kg.record_io import RecordError, records
from kg.records import ENTITY_FIELDS, ENTITY_TYPES, GOLD_RELATION_TYPES, RELATION_FIELDS

MODES = ("lenient", "strict")
SECTIONS = ("entities", "relations")

_IGNORED = re.compile(r"[\s“”‘’\"'「」『』《》]")


def normalize_name(name: str) -> str:
    """Drop whitespace and quote marks: ``“三高四新”`` -> ``三高四新``."""
    return _IGNORED.sub("", name)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, int | float]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Accuracy:
    """Correct out of total; 0.0 when nothing was scored."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float:
        return _ratio(self.correct, self.total)


@dataclass(frozen=True)
class EvalReport:
    """Scores of a whole evaluation: ``entities[mode][type]`` and ``relations[mode][type]``."""

    docs: int
    entities: Mapping[str, Mapping[str, Counts]]
    relations: Mapping[str, Mapping[str, Counts]]
    titles: Accuracy
    statuses: Accuracy = Accuracy()

    def micro(self, section: str, mode: str) -> Counts:
        """Counts of one section and mode added over all types."""
        return sum(getattr(self, section)[mode].values(), Counts())

    def to_dict(self) -> dict:
        """A JSON-able dict of every count and score."""
        out: dict = {"docs": self.docs}
        for section in SECTIONS:
            out[section] = {
                mode: {"by_type": {t: c.to_dict() for t, c in getattr(self, section)[mode].items()},
                       "micro": self.micro(section, mode).to_dict()}
                for mode in MODES
            }
        for key, accuracy in (("post_title", self.titles), ("post_status", self.statuses)):
            out[key] = {"correct": accuracy.correct, "matched": accuracy.total, "accuracy": accuracy.value}
        return out


# -- loading -----------------------------------------------------------------


def _problem(obj: object) -> str:
    """What keeps ``obj`` from following the gold format ("" when nothing does)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("doc"), str) or not obj["doc"]:
        return "expected an object with a non-empty string 'doc'"
    for key in ("entities", "relations"):
        items = obj.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("type"), str)
                                                  for i in items):
            return f"'{key}' must be a list of objects with a string 'type'"
    for entity in obj.get("entities", []):
        aliases = entity.get("aliases", [])
        if not isinstance(entity.get("name"), str) or not isinstance(aliases, list) \
                or not all(isinstance(a, str) for a in aliases):
            return f"entity {entity!r} needs a string 'name' and a list of string 'aliases'"
    return ""


def _add(docs: dict[str, dict], obj: object, where: str) -> None:
    """Check ``obj`` and file it under its doc; errors name ``where``."""
    problem = _problem(obj) or (f"duplicate doc {obj['doc']!r}" if obj["doc"] in docs else "")
    if problem:
        raise GoldError(f"{where}: {problem}")
    docs[obj["doc"]] = obj


def load_gold(folder: str | Path) -> dict[str, dict]:
    """Read every ``*.json`` gold file of ``folder``, keyed by its ``doc``."""
    folder = Path(folder)
    paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not paths:
        raise GoldError(f"{folder}: no .json gold files")
    docs: dict[str, dict] = {}
    for path in paths:
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise GoldError(f"{path}: cannot read gold file: {err}") from err
        _add(docs, obj, str(path))
    return docs


def load_predictions(path: str | Path) -> dict[str, dict]:
    """Read a JSONL file of extractions (one gold-format object a line), keyed by ``doc``.

    Lines are read as ``kg.record_io`` reads ``extractions.jsonl``, but kept as
    gold-format objects: only ``doc``, ``entities`` and ``relations`` are scored
    (other keys, such as a place's ``code``, are ignored).
    """
    docs: dict[str, dict] = {}
    try:
        for number, obj in records(path):
            _add(docs, obj, f"{path}, line {number}")
    except RecordError as err:
        raise GoldError(str(err)) from err
    return docs


# -- matching ----------------------------------------------------------------


@dataclass(frozen=True)
class _Gold:
    """A gold item: per matched field, its canonical form and all accepted forms."""

    type: str
    slots: tuple[tuple[str, frozenset[str]], ...]
    optional: bool
    title: str = ""
    status: str = ""


@dataclass(frozen=True)
class _Pred:
    """A predicted item: its normalised matched fields."""

    type: str
    values: tuple[str, ...]
    title: str = ""
    status: str = ""


def _fits(strict: bool) -> Callable[[_Pred, _Gold], bool]:
    def fits(pred: _Pred, gold: _Gold) -> bool:
        return all(value == name if strict else value in forms
                   for value, (name, forms) in zip(pred.values, gold.slots, strict=True))
    return fits


def _matching(preds: Sequence[_Pred], golds: Sequence[_Gold],
              fits: Callable[[_Pred, _Gold], bool]) -> dict[int, int]:
    """Maximum one-to-one matching (augmenting paths): pred index -> gold index."""
    edges = [[j for j, gold in enumerate(golds) if fits(pred, gold)] for pred in preds]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(preds)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _score(preds: Sequence[_Pred], golds: Sequence[_Gold],
           strict: bool) -> tuple[Counts, list[tuple[_Pred, _Gold]]]:
    """Counts and true-positive pairs; leftovers matching optional gold are ignored."""
    fits = _fits(strict)
    required = [g for g in golds if not g.optional]
    first = _matching(preds, required, fits)
    rest = [p for i, p in enumerate(preds) if i not in first]
    ignored = _matching(rest, [g for g in golds if g.optional], fits)
    pairs = [(preds[i], required[j]) for i, j in sorted(first.items())]
    return Counts(len(first), len(rest) - len(ignored), len(required) - len(first)), pairs


# -- documents ---------------------------------------------------------------


def _entity_fields(type_: str) -> tuple[str, ...]:
    return tuple(f for f in RELATION_FIELDS.get(type_, ()) if f in ENTITY_FIELDS)


def _field(item: Mapping, key: str) -> str:
    return normalize_name(str(item.get(key) or ""))


def _status(relation: Mapping) -> str:
    """A POST's status; a missing one reads as ``current`` (annotation guidelines, convention 7)."""
    return str(relation.get("status") or "current") if relation.get("type") == "POST" else ""


def _gold_entities(doc: Mapping) -> list[_Gold]:
    golds = []
    for e in doc.get("entities", []):
        name = _field(e, "name")
        forms = {name, *(normalize_name(a) for a in e.get("aliases", []))} - {""}
        golds.append(_Gold(e["type"], ((name, frozenset(forms)),), bool(e.get("optional"))))
    return golds


def _gold_relations(doc: Mapping, entities: list[_Gold]) -> list[_Gold]:
    by_name = {g.slots[0][0]: g for g in reversed(entities)}
    golds = []
    for r in doc.get("relations", []):
        values = [_field(r, f) for f in _entity_fields(r["type"])]
        named = [by_name[v] for v in values if v in by_name]
        slots = tuple((v, by_name[v].slots[0][1] if v in by_name else frozenset({v})) for v in values)
        optional = bool(r.get("optional")) or any(g.optional for g in named)
        golds.append(_Gold(r["type"], slots, optional, _field(r, "title"), _status(r)))
    return golds


def _unique(items: list[_Pred]) -> list[_Pred]:
    """Keep the first of items with the same type and normalised fields."""
    return list({(p.type, p.values): p for p in reversed(items)}.values())[::-1]


def _pred_entities(doc: Mapping) -> list[_Pred]:
    return _unique([_Pred(str(e.get("type")), (_field(e, "name"),)) for e in doc.get("entities", [])])


def _pred_relations(doc: Mapping) -> list[_Pred]:
    relations = [(str(r.get("type")), r) for r in doc.get("relations", []) if r.get("type") in GOLD_RELATION_TYPES]
    return _unique([_Pred(t, tuple(_field(r, f) for f in _entity_fields(t)), _field(r, "title"), _status(r))
                    for t, r in relations])


def _score_doc(gold: Mapping, pred: Mapping) -> tuple[dict[tuple[str, str, str], Counts], Accuracy, Accuracy]:
    """Counts keyed by (section, mode, type), and POST title and status accuracy, for one document."""
    entities = _gold_entities(gold)
    sections = {"entities": (entities, _pred_entities(pred)),
                "relations": (_gold_relations(gold, entities), _pred_relations(pred))}
    counts: dict[tuple[str, str, str], Counts] = {}
    titles = statuses = Accuracy()
    for section, (golds, preds) in sections.items():
        for type_ in sorted({g.type for g in golds} | {p.type for p in preds}):
            typed_golds = [g for g in golds if g.type == type_]
            typed_preds = [p for p in preds if p.type == type_]
            for mode in MODES:
                counts[section, mode, type_], pairs = _score(typed_preds, typed_golds, mode == "strict")
                if (section, mode, type_) == ("relations", "lenient", "POST"):
                    titles = Accuracy(sum(p.title == g.title for p, g in pairs), len(pairs))
                    statuses = Accuracy(sum(p.status == g.status for p, g in pairs), len(pairs))
    return counts, titles, statuses


def _table(counts: Mapping[tuple[str, str, str], Counts], section: str,
           known: Sequence[str]) -> dict[str, dict[str, Counts]]:
    extra = sorted({t for s, _, t in counts if s == section} - set(known))
    types = (*known, *extra)
    return {mode: {t: counts.get((section, mode, t), Counts()) for t in types} for mode in MODES}


def evaluate(gold: Mapping[str, Mapping], predicted: Mapping[str, Mapping]) -> EvalReport:
    """Score ``predicted`` against ``gold`` (both doc -> gold-format dict); only gold docs count."""
    counts: dict[tuple[str, str, str], Counts] = {}
    titles = statuses = Accuracy()
    for doc in sorted(gold):
        doc_counts, doc_titles, doc_statuses = _score_doc(gold[doc], predicted.get(doc, {}))
        for key, value in doc_counts.items():
            counts[key] = counts.get(key, Counts()) + value
        titles += doc_titles
        statuses += doc_statuses
    return EvalReport(len(gold), _table(counts, "entities", ENTITY_TYPES),
                      _table(counts, "relations", GOLD_RELATION_TYPES), titles, statuses)


# -- report ------------------------------------------------------------------

_HEAD = f"{'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"


def _cells(c: Counts) -> str:
    return f"{c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}"


def _section_lines(report: EvalReport, section: str) -> list[str]:
    by_mode = getattr(report, section)
    rows = [(t, [by_mode[m][t] for m in MODES]) for t in by_mode[MODES[0]]]
    rows.append(("micro", [report.micro(section, m) for m in MODES]))
    return [f"{section:<10} | " + " | ".join(f"{m:^{len(_HEAD)}}" for m in MODES),
            f"{'type':<10} | " + " | ".join(_HEAD for _ in MODES),
            *(f"{name:<10} | " + " | ".join(_cells(c) for c in cells) for name, cells in rows)]


def format_report(report: EvalReport) -> str:
    """A monospace table of the report for the terminal."""
    lines = [f"documents scored: {report.docs}", ""]
    for section in SECTIONS:
        lines += [*_section_lines(report, section), ""]
    for label, accuracy in (("title", report.titles), ("status", report.statuses)):
        lines.append(f"POST {label} accuracy: {accuracy.value:.3f} ({accuracy.correct}/{accuracy.total} matched POSTs)")
    return "\n".join(line.rstrip() for line in lines)
