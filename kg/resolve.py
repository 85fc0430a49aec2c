"""Resolve what one article says into canonical entities and relations.

* **Jurisdiction**: the divisions the article is about, counted from every
  gazetteer hit (inside organisation names too); the most cited division of
  each level wins, and a level nobody cites is inferred upwards (天元区 ->
  株洲市 -> 湖南省).
* **Names**: a ``⟨区⟩`` placeholder becomes the nearest county-level ``…区``
  cited before it in the paragraph, else the article's dominant one
  (区公安局 -> 天元区公安局); a short form becomes its division's full name
  (天元公安分局 -> 天元区公安局). A place keeps its short form unless the
  article also writes the full one (guidelines: the fullest form supported).
* **Merging**: mentions with the same type and canonical name are one entity;
  a department named without its parent (反扒大队) joins the entity whose
  name ends with it.
* **Relations**: arguments become canonical names; a missing subject becomes
  the article's main actor; places get PART_OF to the nearest cited ancestor.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from .dates import iso_date
from .records import ENTITY_FIELDS, Entity, Evidence, Extraction, Found, Reading, Relation
from .jurisdiction import Jurisdiction, infer_jurisdiction
from .lexicon import alternation, lexicon
from .pipeline.programmes import fullest_variants
from .resources import divisions

PLACEHOLDER = re.compile("⟨([^⟩]+)⟩")
LEVEL_SUFFIX = {"省": ("province", "省"), "市": ("city", "市"), "区": ("county", "区"), "县": ("county", "县")}
PARAGRAPH_REACH = 300
QUOTES = re.compile("[“”‘’\"'「」『』《》\\s]")


def resolve(reading: Reading) -> Extraction:
    """Canonical entities and relations of one article."""
    jurisdiction = infer_jurisdiction(reading)
    text = reading.article.text
    names = [_canonical(found, text, jurisdiction) for found in reading.found]
    actor = _main_actor(reading.found, names)
    names = _merge_unchained(reading.found, names, actor)
    names = _merge_variants(reading.found, names)
    entities = _entities(reading.found, names, _official_names(reading.found, names, jurisdiction))
    relations = _relations(reading, names, entities, jurisdiction)
    relations += _actor_departments(reading, names, actor)
    relations += _place_hierarchy(reading, names, entities)
    order = tuple(d.name for d in sorted(jurisdiction.dominant.values(), key=lambda d: d.code))
    return Extraction(reading.article, tuple(entities), tuple(_unique(relations)), order)


# names --------------------------------------------------------------------
def _canonical(found: Found, text: str, jurisdiction: Jurisdiction) -> str:
    if found.mention.type == "PLACE" and PLACEHOLDER.fullmatch(found.key):
        filled = _fill(found.key[1:-1], found.mention.start, text, jurisdiction)
        division = jurisdiction.division_named(filled) if filled != found.key[1:-1] else None
        return jurisdiction.place_name(division) if division is not None else ""
    if found.mention.type == "PLACE":
        return _place_name(found, jurisdiction)
    if found.mention.type == "ORG":
        return PLACEHOLDER.sub(lambda m: _fill(m.group(1), found.mention.start, text, jurisdiction), found.key)
    return found.key


def _place_name(found: Found, jurisdiction: Jurisdiction) -> str:
    """The fullest form the article writes (临夏州, 株洲, 河北); a county's short form only for a
    dominant county. The official name becomes an alias (``_entities``)."""
    if not found.codes:
        return found.key
    division = jurisdiction.division_at(found.mention.start)
    if division is None:
        return ""
    if not found.short or division.name in jurisdiction.named_full():
        return division.name
    return found.key if division.level != "county" or division in jurisdiction.dominant.values() else ""


def _fill(inner: str, start: int, text: str, jurisdiction: Jurisdiction) -> str:
    """The full division name a placeholder stands for, or the bare text when unknown."""
    if inner not in LEVEL_SUFFIX:
        division = jurisdiction.division_named(inner)
        return division.name if division is not None else inner
    level, suffix = LEVEL_SUFFIX[inner]
    reach = max(0, start - PARAGRAPH_REACH)
    floor = max(text.rfind("\n\n", reach, start), start - PARAGRAPH_REACH)
    near = [d for _, d, _ in jurisdiction.hits_between(floor, start) if d.level == level and d.name.endswith(suffix)]
    if inner in "区县" and near:
        return near[-1].name
    chosen = jurisdiction.dominant.get(level)
    if chosen is not None and (chosen.name.endswith(suffix) or level != "county"):
        return chosen.name
    return inner


def _merge_variants(found: tuple[Found, ...], names: list[str]) -> list[str]:
    """Programme names that differ only by optional words take the fullest one, across a long article's chunks too."""
    programmes = [n for f, n in zip(found, names) if f.mention.type == "PROGRAMME" and n]
    fullest = fullest_variants(programmes, _optional_words())
    return [fullest.get(n, n) if f.mention.type == "PROGRAMME" else n for f, n in zip(found, names)]


@functools.cache
def _optional_words() -> re.Pattern[str]:
    return re.compile(alternation(lexicon().cues("programme_cues.tsv")["optional"]))


def _merge_unchained(found: tuple[Found, ...], names: list[str], actor: str) -> list[str]:
    """A department named alone (反扒大队, 执法监督室) belongs to the org that ends
    with it, else to the article's main actor when that is an organisation."""
    orgs = {n for f, n in zip(found, names) if f.mention.type == "ORG" and not f.unchained}
    ending_with: dict[str, list[str]] = {}
    for org in orgs:
        for cut in range(1, len(org)):
            ending_with.setdefault(org[cut:], []).append(org)
    merged = []
    for item, name in zip(found, names):
        if item.unchained:
            longer = sorted(ending_with.get(name, ()))
            name = longer[0] if longer else (actor + name if actor in orgs else name)
        merged.append(name)
    return merged


def _actor_departments(reading: Reading, names: list[str], actor: str) -> list[Relation]:
    """PART_OF for each department that ``_merge_unchained`` placed under the main actor."""
    out = []
    for item, name in zip(reading.found, names):
        if item.unchained and actor and name == actor + item.key:
            evidence = Evidence(reading.article.doc, item.mention.start, item.mention.end, item.mention.text, "part_of.main_actor")
            out.append(Relation("PART_OF", (("child", clean(name)), ("parent", clean(actor))), evidence))
    return out


def clean(name: str) -> str:
    """A name as compared and stored: no spaces or quote marks."""
    return QUOTES.sub("", name)


def _official_names(found: tuple[Found, ...], names: list[str], jurisdiction: Jurisdiction) -> dict[str, str]:
    """A place named by a short form (株洲, 临夏州) -> the official name of the division it resolved to."""
    officials = {}
    for item, name in zip(found, names):
        division = jurisdiction.division_at(item.mention.start) if item.codes and item.short else None
        if division is not None and clean(name):
            officials[clean(name)] = division.name
    return officials


def _entities(found: tuple[Found, ...], names: list[str], officials: dict[str, str]) -> list[Entity]:
    groups: dict[tuple[str, str], list[Found]] = {}
    for item, name in zip(found, names):
        if clean(name):
            groups.setdefault((item.mention.type, clean(name)), []).append(item)
    entities = []
    for (kind, name), items in sorted(groups.items()):
        official = {officials[name]} if kind == "PLACE" and name in officials else set()
        aliases = sorted(({clean(i.mention.text) for i in items} | official) - {name, ""})
        mentions = tuple(sorted({i.mention for i in items}, key=lambda m: (m.start, m.end)))
        entities.append(Entity(kind, name, tuple(aliases), mentions, *_division_facts(kind, name)))
    return entities


def _division_facts(kind: str, name: str) -> tuple[str, str]:
    """Code and level of a place whose name (full or short) is that of one division of China, else empty.

    By the name, not by what each mention was resolved to: the graph has one
    node per name across articles, so a name several divisions share (鼓楼区)
    gets no code.
    """
    matches = divisions().by_name(name) if kind == "PLACE" else ()
    return (matches[0].code, matches[0].level) if len(matches) == 1 else ("", "")


# relations ----------------------------------------------------------------
def _main_actor(found: tuple[Found, ...], names: list[str]) -> str:
    """The organisation or place that most often opens a clause as its actor."""
    counts = Counter((clean(n), f.mention.type) for f, n in zip(found, names) if f.subject and clean(n))
    if not counts:
        return ""
    (name, _), _ = max(counts.items(), key=lambda item: (item[1], item[0][1] == "ORG", item[0][0]))
    return name


def _home_place(entities: list[Entity], jurisdiction: Jurisdiction) -> str:
    """The most specific dominant division the article cites as a place."""
    places = {e.name for e in entities if e.type == "PLACE"}
    for level in ("county", "city", "province"):
        division = jurisdiction.dominant.get(level)
        if division is not None and division.name in places:
            return division.name
    return ""


def _relations(reading: Reading, names: list[str], entities: list[Entity], jurisdiction: Jurisdiction) -> list[Relation]:
    actor = _main_actor(reading.found, names)
    home = _home_place(entities, jurisdiction)
    out = []
    for relation in reading.relations:
        args = []
        for field, value in relation.args:
            if isinstance(value, int):
                value = clean(names[value])
            elif field == "date":
                value = iso_date(value, reading.article.date)
            elif field == "year":
                value = _award_year(value, reading.article.date)
            elif relation.fallback and not value and field in ENTITY_FIELDS:
                value = actor if field == "org" else home
            args.append((field, value))
        entity_values = [v for f, v in args if f in ENTITY_FIELDS]
        if all(entity_values) and len(set(entity_values)) == len(entity_values):
            out.append(Relation(relation.type, tuple(args), relation.evidence))
    return out


def _award_year(year: str, article_date: str) -> str:
    """An award's year: as written (2021, 2021-2022), a relative one (去年) read against the article's
    date, and with none written, the article's own year."""
    if year[:4].isdigit():
        return year
    return iso_date(year, article_date)[:4] if year else article_date[:4]


def _place_hierarchy(reading: Reading, names: list[str], entities: list[Entity]) -> list[Relation]:
    """PART_OF from each cited place to its nearest ancestor the article also cites."""
    table = divisions()
    places = {e.name: e for e in entities if e.type == "PLACE"}
    by_name = {d.name: d for name in places for d in table.by_name(name) if d.name == name}
    out = []
    for name, division in sorted(by_name.items()):
        for ancestor in table.ancestors(division):
            if ancestor.name in places:
                mention = places[name].mentions[0]
                evidence = Evidence(reading.article.doc, mention.start, mention.end, mention.text, "part_of.gazetteer")
                out.append(Relation("PART_OF", (("child", name), ("parent", ancestor.name)), evidence))
                break
    return out


def _unique(relations: list[Relation]) -> list[Relation]:
    seen: dict[tuple[str, ...], Relation] = {}
    for relation in relations:
        seen.setdefault(relation.key, relation)
    return sorted(seen.values(), key=lambda r: r.key)
