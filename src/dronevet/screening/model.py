"""Screening's values: matches, reasons, covered-entity criteria and determinations.

A `CoveredDetermination` answers "is this entity a covered foreign entity on date D under
these criteria?" with a status and the chain of reasons behind it. Policies supply their
own `CoveredCriteria` (which countries, which lists, which links count); `dronevet screen`
uses `DEFAULT_CRITERIA`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from dronevet.knowledge.model import LinkKind, Source


class CoveredStatus(StrEnum):
    """Outcome of a determination.

    - `covered`: the criteria reach the entity (domicile, designation, or a link to one).
    - `not_covered`: the entity is known and nothing in the criteria reaches it.
    - `review`: something points towards coverage but is not conclusive (a disputed or
      unverified link, an uninterpreted tie, a partial stake): a person must decide.
    - `unknown`: the name matched nothing, or nothing is known about where it is domiciled.
    """

    covered = "covered"
    not_covered = "not_covered"
    review = "review"
    unknown = "unknown"


class ReasonKind(StrEnum):
    """What a reason rests on."""

    match = "match"
    domicile = "domicile"
    law = "law"
    designation = "designation"
    clearance = "clearance"
    link = "link"
    no_match = "no_match"
    no_data = "no_data"
    shared_word = "shared_word"


@dataclass(frozen=True, slots=True)
class Reason:
    """One step of the explanation, with the sourced fact it rests on (if any)."""

    kind: ReasonKind
    text: str
    source: Source | None = None
    entity_id: str | None = None

    @property
    def verified(self) -> bool:
        return self.source.verified if self.source else True

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "source": self.source.citation if self.source else None,
            "date": self.source.date.isoformat() if self.source else None,
            "verified": self.verified,
        }


DEFAULT_FOLLOW = frozenset(
    {
        LinkKind.owned_by,
        LinkKind.controlled_by,
        LinkKind.subsidiary_of,
        LinkKind.affiliate_of,
        LinkKind.licensee_of,
        LinkKind.brand_of,
        LinkKind.reseller_of,
        LinkKind.successor_of,
    }
)


@dataclass(frozen=True, slots=True)
class CoveredCriteria:
    """What makes an entity covered: domicile countries, adverse lists, links followed.

    `lists=None` means every adverse list in the knowledge base. `follow` names the link
    kinds through which coverage passes from a covered entity to the dependent one;
    `min_ownership` is the stake (percent) at which `owned_by` passes coverage on (below it,
    the link gives `review`). `associated_with` links always give `review` at most.
    `lists_as_of` fixes the date the lists are read on (Nevada adopts the 1260H list as it
    stood on 2024-01-31); by default the lists are read on the date asked about.
    """

    name: str
    countries: frozenset[str]
    lists: frozenset[str] | None = None
    follow: frozenset[LinkKind] = DEFAULT_FOLLOW
    min_ownership: float = 50.0
    max_depth: int = 4
    lists_as_of: date | None = None


DEFAULT_THRESHOLD = 0.80
"""A name matches an entity when it scores at least this (set on the labelled variants in
bench/screening_data/; see `score.py` for the algorithm)."""

DEFAULT_CRITERIA = CoveredCriteria(
    name="foreign-government direction (PRC, Russia, Iran, North Korea)",
    countries=frozenset({"cn", "ru", "ir", "kp"}),
)


@dataclass(frozen=True, slots=True)
class CoveredDetermination:
    """Whether an entity is covered on `as_of` under `criteria`, and why.

    `chain` lists entity ids from the screened entity to the one whose domicile or
    designation makes it covered (just the entity itself when it is covered directly).
    """

    entity_id: str
    as_of: date
    criteria: str
    status: CoveredStatus
    reasons: tuple[Reason, ...]
    chain: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A knowledge-base entity that a free-text name resolved to."""

    entity_id: str
    name: str
    matched_name: str
    score: float


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The answer to `dronevet screen NAME --as-of DATE`."""

    query: str
    as_of: date
    match: Match | None
    status: CoveredStatus
    reasons: tuple[Reason, ...]
    candidates: tuple[Match, ...] = field(default_factory=tuple)
    chain: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The `dronevet screen --format json` contract."""
        match = self.match
        return {
            "query": self.query,
            "as_of": self.as_of.isoformat(),
            "match": None
            if match is None
            else {"entity_id": match.entity_id, "name": match.name, "score": match.score},
            "status": self.status.value,
            "chain": list(self.chain),
            "reasons": [r.to_dict() for r in self.reasons],
        }
