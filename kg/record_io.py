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
from collections.abc import Iterator
from pathlib import Path

from .errors import KgError
from .records import RELATION_FIELDS, Article, Entity, Evidence, Extraction, Mention, Relation

#: the article fields a record keeps under ``meta`` (its text stays behind)
META_FIELDS = ("source", "title", "newspaper", "page", "date", "encoding")


class RecordError(KgError):
    """A file of records that cannot be read, or a line of it that is not a record."""


# -- writing -----------------------------------------------------------------------------


def relation_json(relation: Relation) -> dict:
    """A relation in the gold format, with its evidence."""
    out: dict = {"type": relation.type}
    out.update({field: value for field, value in relation.args if value or field not in ("year", "title")})
    if relation.evidence is not None:
        out["evidence"] = dict(vars(relation.evidence))  # flat: no need for asdict's deep copy
    return out


def entity_json(entity: Entity) -> dict:
    """An entity in the gold format, with its division code and level when it has them."""
    out: dict = {"type": entity.type, "name": entity.name, "aliases": list(entity.aliases)}
    if entity.code:
        out.update(code=entity.code, level=entity.level)
    return out


def extraction_json(extraction: Extraction) -> dict:
    """One record: ``doc``, ``meta``, then ``entities``, ``relations`` and ``mentions``."""
    article = extraction.article
    return {
        "doc": article.doc,
        "meta": {**{name: getattr(article, name) for name in META_FIELDS}, "jurisdiction": list(extraction.jurisdiction)},
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


def extraction_from_json(record: dict, article: Article | None = None) -> Extraction:
    """The extraction a record holds. Its article is ``article`` when given (the cache has the
    full one), else the one ``doc`` and ``meta`` describe, without text."""
    if not isinstance(record, dict):
        raise TypeError(f"expected a JSON object, got {type(record).__name__}")
    meta = record.get("meta", {})
    mentions: dict[tuple[str, str], list[Mention]] = {}
    for m in record.get("mentions", []):
        mentions.setdefault((m["type"], m["name"]), []).append(Mention(m["type"], m["text"], m["start"], m["end"], m["rule"]))
    entities = tuple(_entity(e, tuple(mentions.get((e["type"], e["name"]), ()))) for e in record["entities"])
    relations = tuple(_relation(r) for r in record["relations"])
    article = _article(record["doc"], meta) if article is None else article
    return Extraction(article, entities, relations, tuple(meta.get("jurisdiction", ())))


def _article(doc: str, meta: dict) -> Article:
    fields = {name: meta[name] for name in META_FIELDS if name in meta}
    return Article(doc, "", fields.pop("source", ""), **fields)


def _entity(data: dict, mentions: tuple[Mention, ...]) -> Entity:
    return Entity(data["type"], data["name"], tuple(data.get("aliases", ())), mentions, data.get("code", ""),
                  data.get("level", ""))


def _relation(data: dict) -> Relation:
    args = tuple((field, str(data.get(field, ""))) for field in RELATION_FIELDS[data["type"]])
    return Relation(data["type"], args, Evidence(**data["evidence"]) if data.get("evidence") else None)


def loads(line: str, article: Article | None = None) -> Extraction:
    """The extraction of one record line (``article``: as for ``extraction_from_json``)."""
    return extraction_from_json(json.loads(line), article)


def records(path: str | Path) -> Iterator[tuple[int, object]]:
    """Each non-blank line of a JSON-lines file, decoded, with its line number (from 1).

    Raises ``RecordError`` naming the file, and the line when it is not JSON.
    """
    try:
        with open(path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield number, _decoded(line, f"{path}, line {number}")
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"{path}: cannot read: {error}") from error


def _decoded(line: str, where: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise RecordError(f"{where}: invalid JSON: {error}") from error


def read(path: str | Path) -> Iterator[Extraction]:
    """The extractions of a file of records (``extractions.jsonl``), one by one, in order."""
    for number, record in records(path):
        try:
            yield extraction_from_json(record)  # type: ignore[arg-type]  (checked there)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise RecordError(f"{path}, line {number}: not an extraction record ({error!s})") from error
