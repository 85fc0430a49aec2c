"""``kg_sentences``: sentence starts read from the doc's arrays.

The sentences are those of spaCy's ``sentencizer`` with the same ``punct_chars``:
a sentence ends after a sentence-final character and the punctuation that
follows it (。” stays whole). The sentencizer walks the doc as ``Token`` objects,
one per character here, and so did finding the starts again for
``spans.sentence_of``. This component reads the characters and their
punctuation flags with ``Doc.to_array``, sets the starts with
``Doc.from_array`` and keeps their token indices in ``doc.user_data`` for the
components after it: half the time of the two walks.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .spans import SENTENCE_STARTS

#: What spaCy's ``sentencizer`` reads as the end of a sentence in normalised Chinese text.
PUNCT_CHARS = ["。", "!", "?", ";", "\n"]


class SentenceSetter:
    """Sets every token's sentence start as spaCy's ``sentencizer`` would, without making ``Token`` objects."""

    def __init__(self, nlp: Language, name: str, *, punct_chars: list[str]) -> None:
        self.name = name
        self.final = frozenset(nlp.vocab.strings.add(char) for char in punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        starts: list[int] = []
        if len(doc):
            orths, punct = doc.to_array([ORTH, IS_PUNCT]).T.tolist()
            starts = self.starts(orths, punct)
            flags = numpy.full((len(doc), 1), -1, dtype="int64")
            flags[starts] = 1
            doc.from_array([SENT_START], flags.astype("uint64"))
        doc.user_data[SENTENCE_STARTS] = starts
        return doc

    def starts(self, orths: list[int], punct: list[int]) -> list[int]:
        """The token indices that start a sentence: the first, and each first token after a sentence-final
        character that is neither punctuation nor sentence-final itself (the sentencizer's reading)."""
        starts, seen_final = [0], False
        for i, (orth, is_punct) in enumerate(zip(orths, punct)):
            final = orth in self.final
            if seen_final and not is_punct and not final:
                starts.append(i)
                seen_final = False
            elif final:
                seen_final = True
        return starts


@Language.factory("kg_sentences", assigns=["token.is_sent_start"], default_config={"punct_chars": PUNCT_CHARS})
def make_sentences(nlp: Language, name: str, punct_chars: list[str]) -> SentenceSetter:
    return SentenceSetter(nlp, name, punct_chars=punct_chars)
