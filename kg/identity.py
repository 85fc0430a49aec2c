"""Who is who across articles: a person is a name plus evidence of who.

An article's mentions of one name are a *group*, with the bodies of its posts
and their *keys*: the city-level division each body belongs to (成都市公安局 and
郫都区公安局 -> 成都市; 湖北省政府 -> 湖北省), or ``中央`` for a national body.
Groups with current posts at a known place join, in a fixed order, when they
share a body or a key (a national post and a province-level one count as one
key: cadres move between 中央 and the provinces). A group with only past posts (时任…), with posts on
bodies of no known place, or with no post joins a person it shares a body or
key with, else the one person of its name, else the one whose keys hold the
article's own jurisdiction, else one reported ``PROMINENCE`` times as often as
any other of the name; otherwise it is a person of its own. A decisions file (``kg build
--identities``) joins two keys of a name or keeps them apart.

A name with one person keeps the id ``per:NAME``; the persons of a name with
several are ``per:NAME@KEY`` (their first key, or ``?`` for the keyless).
Every join records its reason. Limits: an official who moves to a post in
another city or province shares no key with their earlier posts and becomes a
second person unless a body or a decision links them; two people of one name
in one city, or one in a national and one in a province-level post, are one
person.
"""

from __future__ import annotations

import csv
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .lexicon import lexicon
from .records import Extraction
from .resources import Division, divisions

NATIONAL = "中央"
UNKNOWN = "?"
#: a group with no current post joins the most reported person of its name when that person has
#: this many times as many articles as the next
PROMINENCE = 3
DECISIONS = {"same": True, "different": False}


@dataclass(frozen=True, slots=True)  # a build holds one per person per article: slots halve their size
class Group:
    """One article's mentions of one name and what they say of who it is."""

    doc: str
    name: str
    bodies: frozenset[str]
    keys: frozenset[str]
    home: tuple[str, ...] = ()
    former_only: bool = False  #: every post it reports is a past one (时任福州市委书记的习近平)


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
    current: set[str] = set()
    for relation in extraction.relations:
        if relation.type == "POST" and relation.get("person") in bodies:
            bodies[relation.get("person")].add(relation.get("org"))
            if relation.get("status") != "former":
                current.add(relation.get("person"))
    return [Group(extraction.article.doc, name, _frozen(found), _frozen(filter(None, (body_key(b, home) for b in found))),
                  home, bool(found) and name not in current)
            for name, found in sorted(bodies.items())]


#: one empty set for every group that has no bodies or keys (most have none; each empty frozenset takes 216 bytes)
_EMPTY: frozenset[str] = frozenset()


def _frozen(items: Iterable[str]) -> frozenset[str]:
    return frozenset(items) or _EMPTY


def body_key(body: str, home: tuple[str, ...] = ()) -> str:
    """The city-level division (or 中央) a body's name places it in; ``""`` when it names none."""
    if _national(body):
        return NATIONAL
    division = body_place(body, home)
    if division is not None and division.level == "county":
        division = divisions().parent(division) or division
    return division.name if division is not None else ""


def body_jurisdiction(body: str, home: tuple[str, ...] = ()) -> str:
    """The nearest place a body's name puts it in (郫都区公安局 -> 郫都区), 中央 for a national body, or ``""``."""
    if _national(body):
        return NATIONAL
    division = body_place(body, home)
    return division.name if division is not None else ""


def _national(body: str) -> bool:
    """Whether a body is national: its name opens like one (中共中央…, 国务院…) or is a national head (民政部)."""
    return body.startswith(lexicon().words("national_prefix")) or body in _national_heads()


@functools.cache
def _national_heads() -> frozenset[str]:
    heads = lexicon().org_heads("org_heads.tsv").values()
    return frozenset(h.canonical for h in heads if h.kind == "national")


def body_place(body: str, home: tuple[str, ...] = ()) -> Division | None:
    """The division whose full name opens ``body`` (the longest), told apart by the article's jurisdiction
    when several share the name (鼓楼区); ``None`` when none does."""
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
    """The groups taken for one person so far, why, and (kept up to date) their bodies and keys."""

    groups: list[Group] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    bodies: set[str] = field(default_factory=set)
    key_set: set[str] = field(default_factory=set)

    def add(self, group: Group, reason: str) -> None:
        self.groups.append(group)
        self.reasons.append(reason)
        self.bodies |= group.bodies
        self.key_set |= group.keys

    def absorb(self, other: _Cluster, *reasons: str) -> None:
        self.groups += other.groups
        self.reasons += [*other.reasons, *reasons]
        self.bodies |= other.bodies
        self.key_set |= other.key_set

    @property
    def keys(self) -> list[str]:
        return sorted(self.key_set, key=lambda k: (k == NATIONAL, k))


def _clusters(groups: list[Group], decisions: list[Decision]) -> list[_Cluster]:
    keyed: list[_Cluster] = []
    for group in (g for g in groups if g.keys and not g.former_only):
        _join(keyed, group, decisions)
    _merge_decided(keyed, decisions)
    for group in (g for g in groups if g.bodies and (g.former_only or not g.keys)):
        if not _join(keyed, group, decisions, new=False):
            what = "only past posts" if group.former_only else "posts on bodies of no known place"
            _attach(keyed, group, what, lambda: _join(keyed, group, decisions))
    leftovers = _Cluster()
    for group in (g for g in groups if not g.bodies):
        _attach(keyed, group, "no post", lambda: leftovers.add(group, f"{group.doc}: no post, and no single person of this name to join"))
    return keyed + ([leftovers] if leftovers.groups else [])


def _attach(clusters: list[_Cluster], group: Group, what: str, otherwise: Callable[[], object]) -> None:
    """Put a group that names no current post into the person of the article's place, or the most
    reported person of its name; else do ``otherwise``."""
    target, why = _home_cluster(clusters, group)
    if target is None:
        otherwise()
        return
    target.add(group, f"{group.doc}: {what}; joins {why}")


def _join(clusters: list[_Cluster], group: Group, decisions: list[Decision], *, new: bool = True) -> bool:
    """Put ``group`` into every cluster it shares a body or key with (joining them), or (with ``new``)
    a new one; returns whether it was placed."""
    matching = [c for c in clusters if (c.bodies & group.bodies or _shared_keys(c.key_set, group.keys))
                and not _kept_apart(c, group, decisions)]
    if not matching:
        if new:
            clusters.append(cluster := _Cluster())
            cluster.add(group, f"{group.doc}: first seen, at {', '.join(sorted(group.keys)) or 'no known place'}")
        return new
    first, *others = matching
    shared = sorted((first.bodies & group.bodies) or _shared_keys(first.key_set, group.keys))
    first.add(group, f"{group.doc}: shares {', '.join(shared)}")
    for other in others:
        first.absorb(other)
        clusters.remove(other)
    return True


def _shared_keys(keys: set[str], others: frozenset[str] | set[str]) -> set[str]:
    """The keys two sets share; a national post and a province-level one count as shared (a cadre moves
    between 中央 and a province: 易炼红 of 浙江省委 and of 全国人大)."""
    shared = keys & others
    for national, other in ((keys, others), (others, keys)):
        if NATIONAL in national:
            shared |= {f"{NATIONAL}/{k}" for k in other if _province(k)}
    return shared


def _province(name: str) -> bool:
    return any(d.level == "province" and d.name == name for d in divisions().by_name(name))


def _kept_apart(cluster: _Cluster, group: Group, decisions: list[Decision]) -> bool:
    keys = cluster.key_set
    return any(not d.same and ((d.key in keys and d.other in group.keys) or (d.other in keys and d.key in group.keys))
               for d in decisions)


def _merge_decided(clusters: list[_Cluster], decisions: list[Decision]) -> None:
    for decision in (d for d in decisions if d.same):
        holding = [c for c in clusters if decision.key in c.keys or decision.other in c.keys]
        if len(holding) > 1:
            first, *others = holding
            for other in others:
                first.absorb(other, f"decision: {decision.key} and {decision.other} are one person")
                clusters.remove(other)


def _home_cluster(clusters: list[_Cluster], group: Group) -> tuple[_Cluster | None, str]:
    """The person a group with no current post belongs to, and why: the only one of the name, the one at
    the article's place, or one reported ``PROMINENCE`` times as often as any other."""
    if len(clusters) == 1:
        return clusters[0], "the only person of this name with a post"
    home = _home_keys(group.home)
    at_home = [c for c in clusters if home & c.key_set]
    if len(at_home) == 1:
        return at_home[0], f"the person at the article's place ({', '.join(sorted(home))})"
    ranked = sorted(clusters, key=lambda c: -len(c.groups))
    if ranked and (len(ranked) == 1 or len(ranked[0].groups) >= PROMINENCE * len(ranked[1].groups)):
        return ranked[0], f"the most reported person of this name ({len(ranked[0].groups)} articles, the next {len(ranked[1].groups)})"
    return None, ""


def _home_keys(home: tuple[str, ...]) -> set[str]:
    return {key for name in home if (key := body_key(name, home))}


def _assign(identities: Identities, name: str, cluster: _Cluster, *, several: bool) -> None:
    keys = cluster.keys
    pid = person_id(name, _label(cluster, identities, name) if several else "")
    for group in cluster.groups:
        identities.ids[(group.doc, name)] = pid
    identities.reasons[pid] = cluster.reasons
    identities.keys[pid] = tuple(keys)


def _label(cluster: _Cluster, identities: Identities, name: str) -> str:
    """What tells a person apart in its id: its most cited jurisdiction, else its first body, else ``?``;
    never an id another person of the name already has."""
    counts = Counter(k for g in cluster.groups for k in g.keys)
    keys = sorted(counts, key=lambda k: (-counts[k], k))
    label = keys[0] if keys else min(cluster.bodies, default=UNKNOWN)
    taken = set(identities.keys) | set(identities.reasons)
    suffix, number = label, 1
    while person_id(name, suffix) in taken:
        number += 1
        suffix = f"{label}{number}"
    return suffix
