"""Careers: each (person, body, title) becomes a spell, dated by what the articles say.

A spell gathers every POST of one person (``kg.identity``) on one body with one
title. Its ``status`` is the latest report's (by article date, then document);
``start`` is the date of an appointment or election, ``end`` the date of a
removal, else of the first report of it as former: the date the text gives the
change, else the date of the article that reports it. ``first_seen`` and ``last_seen`` are the dates of the
articles that report it. A text that appoints one person to a post and removes
another from it (任命甲为…局长，免去乙的…局长职务) makes the first the second's
successor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .identity import Identities, body_jurisdiction
from .records import Evidence, Extraction, Relation

APPOINTED, REMOVED, FORMER, CURRENT = "appointed", "removed", "former", "current"


@dataclass(frozen=True)
class Observation:
    """One article's report of a post."""

    doc: str
    article_date: str
    status: str
    date: str
    evidence: Evidence | None


@dataclass
class Spell:
    """A person's tenure of one title in one body, as far as the articles tell."""

    person: str
    name: str
    body: str
    title: str
    place: str
    observations: list[Observation] = field(default_factory=list)
    successor_of: str = ""

    @property
    def _ordered(self) -> list[Observation]:
        return sorted(self.observations, key=lambda o: (o.date or o.article_date or "9999", o.doc))

    @property
    def status(self) -> str:
        return self._ordered[-1].status if self.observations else CURRENT

    @property
    def start(self) -> str:
        return min(filter(None, (o.date or o.article_date for o in self.observations if o.status == APPOINTED)), default="")

    @property
    def end(self) -> str:
        removed = [o.date or o.article_date for o in self.observations if o.status == REMOVED]
        former = [o.date or o.article_date for o in self.observations if o.status == FORMER]
        return min(filter(None, removed), default="") or min(filter(None, former), default="")

    @property
    def first_seen(self) -> str:
        return min((o.article_date for o in self.observations if o.article_date), default="")

    @property
    def last_seen(self) -> str:
        return max((o.article_date for o in self.observations if o.article_date), default="")

    @property
    def docs(self) -> list[str]:
        return sorted({o.doc for o in self.observations})

    @property
    def key(self) -> tuple[str, str, str]:
        return self.person, self.body, self.title


#: Spells being gathered, by (person, body, title).
Found = dict[tuple[str, str, str], Spell]


def spells(extractions: Iterable[Extraction], identities: Identities) -> list[Spell]:
    """Every spell of the articles, in (person, body, title) order."""
    found: Found = {}
    for extraction in extractions:
        add_spells(found, extraction, identities)
    return in_order(found)


def add_spells(found: Found, extraction: Extraction, identities: Identities) -> None:
    """Add one article's reports of posts to the spells ``found`` so far (a stream can feed it one by one)."""
    article = extraction.article
    posts = [r for r in extraction.relations if r.type == "POST"]
    for relation in posts:
        name, body, title = relation.get("person"), relation.get("org"), relation.get("title")
        person = identities.person(article.doc, name)
        spell = found.setdefault((person, body, title), Spell(person, name, body, title, body_jurisdiction(body, extraction.jurisdiction)))
        spell.observations.append(Observation(article.doc, article.date, relation.get("status") or CURRENT,
                                              relation.get("date"), relation.evidence))
    _successors(posts, article.doc, identities, found)


def in_order(found: Found) -> list[Spell]:
    """The spells found, in (person, body, title) order."""
    return [found[key] for key in sorted(found)]


def _successors(posts: list[Relation], doc: str, identities: Identities, found: Found) -> None:
    """Link an appointment to the removal from the same post in the same text."""
    removed = {(r.get("org"), r.get("title")): r.get("person") for r in posts if r.get("status") == REMOVED}
    for relation in posts:
        post = (relation.get("org"), relation.get("title"))
        before = removed.get(post)
        if relation.get("status") == APPOINTED and before and before != relation.get("person"):
            spell = found[(identities.person(doc, relation.get("person")), *post)]
            spell.successor_of = identities.person(doc, before)
