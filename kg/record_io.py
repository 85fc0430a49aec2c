"""The extraction record: one line of ``extractions.jsonl``, and what the cache stores of an extraction.

A record is the gold format (``doc``, ``entities``, ``relations``) plus the
article's ``meta``, every mention and the evidence of every relation; a
place that is a division of China also carries its ``code`` and ``level``.
``dumps`` writes one and ``loads`` reads it back into the same
``Extraction`` (the article's text aside), so the build, the cache, the view
and the evaluation all go through this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from sys import intern

from .errors import KgError
from .records import ENTITY_TYPES, OPTIONAL_FIELDS, RELATION_FIELDS, Article, Entity, Evidence, Extraction, Mention, Relation

#: the article fields a record keeps under ``meta`` (its text stays behind)
META_FIELDS = ("source", "title", "newspaper", "page", "date", "encoding")


class RecordError(KgError):
    """A file of records that cannot be read, or a line of it that is not a record."""


# -- writing -----------------------------------------------------------------------------


def relation_json(relation: Relation) -> dict:
    """A relation in the gold format, with its evidence."""
    out: dict = {"type": relation.type}
    out.update({field: value for field, value in relation.args if value or field not in OPTIONAL_FIELDS})
    if relation.evidence is not None:
        out["evidence"] = {key: getattr(relation.evidence, key) for key in EVIDENCE_KEYS}
    return out


def entity_json(entity: Entity) -> dict:
    """An entity in the gold format, with its division code and level when it has them."""
    out: dict = {"type": entity.type, "name": entity.name, "aliases": list(entity.aliases)}
    if entity.code:
        out.update(code=entity.code, level=entity.level)
    return out


def meta_json(article: Article, jurisdiction: Iterable[str]) -> dict:
    """A record's ``meta``: the article's fields of ``META_FIELDS`` and the jurisdiction found in it."""
    return {**{name: getattr(article, name) for name in META_FIELDS}, "jurisdiction": list(jurisdiction)}


def extraction_json(extraction: Extraction) -> dict:
    """One record: ``doc``, ``meta``, then ``entities``, ``relations`` and ``mentions``."""
    article = extraction.article
    return {
        "doc": article.doc,
        "meta": meta_json(article, extraction.jurisdiction),
        "entities": [entity_json(e) for e in extraction.entities],
        "relations": [relation_json(r) for r in extraction.relations],
        "mentions": [
            {"type": e.type, "name": e.name, "text": m.text, "start": m.start, "end": m.end, "rule": m.rule}
            for e in extraction.entities for m in e.mentions
        ],
    }


def dumps(extraction: Extraction) -> str:
    """One JSON line, keys in a fixed order, Chinese kept as is."""
    return json.dumps(extraction_json(extraction), ensure_ascii=False)


# -- reading -----------------------------------------------------------------------------


def extraction_from_json(record: dict, article: Article | None = None, *, check: bool = True) -> Extraction:
    """The extraction a record holds, once ``check_record`` has found it well formed (``check=False``: a
    record this process wrote itself). Its article is ``article`` when given (the cache has the full one),
    else the one ``doc`` and ``meta`` describe, without text."""
    if check:
        check_record(record)
    meta = record.get("meta", {})
    mentions: dict[tuple[str, str], list[Mention]] = {}
    for m in record.get("mentions", []):
        mentions.setdefault((m["type"], m["name"]), []).append(Mention(m["type"], m["text"], m["start"], m["end"], m["rule"]))
    entities = tuple(_entity(e, tuple(mentions.get((e["type"], e["name"]), ()))) for e in record["entities"])
    relations = _relations(record, record["relations"])
    article = _article(record["doc"], meta) if article is None else article
    return Extraction(article, entities, relations, tuple(meta.get("jurisdiction", ())))


def persons_and_posts(record: dict) -> Extraction:
    """The extraction of a well-formed record with only its persons and POST relations, without mentions:
    what telling persons apart reads (``kg.identity.groups_of``), made in a fraction of the time."""
    meta = record.get("meta", {})
    return Extraction(_article(record["doc"], meta), tuple(_entity(e, ()) for e in record["entities"] if e["type"] == "PER"),
                      _relations(record, [r for r in record["relations"] if r["type"] == "POST"]),
                      tuple(meta.get("jurisdiction", ())))


#: the fields of each part of a record and their JSON types (int: a non-negative integer)
ENTITY_KEYS = {"type": str, "name": str, "aliases": list, "code": str, "level": str}
MENTION_KEYS = {"type": str, "name": str, "text": str, "start": int, "end": int, "rule": str}
EVIDENCE_KEYS = {"doc": str, "start": int, "end": int, "sentence": str, "rule": str}
REQUIRED = {"type", "name", "text", "start", "end", "rule", "doc", "sentence"}


def check_record(record: object) -> None:
    """Raise ``RecordError`` saying where ``record`` departs from the record format: a missing
    field, a value of the wrong type, an unknown entity or relation type, offsets out of order."""
    where = "the record"
    _typed(record, dict, where)
    assert isinstance(record, dict)
    _typed(record.get("doc"), str, "doc")
    meta = record.get("meta", {})
    _typed(meta, dict, "meta")
    for name in META_FIELDS:
        if name in meta:
            _typed(meta[name], str, f"meta.{name}")
    for index, name in enumerate(_items(meta, "jurisdiction", "meta.jurisdiction")):
        _typed(name, str, f"meta.jurisdiction[{index}]")
    for index, entity in enumerate(_items(record, "entities", "entities", required=True)):
        _part(entity, ENTITY_KEYS, f"entities[{index}]", ENTITY_TYPES)
        for number, alias in enumerate(entity.get("aliases", [])):
            if not isinstance(alias, str):
                _typed(alias, str, f"entities[{index}].aliases[{number}]")
    for index, mention in enumerate(_items(record, "mentions", "mentions")):
        _part(mention, MENTION_KEYS, f"mentions[{index}]", ENTITY_TYPES)
    for index, relation in enumerate(_items(record, "relations", "relations", required=True)):
        _relation_ok(relation, f"relations[{index}]")


def _items(parent: dict, key: str, where: str, *, required: bool = False) -> list:
    if key not in parent and not required:
        return []
    _typed(parent.get(key), list, where)
    return parent[key]


def _part(part: object, keys: dict[str, type], where: str, types: tuple[str, ...]) -> None:
    """An entity, mention or evidence: a dict with the fields of ``keys`` (those in ``REQUIRED`` present)."""
    _typed(part, dict, where)
    assert isinstance(part, dict)
    for key, kind in keys.items():
        if (key in part or key in REQUIRED) and not _is(part.get(key), kind):
            _typed(part.get(key), kind, f"{where}.{key}")  # says what is wrong
    if "type" in keys and part["type"] not in types:
        raise RecordError(f"{where}.type: unknown type {part['type']!r}")
    if "start" in keys and not part["start"] <= part["end"]:
        raise RecordError(f"{where}: start {part['start']} after end {part['end']}")


def _relation_ok(relation: object, where: str) -> None:
    _typed(relation, dict, where)
    assert isinstance(relation, dict)
    kind = relation.get("type")
    if kind not in RELATION_FIELDS:
        raise RecordError(f"{where}.type: unknown relation type {kind!r}")
    for field in RELATION_FIELDS[kind]:
        if field in relation:
            _typed(relation[field], str, f"{where}.{field}")
    if relation.get("evidence") is not None:
        _part(relation["evidence"], EVIDENCE_KEYS, f"{where}.evidence", ())


def _is(value: object, kind: type) -> bool:
    """Whether ``value`` is of JSON type ``kind`` (an int: not a boolean, not negative)."""
    return isinstance(value, kind) and not (kind is int and (isinstance(value, bool) or value < 0))


def _typed(value: object, kind: type, where: str) -> None:
    """Raise ``RecordError`` at ``where`` unless ``value`` is of JSON type ``kind``."""
    if _is(value, kind):
        return
    shown = "missing" if value is None else f"{type(value).__name__} {str(value)[:40]!r}"
    raise RecordError(f"{where}: expected {'a non-negative integer' if kind is int else kind.__name__}, got {shown}")


def _article(doc: str, meta: dict) -> Article:
    fields = {name: meta[name] for name in META_FIELDS if name in meta}
    return Article(doc, "", fields.pop("source", ""), **fields)


def _entity(data: dict, mentions: tuple[Mention, ...]) -> Entity:
    return Entity(intern(data["type"]), data["name"], tuple(data.get("aliases", ())), mentions, data.get("code", ""),
                  data.get("level", ""))


def _relations(record: dict, relations: list[dict]) -> tuple[Relation, ...]:
    """The relations of a record. The graph keeps them for the whole corpus, so they are made small: the
    texts that recur from article to article (types, names, titles, rules) are interned, and the
    record's ``doc`` and each of its sentences are one string for all its relations."""
    sentences: dict[str, str] = {}
    return tuple(_relation(data, record["doc"], sentences) for data in relations)


def _relation(data: dict, doc: str, sentences: dict[str, str]) -> Relation:
    kind = intern(data["type"])
    args = tuple((field, intern(str(data.get(field, "")))) for field in RELATION_FIELDS[kind])
    found = data.get("evidence")
    if not found:
        return Relation(kind, args)
    sentence = sentences.setdefault(found["sentence"], found["sentence"])
    evidence = Evidence(doc if found["doc"] == doc else found["doc"], found["start"], found["end"], sentence,
                        intern(found["rule"]))
    return Relation(kind, args, evidence)


def doc_of(line: str) -> str:
    """The ``doc`` of a record line."""
    return json.loads(line)["doc"]


def loads(line: str, article: Article | None = None) -> Extraction:
    """The extraction of one record line (``article``: as for ``extraction_from_json``)."""
    return extraction_from_json(json.loads(line), article)


def records(path: str | Path) -> Iterator[tuple[int, object]]:
    """Each non-blank line of a JSON-lines file, decoded, with its line number (from 1).

    Raises ``RecordError`` naming the file, and the line when it is not JSON.
    """
    for number, line in _lines(path):
        yield number, _decoded(line, f"{path}, line {number}")


def _lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """Each non-blank line of a file with its number; ``RecordError`` naming the file when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path}: cannot read: {error}") from error


def _decoded(line: str, where: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise RecordError(f"{where}: invalid JSON: {error}") from error


def read(path: str | Path, *, check: bool = True) -> Iterator[Extraction]:
    """The extractions of a file of records (``extractions.jsonl``), one by one, in order; ``check=False``
    skips checking each record's shape, for a file the build has just written itself (most of the reading time)."""
    for number, record in records(path):
        yield _extraction(record, path, number, check)


def _extraction(record: object, path: str | Path, number: int, check: bool) -> Extraction:
    try:
        return extraction_from_json(record, check=check)  # type: ignore[arg-type]  (checked there)
    except RecordError as error:
        raise RecordError(f"{path}, line {number}: not an extraction record ({error!s})") from error


#: A file of records up to this size is read once and kept in memory by ``reader`` (about 3.5 bytes
#: of objects per byte of JSON: 100 MB, some 35,000 articles, take some 350 MB).
IN_MEMORY_BYTES = 100_000_000


class Records:
    """The extractions of a file of records, afresh on each call, for code that reads them several times:
    from memory when the file is small enough, else streamed from the file each time."""

    def __init__(self, path: Path, *, check: bool = True, in_memory_bytes: int = IN_MEMORY_BYTES) -> None:
        self.path, self.check = path, check
        self.kept = list(read(path, check=check)) if path.stat().st_size <= in_memory_bytes else None

    def __call__(self) -> Iterable[Extraction]:
        return self.kept if self.kept is not None else read(self.path, check=self.check)

    def of(self, docs: set[str]) -> Iterator[Extraction]:
        """The extractions of the articles ``docs``, in order; from the file, only their lines are decoded."""
        if self.kept is not None:
            yield from (extraction for extraction in self.kept if extraction.article.doc in docs)
            return
        for number, line in _lines(self.path):
            if _leading_doc(line) in docs:
                yield _extraction(_decoded(line, f"{self.path}, line {number}"), self.path, number, self.check)


def reader(path: Path, *, check: bool = True, in_memory_bytes: int = IN_MEMORY_BYTES) -> Records:
    """``Records`` of ``path``: a function giving its extractions afresh on each call."""
    return Records(path, check=check, in_memory_bytes=in_memory_bytes)


_DOC_KEY = '{"doc": '
_DECODER = json.JSONDecoder()


def _leading_doc(line: str) -> str | None:
    """The ``doc`` a record line starts with, as ``dumps`` writes it (decoding only that), else None."""
    if not line.startswith(_DOC_KEY):
        return None
    try:
        doc, _ = _DECODER.raw_decode(line, len(_DOC_KEY))
    except json.JSONDecodeError:
        return None
    return doc if isinstance(doc, str) else None
