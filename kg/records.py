"""Record types that travel between stages (frozen dataclasses).

spaCy ``Doc`` objects stop at extraction; after that only these records move.
All character offsets point into ``Article.text``, the decoded original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .resources import bylines

ENTITY_TYPES = ("PER", "ORG", "PLACE", "PROGRAMME", "HONOUR")

RELATION_FIELDS: dict[str, tuple[str, ...]] = {
    "POST": ("person", "org", "title", "status", "date"),
    "AWARD": ("recipient", "honour", "year"),
    "RUNS": ("org", "programme"),
    "PART_OF": ("child", "parent"),
    "AUTHOR": ("person", "role"),
    "DISCIPLINE": ("person", "org", "event", "date"),
}

#: Fields of a relation that name an entity (the others are literals).
ENTITY_FIELDS = frozenset({"person", "org", "recipient", "honour", "programme", "child", "parent"})
#: Literal fields left out of a record when empty (a POST's ``status`` reads ``current`` then).
OPTIONAL_FIELDS = frozenset({"title", "year", "status", "date"})
#: Relation types the annotation guidelines define (``kg eval`` scores these; DISCIPLINE is govkg's own).
GOLD_RELATION_TYPES = ("POST", "AWARD", "RUNS", "PART_OF", "AUTHOR")
#: Literal fields that tell one edge of the graph from another between the same two nodes.
EDGE_FIELDS = ("title", "year", "role", "event", "date")

#: The byline role ids, in the order of ``kg/resources/byline_roles.tsv``.
AUTHOR_ROLES = tuple(bylines().roles)


@dataclass(frozen=True, slots=True)
class Byline:
    """One person credited on the page, e.g. ``记者/周圆`` -> (reporter, 周圆)."""

    role: str
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph after layout repair: one or more pieces of the original text."""

    pieces: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Article:
    """A decoded news article with what its page header says about it."""

    doc: str
    text: str
    source: str
    title: str = ""
    newspaper: str = ""
    page: str = ""
    date: str = ""
    bylines: tuple[Byline, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class Known:
    """An article of an input file unchanged since the last build, known by its cache key, not read again
    (``kg.unchanged``)."""

    doc: str
    source: str
    key: str
    chars: int  #: the length of its text


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that was skipped or only partly read, and why."""

    source: str
    problem: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a statement comes from: article, sentence, offsets and rule."""

    doc: str
    start: int
    end: int
    sentence: str
    rule: str


@dataclass(frozen=True, slots=True)
class Mention:
    """One surface form of an entity in the original text."""

    type: str
    text: str
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A resolved entity of one article: canonical name, aliases, mentions.

    A place that names one division of China carries its division ``code``
    and ``level`` (county, city, province); other entities leave them empty.
    """

    type: str
    name: str
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    code: str = ""
    level: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation between canonical entity names, with its evidence."""

    type: str
    args: tuple[tuple[str, str], ...]
    evidence: Evidence | None = None

    def get(self, name: str, default: str = "") -> str:
        for field_name, value in self.args:
            if field_name == name:
                return value
        return default

    @property
    def key(self) -> tuple[str, ...]:
        return (self.type, *(value for _, value in self.args))


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()
    jurisdiction: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Found:
    """A mention as the pipeline found it, before resolution.

    ``key`` is the name it stands for, possibly holding a jurisdiction
    placeholder (``⟨区⟩公安局``, ``⟨天元⟩公安局``); ``codes`` are the division
    codes a place name may denote; ``short`` marks a short form (天元);
    ``unchained`` a department named without its parent; ``subject`` a
    mention that opens a clause as its actor.
    """

    mention: Mention
    key: str
    codes: tuple[str, ...] = ()
    short: bool = False
    unchained: bool = False
    subject: bool = False


@dataclass(frozen=True, slots=True)
class FoundRelation:
    """A relation between found mentions (by index) or literals, before resolution.

    An empty entity argument with ``fallback`` set stands for the article's
    main actor, which only the whole article can tell.
    """

    type: str
    args: tuple[tuple[str, int | str], ...]
    evidence: Evidence
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class Reading:
    """What the pipeline read in one article: mentions, relations, place hints.

    ``place_hits`` holds every gazetteer hit, inside other names too, as
    (offset, candidate division codes, is a short form): the evidence for the
    article's jurisdiction.
    """

    article: Article
    found: tuple[Found, ...]
    relations: tuple[FoundRelation, ...]
    place_hits: tuple[tuple[int, tuple[str, ...], bool], ...]
