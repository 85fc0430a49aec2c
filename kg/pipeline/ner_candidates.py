"""``kg_ner``: the trained model's entities as candidates beside the rules'.

The model (``kg/models/ner``, see ``kg.ner``) is a CRF over jieba words,
where the rule pipeline cuts text into characters; so this component runs
the model on the doc's text and offers each
entity it finds, by character offsets, to ``doc.spans["kg_candidates"]`` with
rule id ``ner.PER``, ``ner.ORG`` or ``ner.PLACE`` and ``meta["source"] ==
"model"``, when it has the shape of a name of its type (``SpanShape``).
``kg_entities`` then decides which of them survive beside the rules'
(``kg/pipeline/entities.py``). The model is loaded in ``initialize`` (from the
package, no network).

With ``gate`` on (off by default: it did not pay, see ``docs/ner.md``), the
model tags only the sentences where one of its spans could survive
(``ModelGate``): a sentence whose every name-shaped stretch is touched by a
rule candidate is skipped, since ``kg_entities`` drops a model span that
touches a rule candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg import segmenter
from kg.lexicon import HAN, Lexicon, alternation
from kg.ner.crf import CrfModel, Ent
from kg.ner.model import given_name_chars, load_model

from .component import RuleComponent
from .spans import MODEL_RULE_PREFIX, add_candidate, candidates, text_of, unique_spans

SOURCE = "model"
#: Shortest and longest model span kept, per label (PER: 2-4 characters, guidelines).
MODEL_LENGTH = {"PER": (2, 4), "ORG": (3, 30), "PLACE": (2, 12)}
HAN_ONLY = re.compile(f"[{HAN}]+")
OPENING_QUOTES, CLOSING_QUOTES = "“\"‘《", "”\"’》"


class SpanShape:
    """Whether a model span has the shape of a name of its type (the policy of ``docs/ner.md``).

    Every label: Han characters only, not exactly inside quotes (a quoted term
    is a programme, honour or slogan), not a common word of jieba's dictionary.
    PER: 2-4 characters, a surname from the lexicon, given-name characters seen
    in the training names, not anonymised (游某), no placeholder end (路人甲), not a
    surname and a form of address (张女士), not glued to another candidate
    (张艳春|国学工作室) or to the rest of a doctrine's name (习近平|新时代…思想).
    ORG: ends in an organisation head word after a modifier that jieba's
    dictionary does not know, or knows as a place or organisation name
    (梓园社区, not 法治政府 or 智慧法院). PLACE: not in the division lexicon
    (the rules'), ends in a level character or place head with such a modifier.
    """

    def __init__(self, lexicon: Lexicon, given_chars: frozenset[str], *, org_heads: str, place_heads: str) -> None:
        self.lexicon = lexicon
        self.given_chars = given_chars
        self.proper_tags = lexicon.words("proper_tags")
        self.modifier_tags = lexicon.words("modifier_tags")
        self.compound_heads = lexicon.words("name_compound_head")
        place_words = [*lexicon.place_heads(place_heads), *lexicon.words("place_end")]
        self.head_at_end = {
            "ORG": re.compile(f"(?:{alternation(list(lexicon.org_heads(org_heads)))})$"),
            "PLACE": re.compile(f"(?:{alternation(place_words)})$"),
        }

    def person_text(self, text: str) -> bool:
        """Whether ``text`` alone has the shape of a person's name (no look at its neighbours)."""
        lexicon = self.lexicon
        return (text[0] in lexicon.surnames and not any(c in lexicon.chars("anonymous") for c in text)
                and text[-1] not in lexicon.chars("placeholder_end")
                and all(c in self.given_chars for c in text[1:]) and not lexicon.address_forms.fullmatch(text, 1))

    def __call__(self, span: Span, others: list[Span]) -> bool:
        low, high = MODEL_LENGTH.get(span.label_, (0, 0))
        text = span.text
        if not low <= len(text) <= high or not HAN_ONLY.fullmatch(text) or _quoted(span) or self.common_word(text):
            return False
        if span.label_ == "PER":
            return self._person(span, others)
        if span.label_ == "ORG":
            return self._headed(text, "ORG")
        return text not in self.lexicon.place_names and self._headed(text, "PLACE")

    def _person(self, span: Span, others: list[Span]) -> bool:
        return self.person_text(span.text) and not any(_glued(span, other) for other in others) \
            and not text_of(span.doc).startswith(self.compound_heads, span.end_char)

    def common_word(self, text: str, proper: tuple[str, ...] | None = None) -> bool:
        """Whether jieba's dictionary has ``text`` as a word whose tag is not a proper name's (检察机关/n, 完善/v)."""
        tag = segmenter.word_tags().get(text)
        return tag is not None and not tag.startswith(proper or self.proper_tags)

    def _headed(self, text: str, label: str) -> bool:
        """Whether ``text`` ends in a head word of its label after a modifier that is not a common word."""
        match = self.head_at_end[label].search(text)
        return match is not None and match.start() > 0 and not self.common_word(text[: match.start()], self.modifier_tags)


def _glued(a: Span, b: Span) -> bool:
    return a.end_char == b.start_char or b.end_char == a.start_char


def _quoted(span: Span) -> bool:
    text, start, end = text_of(span.doc), span.start_char, span.end_char
    return 0 < start and end < len(text) and text[start - 1] in OPENING_QUOTES and text[end] in CLOSING_QUOTES


class ModelGate:
    """The sentences of a doc where a model span could survive, given the rule candidates.

    ``kg_entities`` keeps a model span only where no rule candidate touches its
    characters, and ``SpanShape`` only one with the shape of its label; so a
    sentence is worth tagging only if it has, free of rule candidates, a
    person-shaped string (not a common word, not glued to a candidate) or an
    organisation or place head word with a free character before it. The
    other sentences cannot change the result, up to the context the model
    sees: adjacent kept sentences are tagged as one text, a skipped sentence
    is no longer beside them.
    """

    def __init__(self, shape: SpanShape) -> None:
        self.shape = shape
        low, high = MODEL_LENGTH["PER"]
        self.person_lengths = range(low, high + 1)
        self.heads = [re.compile(pattern.pattern.removesuffix("$")) for pattern in shape.head_at_end.values()]

    def regions(self, doc: Doc) -> list[tuple[int, int]]:
        """The ``(start, end)`` characters of the sentences to tag, in text order."""
        text, rules = text_of(doc), candidates(doc)
        free = bytearray(b"\1") * len(text)
        for span in rules:
            free[span.start_char:span.end_char] = bytes(span.end_char - span.start_char)
        edges = {span.start_char for span in rules} | {span.end_char for span in rules}
        kept = [(start, end) for start, end in _sentences(doc)
                if self._person(text, free, edges, start, end) or self._headed(text, free, start, end)]
        return _joined(kept)

    def _person(self, text: str, free: bytearray, edges: set[int], start: int, end: int) -> bool:
        surnames, given = self.shape.lexicon.surnames, self.shape.given_chars
        for i in range(start, end):
            if not free[i] or text[i] not in surnames:
                continue
            for length in self.person_lengths:
                j = i + length
                if j > end or not free[j - 1] or text[j - 1] not in given:
                    break
                name = text[i:j]
                if i not in edges and j not in edges and self.shape.person_text(name) \
                        and not self.shape.common_word(name):
                    return True
        return False

    def _headed(self, text: str, free: bytearray, start: int, end: int) -> bool:
        return any(match.start() > start and all(free[match.start() - 1:match.end()])
                   for head in self.heads for match in head.finditer(text, start, end))


def _joined(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent regions as one (the model tags fewer, longer texts: less overhead per text)."""
    joined: list[tuple[int, int]] = []
    for start, end in regions:
        if joined and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """The doc's sentences as character ranges (the whole text when none are set)."""
    if not doc.has_annotation("SENT_START"):
        return [(0, len(text_of(doc)))]
    return [(sent.start_char, sent.end_char) for sent in doc.sents]


def offer(doc: Doc, ents: list[Ent], shape: SpanShape) -> Doc:
    """Add the model's entities that no rule found and that pass ``shape`` as candidates."""
    taken = set(doc._.kg_info or {})
    text = text_of(doc)
    fresh = [(s, e, label) for s, e, label in ents if (s, e, label) not in taken]  # a rule's facts (key, codes) stay
    spans = [span for s, e, label in fresh if (span := doc.char_span(s, e, label=label, alignment_mode="expand"))]
    others = unique_spans([*candidates(doc), *spans])
    for span in spans:
        if shape(span, others):
            add_candidate(doc, span.start_char, span.end_char, span.label_, text[span.start_char:span.end_char],
                          f"{MODEL_RULE_PREFIX}{span.label_}", source=SOURCE)
    return doc


class ModelCandidates(RuleComponent):
    """Offers the NER model's entities as candidate spans."""

    model_path: str | None  #: the model's folder (None: the shipped one)
    batch_size: int  #: docs whose regions are worked out before the model tags them
    gate: bool  #: tag only the sentences where a model span could survive (``ModelGate``)
    org_heads: str  #: the files of head words a model ORG or PLACE must end in
    place_heads: str
    model: CrfModel | None = None

    def load(self, lexicon: Lexicon) -> None:
        """Load the model at ``model_path`` (default: the shipped one) and the shape check."""
        self.model = load_model(self.model_path)
        self.shape = SpanShape(lexicon, given_name_chars(self.model_path), org_heads=self.org_heads,
                               place_heads=self.place_heads)
        self.gated = ModelGate(self.shape) if self.gate else None

    def _loaded(self) -> CrfModel:
        if self.model is None:
            raise ValueError(f"{self.name}: the NER model is not loaded; call nlp.initialize() first")
        return self.model

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int | None = None) -> Iterator[Doc]:
        stream = iter(docs)
        size = batch_size or self.batch_size
        while batch := list(islice(stream, size)):
            regions = [self._regions(doc) for doc in batch]
            texts = (text_of(doc)[start:end] for doc, parts in zip(batch, regions) for start, end in parts)
            tagged = self._loaded().tag(texts)
            for doc, parts in zip(batch, regions):
                ents: list[Ent] = []
                for start, _ in parts:  # one tagged text per region, offsets moved back into the doc
                    ents += [(start + s, start + e, label) for s, e, label in next(tagged)]
                yield offer(doc, ents, self.shape)

    def _regions(self, doc: Doc) -> list[tuple[int, int]]:
        """What the model tags: the gate's sentences, or the whole text."""
        return self.gated.regions(doc) if self.gated is not None else [(0, len(text_of(doc)))]


@Language.factory("kg_ner", assigns=["doc.spans"], requires=[],
                  default_config={"resources": None, "model": None, "batch_size": 64, "gate": False,
                                  "org_heads": "org_heads.tsv", "place_heads": "place_heads.tsv"})
def make_model_candidates(nlp: Language, name: str, resources: str | None, model: str | None, batch_size: int,
                          gate: bool, org_heads: str, place_heads: str) -> ModelCandidates:
    return ModelCandidates(nlp, name, resources=resources, model_path=model, batch_size=batch_size, gate=gate,
                           org_heads=org_heads, place_heads=place_heads)
