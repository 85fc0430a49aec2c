"""The NER model: a linear-chain CRF over jieba words, trained with python-crfsuite and run with numpy.

Each word of a sentence is labelled ``O`` or ``B-``/``I-``/``L-``/``U-`` plus
``PER``, ``ORG`` or ``PLACE`` (``TAGS``). A word's score for each label is
the sum of the weights of its attributes (``WordFeatures``): what the words
two before to two after it are (each at its offset), their first and last
characters, their tag and frequency in jieba's dictionary, whether they
start with a surname, and the word pairs it forms with its neighbours.
python-crfsuite learns the weights and the label-to-label transitions
(L-BFGS, L1 and L2 penalties); ``CrfModel`` keeps them as arrays and finds
each sentence's best labels with the same Viterbi search crfsuite makes,
the sentences of many texts at once. A word gives the same attributes
wherever it stands, so what it adds at each offset is summed once and
remembered.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

import numpy as np

from kg import segmenter
from kg.tokenizers import jieba_words

from .data import LABELS

Ent = tuple[int, int, str]
OUTSIDE = "O"
TAGS = (OUTSIDE, *(f"{prefix}-{label}" for label in LABELS for prefix in "BILU"))
#: The offsets, relative to the word labelled, of the words whose attributes count.
OFFSETS = (-2, -1, 0, 1, 2)
START, END = "<s>", "</s>"
BIAS = "bias"
#: The attributes of a word pair: ``pw=`` the word before and the word, ``wn=`` the word and the word after.
PAIR_BEFORE, PAIR_AFTER, PAIR_BAR = "pw=", "wn=", "|"
#: The pieces a text is tagged in: up to a line break or sentence end (the training texts are sentences).
PIECE = re.compile(r"[^\n。！？]+[。！？]*")
#: Words whose scores are remembered, per process (520 bytes each).
REMEMBERED_WORDS = 1 << 16
#: Texts whose sentences are scored and searched together.
TEXTS_AT_ONCE = 64
WEIGHTS = "weights.npz"
#: The time stamped on each array in ``WEIGHTS``, so that one model is always the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _shape(char: str) -> str:
    if "\u4e00" <= char <= "\u9fff":
        return "H"
    if char.isdigit():
        return "D"
    return "L" if char.isascii() and char.isalpha() else "P"


class WordFeatures:
    """The attributes a word gives the words around it, by offset (``OFFSETS``), and a sentence's features.

    ``surnames`` come from the lexicon; jieba's dictionary gives a word's tag
    and frequency. The attribute names are the model's vocabulary: a change
    here needs a retrained model.
    """

    def __init__(self, surnames: Iterable[str]) -> None:
        self.surnames = frozenset(surnames)

    def of_word(self, word: str) -> tuple[list[str], ...]:
        """The attributes ``word`` gives the word at each offset from it (``OFFSETS`` order): at -1 it is the word
        before the one labelled, at 0 that word, at 1 the word after."""
        if word in (START, END):
            return tuple([f"{offset}w={word}"] for offset in OFFSETS)
        first, last = word[0], word[-1]
        w, t, sh = "w=" + word, "t=" + segmenter.word_tags().get(word, "?"), "sh=" + _shape(first)
        frequency = segmenter.frequency(word)
        own = [w, "f=" + first, "l=" + last, "f2=" + word[:2], "l2=" + word[-2:], f"len={min(len(word), 5)}", sh, t,
               f"fq={min(len(str(frequency)), 6) if frequency else 0}"]
        before = [w, t, sh, "l=" + last]
        if first in self.surnames:
            own.append(f"sur={min(len(word), 4)}")
            before.append("sur")
        if len(word) <= 4:
            own += ["c=" + char for char in word[1:-1]]
        return (["-2" + w], ["-1" + name for name in before], ["0" + name for name in own],
                ["1" + w, "1" + t, "1" + sh, "1f=" + first], ["2" + w])

    def of_sentence(self, words: Sequence[str]) -> list[list[str]]:
        """Each word's attributes, as crfsuite takes them (training, and the reference tagger in tests)."""
        padded = [START, START, *words, END, END]
        given = [self.of_word(word) for word in padded]
        return [[BIAS, *(name for k, offset in enumerate(OFFSETS) for name in given[i + 2 + offset][k]),
                 _pair_before(padded[i + 1], word), _pair_after(word, padded[i + 3])]
                for i, word in enumerate(words)]


def _pair_before(before: str, word: str) -> str:
    return PAIR_BEFORE + before + PAIR_BAR + word


def _pair_after(word: str, after: str) -> str:
    return PAIR_AFTER + word + PAIR_BAR + after


def _paired_words(attributes: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The words that may end a pair attribute with the word before and start one with the word after (a word
    with a bar in it is taken at every bar, so none is missed)."""
    ending: set[str] = set()
    starting: set[str] = set()
    for name in attributes:
        if name.startswith(PAIR_BEFORE):
            body = name.removeprefix(PAIR_BEFORE)
            ending.update(body.split(PAIR_BAR, cut)[-1] for cut in range(1, body.count(PAIR_BAR) + 1))
        elif name.startswith(PAIR_AFTER):
            body = name.removeprefix(PAIR_AFTER)
            starting.update(body.rsplit(PAIR_BAR, cut)[0] for cut in range(1, body.count(PAIR_BAR) + 1))
    return frozenset(ending), frozenset(starting)


def word_spans(words: Sequence[str]) -> list[tuple[int, int]]:
    """The character offsets of consecutive words."""
    spans, position = [], 0
    for word in words:
        spans.append((position, position + len(word)))
        position += len(word)
    return spans


def word_tags(words: Sequence[str], ents: Iterable[Ent]) -> list[str] | None:
    """The tag of each word given the entities' character spans; None when an entity cuts a word."""
    spans = word_spans(words)
    first = {start: i for i, (start, _) in enumerate(spans)}
    last = {end: i for i, (_, end) in enumerate(spans)}
    tags = [OUTSIDE] * len(words)
    for start, end, label in ents:
        if start not in first or end not in last:
            return None
        i, j = first[start], last[end]
        if i == j:
            tags[i] = f"U-{label}"
            continue
        tags[i], tags[j] = f"B-{label}", f"L-{label}"
        for k in range(i + 1, j):
            tags[k] = f"I-{label}"
    return tags


def entities(words: Sequence[str], tags: Sequence[str]) -> list[Ent]:
    """The entities a tag sequence marks, as character spans (an ill-formed run is dropped)."""
    return marked(words, np.array([TAGS.index(tag) for tag in tags], dtype=np.intp))


def marked(words: Sequence[str], path: np.ndarray) -> list[Ent]:
    """The entities of a path of tag indices (into ``TAGS``), looking only at the words not outside."""
    found: list[Ent] = []
    ends: list[int] | None = None
    opened: tuple[int, str, int] | None = None  # (first character, label, last word)
    for i in np.flatnonzero(path).tolist():
        ends = ends or list(accumulate(map(len, words)))
        prefix, label = TAGS[path[i]][0], TAGS[path[i]][2:]
        start = ends[i] - len(words[i])
        joined = opened is not None and opened[1] == label and opened[2] == i - 1
        if prefix == "U":
            found.append((start, ends[i], label))
        elif prefix == "L" and joined:
            found.append((opened[0], ends[i], label))
        opened = (start, label, i) if prefix == "B" else (opened[0], label, i) if prefix == "I" and joined else None
    return found


class CrfModel:
    """A trained CRF as arrays: ``tag`` finds the entities of texts."""

    def __init__(self, attributes: Sequence[str], weights: np.ndarray, transitions: np.ndarray,
                 features: WordFeatures) -> None:
        self.rows = {name: row for row, name in enumerate(attributes)}
        self.weights = np.vstack([weights, np.zeros((1, len(TAGS)))])  # the last row: an unseen attribute
        self.transitions = transitions
        self.features = features
        self.bias = self.weights[self.rows.get(BIAS, -1)]
        self.words = WordScores(self._word_scores, (len(OFFSETS), len(TAGS)))
        self.pairs_ending, self.pairs_starting = _paired_words(attributes)

    @classmethod
    def load(cls, folder: str | Path, features: WordFeatures) -> CrfModel:
        """The model saved by ``save`` in ``folder``."""
        with np.load(Path(folder) / WEIGHTS, allow_pickle=False) as saved:
            if tuple(saved["tags"]) != TAGS:
                raise ValueError(f"{folder}: the model's labels {list(saved['tags'])} are not {list(TAGS)}")
            attributes = json.loads(bytes(saved["attributes"]).decode("utf-8"))
            return cls(attributes, saved["weights"], saved["transitions"], features)

    @classmethod
    def from_crfsuite(cls, info: Any, features: WordFeatures) -> CrfModel:
        """The model in a ``pycrfsuite.Tagger().info()``: its state features and transitions."""
        attributes = sorted({name for name, _ in info.state_features})
        rows = {name: row for row, name in enumerate(attributes)}
        columns = {tag: column for column, tag in enumerate(TAGS)}
        weights = np.zeros((len(attributes), len(TAGS)))
        for (name, tag), weight in info.state_features.items():
            weights[rows[name], columns[tag]] = weight
        transitions = np.zeros((len(TAGS), len(TAGS)))
        for (before, after), weight in info.transitions.items():
            transitions[columns[before], columns[after]] = weight
        return cls(attributes, weights, transitions, features)

    def save(self, folder: str | Path) -> Path:
        """Write the weights, transitions and attribute names to ``folder/weights.npz`` (the same model, the
        same bytes)."""
        attributes = sorted(self.rows, key=self.rows.__getitem__)
        arrays = {"tags": np.array(TAGS), "weights": self.weights[:-1], "transitions": self.transitions,
                  "attributes": np.frombuffer(json.dumps(attributes, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)}
        path = Path(folder) / WEIGHTS
        with zipfile.ZipFile(path, "w") as archive:
            for name, array in arrays.items():
                entry = zipfile.ZipInfo(f"{name}.npy", date_time=FIXED_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(entry, "w") as stream:
                    np.lib.format.write_array(stream, np.ascontiguousarray(array), allow_pickle=False)
        return path

    def tag(self, texts: Iterable[str]) -> Iterator[list[Ent]]:
        """The entities of each text (character offsets into it, end-exclusive), texts taken ``TEXTS_AT_ONCE``
        at a time."""
        stream = iter(texts)
        while chunk := list(islice(stream, TEXTS_AT_ONCE)):
            pieces = [[(match.start(), jieba_words(match.group())) for match in PIECE.finditer(text)] for text in chunk]
            paths = iter(self.best_tags(self.scores([words for parts in pieces for _, words in parts])))
            for parts in pieces:
                yield [(offset + start, offset + end, label)
                       for offset, words in parts for start, end, label in marked(words, next(paths))]

    def tags(self, words: Sequence[str]) -> list[str]:
        """The best tags of one sentence's words."""
        return [TAGS[k] for k in self.best_tags(self.scores([words]))[0]]

    def scores(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Each sentence's word scores for each tag, transitions aside: ``(len(words), len(TAGS))`` arrays."""
        lengths = [len(words) for words in sentences]
        if not sum(lengths):
            return [np.zeros((0, len(TAGS))) for _ in sentences]
        padded = [word for words in sentences for word in (START, START, *words, END, END)]
        given = self.words.scores(padded)  # (words and boundaries, offsets, tags)
        starts = np.cumsum([0, *(n + 4 for n in lengths)])[:-1]
        at = np.concatenate([np.arange(n) + start + 2 for n, start in zip(lengths, starts)]).astype(np.intp)
        total = self.bias + sum(given[at + offset, k] for k, offset in enumerate(OFFSETS))
        total = total + self.weights[self._pair_rows(padded, at.tolist())].reshape(len(at), 2, -1).sum(axis=1)
        return np.split(total, np.cumsum(lengths)[:-1])

    def _pair_rows(self, padded: list[str], at: list[int]) -> list[int]:
        """The rows of the pair attributes of the words at ``at``, the word before and after each; a word that
        is in no pair attribute is not looked up (three words in four)."""
        unseen, rows, ending, starting = len(self.weights) - 1, self.rows, self.pairs_ending, self.pairs_starting
        found = []
        for i in at:
            word = padded[i]
            found.append(rows.get(_pair_before(padded[i - 1], word), unseen) if word in ending else unseen)
            found.append(rows.get(_pair_after(word, padded[i + 1]), unseen) if word in starting else unseen)
        return found

    def _word_scores(self, words: Sequence[str]) -> np.ndarray:
        """What each word adds to the word at each offset from it: ``(len(words), len(OFFSETS), len(TAGS))``."""
        unseen = len(self.weights) - 1
        groups = [names for word in words for names in self.features.of_word(word)]
        rows = [self.rows.get(name, unseen) for names in groups for name in names]
        starts = np.cumsum([0, *map(len, groups)])[:-1]
        return np.add.reduceat(self.weights[rows], starts, axis=0).reshape(len(words), len(OFFSETS), -1)

    def best_tags(self, scores: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The Viterbi path (tag indices) of each sentence's scores, searched for all sentences at once.

        The sentences are taken longest first, so those still going at each step are the first ones: a step
        works on them alone, with no padding. Ties go to the lower tag index, as in crfsuite (its search keeps
        the first maximum)."""
        found: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(scores)
        lengths = np.array([len(s) for s in scores], dtype=np.intp)
        order = np.argsort(-lengths, kind="stable")[: np.count_nonzero(lengths)]
        if not len(order):
            return found
        ordered = lengths[order]
        starts = np.concatenate([[0], np.cumsum(ordered)[:-1]])
        emitted = np.concatenate([scores[i] for i in order])
        going = np.searchsorted(-ordered, -np.arange(ordered[0]), side="left")  # sentences longer than each step
        into = self.transitions.T.copy()  # (to, from): each step reduces over the last, contiguous axis
        back = np.zeros((len(order), ordered[0], len(TAGS)), dtype=np.int8)
        best = emitted[starts]
        for t in range(1, ordered[0]):
            k = going[t]
            candidates = best[:k, None, :] + into  # (sentences, to, from)
            back[:k, t] = candidates.argmax(axis=2)
            best[:k] = candidates.max(axis=2) + emitted[starts[:k] + t]
        paths = np.zeros((len(order), ordered[0]), dtype=np.intp)
        tag = best.argmax(axis=1)
        for t in range(ordered[0] - 1, -1, -1):  # back from each sentence's end
            k = going[t]
            paths[:k, t] = tag[:k]
            tag[:k] = back[np.arange(k), t, tag[:k]]
        for rank, i in enumerate(order.tolist()):
            found[i] = paths[rank, : ordered[rank]]
        return found


class WordScores:
    """What each word adds at each offset, worked out once per word and kept in one array.

    It keeps up to ``REMEMBERED_WORDS`` words (more only when one call brings more new words); when a call
    would go beyond, it forgets them all and starts again."""

    def __init__(self, score_words: Callable[[Sequence[str]], np.ndarray], shape: tuple[int, int]) -> None:
        self.score_words = score_words
        self.shape = shape
        self.clear()

    def clear(self) -> None:
        self.ids: dict[str, int] = {}
        self.table = np.zeros((1024, *self.shape))

    def scores(self, words: Sequence[str]) -> np.ndarray:
        """The rows of ``words``: ``(len(words), *shape)``."""
        new = list(dict.fromkeys(word for word in words if word not in self.ids))
        if new and len(self.ids) + len(new) > REMEMBERED_WORDS:
            self.clear()
            new = list(dict.fromkeys(words))
        if new:
            self._add(new)
        ids = self.ids
        return self.table[[ids[word] for word in words]]

    def _add(self, words: list[str]) -> None:
        first, count = len(self.ids), len(words)
        if first + count > len(self.table):  # grown by doubling: each row is copied a bounded number of times
            grown = np.zeros((max(2 * len(self.table), first + count), *self.shape))
            grown[:first] = self.table[:first]
            self.table = grown
        self.table[first: first + count] = self.score_words(words)
        self.ids.update(zip(words, range(first, first + count)))
