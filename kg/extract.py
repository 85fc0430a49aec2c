"""Run the spaCy pipeline over an article and turn its ``Doc`` into records.

This is where ``Doc`` objects stop: everything after works on ``Reading``
records whose offsets point into ``Article.text``.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from .normalize import TextMap, assemble
from .pipeline import shared_nlp
from .pipeline.spans import CANDIDATES, ENTITIES, SUBJECTS
from .records import RELATION_FIELDS, Article, Evidence, Found, FoundRelation, Mention, Reading


#: Longest text given to spaCy at once; a longer article is read in paragraph-aligned chunks.
CHUNK_CHARS = 50_000


def read_article(article: Article, nlp: Language | None = None, *, ner: bool = True) -> Reading:
    """Find the mentions and relations of one article (in chunks when it is long);
    without ``nlp``, the shared pipeline, with or without the NER model."""
    return read_batch([article], nlp, ner=ner)[0]


def read_batch(articles: list[Article], nlp: Language | None = None, *, ner: bool = True) -> list[Reading]:
    """``read_article`` of several articles through one ``nlp.pipe`` call, so that the
    NER model tags their texts as one batch (the same readings, less time)."""
    pieces = [chunks(assemble(article), CHUNK_CHARS) for article in articles]
    docs = iter((nlp or shared_nlp(ner)).pipe(piece.text for parts in pieces for piece in parts))
    readings = []
    for article, parts in zip(articles, pieces):
        chunked = [reading_from_doc(article, piece, next(docs), header=index == 0) for index, piece in enumerate(parts)]
        readings.append(chunked[0] if len(chunked) == 1 else merge(chunked))
    return readings


def chunks(textmap: TextMap, size: int) -> list[TextMap]:
    """The text cut at line ends into pieces of at most ``size`` characters (a longer line is cut where it must be)."""
    pieces, start = [], 0
    while start < len(textmap.text) or not pieces:
        end = min(start + size, len(textmap.text))
        if end < len(textmap.text):
            cut = textmap.text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        pieces.append(TextMap(textmap.text[start:end], textmap.origin[start:end]))
        start = end
    return pieces


def merge(readings: list[Reading]) -> Reading:
    """One reading from the readings of an article's chunks."""
    found: list[Found] = []
    relations: list[FoundRelation] = []
    for reading in readings:
        shift = len(found)
        found.extend(reading.found)
        relations.extend(replace(r, args=tuple((f, v + shift if isinstance(v, int) else v) for f, v in r.args)) for r in reading.relations)
    hits = tuple(hit for reading in readings for hit in reading.place_hits)
    return Reading(readings[0].article, tuple(found), tuple(relations), hits)


def reading_from_doc(article: Article, textmap: TextMap, doc: Doc, *, header: bool = True) -> Reading:
    """Records from a processed ``Doc`` (offsets mapped back to the original);
    ``header`` adds the byline persons and newspaper (once per article)."""
    spans = list(doc.spans[ENTITIES]) if ENTITIES in doc.spans else []
    index = {(s.start_char, s.end_char, s.label_): i for i, s in enumerate(spans)}
    subjects = {(s.start_char, s.end_char, s.label_) for s in doc.spans[SUBJECTS]} if SUBJECTS in doc.spans else set()
    found = [_found(article, textmap, span, (span.start_char, span.end_char, span.label_) in subjects) for span in spans]
    if header:
        found += _header_mentions(article)
    relations = [r for r in (_relation(article, textmap, rel, index) for rel in doc._.kg_relations or []) if r]
    if header:
        relations += _author_relations(article, found)
    hits = tuple(
        (textmap.span(s.start_char, s.end_char)[0], tuple(s._.kg_meta["codes"]), bool(s._.kg_meta.get("short")))
        for s in (doc.spans[CANDIDATES] if CANDIDATES in doc.spans else [])
        if s.label_ == "PLACE" and (s._.kg_meta or {}).get("codes")
    )
    return Reading(article, tuple(found), tuple(relations), hits)


def _found(article: Article, textmap: TextMap, span: Span, subject: bool) -> Found:
    start, end = textmap.span(span.start_char, span.end_char)
    meta = span._.kg_meta or {}
    mention = Mention(span.label_, article.text[start:end], start, end, span._.kg_rule)
    unchained = span._.kg_rule == "org.sub" and not meta.get("parent")
    return Found(mention, span._.kg_key, tuple(meta.get("codes", ())), bool(meta.get("short")), unchained, subject)


def _evidence(article: Article, textmap: TextMap, sentence: Span, rule: str) -> Evidence:
    start, end = textmap.span(sentence.start_char, sentence.end_char)
    return Evidence(article.doc, start, end, article.text[start:end].strip(), rule)


def _relation(article: Article, textmap: TextMap, relation, index: dict) -> FoundRelation | None:
    args: list[tuple[str, int | str]] = []
    for field in RELATION_FIELDS[relation.type]:
        value = relation.args.get(field, "")
        if isinstance(value, str):
            args.append((field, value))
            continue
        position = index.get((value.start_char, value.end_char, value.label_))
        if position is None:
            return None
        args.append((field, position))
    evidence = _evidence(article, textmap, relation.evidence, relation.rule)
    return FoundRelation(relation.type, tuple(args), evidence, bool(relation.meta.get("fallback")))


def _header_mentions(article: Article) -> list[Found]:
    """The byline persons and the newspaper, which the page header names."""
    found = [Found(Mention("PER", b.name, b.start, b.end, f"byline.{b.role}"), b.name) for b in article.bylines]
    if article.newspaper:
        at = article.text.find(article.newspaper)
        if at >= 0:
            found.append(Found(Mention("ORG", article.newspaper, at, at + len(article.newspaper), "header.newspaper"), article.newspaper))
    return found


def _author_relations(article: Article, found: list[Found]) -> list[FoundRelation]:
    by_start = {(f.mention.start, f.mention.type): i for i, f in enumerate(found)}
    relations = []
    for byline in article.bylines:
        position = by_start[(byline.start, "PER")]
        line_start = article.text.rfind("\n", 0, byline.start) + 1
        line_end = article.text.find("\n", byline.end)
        line_end = len(article.text) if line_end < 0 else line_end
        evidence = Evidence(article.doc, line_start, line_end, article.text[line_start:line_end].strip(), f"author.{byline.role}")
        relations.append(FoundRelation("AUTHOR", (("person", position), ("role", byline.role)), evidence))
    return relations
