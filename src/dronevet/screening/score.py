"""Careful scoring of a few candidate names against a query, and `resolve(kb, query)`.

Algorithm `idf-soft-cover-v1` (score in [0, 1]):

- Each token of the query is paired with its best counterpart in the candidate name and
  vice versa: equal tokens count 1, a typo within one edit (two for 9+ letters, rapidfuzz
  optimal string alignment) 0.9, an abbreviation that is a prefix of 4+ letters 0.75.
  Two adjacent tokens that equal one token on the other side count 1 (`da jiang` /
  `dajiang`). Tokens shorter than 4 letters must be equal: no typo tolerance for `dji`.
- Tokens weigh their inverse document frequency in the index, so a missing rare token
  (`analytics` in "Parrot Analytics") costs much more than a missing common one.
  Generic words (places, `technology`, `group`...) weigh a fifth, because registries
  and press add or drop them freely ("Shenzhen ... Technology Co." vs "DJI").
- Query coverage and candidate coverage combine as `q^0.7 * c^0.3`: what the user typed
  must be explained more strictly than what the registry adds. 10 % of the score is
  rapidfuzz's `token_sort_ratio` as a tie-breaker on spelling.
- Legal forms are already stripped by normalisation, so an overlap made only of
  `Co., Ltd.` scores nothing.

The default threshold `DEFAULT_THRESHOLD` was set on the labelled variants in
`bench/screening_data/variants.tsv` (precision and recall printed by the benchmark).
"""

from __future__ import annotations

import functools
import heapq
import operator
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from dronevet.knowledge.loader import KnowledgeBase
from dronevet.screening.index import NameIndex, index_for
from dronevet.screening.model import Match
from dronevet.screening.normalize import name_tokens

ALGORITHM = "idf-soft-cover-v1"
DEFAULT_THRESHOLD = 0.80
GENERIC_WEIGHT = 0.2
QUERY_EXPONENT = 0.7
SPELLING_SHARE = 0.1
NAME_CACHE_SIZE = 200_000
MATCHED_MEMO_SIZE = 64

GENERIC_WORDS = frozenset(
    """
    technology technologies tech science sciences innovation innovations intelligent
    international global group holding holdings industries industry industrial
    america american usa us uk
    china chinese hongkong hk shenzhen guangzhou beijing shanghai hangzhou dongguan zhuhai
    shi sz gz new
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@functools.lru_cache(maxsize=1 << 18)
def _token_similarity(a: str, b: str) -> float:
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


@dataclass(frozen=True, slots=True)
class ScoredName:
    """A normalised name with what scoring needs of it, computed once."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    total: float
    token_set: frozenset[str]
    joined: frozenset[str]
    letters: str
    sorted_text: str
    # Other side's token -> how well this name explains it (1 equal or joined, else the best
    # typo or prefix similarity): a word-level memo, kept with the name across queries.
    matched: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, tokens: Sequence[str], weight: Callable[[str], float]) -> ScoredName:
        weights = tuple(map(weight, tokens))
        return cls(
            tuple(tokens),
            weights,
            sum(weights),
            frozenset(tokens),
            frozenset(map(operator.add, tokens, tokens[1:])),
            "".join(tokens),
            " ".join(sorted(tokens)),
        )

    def explains(self, token: str) -> float:
        """How well this name explains one token of the other side, pairs aside."""
        known = self.matched.get(token)
        if known is None:
            if token in self.token_set or token in self.joined:
                known = 1.0
            elif len(token) >= 4:
                known = max([_token_similarity(token, t) for t in self.token_set])
            else:
                known = 0.0
            if len(self.matched) < MATCHED_MEMO_SIZE:
                self.matched[token] = known
        return known


def _coverage(ours: ScoredName, theirs: ScoredName) -> float:
    """Weighted share of `ours` explained by `theirs`."""
    their_set = theirs.token_set
    if ours.token_set <= their_set:
        return 1.0 if ours.total else 0.0
    tokens = ours.tokens
    matched = theirs.matched
    n = len(tokens)
    sims = [0.0] * n
    for i, token in enumerate(tokens):
        sim = matched.get(token)
        if sim is None:
            sim = theirs.explains(token)
        if sim == 1.0:
            sims[i] = 1.0
        elif i + 1 < n and token + tokens[i + 1] in their_set:
            sims[i] = sims[i + 1] = 1.0
        elif sims[i] == 0.0:
            sims[i] = sim
    total = ours.total
    return sum(map(operator.mul, ours.weights, sims)) / total if total else 0.0


def _is_whole(query: ScoredName, candidate: ScoredName) -> bool:
    return query.token_set == candidate.token_set or query.letters == candidate.letters


def _upper_bound(q_cov: float) -> float:
    """The highest score a candidate can reach given its query coverage (c_cov, spelling 1)."""
    return (1.0 - SPELLING_SHARE) * q_cov**QUERY_EXPONENT + SPELLING_SHARE + 1e-4


def _finish(query: ScoredName, candidate: ScoredName, q_cov: float) -> float:
    c_cov = _coverage(candidate, query)
    cover = q_cov**QUERY_EXPONENT * c_cov ** (1.0 - QUERY_EXPONENT)
    spelling = fuzz.ratio(query.sorted_text, candidate.sorted_text) / 100.0
    return round((1.0 - SPELLING_SHARE) * cover + SPELLING_SHARE * spelling, 4)


def score_names(
    query: Sequence[str], candidate: Sequence[str], idf: Callable[[str], float]
) -> float:
    """How well a normalised candidate name matches a normalised query, in [0, 1]."""
    if not query or not candidate:
        return 0.0

    def weight(token: str) -> float:
        return idf(token) * (GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0)

    q, c = ScoredName.of(query, weight), ScoredName.of(candidate, weight)
    if _is_whole(q, c):
        return 1.0
    q_cov = _coverage(q, c)
    return _finish(q, c, q_cov) if q_cov else 0.0


class _IndexScoring:
    """Token weights and scored names of one index, computed on first use."""

    def __init__(self, index: NameIndex):
        self.index = index
        generic = np.array([t in GENERIC_WORDS for t in index.tokens], dtype=bool)
        idf = index.idf.astype(np.float64)
        self.weights: list[float] = np.where(generic, idf * GENERIC_WEIGHT, idf).tolist()
        self.names: dict[int, ScoredName] = {}

    def weight(self, token: str) -> float:
        tid = self.index.vocab.get(token)
        if tid is not None:
            return self.weights[tid]
        generic = GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0
        return self.index.unknown_idf * generic

    def name(self, name_id: int) -> ScoredName:
        known = self.names.get(name_id)
        if known is None:
            known = ScoredName.of(self.index.name_tokens_of(name_id), self.weight)
            if len(self.names) >= NAME_CACHE_SIZE:
                self.names.clear()
            self.names[name_id] = known
        return known


_SCORING: weakref.WeakKeyDictionary[NameIndex, _IndexScoring] = weakref.WeakKeyDictionary()
_SCORING_LOCK = threading.Lock()


def _scoring(index: NameIndex) -> _IndexScoring:
    scoring = _SCORING.get(index)
    if scoring is None:
        with _SCORING_LOCK:
            scoring = _SCORING.get(index)
            if scoring is None:
                scoring = _SCORING[index] = _IndexScoring(index)
    return scoring


class Ranking:
    """The candidate names of one normalised query, scored only as far as an answer needs.

    Names that equal the query whole score 1 without further work; when they already fill
    the answer, nothing else is even retrieved. Every other candidate first gets its query
    coverage, which bounds its score; `top(limit, floor)` then finishes candidates best
    bound first, only while one can still reach `floor` and the `limit`-th best score. A
    later call with a wider limit or a lower floor continues from there.
    """

    def __init__(
        self, kb: KnowledgeBase, index: NameIndex, tokens: Sequence[str], raw: str | None = None
    ):
        self.kb = kb
        self.index = index
        self.tokens = tuple(tokens)
        self.raw = raw
        self._scoring = _scoring(index)
        self._query_name: ScoredName | None = None
        # entity index -> (score, -candidate order, name id): the best name of each entity.
        self._best: dict[int, tuple[float, int, int]] = {}
        self._pending: list[tuple[float, int, int, float]] | None = None
        if self.tokens:
            token_set, letters = frozenset(self.tokens), "".join(self.tokens)
            for name_id in index.whole_name_hits(self.tokens):
                name = self._scoring.name(name_id)
                if name.token_set == token_set or name.letters == letters:
                    self._record(name_id, 1.0, -1)

    @property
    def _query(self) -> ScoredName:
        """The query as scoring sees it (not needed when whole-name hits answer)."""
        query = self._query_name
        if query is None:
            query = self._query_name = ScoredName.of(self.tokens, self._scoring.weight)
        return query

    def _record(self, name_id: int, score: float, order: int) -> None:
        owner = int(self.index.name_entity[name_id])
        entry = (score, -order, name_id)
        known = self._best.get(owner)
        if known is None or entry[:2] > known[:2]:
            self._best[owner] = entry

    def _retrieve(self) -> list[tuple[float, int, int, float]]:
        pending: list[tuple[float, int, int, float]] = []
        whole = {owner for owner, (score, _, _) in self._best.items() if score >= 1.0}
        names = self.index.candidates(self.tokens)
        owners = self.index.name_entity[names].tolist() if names else []
        query = self._query
        scored = self._scoring.names
        for order, (name_id, owner) in enumerate(zip(names, owners, strict=True)):
            if owner in whole:
                continue
            candidate = scored.get(name_id) or self._scoring.name(name_id)
            if _is_whole(query, candidate):
                self._record(name_id, 1.0, order)
            else:
                q_cov = _coverage(query, candidate)
                pending.append((-_upper_bound(q_cov), order, name_id, q_cov))
        heapq.heapify(pending)
        return pending

    def _cut(self, limit: int, floor: float) -> float:
        if len(self._best) < limit:
            return floor
        if limit == 1:
            return max(floor, max(score for score, _, _ in self._best.values()))
        return max(floor, sorted(score for score, _, _ in self._best.values())[-limit])

    def top(self, limit: int = 5, floor: float = 0.0) -> list[Match]:
        """The `limit` best entities, best first; entities that cannot reach `floor` may be
        left out."""
        if not self.tokens:
            return []
        if self._pending is None and len(self._best) < limit:
            self._pending = self._retrieve()
        pending = self._pending or []
        cut = self._cut(limit, floor)
        while pending and -pending[0][0] >= cut:
            _, order, name_id, q_cov = heapq.heappop(pending)
            candidate = self._scoring.name(name_id)
            score = _finish(self._query, candidate, q_cov) if q_cov else 0.0
            self._record(name_id, score, order)
            cut = self._cut(limit, floor)
        best = {owner: (score, name_id) for owner, (score, _, name_id) in self._best.items()}
        return _ordered(self.kb, self.index, best, limit, self.raw)


def rank(
    kb: KnowledgeBase,
    index: NameIndex,
    tokens: Sequence[str],
    *,
    limit: int = 5,
    raw: str | None = None,
    floor: float = 0.0,
) -> list[Match]:
    """Score the index's candidates for a normalised query; the `limit` best entities first
    (see `Ranking`: entities that cannot reach `floor` may be left out)."""
    return Ranking(kb, index, tokens, raw).top(limit, floor)


def _match(
    kb: KnowledgeBase, index: NameIndex, entity_idx: int, score: float, name_id: int
) -> Match:
    entity = kb.entities[index.entity_ids[entity_idx]]
    pos = int(index.name_pos[name_id])
    matched = entity.names[pos] if pos < len(entity.names) else entity.name
    return Match(entity.id, entity.name, matched, score)


@functools.lru_cache(maxsize=1 << 14)
def _casefolded(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n.casefold() for n in names)


def _ordered(
    kb: KnowledgeBase,
    index: NameIndex,
    best: dict[int, tuple[float, int]],
    limit: int,
    raw: str | None,
) -> list[Match]:
    if len(best) == 1:
        ((entity_idx, (score, name_id)),) = best.items()
        return [_match(kb, index, entity_idx, score, name_id)][:limit]
    matches = [
        _match(kb, index, entity_idx, score, name_id)
        for entity_idx, (score, name_id) in best.items()
    ]
    scores = [m.score for m in matches]
    tied = {s for s in scores if scores.count(s) > 1}
    spelled: dict[str, float] = {}
    if raw is not None and tied:
        # Equal scores (legal forms stripped: "DJI Technology Inc" vs "DJI Technology Co.,
        # Ltd.") are told apart by the spelling as written, legal form included.
        folded = raw.casefold()
        for m in matches:
            if m.score in tied:
                names = _casefolded(kb.entities[m.entity_id].names)
                spelled[m.entity_id] = max([fuzz.ratio(folded, n) for n in names])
    matches.sort(key=lambda m: (-m.score, -spelled.get(m.entity_id, 0.0), m.entity_id))
    return matches[:limit]


def resolve(
    kb: KnowledgeBase, query: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[Match]:
    """Entities whose names match `query` at or above `threshold`, best first."""
    tokens = name_tokens(query)
    ranked = rank(kb, index_for(kb), tokens, limit=limit, raw=query, floor=threshold)
    return [m for m in ranked if m.score >= threshold]
