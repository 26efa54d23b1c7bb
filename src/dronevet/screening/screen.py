"""Screening a free-text name: resolve it to an entity, then determine whether it is covered.

`screen(kb, query, as_of)` is the one-shot form behind `dronevet screen`; `Screener` keeps
the name index of one knowledge base and, optionally, a cache of recent answers for batch
work (screening a supplier list, attributing thousands of traffic destinations).

A name that carries a covered entity's distinctive word (`shared_words.py`) is at least
`review`, with that reason, whatever it matched.

Resolving looks for the one best entity at or above the threshold: a name the base holds
whole is answered before any other candidate is retrieved, and a best score at the
threshold ends the scoring; a name that matches nothing is explained by the closest
entities, ranked exactly.
"""

from __future__ import annotations

import functools
from datetime import date

from dronevet.knowledge.base import KnowledgeBase
from dronevet.screening.control import determine
from dronevet.screening.model import (
    DEFAULT_CRITERIA,
    DEFAULT_THRESHOLD,
    CoveredCriteria,
    CoveredStatus,
    Match,
    Reason,
    ReasonKind,
    ScreeningResult,
)
from dronevet.screening.normalize import name_tokens
from dronevet.screening.score import ALGORITHM, as_match, rank, ranked
from dronevet.screening.search import Searcher, names_of
from dronevet.screening.shared_words import shared_words

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
        self._answer = (
            functools.lru_cache(maxsize=cache_size)(self._answer_uncached)
            if cache_size
            else self._answer_uncached
        )

    @property
    def searcher(self) -> Searcher:
        """The compiled search over the knowledge base's names (built once per base)."""
        return names_of(self.kb)

    def _answer_uncached(
        self, query: str
    ) -> tuple[Match | None, tuple[Match, ...], tuple[tuple[str, str], ...]]:
        """The match at or above the threshold (or None and the closest entities), and the
        distinctive words of entities the name carries."""
        searcher = self.searcher
        tokens = name_tokens(query)
        entries = ranked(searcher, tokens, limit=CLOSEST, enough=self.threshold, raw=query)
        words = shared_words(self.kb, tokens)
        index = searcher.index
        if entries and entries[0][0] >= self.threshold:
            match = as_match(index, entries[0])
            return match, (match,), words
        return None, tuple(as_match(index, e) for e in entries), words

    def candidates(self, query: str, limit: int = 5) -> tuple[Match, ...]:
        """The best-scoring entities for a name, whatever their score, best first."""
        return tuple(rank(self.searcher, name_tokens(query), limit=limit, raw=query))

    def resolve(self, query: str) -> Match | None:
        """The entity a name refers to, or None below the threshold."""
        return self._answer(query)[0]

    def screen(self, query: str, as_of: date) -> ScreeningResult:
        """Resolve a name and determine whether its entity is covered on `as_of`.

        The result's `candidates` are the match alone, or, when nothing matches, the
        `CLOSEST` entities with their scores.
        """
        match, near, words = self._answer(query)
        reasons: tuple[Reason, ...]
        chain: tuple[str, ...] = ()
        if match is None:
            status = CoveredStatus.unknown
            reasons = (_no_match(query, self.threshold, near),)
        else:
            det = determine(self.kb, match.entity_id, as_of, self.criteria)
            status, chain = det.status, det.chain
            reasons = (_match_reason(self.kb, query, match), *det.reasons)
        if words and status is not CoveredStatus.covered:
            questions = self._word_reasons(query, as_of, match, words)
            if questions:
                status, reasons = CoveredStatus.review, (*reasons, *questions)
        return ScreeningResult(query, as_of, match, status, reasons, near, chain)

    def _word_reasons(
        self, query: str, as_of: date, match: Match | None, words: tuple[tuple[str, str], ...]
    ) -> tuple[Reason, ...]:
        """Why a name that carries a covered entity's distinctive word needs a person."""
        found = []
        for word, entity_id in words:
            if match is not None and entity_id == match.entity_id:
                continue
            det = determine(self.kb, entity_id, as_of, self.criteria)
            if det.status is not CoveredStatus.covered:
                continue
            entity = self.kb.entities[entity_id]
            found.append(
                Reason(
                    ReasonKind.shared_word,
                    f"{query!r} carries the word {word!r}, the brand of {entity.name}, a "
                    "covered entity: a person must decide whether it belongs to that group.",
                    entity.source,
                    entity_id,
                )
            )
        return tuple(found)


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
