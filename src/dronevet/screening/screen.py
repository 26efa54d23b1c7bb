"""Screening a free-text name: resolve it to an entity, then determine whether it is covered.

`screen(kb, query, as_of)` is the one-shot form behind `dronevet screen`; `Screener` keeps
the name index of one knowledge base and, optionally, a cache of recent answers for batch
work (screening a supplier list, attributing thousands of traffic destinations).

Resolving looks for the one best entity at or above the threshold: a name the base holds
whole is answered before any other candidate is retrieved, and a best score at the
threshold ends the scoring; a name that matches nothing is explained by the closest
entities, ranked exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

from dronevet.knowledge.loader import KnowledgeBase
from dronevet.screening.control import determine
from dronevet.screening.index import NameIndex, index_for, kb_stamp
from dronevet.screening.model import (
    DEFAULT_CRITERIA,
    CoveredCriteria,
    CoveredStatus,
    Match,
    Reason,
    ReasonKind,
    ScreeningResult,
)
from dronevet.screening.normalize import name_tokens
from dronevet.screening.score import ALGORITHM, DEFAULT_THRESHOLD, as_match, rank, ranked

CLOSEST = 5


def _match_reason(kb: KnowledgeBase, query: str, match: Match) -> Reason:
    entity = kb.entities[match.entity_id]
    how = "its name" if match.matched_name == entity.name else f"the name {match.matched_name!r}"
    if match.matched_name in entity.previous_names:
        how = f"its former name {match.matched_name!r}"
    return Reason(
        ReasonKind.match,
        f"{query!r} matched {entity.name} through {how} "
        f"(score {match.score:.2f}, algorithm {ALGORITHM}).",
        entity.source,
        entity.id,
    )


def _no_match(query: str, threshold: float, near: tuple[Match, ...]) -> Reason:
    text = f"{query!r} matched no entity in the knowledge base at score {threshold:.2f} or above."
    if near:
        text += " Closest: " + ", ".join(f"{m.name} ({m.score:.2f})" for m in near[:3]) + "."
    return Reason(ReasonKind.no_match, text)


class Screener:
    """Screens names against one knowledge base; holds its index and recent matches."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        criteria: CoveredCriteria = DEFAULT_CRITERIA,
        cache_size: int = 65536,
    ):
        self.kb = kb
        self.threshold = threshold
        self.criteria = criteria
        self._index: NameIndex | None = None
        self._stamp = (-1, -1)
        self._answer = (
            functools.lru_cache(maxsize=cache_size)(self._answer_uncached)
            if cache_size
            else self._answer_uncached
        )

    @property
    def index(self) -> NameIndex:
        """The knowledge base's name index (rebuilt if entities were added since)."""
        stamp = kb_stamp(self.kb)
        if self._index is None or self._stamp != stamp:
            self._index, self._stamp = index_for(self.kb), stamp
        return self._index

    def _answer_uncached(self, query: str) -> tuple[Match | None, tuple[Match, ...]]:
        """The match at or above the threshold, or None and the closest entities."""
        kb, index = self.kb, self.index
        entries = ranked(
            kb, index, name_tokens(query), limit=CLOSEST, enough=self.threshold, raw=query
        )
        if entries and entries[0][0] >= self.threshold:
            match = as_match(kb, index, entries[0])
            return match, (match,)
        return None, tuple(as_match(kb, index, e) for e in entries)

    def candidates(self, query: str, limit: int = 5) -> tuple[Match, ...]:
        """The best-scoring entities for a name, whatever their score, best first."""
        return tuple(rank(self.kb, self.index, name_tokens(query), limit=limit, raw=query))

    def resolve(self, query: str) -> Match | None:
        """The entity a name refers to, or None below the threshold."""
        return self._answer(query)[0]

    def screen(self, query: str, as_of: date) -> ScreeningResult:
        """Resolve a name and determine whether its entity is covered on `as_of`.

        The result's `candidates` are the match alone, or, when nothing matches, the
        `CLOSEST` entities with their scores.
        """
        match, near = self._answer(query)
        if match is None:
            reason = _no_match(query, self.threshold, near)
            return ScreeningResult(query, as_of, None, CoveredStatus.unknown, (reason,), near)
        det = determine(self.kb, match.entity_id, as_of, self.criteria)
        reasons = (_match_reason(self.kb, query, match), *det.reasons)
        return ScreeningResult(query, as_of, match, det.status, reasons, near, det.chain)

    def screen_many(self, queries: Iterable[str], as_of: date) -> list[ScreeningResult]:
        return [self.screen(q, as_of) for q in queries]


def screen(
    kb: KnowledgeBase,
    query: str,
    as_of: date,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    criteria: CoveredCriteria = DEFAULT_CRITERIA,
) -> ScreeningResult:
    """Screen one name on one date (the index of `kb` is built once and reused)."""
    return Screener(kb, threshold=threshold, criteria=criteria, cache_size=1).screen(query, as_of)
