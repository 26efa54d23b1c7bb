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

`search.py` finds and `kernel.py` scores the candidates, in one compiled call per query;
tests/screening/reference_score.py states the same algorithm in plain Python and is the
oracle it is tested against.

The default threshold `DEFAULT_THRESHOLD` was set on the labelled variants in
`bench/screening_data/variants.tsv` (precision and recall printed by the benchmark).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from dronevet.knowledge.base import KnowledgeBase
from dronevet.screening import kernel
from dronevet.screening.index import NameIndex
from dronevet.screening.kernel import GENERIC_WEIGHT, GENERIC_WORDS
from dronevet.screening.model import DEFAULT_THRESHOLD, Match
from dronevet.screening.normalize import name_tokens
from dronevet.screening.search import Found, Searcher, names_of

ALGORITHM = "idf-soft-cover-v1"


def _side(
    tokens: Sequence[str], ids: Sequence[int], weights: Sequence[float]
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
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


def ranked(
    searcher: Searcher,
    tokens: Sequence[str],
    *,
    limit: int = 5,
    enough: float = 2.0,
    raw: str | None = None,
) -> list[tuple[float, int, int]]:
    """The `limit` best entities for a normalised query, best first, as (score, entity
    index, name id); or, once the best scores `enough`, that one alone. `raw`, the query
    as written, tells apart entities whose names score the same."""
    if not tokens:
        return []
    found = searcher.search(tokens, depth=limit, enough=enough)
    entries = _ordered(searcher.index, found, limit, raw)
    if entries and entries[0][0] >= enough:
        return entries[:1]
    return entries


def rank(
    searcher: Searcher,
    tokens: Sequence[str],
    *,
    limit: int = 5,
    raw: str | None = None,
) -> list[Match]:
    """The `limit` best entities for a normalised query, best first."""
    index = searcher.index
    return [as_match(index, e) for e in ranked(searcher, tokens, limit=limit, raw=raw)]


def as_match(index: NameIndex, entry: tuple[float, int, int]) -> Match:
    """An entry of `ranked` as a match: the item's id, first name, the name that matched."""
    score, entity_idx, name_id = entry
    names = index.entity_names[entity_idx]
    pos = int(index.name_pos[name_id])
    return Match(index.entity_ids[entity_idx], names[0], names[pos], score)


@functools.lru_cache(maxsize=1 << 14)
def _casefolded(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n.casefold() for n in names)


def _spelled(index: NameIndex, entity_idx: int, folded: str) -> float:
    """How close the query as written comes to any of an entity's names (legal forms and
    all): what tells apart entities whose normalised names score the same."""
    names = _casefolded(index.entity_names[entity_idx])
    best = process.extractOne(folded, names, scorer=fuzz.ratio)
    return float(best[1]) if best else 0.0


def _ordered(
    index: NameIndex, found: Found, limit: int, raw: str | None
) -> list[tuple[float, int, int]]:
    """The `limit` best entities as (score, entity index, name id). Entities scoring 0
    share nothing with the query and are left out; equal scores are told apart by the
    spelling as written ("DJI Technology Inc" vs "DJI Technology Co., Ltd.", legal forms
    being stripped before scoring), then by entity id."""
    if len(found.scores) == 1:  # the common case: one entity holds the name whole
        score = found.scores[0]
        return [(round(score, 4), found.entities[0], found.names[0])] if score > 0 and limit else []
    ranked = [
        (round(score, 4), entity_idx, name_id)
        for entity_idx, name_id, score in zip(
            found.entities, found.names, found.scores, strict=True
        )
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
                spelled = _spelled(index, entity_idx, folded) if folded and tied else 0.0
                return -score, -spelled, index.entity_ids[entity_idx]

            ranked.sort(key=order)
    return ranked[:limit]


def resolve(
    kb: KnowledgeBase, query: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[Match]:
    """Entities whose names match `query` at or above `threshold`, best first."""
    tokens = name_tokens(query)
    ranked = rank(names_of(kb), tokens, limit=limit, raw=query)
    return [m for m in ranked if m.score >= threshold]
