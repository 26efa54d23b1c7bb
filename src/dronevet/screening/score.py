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
  the spelling of the sorted tokens (rapidfuzz's `token_sort_ratio`) as a tie-breaker.
- Legal forms are already stripped by normalisation, so an overlap made only of
  `Co., Ltd.` scores nothing.

`kernel.py` computes scores in numba, all candidates of a query in one call;
tests/screening/reference_score.py states the same algorithm in plain Python and is the
oracle it is tested against.

The default threshold `DEFAULT_THRESHOLD` was set on the labelled variants in
`bench/screening_data/variants.tsv` (precision and recall printed by the benchmark).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from dronevet.knowledge.loader import KnowledgeBase
from dronevet.screening import kernel
from dronevet.screening.index import NameIndex, index_for
from dronevet.screening.model import Match
from dronevet.screening.normalize import name_tokens

ALGORITHM = "idf-soft-cover-v1"
DEFAULT_THRESHOLD = 0.80
GENERIC_WEIGHT = 0.2
WORD_MEMO_SIZE = 1 << 16

GENERIC_WORDS = frozenset(
    """
    technology technologies tech science sciences innovation innovations intelligent
    international global group holding holdings industries industry industrial
    america american usa us uk
    china chinese hongkong hk shenzhen guangzhou beijing shanghai hangzhou dongguan zhuhai
    shi sz gz new
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# A query as the kernel reads it: its tokens' bytes, their lengths, vocabulary ids (-1:
# unknown) and weights.
QuerySide = tuple[
    NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]
]


def _side(
    tokens: Sequence[str], ids: Sequence[int], weights: Sequence[float]
) -> QuerySide:
    return (
        np.frombuffer("".join(tokens).encode("ascii"), dtype=np.uint8),
        np.array([len(t) for t in tokens], dtype=np.int64),
        np.array(ids, dtype=np.int64),
        np.array(weights, dtype=np.float64),
    )


def score_names(
    query: Sequence[str], candidate: Sequence[str], idf: Callable[[str], float]
) -> float:
    """How well a normalised candidate name matches a normalised query, in [0, 1]."""
    if not query or not candidate:
        return 0.0

    def weight(token: str) -> float:
        return idf(token) * (GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0)

    words: dict[str, int] = {}
    sides = [
        _side(tokens, [words.setdefault(t, len(words)) for t in tokens], list(map(weight, tokens)))
        for tokens in (query, candidate)
    ]
    return round(kernel.score_pair(*sides[0], *sides[1]), 4)


class _IndexScoring:
    """Token weights of one index, and the query side of each word as scoring reads it."""

    def __init__(self, index: NameIndex):
        self.index = index
        generic = np.array([t in GENERIC_WORDS for t in index.tokens], dtype=bool)
        idf = index.idf.astype(np.float64)
        self.token_weights = np.where(generic, idf * GENERIC_WEIGHT, idf)
        self.weights: list[float] = self.token_weights.tolist()
        # word -> (vocabulary id or -1, weight): a word-level memo.
        self._words: dict[str, tuple[int, float]] = {}

    def word(self, token: str) -> tuple[int, float]:
        """A query word's vocabulary id (-1 if the index lacks it) and weight."""
        known = self._words.get(token)
        if known is None:
            tid = self.index.vocab.get(token)
            if tid is not None:
                known = (tid, self.weights[tid])
            else:
                generic = GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0
                known = (-1, self.index.unknown_idf * generic)
            if len(self._words) >= WORD_MEMO_SIZE:
                self._words.clear()
            self._words[token] = known
        return known

    def query(self, tokens: Sequence[str]) -> QuerySide:
        words = [self.word(t) for t in tokens]
        return _side(tokens, [tid for tid, _ in words], [w for _, w in words])

    def score(self, query: QuerySide, names: Sequence[int]) -> list[float]:
        """Raw scores of index names against a query (1.0 exactly: the same whole name)."""
        index = self.index
        raw = kernel.score_candidates(
            *query,
            np.array(names, dtype=np.int32),
            index.name_tok_ptr,
            index.name_tok,
            index.token_buf,
            index.token_ptr,
            index.token_hashes,
            self.token_weights,
        )
        scores: list[float] = raw.tolist()
        return scores


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
    """The candidate names of one normalised query, scored as far as an answer needs.

    Names that equal the query whole (the same distinct tokens, or the same letters) score
    1 first; when they already fill the answer (`top(1)` of a name the base holds), nothing
    else is retrieved. Otherwise every retrieved candidate is scored in one compiled call,
    and a later `top` with a wider limit reads the same scores. An entity is represented by
    its best-scoring name, the earlier retrieved on a tie.
    """

    def __init__(
        self, kb: KnowledgeBase, index: NameIndex, tokens: Sequence[str], raw: str | None = None
    ):
        self.kb = kb
        self.index = index
        self.tokens = tuple(tokens)
        self.raw = raw
        self._scoring = _scoring(index)
        # entity index -> (raw score, -candidate order, name id): each entity's best name.
        self._best: dict[int, tuple[float, int, int]] = {}
        self._retrieved = False
        if self.tokens:
            token_set, letters = frozenset(self.tokens), "".join(self.tokens)
            for name_id in index.whole_name_hits(self.tokens):
                name = index.name_tokens_of(name_id)
                if frozenset(name) == token_set or "".join(name) == letters:
                    self._best[int(index.name_entity[name_id])] = (1.0, 1, name_id)

    def _retrieve(self) -> None:
        best = self._best
        names, owners = self.index.candidates(self.tokens)
        found = [
            (order, name_id, owner)
            for order, (name_id, owner) in enumerate(zip(names, owners, strict=True))
            if best.get(owner, (0.0,))[0] < 1.0
        ]
        if not found:
            return
        query = self._scoring.query(self.tokens)
        scores = self._scoring.score(query, [name_id for _, name_id, _ in found])
        for (order, name_id, owner), score in zip(found, scores, strict=True):
            entry = (score, -order, name_id)
            known = best.get(owner)
            if known is None or entry[:2] > known[:2]:
                best[owner] = entry

    @property
    def whole(self) -> bool:
        """Whether some entity holds the query as one of its names, whole."""
        return bool(self._best) and not self._retrieved

    def ranked(self, limit: int = 5) -> list[tuple[float, int, int]]:
        """The `limit` best entities, best first, as (score, entity index, name id)."""
        if not self.tokens:
            return []
        if not self._retrieved and len(self._best) < limit:
            self._retrieved = True
            self._retrieve()
        best = {owner: (score, name_id) for owner, (score, _, name_id) in self._best.items()}
        return _ordered(self.kb, self.index, best, limit, self.raw)

    def match(self, entry: tuple[float, int, int]) -> Match:
        """One entry of `ranked` as a match."""
        score, entity_idx, name_id = entry
        return _match(self.kb, self.index, entity_idx, score, name_id)

    def top(self, limit: int = 5) -> list[Match]:
        """The `limit` best entities, best first."""
        return [self.match(entry) for entry in self.ranked(limit)]


def rank(
    kb: KnowledgeBase,
    index: NameIndex,
    tokens: Sequence[str],
    *,
    limit: int = 5,
    raw: str | None = None,
) -> list[Match]:
    """Score the index's candidates for a normalised query; the `limit` best entities first."""
    return Ranking(kb, index, tokens, raw).top(limit)


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


def _spelled(kb: KnowledgeBase, entity_idx: int, index: NameIndex, folded: str) -> float:
    """How close the query as written comes to any of an entity's names (legal forms and
    all): what tells apart entities whose normalised names score the same."""
    names = _casefolded(kb.entities[index.entity_ids[entity_idx]].names)
    best = process.extractOne(folded, names, scorer=fuzz.ratio)
    return float(best[1]) if best else 0.0


def _ordered(
    kb: KnowledgeBase,
    index: NameIndex,
    best: dict[int, tuple[float, int]],
    limit: int,
    raw: str | None,
) -> list[tuple[float, int, int]]:
    """The `limit` best entities as (score, entity index, name id). Entities scoring 0
    share nothing with the query and are left out; equal scores are told apart by the
    spelling as written ("DJI Technology Inc" vs "DJI Technology Co., Ltd.", legal forms
    being stripped before scoring), then by entity id."""
    ranked = [
        (round(score, 4), entity_idx, name_id)
        for entity_idx, (score, name_id) in best.items()
        if score > 0.0
    ]
    if len(ranked) > 1:
        ranked.sort(reverse=True)
        if len(ranked) > limit:  # keep whatever ties with the last place
            cut = ranked[limit - 1][0] if limit > 0 else 2.0
            ranked = [r for r in ranked if r[0] >= cut]
        scores = [r[0] for r in ranked]
        if len(set(scores)) < len(scores):
            folded = raw.casefold() if raw is not None else None

            def order(item: tuple[float, int, int]) -> tuple[float, float, str]:
                score, entity_idx, _ = item
                tied = folded is not None and scores.count(score) > 1
                spelled = _spelled(kb, entity_idx, index, folded) if folded and tied else 0.0
                return -score, -spelled, index.entity_ids[entity_idx]

            ranked.sort(key=order)
        else:
            ranked.sort(key=lambda r: -r[0])
    return ranked[:limit]


def resolve(
    kb: KnowledgeBase, query: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[Match]:
    """Entities whose names match `query` at or above `threshold`, best first."""
    tokens = name_tokens(query)
    ranked = rank(kb, index_for(kb), tokens, limit=limit, raw=query)
    return [m for m in ranked if m.score >= threshold]
