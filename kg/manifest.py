"""Which files of an output folder are current: ``.kg-outputs.json``.

A build names, for each file it writes, the digest of the ``extractions.jsonl``
the file was made from, and the who-is-who decisions it applied. A build that
writes only some formats (``kg build --formats``) leaves the other files of an
earlier build as they were: their digest is then an older one, so they are
*stale*, and ``kg export`` writes them again from the current extractions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_text

if TYPE_CHECKING:
    from .identity import Decision

MANIFEST = ".kg-outputs.json"
EXTRACTIONS = "extractions.jsonl"
#: What ``kg build --formats`` chooses from, and the file (or folder) each writes; ``extractions.jsonl`` is always written.
FORMATS: dict[str, str] = {
    "trig": "graph.trig", "nq": "graph.nq", "ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld",
    "gexf": "graph.gexf", "graphml": "graph.graphml", "people": "people.gexf", "html": "graph.html",
    "tables": "tables", "sqlite": "graph.sqlite",
}
#: The formats that grow with each article and are cheap to write again: a fast update's choice.
APPENDABLE = ("trig", "nq", "tables", "sqlite")


def parse_formats(value: str) -> tuple[str, ...]:
    """A comma-separated list of ``FORMATS`` keys, ``all`` or ``appendable`` (``--formats``), in ``FORMATS`` order."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS and name not in ("all", "appendable")]
    if unknown or not names:
        raise ValueError(f"{', '.join(unknown) or 'nothing'}: choose from {', '.join(FORMATS)}, all, appendable")
    groups = {"all": tuple(FORMATS), "appendable": APPENDABLE}
    chosen = {key for name in names for key in groups.get(name, (name,))}
    return tuple(key for key in FORMATS if key in chosen)


@dataclass
class Manifest:
    """The digest each output file was made from, the decisions the build applied, and where the articles'
    named graphs begin in the RDF datasets it wrote (``kg.export.Written.starts``)."""

    files: dict[str, str] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    starts: dict[str, int] = field(default_factory=dict)

    def current(self, name: str) -> bool:
        """Whether the file ``name`` was made from the folder's extractions.jsonl."""
        return name in self.files and self.files[name] == self.files.get(EXTRACTIONS)


def digest(path: Path) -> str:
    """A short SHA-256 of a file's bytes."""
    return short(hashed(path))


def hashed(path: Path, before: hashlib._Hash | None = None) -> hashlib._Hash:
    """A SHA-256 fed a file's bytes: after those ``before`` was fed (a file the other follows), if given."""
    sha = before.copy() if before is not None else hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            sha.update(block)
    return sha


def short(sha: hashlib._Hash) -> str:
    """The digest a SHA-256 gives (``digest``)."""
    return sha.hexdigest()[:16]


def load(folder: Path) -> Manifest:
    """The folder's manifest; an empty one where there is none or it cannot be read."""
    from .identity import Decision

    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        starts = {name: int(start) for name, start in data.get("starts", {}).items()}
        return Manifest(dict(data["files"]), [Decision(**d) for d in data["decisions"]], starts)
    except (OSError, ValueError, KeyError, TypeError):
        return Manifest()


def save(folder: Path, manifest: Manifest) -> None:
    data = {"files": dict(sorted(manifest.files.items())), "decisions": [dataclasses.asdict(d) for d in manifest.decisions],
            "starts": dict(sorted(manifest.starts.items()))}
    write_text(folder / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def record(staging: Path, previous: Path, decisions: list[Decision], starts: dict[str, int] | None = None,
           current: str | None = None) -> list[str]:
    """Write the manifest of ``staging``: each output of ``FORMATS`` it holds was made from
    its ``extractions.jsonl`` (whose digest is ``current``, if known), with its named graphs beginning at
    ``starts``; one the previous folder holds instead keeps the digest recorded there (or none, before
    manifests). Returns the outputs left stale."""
    current = current or digest(staging / EXTRACTIONS)
    earlier = load(previous)
    files, starts = {EXTRACTIONS: current}, dict(starts or {})
    for name in FORMATS.values():
        if (staging / name).exists():
            files[name] = current
        elif (previous / name).exists():
            files[name] = earlier.files.get(name, "")
            if name in earlier.starts:
                starts[name] = earlier.starts[name]
    save(staging, Manifest(files, decisions, starts))
    return sorted(name for name, made in files.items() if made != current)


def stale(folder: Path) -> list[str]:
    """The folder's files made from other extractions than its ``extractions.jsonl``."""
    manifest = load(folder)
    current = manifest.files.get(EXTRACTIONS)
    return sorted(name for name, made in manifest.files.items() if made != current and (folder / name).exists())
