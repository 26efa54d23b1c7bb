"""The scoring algorithm `idf-soft-cover-v1` written plainly in Python, one word pair at a
time: the oracle the compiled kernel (`dronevet.screening.kernel`) is checked against.

It follows score.py's docstring line by line and is kept deliberately simple: sets of
strings, rapidfuzz for the typo distance and the spelling ratio.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

QUERY_EXPONENT = 0.7
SPELLING_SHARE = 0.1


def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    short = min(len(a), len(b))
    if short < 4:
        return 0.0
    limit = 2 if short >= 9 else 1
    if OSA.distance(a, b, score_cutoff=limit) <= limit:
        return 0.9
    if b.startswith(a) or a.startswith(b):
        return 0.75
    return 0.0


@dataclass(frozen=True)
class Side:
    """A normalised name (or query) with its token weights."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]

    @classmethod
    def of(cls, tokens: Sequence[str], weight: Callable[[str], float]) -> Side:
        return cls(tuple(tokens), tuple(map(weight, tokens)))

    @property
    def total(self) -> float:
        return sum(self.weights)

    @property
    def token_set(self) -> frozenset[str]:
        return frozenset(self.tokens)

    @property
    def joined(self) -> frozenset[str]:
        return frozenset(map(operator.add, self.tokens, self.tokens[1:]))

    def explains(self, token: str) -> float:
        if token in self.token_set or token in self.joined:
            return 1.0
        if len(token) >= 4:
            return max(token_similarity(token, t) for t in self.token_set)
        return 0.0


def coverage(ours: Side, theirs: Side) -> float:
    """Weighted share of `ours` explained by `theirs`."""
    if ours.token_set <= theirs.token_set:
        return 1.0 if ours.total else 0.0
    tokens = ours.tokens
    n = len(tokens)
    sims = [0.0] * n
    for i, token in enumerate(tokens):
        sim = theirs.explains(token)
        if sim == 1.0:
            sims[i] = 1.0
        elif i + 1 < n and token + tokens[i + 1] in theirs.token_set:
            sims[i] = sims[i + 1] = 1.0
        elif sims[i] == 0.0:
            sims[i] = sim
    total = ours.total
    return sum(map(operator.mul, ours.weights, sims)) / total if total else 0.0


def score(query: Side, candidate: Side) -> float:
    """The algorithm's score of a candidate for a query, rounded to 4 places."""
    if query.token_set == candidate.token_set or "".join(query.tokens) == "".join(
        candidate.tokens
    ):
        return 1.0
    q_cov = coverage(query, candidate)
    if not q_cov:
        return 0.0
    c_cov = coverage(candidate, query)
    cover = q_cov**QUERY_EXPONENT * c_cov ** (1.0 - QUERY_EXPONENT)
    spelling = fuzz.ratio(" ".join(sorted(query.tokens)), " ".join(sorted(candidate.tokens)))
    return round((1.0 - SPELLING_SHARE) * cover + SPELLING_SHARE * spelling / 100.0, 4)
