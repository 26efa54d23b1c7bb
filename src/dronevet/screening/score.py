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
import itertools
from collections.abc import Callable, Sequence

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


def _coverage(
    ours: Sequence[str], theirs: Sequence[str], weight: Callable[[str], float]
) -> float:
    """Weighted share of `ours` explained by `theirs`."""
    their_set = set(theirs)
    joined = {x + y for x, y in itertools.pairwise(theirs)}
    sims = [0.0] * len(ours)
    for i, token in enumerate(ours):
        if token in their_set or token in joined:
            sims[i] = 1.0
        elif i + 1 < len(ours) and token + ours[i + 1] in their_set:
            sims[i] = sims[i + 1] = 1.0
        elif sims[i] == 0.0:
            sims[i] = max((_token_similarity(token, t) for t in their_set), default=0.0)
    total = covered = 0.0
    for token, sim in zip(ours, sims, strict=True):
        w = weight(token)
        total += w
        covered += w * sim
    return covered / total if total else 0.0


def score_names(
    query: Sequence[str], candidate: Sequence[str], idf: Callable[[str], float]
) -> float:
    """How well a normalised candidate name matches a normalised query, in [0, 1]."""
    if not query or not candidate:
        return 0.0
    if set(query) == set(candidate) or "".join(query) == "".join(candidate):
        return 1.0

    def weight(token: str) -> float:
        return idf(token) * (GENERIC_WEIGHT if token in GENERIC_WORDS else 1.0)

    q_cov = _coverage(query, candidate, weight)
    if q_cov == 0.0:
        return 0.0
    c_cov = _coverage(candidate, query, weight)
    cover = q_cov**QUERY_EXPONENT * c_cov ** (1.0 - QUERY_EXPONENT)
    spelling = fuzz.token_sort_ratio(" ".join(query), " ".join(candidate)) / 100.0
    return round((1.0 - SPELLING_SHARE) * cover + SPELLING_SHARE * spelling, 4)


def rank(
    kb: KnowledgeBase,
    index: NameIndex,
    tokens: Sequence[str],
    *,
    limit: int = 5,
    raw: str | None = None,
) -> list[Match]:
    """Score the index's candidates for a normalised query; best entity first (any score)."""
    best: dict[int, tuple[float, int]] = {}
    for name_id in index.candidates(tokens):
        score = score_names(tokens, index.name_tokens_of(name_id), index.idf_of)
        owner = int(index.name_entity[name_id])
        if owner not in best or best[owner][0] < score:
            best[owner] = (score, name_id)
    matches = []
    for entity_idx, (score, name_id) in best.items():
        entity = kb.entities[index.entity_ids[entity_idx]]
        pos = int(index.name_pos[name_id])
        matched = entity.names[pos] if pos < len(entity.names) else entity.name
        matches.append(Match(entity.id, entity.name, matched, score))
    if raw is not None and len(matches) > 1:
        # Equal scores (legal forms stripped: "DJI Technology Inc" vs "DJI Technology Co.,
        # Ltd.") are told apart by the spelling as written, legal form included.
        folded = raw.casefold()

        def entity_names(match: Match) -> tuple[str, ...]:
            return kb.entities[match.entity_id].names
        spelled = {
            m.entity_id: max(fuzz.ratio(folded, n.casefold()) for n in entity_names(m))
            for m in matches
        }
        matches.sort(key=lambda m: (-m.score, -spelled[m.entity_id], m.entity_id))
    else:
        matches.sort(key=lambda m: (-m.score, m.entity_id))
    return matches[:limit]


def resolve(
    kb: KnowledgeBase, query: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[Match]:
    """Entities whose names match `query` at or above `threshold`, best first."""
    tokens = name_tokens(query)
    ranked = rank(kb, index_for(kb), tokens, limit=limit, raw=query)
    return [m for m in ranked if m.score >= threshold]
