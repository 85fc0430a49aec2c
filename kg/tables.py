"""Tables for researchers: ``tables/*.csv`` and the same tables in ``graph.sqlite``.

One row per person, body, place, spell (``posts.csv``), award, programme,
PART_OF link, article and mention; ids are the RDF IRIs, so a row joins the
Turtle and the SPARQL endpoint. ``graph.sqlite`` adds ``evidence_fts``, a
full-text index (trigram, so Chinese needs no word breaking) over every
evidence sentence (the ``evidence`` table). ``docs/tables.md`` is the data dictionary.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .careers import Spell
from .graph import body_node, entity_node, node_id
from .identity import Identities, body_place
from .rdf import iri
from .records import Extraction
from .resources import divisions


#: the folder of the CSV tables in a build's output
TABLES = "tables"
#: the columns of the two tables read from the extractions rather than the graph
MENTIONS = ("article_id", "entity_id", "type", "text", "start", "end", "rule")
EVIDENCE = ("article_id", "relation", "rule", "start", "end", "sentence")


@dataclass(frozen=True)
class Table:
    """A named table: its columns and rows (every value text or a whole number)."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[str | int, ...]] | StoredRows


def tables(graph: nx.MultiDiGraph, spells: list[Spell], rows: tuple[StoredRows, StoredRows], identities: Identities
           ) -> list[Table]:
    """Every table of the build, rows sorted by their first columns; ``rows`` are the mentions and the
    evidence, read from the extractions (``RowStore``)."""
    nodes = graph.nodes
    awards, discipline, part_of = _edges(graph, (
        _EdgeTable("AWARD", "awards", ("recipient_id", "recipient", "honour_id", "honour"), ("year",)),
        _EdgeTable("DISCIPLINE", "discipline", ("person_id", "person", "body_id", "body"), ("event", "date")),
        _EdgeTable("PART_OF", "part_of", ("child_id", "child", "parent_id", "parent"))))
    return [
        _persons(graph, spells, identities), _identity(identities, graph), _bodies(graph), _places(graph), _posts(spells, graph),
        awards, discipline, _programmes(graph), part_of,
        Table("articles", ("article_id", "doc", "title", "date", "source", "newspaper"), sorted(
            (str(iri(n)), d["doc"], d["label"], d.get("date", ""), d.get("source", ""), d.get("newspaper", ""))
            for n, d in nodes(data=True) if d["type"] == "ARTICLE")),
        Table("mentions", MENTIONS, rows[0]),
        Table("evidence", EVIDENCE, rows[1]),
    ]


def _persons(graph: nx.MultiDiGraph, spells: list[Spell], identities: Identities) -> Table:
    posts: dict[str, int] = {}
    for spell in spells:
        posts[spell.person] = posts.get(spell.person, 0) + 1
    rows = [(str(iri(n)), d["label"], "; ".join(identities.keys.get(n, ())), len(d["articles"]), d["mentions"],
             posts.get(n, 0), _identity_summary(identities.reasons.get(n, [])))
            for n, d in graph.nodes(data=True) if d["type"] == "PER"]
    return Table("persons", ("person_id", "name", "jurisdictions", "articles", "mentions", "posts", "identity"), sorted(rows))


def _identity_summary(reasons: list[str]) -> str:
    """How many articles joined the person for each kind of reason (``identity.csv`` has them one by one)."""
    kinds = Counter(_reason_kind(reason) for reason in reasons)
    return "; ".join(f"{kind}: {count}" for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])))


def _reason_kind(reason: str) -> str:
    """A reason without its article and its particulars: ``d3: shares 成都市公安局`` -> ``shares a body or place``."""
    text = reason.split(": ", 1)[1] if not reason.startswith("decision") else reason
    for kind in ("first seen", "shares", "decision"):
        if text.startswith(kind):
            return {"shares": "shares a body or place"}.get(kind, kind)
    return text.split(" (", 1)[0]


def _identity(identities: Identities, graph: nx.MultiDiGraph) -> Table:
    rows = [(str(iri(person)), graph.nodes[person]["label"] if person in graph else "", *_doc_and_reason(reason))
            for person, reasons in identities.reasons.items() for reason in reasons]
    return Table("identity", ("person_id", "name", "article", "reason"), sorted(rows))


def _doc_and_reason(reason: str) -> tuple[str, str]:
    doc, _, text = reason.partition(": ")
    return ("", reason) if reason.startswith("decision") else (doc, text)


def _bodies(graph: nx.MultiDiGraph) -> Table:
    rows = [(str(iri(n)), d["label"], "; ".join(d["aliases"]), _parent(graph, n), _place_id(d["label"]), len(d["articles"]))
            for n, d in graph.nodes(data=True) if d["type"] == "ORG"]
    return Table("bodies", ("body_id", "name", "aliases", "parent_id", "place_id", "articles"), sorted(rows))


def _place_id(body: str) -> str:
    """The IRI of the division a body's name opens with (天元区公安局 -> 天元区), or ``""``."""
    division = body_place(body)
    return str(iri(node_id("PLACE", division.name))) if division is not None else ""


def _places(graph: nx.MultiDiGraph) -> Table:
    rows = [(str(iri(n)), d["label"], d.get("code", ""), d.get("level", ""), _division_parent(d.get("code", "")) or _parent(graph, n),
             len(d["articles"])) for n, d in graph.nodes(data=True) if d["type"] == "PLACE"]
    return Table("places", ("place_id", "name", "code", "level", "parent_id", "articles"), sorted(rows))


def _division_parent(code: str) -> str:
    """The IRI of the division above the one of ``code`` (天元区 -> 株洲市), or ``""``."""
    table = divisions()
    division = table.by_code.get(code)
    parent = table.parent(division) if division is not None else None
    return str(iri(node_id("PLACE", parent.name))) if parent is not None else ""


def _parent(graph: nx.MultiDiGraph, node: str) -> str:
    """The first PART_OF parent of a node (by id), or ``""``."""
    parents = sorted(t for _, t, d in graph.out_edges(node, data=True) if d["relation"] == "PART_OF")
    return str(iri(parents[0])) if parents else ""


def _posts(spells: list[Spell], graph: nx.MultiDiGraph) -> Table:
    columns = ("person_id", "person", "body_id", "body", "place", "title", "status", "start", "end",
               "first_seen", "last_seen", "articles", "evidence", "successor_of")
    rows = []
    for s in spells:
        evidence = next((o.evidence.sentence for o in sorted(s.observations, key=lambda o: o.doc) if o.evidence), "")
        successor = str(iri(s.successor_of)) if s.successor_of else ""
        rows.append((str(iri(s.person)), s.name, str(iri(body_node(graph, s.body))), s.body, s.place, s.title, s.status, s.start, s.end,
                     s.first_seen, s.last_seen, "; ".join(s.docs), evidence, successor))
    return Table("posts", columns, rows)


@dataclass(frozen=True)
class _EdgeTable:
    """A table of one relation's edges: one row per edge, its ends' ids and labels, its ``literals``."""

    relation: str
    name: str
    columns: tuple[str, ...]  #: the ends' id and label columns
    literals: tuple[str, ...] = ()


def _edges(graph: nx.MultiDiGraph, wanted: tuple[_EdgeTable, ...]) -> list[Table]:
    """The tables of the ``wanted`` relations' edges, from one walk over the graph's edges."""
    found: dict[str, tuple[_EdgeTable, list[tuple[str | int, ...]]]] = {table.relation: (table, []) for table in wanted}
    for source, target, data in graph.edges(data=True):
        if data["relation"] in found:
            table, rows = found[data["relation"]]
            evidence = data["evidence"][0].sentence if data["evidence"] else ""
            rows.append((str(iri(source)), graph.nodes[source]["label"], str(iri(target)), graph.nodes[target]["label"],
                         *(data.get(field, "") for field in table.literals), "; ".join(sorted(data["docs"])), evidence))
    return [Table(table.name, (*table.columns, *table.literals, "articles", "evidence"), sorted(rows))
            for table, rows in found.values()]


def _programmes(graph: nx.MultiDiGraph) -> Table:
    rows = []
    for node, data in graph.nodes(data=True):
        if data["type"] == "PROGRAMME":
            runners = sorted(graph.nodes[s]["label"] for s, _, d in graph.in_edges(node, data=True) if d["relation"] == "RUNS")
            rows.append((str(iri(node)), data["label"], "; ".join(data["aliases"]), "; ".join(runners), len(data["articles"])))
    return Table("programmes", ("programme_id", "name", "aliases", "run_by", "articles"), sorted(rows))


class RowStore:
    """The rows of the mentions and evidence tables, gathered article by article into a SQLite file, not
    memory: ``add`` is called with each extraction once who is who is known (in the assembly's pass over
    the records, ``kg.assembly``). They are the largest thing a build reads (some 6 million mentions at
    100,000 articles). ``close`` gives them back as ``StoredRows``, in the order of the articles, so
    the rows of articles added to a build (``kg build --add``) follow the earlier ones in its tables."""

    def __init__(self, folder: Path) -> None:
        handle, name = tempfile.mkstemp(prefix=".rows.", suffix=".sqlite", dir=folder)
        os.close(handle)
        self.path = Path(name)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                              f"CREATE TABLE mentions ({', '.join(MENTIONS)}); CREATE TABLE evidence ({', '.join(EVIDENCE)});")

    def add(self, extraction: Extraction, identities: Identities) -> None:
        doc = extraction.article.doc
        article = str(iri(node_id("ARTICLE", doc)))
        mentions = [(article, str(iri(entity_node(entity, doc, identities))), entity.type, m.text, m.start, m.end, m.rule)
                    for entity in extraction.entities for m in entity.mentions]
        evidence = list(dict.fromkeys((article, r.type, r.evidence.rule, r.evidence.start, r.evidence.end, r.evidence.sentence)
                                      for r in extraction.relations if r.evidence is not None))  # each once
        self.db.executemany(f"INSERT INTO mentions VALUES ({_marks(MENTIONS)})", mentions)
        self.db.executemany(f"INSERT INTO evidence VALUES ({_marks(EVIDENCE)})", evidence)

    def close(self) -> tuple[StoredRows, StoredRows]:
        """The mentions (every one) and the evidence (each once), to read as often as needed."""
        self.db.commit()
        self.db.close()
        return StoredRows(self.path, "mentions", MENTIONS), StoredRows(self.path, "evidence", EVIDENCE)

    def discard(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class StoredRows:
    """A table's rows in a SQLite file, read afresh, in the order they were added, on each iteration,
    through a read-only connection of its own."""

    path: Path
    table: str
    columns: tuple[str, ...]

    def __iter__(self) -> Iterator[tuple[str | int, ...]]:
        with self._reading() as db:
            yield from db.execute(f"SELECT * FROM {self.table} ORDER BY rowid")

    def integer(self, index: int) -> bool:
        """Whether the column at ``index`` holds whole numbers only (and there is a row)."""
        column = self.columns[index]
        with self._reading() as db:
            rows, other = db.execute(f"SELECT count(*), count(*) FILTER (WHERE typeof({column}) != 'integer') "
                                     f"FROM {self.table}").fetchone()
        return rows > 0 and other == 0

    def _reading(self) -> closing[sqlite3.Connection]:
        return closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True))


def _marks(columns: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in columns)


def write_csv(table: Table, path: Path, *, after: Path | None = None) -> None:
    """One table as UTF-8 CSV with a header row; ``after``: a CSV of the table's earlier rows (the same
    header), copied first, to which the rows are added."""
    if after is not None:
        shutil.copyfile(after, path)
    with open(path, "a" if after is not None else "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if after is None:
            writer.writerow(table.columns)
        writer.writerows(table.rows)


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return buffer.getvalue()


def write_sqlite(all_tables: list[Table], path: Path, *, after: Path | None = None, added: Iterable[str] = ()) -> None:
    """The tables in one SQLite file, with ``evidence_fts`` over the evidence sentences. ``after``: a
    ``graph.sqlite`` written before, copied first; the tables named in ``added`` hold only the rows to
    add to its tables (the others replace its tables)."""
    path.unlink(missing_ok=True)
    if after is not None:
        shutil.copyfile(after, path)
    added = set(added) if after is not None else set()
    with sqlite3.connect(path) as db:
        # a staged file, removed if the build fails, so not synced to disk, as no other output is: with
        # kg build --add, syncing the earlier file's copy (250 MB at 10,000 articles) took 0.25-0.3 s
        db.executescript("PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF;")
        indexed = _last_row(db, "evidence") if "evidence" in added else 0  # the sentences evidence_fts has
        for table in all_tables:
            if table.name not in added:
                _create(db, table)
            db.executemany(f'INSERT INTO "{table.name}" VALUES ({_marks(table.columns)})', table.rows)
        if after is None:
            db.execute('CREATE VIRTUAL TABLE evidence_fts USING fts5(sentence, relation UNINDEXED, rule UNINDEXED, '
                       'article_id UNINDEXED, tokenize="trigram")')
        elif "evidence" not in added:
            db.execute("DELETE FROM evidence_fts")
        db.execute("INSERT INTO evidence_fts SELECT sentence, relation, rule, article_id FROM evidence WHERE rowid > ?",
                   (indexed,))
    db.close()


def _last_row(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0]


def _create(db: sqlite3.Connection, table: Table) -> None:
    """Make the table ``table`` empty, with a column type for each of its columns."""
    columns = ", ".join(f'"{c}" {"INTEGER" if _numeric(table, i) else "TEXT"}' for i, c in enumerate(table.columns))
    db.execute(f'DROP TABLE IF EXISTS "{table.name}"')
    db.execute(f'CREATE TABLE "{table.name}" ({columns})')


def _numeric(table: Table, index: int) -> bool:
    if isinstance(table.rows, StoredRows):
        return table.rows.integer(index)
    return bool(table.rows) and all(isinstance(row[index], int) for row in table.rows)
