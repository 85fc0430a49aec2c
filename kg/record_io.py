"""Per-article extraction records as JSON (the gold format plus mentions and evidence)."""

from __future__ import annotations

import json

from .records import Extraction, Relation

FORMAT_VERSION = 1


def relation_json(relation: Relation) -> dict:
    """A relation in the gold format, with its evidence."""
    out: dict = {"type": relation.type}
    out.update({field: value for field, value in relation.args if value or field not in ("year", "title")})
    if relation.evidence is not None:
        out["evidence"] = dict(vars(relation.evidence))  # flat: no need for asdict's deep copy
    return out


def extraction_json(extraction: Extraction) -> dict:
    """One line of ``extractions.jsonl``: ``doc``, ``entities``, ``relations`` as in the gold format."""
    article = extraction.article
    return {
        "doc": article.doc,
        "meta": {
            "source": article.source, "title": article.title, "newspaper": article.newspaper,
            "page": article.page, "date": article.date, "encoding": article.encoding,
            "jurisdiction": list(extraction.jurisdiction),
        },
        "entities": [{"type": e.type, "name": e.name, "aliases": list(e.aliases)} for e in extraction.entities],
        "relations": [relation_json(r) for r in extraction.relations],
        "mentions": [
            {"type": e.type, "name": e.name, "text": m.text, "start": m.start, "end": m.end, "rule": m.rule}
            for e in extraction.entities for m in e.mentions
        ],
    }


def dumps(extraction: Extraction) -> str:
    """One JSON line, keys in a fixed order, Chinese kept as is."""
    return json.dumps(extraction_json(extraction), ensure_ascii=False)
