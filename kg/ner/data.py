"""Training data for the NER model: CLUENER2020 and People's Daily 1998 as sentences with entity spans.

Both sources are mapped to govkg's labels (``PER``, ``ORG``, ``PLACE``), the
People's Daily converter artefacts are repaired or their fragments dropped, the
texts are folded with ``kg.normalize.normalize`` (the pipeline reads folded
text) and a dev split is carved out by a hash of each text, so a text and its
duplicates always land on the same side. ``kg/ner/README.md`` explains every
choice; ``convert`` counts what it kept and dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.normalize import normalize
from kg.lexicon import HAN, lexicon

LABELS = ("PER", "ORG", "PLACE")
#: CLUENER label -> govkg label; MISSING marks spans whose govkg label is unknown
#: (neither an entity nor outside for the model), absent labels are outside.
MISSING = "?"
DIVISION = "PLACE?"
CLUENER_LABELS = {
    "name": "PER",
    "government": "ORG",
    "organization": "ORG",
    "company": "ORG",
    "address": DIVISION,
    "scene": MISSING,
}
BMES_LABELS = {"nr": "PER", "nt": "ORG", "ns": "PLACE"}
#: An address is a PLACE when it looks like a division or locality name (else its label is unknown).
MAX_DIVISION = 8

CLUENER_FILE = Path("cluener2020") / "train.json"
BMES_FILE = Path("renmin1998") / "train.bmes"
DEV_PERCENT = 10

_HAN_ONLY = re.compile(f"[{HAN}]+")


class NerDataError(KgError):
    """A training file does not have the format its reader expects."""


@dataclass(frozen=True)
class Sentence:
    """A training text with entity spans (end-exclusive) and spans of unknown label."""

    text: str
    ents: tuple[tuple[int, int, str], ...]
    missing: tuple[tuple[int, int], ...] = ()
    source: str = ""


@dataclass
class ConversionReport:
    """What ``convert`` read, repaired, dropped and wrote, per source."""

    counts: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    outputs: list[Path] = field(default_factory=list)
    #: characters of the given names of the train split's PERs (surname from the lexicon, 2-4 characters)
    given_chars: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {"counts": dict(sorted(self.counts.items())), "labels": dict(sorted(self.labels.items())),
                "outputs": [str(p) for p in self.outputs]}


# -- People's Daily 1998 (BMES) -------------------------------------------------------


def read_bmes(path: str | Path) -> Iterator[list[tuple[str, str]]]:
    """Fragments of a ``CHAR TAG`` file (blank line between fragments) as (char, tag) lists."""
    fragment: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                if fragment:
                    yield fragment
                fragment = []
                continue
            char, sep, tag = line.rpartition(" ")
            if not sep or len(char) != 1 or not (tag == "O" or tag[:2] in ("B_", "M_", "E_", "S_")):
                raise NerDataError(f"{path}:{number}: expected 'CHAR TAG', got {line!r}")
            fragment.append((char, tag))
    if fragment:
        yield fragment


def bmes_sentence(fragment: list[tuple[str, str]]) -> tuple[Sentence | None, str]:
    """A fragment as a ``Sentence``, or None with the reason it is dropped.

    The second value says what happened: ``kept``, ``collapsed`` (a doubled
    one-character entity was repaired), ``dropped: doubled name`` (a doubled
    pair that may be a real name such as 强强) or ``dropped: tags`` (an
    ill-formed tag sequence).
    """
    chars = [c for c, _ in fragment]
    spans, start, kind = [], None, None
    for i, (_, tag) in enumerate(fragment):
        prefix, label = tag[:1], tag[2:]
        if tag == "O":
            if start is not None:
                return None, "dropped: tags"
            continue
        if prefix in "BS":
            if start is not None or label not in BMES_LABELS:
                return None, "dropped: tags"
            start, kind = i, label
        elif label != kind or start is None:
            return None, "dropped: tags"
        if prefix in "ES":
            spans.append((start, i + 1, BMES_LABELS[kind]))
            start = None
    if start is not None:
        return None, "dropped: tags"
    text = "".join(chars)
    doubled = [s for s in spans if s[1] - s[0] == 2 and chars[s[0]] == chars[s[0] + 1]]
    if not doubled:
        return Sentence(normalize(text), tuple(spans), source="renmin1998"), "kept"
    for s_start, s_end, _ in doubled:
        before = text[s_start - 1 : s_start]
        if before != "姓" and not lexicon().address_forms.match(text, s_end):
            return None, "dropped: doubled name"
    # Collapse: drop the duplicated character; the lone surname left is not a PER (guidelines: 2-4 characters).
    removed = sorted(s[0] for s in doubled)
    kept_spans = [s for s in spans if s not in doubled]

    def shift(offset: int) -> int:
        return offset - sum(1 for r in removed if r < offset)

    text = "".join(c for i, c in enumerate(chars) if i not in removed)
    ents = tuple((shift(a), shift(b), label) for a, b, label in kept_spans)
    return Sentence(normalize(text), ents, source="renmin1998"), "collapsed"


# -- CLUENER2020 (JSON lines) ---------------------------------------------------------


def read_cluener(path: str | Path) -> Iterator[dict]:
    """Records of a CLUENER ``.json`` file (one object per line)."""
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise NerDataError(f"{path}:{number}: not JSON ({error})") from error
            if not (isinstance(record, dict) and isinstance(record.get("text"), str) and isinstance(record.get("label", {}), dict)):
                raise NerDataError(f"{path}:{number}: not a CLUENER record (text and label expected)")
            yield record


def division_like(name: str) -> bool:
    """Whether a CLUENER address names a division or locality (浙江省, 荷兰) rather than a street address."""
    if not _HAN_ONLY.fullmatch(name) or len(name) > MAX_DIVISION or name[-1] in lexicon().chars("not_place_end"):
        return False
    return name[-1] in lexicon().chars("division_end") or len(name) <= 3


def cluener_sentence(record: dict) -> Sentence:
    """A CLUENER record as a ``Sentence`` (offsets made end-exclusive, labels mapped)."""
    text = record["text"]
    ents, missing = [], []
    for label, surfaces in sorted(record.get("label", {}).items()):
        target = CLUENER_LABELS.get(label)
        if target is None:
            continue
        for surface, offsets in sorted(surfaces.items()):
            for start, end in offsets:
                if text[start : end + 1] != surface:
                    raise NerDataError(f"CLUENER span {surface!r} [{start}, {end}] does not match {text!r}")
                if target == DIVISION:
                    target_here = "PLACE" if division_like(surface) else MISSING
                else:
                    target_here = target
                if target_here == MISSING:
                    missing.append((start, end + 1))
                else:
                    ents.append((start, end + 1, target_here))
    ents, missing = _without_overlaps(ents, missing)
    return Sentence(normalize(text), tuple(ents), tuple(missing), source="cluener2020")


def _without_overlaps(ents: list[tuple[int, int, str]], missing: list[tuple[int, int]]) -> tuple[list, list]:
    """Longest entity first; an entity or unknown span overlapping a kept one becomes unknown / is dropped."""
    kept: list[tuple[int, int, str]] = []
    unknown = list(missing)
    for span in sorted(ents, key=lambda s: (s[0] - s[1], s[0])):
        if any(span[0] < k[1] and k[0] < span[1] for k in kept):
            unknown.append(span[:2])
        else:
            kept.append(span)
    unknown = [u for u in unknown if not any(u[0] < k[1] and k[0] < u[1] for k in kept)]
    return sorted(kept), sorted(set(unknown))


# -- the split ------------------------------------------------------------------------


def is_dev(text: str, percent: int = DEV_PERCENT) -> bool:
    """Whether a text belongs to the dev split (a hash of the text, so duplicates stay together)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100 < percent


def sentences(data_dir: str | Path, report: ConversionReport | None = None) -> Iterator[Sentence]:
    """Every usable sentence of both sources, duplicates removed (first copy kept)."""
    report = report if report is not None else ConversionReport()
    data_dir = Path(data_dir)
    seen: set[str] = set()

    def unique(sentence: Sentence) -> bool:
        if sentence.text in seen:
            report.counts[f"{sentence.source} dropped: duplicate text"] += 1
            return False
        seen.add(sentence.text)
        return True

    for record in read_cluener(data_dir / CLUENER_FILE):
        report.counts["cluener2020 read"] += 1
        sentence = cluener_sentence(record)
        report.counts["cluener2020 unknown spans"] += len(sentence.missing)
        if unique(sentence):
            yield sentence
    for fragment in read_bmes(data_dir / BMES_FILE):
        report.counts["renmin1998 read"] += 1
        sentence, what = bmes_sentence(fragment)
        report.counts[f"renmin1998 {what}"] += 1
        if sentence is not None and unique(sentence):
            yield sentence


def convert(data_dir: str | Path, out_dir: str | Path, *, dev_percent: int = DEV_PERCENT) -> ConversionReport:
    """Write ``train.jsonl`` and ``dev.jsonl`` (the texts, their entities and unknown spans) into ``out_dir``."""
    report = ConversionReport()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines: dict[str, list[str]] = {"train": [], "dev": []}
    for sentence in sentences(data_dir, report):
        part = "dev" if is_dev(sentence.text, dev_percent) else "train"
        lines[part].append(sentence_json(sentence))
        report.counts[f"{sentence.source} {part}"] += 1
        for start, end, label in sentence.ents:
            report.labels[f"{sentence.source} {part} {label}"] += 1
            name = sentence.text[start:end]
            if part == "train" and label == "PER" and 2 <= len(name) <= 4 and name[0] in lexicon().surnames:
                report.given_chars.update(name[1:])
    for part, rows in lines.items():
        path = out_dir / f"{part}.jsonl"
        path.write_text("".join(line + "\n" for line in rows), encoding="utf-8")
        report.outputs.append(path)
    return report


def sentence_json(sentence: Sentence) -> str:
    """One line of ``train.jsonl`` or ``dev.jsonl``: the ``kg ner`` output format plus the source and unknown spans."""
    return json.dumps({"text": sentence.text, "ents": [list(e) for e in sentence.ents],
                       "missing": [list(m) for m in sentence.missing], "source": sentence.source}, ensure_ascii=False)


def read_split(path: str | Path) -> list[dict]:
    """The records of a ``train.jsonl`` or ``dev.jsonl`` written by ``convert``."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
