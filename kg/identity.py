"""Who is who across articles: a person is a name plus evidence of who.

An article's mentions of one name are a *group*, with the bodies of its posts
and their *keys*: the city-level division each body belongs to (成都市公安局 and
郫都区公安局 -> 成都市; 湖北省政府 -> 湖北省), or ``中央`` for a national body.
Groups of one name join, in a fixed order, when they share a body or a key; a
group with no key (no post, or posts on bodies of no known place) joins the one
person of its name, or the one whose keys hold the article's own jurisdiction,
and otherwise stays a person of its own. A decisions file (``kg build
--identities``) joins two keys of a name or keeps them apart.

A name with one person keeps the id ``per:NAME``; the persons of a name with
several are ``per:NAME@KEY`` (their first key, or ``?`` for the keyless).
Every join records its reason. Limits: an official who moves to a post in
another city shares no key with their earlier posts and becomes a second
person unless a body or a decision links them; two people of one name in one
city are one person.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import lexicon
from .records import Extraction
from .resources import Division, divisions

NATIONAL = "中央"
UNKNOWN = "?"
DECISIONS = {"same": True, "different": False}


@dataclass(frozen=True)
class Group:
    """One article's mentions of one name and what they say of who it is."""

    doc: str
    name: str
    bodies: frozenset[str]
    keys: frozenset[str]
    home: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A line of a decisions file: the persons of ``name`` at ``key`` and ``other`` are (not) one."""

    name: str
    key: str
    same: bool
    other: str


@dataclass
class Identities:
    """Person ids by (doc, name), and why each person is one."""

    ids: dict[tuple[str, str], str] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def person(self, doc: str, name: str) -> str:
        """The node id of the person ``name`` denotes in ``doc``."""
        return self.ids.get((doc, name), person_id(name))

    def split_names(self) -> dict[str, list[str]]:
        """Names that denote several persons, with their ids."""
        by_name: dict[str, set[str]] = {}
        for (_, name), pid in self.ids.items():
            by_name.setdefault(name, set()).add(pid)
        return {name: sorted(ids) for name, ids in sorted(by_name.items()) if len(ids) > 1}


def person_id(name: str, key: str = "") -> str:
    return f"per:{name}@{key}" if key else f"per:{name}"


def groups_of(extraction: Extraction) -> list[Group]:
    """The groups of one article: each person's bodies and their keys."""
    home = extraction.jurisdiction
    bodies: dict[str, set[str]] = {e.name: set() for e in extraction.entities if e.type == "PER"}
    for relation in extraction.relations:
        if relation.type == "POST" and relation.get("person") in bodies:
            bodies[relation.get("person")].add(relation.get("org"))
    return [Group(extraction.article.doc, name, frozenset(found), frozenset(filter(None, (body_key(b, home) for b in found))), home)
            for name, found in sorted(bodies.items())]


def body_key(body: str, home: tuple[str, ...] = ()) -> str:
    """The city-level division (or 中央) a body's name places it in; ``""`` when it names none."""
    if body.startswith(lexicon().words("national_prefix")):
        return NATIONAL
    division = _division_opening(body, home)
    if division is None:
        return ""
    if division.level == "county":
        parent = divisions().parent(division)
        return parent.name if parent is not None else division.name
    return division.name


def body_jurisdiction(body: str, home: tuple[str, ...] = ()) -> str:
    """The nearest place a body's name puts it in (郫都区公安局 -> 郫都区), 中央 for a national body, or ``""``."""
    if body.startswith(lexicon().words("national_prefix")):
        return NATIONAL
    division = _division_opening(body, home)
    return division.name if division is not None else ""


def body_place(body: str, home: tuple[str, ...] = ()) -> Division | None:
    """The division whose full name opens ``body`` (the longest), told apart by the article's jurisdiction
    when several share the name (鼓楼区); ``None`` when none does."""
    return _division_opening(body, home)


def _division_opening(body: str, home: tuple[str, ...]) -> Division | None:
    table = divisions()
    for size in range(min(len(body), 12), 1, -1):
        found = [d for d in table.by_name(body[:size]) if d.name == body[:size]]
        if len(found) > 1:
            found = [d for d in found if any(a.name in home for a in table.ancestors(d))] or found[:0]
        if len(found) == 1:
            return found[0]
    return None


def read_decisions(path: str | Path) -> list[Decision]:
    """Decisions from a CSV file with the header ``name,key,decision,other`` (decision: same or different)."""
    decisions = []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            verdict = (row.get("decision") or "").strip()
            if verdict not in DECISIONS or not row.get("name") or not row.get("key") or not row.get("other"):
                raise ValueError(f"{path}:{number}: want name,key,decision,other with decision same or different")
            decisions.append(Decision(row["name"].strip(), row["key"].strip(), DECISIONS[verdict], row["other"].strip()))
    return decisions


def resolve_identities(groups: Iterable[Group], decisions: Iterable[Decision] = ()) -> Identities:
    """Join the groups of each name into persons (deterministic: groups are taken in (name, doc) order)."""
    by_name: dict[str, list[Group]] = {}
    for group in sorted(groups, key=lambda g: (g.name, g.doc)):
        by_name.setdefault(group.name, []).append(group)
    rules: dict[str, list[Decision]] = {}
    for decision in decisions:
        rules.setdefault(decision.name, []).append(decision)
    identities = Identities()
    for name, named in by_name.items():
        clusters = _clusters(named, rules.get(name, []))
        for cluster in clusters:
            _assign(identities, name, cluster, several=len(clusters) > 1)
    return identities


@dataclass
class _Cluster:
    groups: list[Group]
    reasons: list[str]

    @property
    def bodies(self) -> set[str]:
        return {b for g in self.groups for b in g.bodies}

    @property
    def keys(self) -> list[str]:
        return sorted({k for g in self.groups for k in g.keys}, key=lambda k: (k == NATIONAL, k))


def _clusters(groups: list[Group], decisions: list[Decision]) -> list[_Cluster]:
    keyed: list[_Cluster] = []
    for group in (g for g in groups if g.keys or g.bodies):
        _join(keyed, group, decisions)
    _merge_decided(keyed, decisions)
    loose = [g for g in groups if not g.keys and not g.bodies]
    leftovers = _Cluster([], [])
    for group in loose:
        target = _home_cluster(keyed, group)
        if target is None:
            leftovers.groups.append(group)
            leftovers.reasons.append(f"{group.doc}: no post, and no single person of this name to join")
        else:
            target.groups.append(group)
            target.reasons.append(f"{group.doc}: no post; joins {_why_home(keyed, group)}")
    return keyed + ([leftovers] if leftovers.groups else [])


def _join(clusters: list[_Cluster], group: Group, decisions: list[Decision]) -> None:
    """Put ``group`` into every cluster it shares a body or key with (joining them), or a new one."""
    matching = [c for c in clusters if (c.bodies & group.bodies or set(c.keys) & group.keys) and not _kept_apart(c, group, decisions)]
    if not matching:
        clusters.append(_Cluster([group], [f"{group.doc}: first seen, at {', '.join(sorted(group.keys)) or 'no known place'}"]))
        return
    first, *others = matching
    shared = sorted((first.bodies & group.bodies) or (set(first.keys) & group.keys))
    first.groups.append(group)
    first.reasons.append(f"{group.doc}: shares {', '.join(shared)}")
    for other in others:
        first.groups += other.groups
        first.reasons += other.reasons
        clusters.remove(other)


def _kept_apart(cluster: _Cluster, group: Group, decisions: list[Decision]) -> bool:
    keys = set(cluster.keys)
    return any(not d.same and ((d.key in keys and d.other in group.keys) or (d.other in keys and d.key in group.keys))
               for d in decisions)


def _merge_decided(clusters: list[_Cluster], decisions: list[Decision]) -> None:
    for decision in (d for d in decisions if d.same):
        holding = [c for c in clusters if decision.key in c.keys or decision.other in c.keys]
        if len(holding) > 1:
            first, *others = holding
            for other in others:
                first.groups += other.groups
                first.reasons += [*other.reasons, f"decision: {decision.key} and {decision.other} are one person"]
                clusters.remove(other)


def _home_cluster(clusters: list[_Cluster], group: Group) -> _Cluster | None:
    if len(clusters) == 1:
        return clusters[0]
    home = _home_keys(group.home)
    at_home = [c for c in clusters if home & set(c.keys)]
    return at_home[0] if len(at_home) == 1 else None


def _why_home(clusters: list[_Cluster], group: Group) -> str:
    return "the only person of this name with a post" if len(clusters) == 1 else \
        f"the person at the article's place ({', '.join(sorted(_home_keys(group.home)))})"


def _home_keys(home: tuple[str, ...]) -> set[str]:
    return {key for name in home if (key := body_key(name, home))}


def _assign(identities: Identities, name: str, cluster: _Cluster, *, several: bool) -> None:
    keys = cluster.keys
    pid = person_id(name, (keys[0] if keys else UNKNOWN) if several else "")
    for group in cluster.groups:
        identities.ids[(group.doc, name)] = pid
    identities.reasons[pid] = cluster.reasons
    identities.keys[pid] = tuple(keys)
