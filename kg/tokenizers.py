"""The rule pipeline's tokenizer (a token per character) and the NER model's words (jieba's).

spaCy's ``ChineseTokenizer`` cuts the text into characters and then finds
each in the rest of the text with ``text[position:].index(word)``, which
copies the rest of the text for every character: quadratic in the text's
length, and on real news a fifth of the rule pipeline's time.
``characters_and_spaces`` gives the same tokens and spaces in linear time.
``jieba_words`` cuts text into the words the NER model reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import DummyTokenizer
from spacy.vocab import Vocab

from . import segmenter

#: A character that makes a word of jieba-rs one that jieba may cut otherwise: neither Han nor ASCII letter or digit.
MIXED_WORD = re.compile("[^\u4E00-\u9FD5a-zA-Z0-9]")
#: A run of white space (what ``str.isspace`` calls white space), kept by ``re.split``.
WHITE_SPACE = re.compile(r"(\s+)")
#: The ``doc.user_data`` key of the text a doc was made from (spaCy rebuilds ``doc.text`` from its tokens on
#: every access).
TEXT = "kg_text"


def characters_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """The tokens of ``text``, one per character, and their trailing spaces, as spaCy's
    ``get_words_and_spaces(list(text), text)`` gives them (a run of white space a token of its own, one space
    after a character that character's trailing space), a run of white space at a time."""
    tokens: list[str] = []
    spaces: list[bool] = []
    parts = WHITE_SPACE.split(text)  # characters, white space, characters, ..., characters
    for characters, white in zip(parts[::2], [*parts[1::2], ""]):
        tokens += characters
        spaces += [False] * len(characters)
        if white[:1] == " " and characters:  # one space after a character is its trailing space
            spaces[-1] = True
            white = white[1:]
        if white:
            tokens.append(white)
            spaces.append(False)
    return tokens, spaces


class CharTokenizer(DummyTokenizer):
    """A token per character and the trailing spaces, as spaCy's Chinese ``char`` segmenter gives them
    (``characters_and_spaces``); the doc keeps the text under ``TEXT``."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = characters_and_spaces(text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT] = text
        return doc


class JiebaWords:
    """jieba's words of a text, as spaCy's ``jieba`` segmenter cuts it.

    Cut by jieba-rs (``rjieba``: 9 times faster than jieba's Python, with the same words), once the process
    has cut ``python_first`` characters with jieba's Python: importing jieba-rs loads its dictionary (0.2 s,
    what jieba's Python takes for some 35,000 characters), which a one-article build would wait for. jieba-rs
    keeps ASCII letters and digits joined by punctuation as one word (S-300, XBB.1.5) where jieba cuts them
    (S, -, 300): such words are cut again by jieba.
    """

    def __init__(self, python_first: int = 40_000) -> None:
        self.python_first = python_first
        self.cut_in_python = 0

    def __call__(self, text: str) -> list[str]:
        if self.cut_in_python < self.python_first:
            self.cut_in_python += len(text)
            return _python_words(text)
        import rjieba

        words: list[str] = []
        for word in rjieba.cut(text):
            if len(word) > 1 and MIXED_WORD.search(word):
                words += _python_words(word)
            elif word:
                words.append(word)
        return words


def _python_words(text: str) -> list[str]:
    """jieba's words of ``text``, cut by jieba's Python."""
    return [word for word in segmenter.ready().cut(text, cut_all=False) if word]


#: The NER model's words (one per process).
jieba_words = JiebaWords()


@spacy.registry.tokenizers("kg.char_tokenizer")
def create_char_tokenizer() -> Callable[[Language], CharTokenizer]:
    """One token per character (spaCy's ``char`` segmenter for Chinese), so that every rule span aligns."""
    return lambda nlp: CharTokenizer(nlp.vocab)

