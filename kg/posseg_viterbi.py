"""jieba.posseg's Viterbi search over its hidden Markov model, with numpy.

``jieba.posseg`` guesses the words and parts of speech of a run its dictionary
does not cut with a Viterbi search over 256 states (a position in a word, B M E
S, times a part of speech), written in Python: some 380 µs a character here.
``Viterbi`` is the same search with each step's scores as one array operation:
the same sums in the same order (so the same floating-point numbers), the same
states considered at each step, and ties broken as jieba's ``max`` over
``(score, state)`` pairs breaks them, towards the greater state. Its results
equal jieba's (``tests/test_segmenter.py`` compares them on real runs and on
generated ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

#: jieba's score of an emission it has never seen (``MIN_FLOAT`` in ``jieba.posseg.viterbi``).
UNSEEN = -3.14e100

#: A hidden state: a position in a word (B, M, E or S) and a part of speech.
State = tuple[str, str]
#: What the search gives: the best path's log probability and its state at each character.
Tagging = tuple[float, list[State]]


class Viterbi:
    """``viterbi(text)``: jieba.posseg's ``viterbi(text, states, start_p, trans_p, emit_p)`` for fixed tables."""

    def __init__(self, states: Mapping[str, Sequence[State]], start_p: Mapping[State, float],
                 trans_p: Mapping[State, Mapping[State, float]], emit_p: Mapping[State, Mapping[str, float]]) -> None:
        self.names: list[State] = sorted(trans_p)  # index order is jieba's tie order
        self.index = {state: i for i, state in enumerate(self.names)}
        size = len(self.names)
        self.trans = np.full((size, size), -np.inf)
        for state, nexts in trans_p.items():
            for following, score in nexts.items():
                self.trans[self.index[state], self.index[following]] = score
        self.follows = np.isfinite(self.trans)
        self.has_next = self.follows.any(axis=1)
        self.start = np.array([start_p[state] for state in self.names])
        self.everything = np.arange(size)
        self.char_states = {char: np.array(sorted(self.index[s] for s in found)) for char, found in states.items()}
        self.emit_p = [emit_p[state] for state in self.names]
        self.emissions: dict[str, np.ndarray] = {}

    def emission(self, char: str) -> np.ndarray:
        """Each state's score for emitting ``char``."""
        scores = self.emissions.get(char)
        if scores is None:
            scores = self.emissions[char] = np.array([table.get(char, UNSEEN) for table in self.emit_p])
        return scores

    def __call__(self, text: str) -> Tagging:
        current = self.char_states.get(text[0], self.everything)
        scores = self.start[current] + self.emission(text[0])[current]
        back: list[tuple[np.ndarray, np.ndarray]] = []  # per step: its states, the state before each
        for char in text[1:]:
            current, scores, previous = self._step(current, scores, char)
            back.append((current, previous))
        last = len(current) - 1 - int(np.argmax(scores[::-1]))  # the last of equal maxima: the greater state
        state = int(current[last])
        route = [state]
        for states, previous in reversed(back):
            state = int(previous[int(np.searchsorted(states, state))])
            route.append(state)
        return float(scores[last]), [self.names[i] for i in reversed(route)]

    def _step(self, current: np.ndarray, scores: np.ndarray, char: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The states ``char`` may take after the ``current`` ones (sorted), their best scores, and the state
        before each on its best path."""
        keep = self.has_next[current]
        before, before_scores = current[keep], scores[keep]
        expected = self.follows[before].any(axis=0)
        candidates = self.char_states.get(char, self.everything)
        candidates = candidates[expected[candidates]]
        if not len(candidates):
            candidates = np.flatnonzero(expected) if expected.any() else self.everything
        step = (before_scores[:, None] + self.trans[np.ix_(before, candidates)]) + self.emission(char)[candidates]
        best = len(before) - 1 - np.argmax(step[::-1], axis=0)  # the last of equal maxima: the greater state
        return candidates, step[best, np.arange(len(candidates))], before[best]
