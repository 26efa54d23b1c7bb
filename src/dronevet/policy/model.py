"""Policy values: policies as data, the rules they apply, and the verdicts they give.

A `Policy` binds someone (`binds`), regulates some uses over dated intervals
(`regulations`: one or more periods per use, each naming whom it binds, e.g. Connecticut's
state police from 2025 and every other agency from 2026), says what makes an entity
covered (`coverage`), may be limited to some missions (`scope`), and applies `rules`: each
a `RuleSpec` naming a rule test (see `rules.py`) with its parameters, clause and source.
`vet()` (in `evaluate.py`) turns a product, a policy, a use, a date and an optional mission
into a `Verdict`:

- `not_applicable` when the policy does not regulate the use, is not yet in force, has
  lapsed, or the mission is outside its scope (its `Applicability` says which);
- otherwise `permitted`, `prohibited` or `review` (a person must decide), with the reasons
  and sourced facts behind it and the exemption routes that could apply.

Each value's `to_dict()` is the JSON contract of `dronevet vet --format json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from dronevet.knowledge.model import LinkKind, Product, Source, Use, active_on
from dronevet.knowledge.views import product_core
from dronevet.screening.model import CoveredCriteria


class VerdictKind(StrEnum):
    """What a policy says about a use of a product on a date."""

    permitted = "permitted"
    prohibited = "prohibited"
    review = "review"
    not_applicable = "not_applicable"


class ApplicabilityStatus(StrEnum):
    """Whether a policy speaks to a use on a date for a mission, and if not, why not."""

    in_force = "in_force"
    not_yet_in_force = "not_yet_in_force"
    expired = "expired"
    use_not_regulated = "use_not_regulated"
    out_of_scope = "out_of_scope"


class Outcome(StrEnum):
    """What one rule found: it reaches the product (`hit`), it does not (`clear`), it cannot
    tell (`review`), or it does not apply here (`not_applicable`: before the rule's date, a
    mission outside its tiers, a use it does not cover).
    """

    hit = "hit"
    clear = "clear"
    review = "review"
    not_applicable = "not_applicable"


class PolicyNature(StrEnum):
    """Binding rules prohibit; advisory guidance at most asks for review."""

    binding = "binding"
    advisory = "advisory"


def source_dict(source: Source) -> dict[str, Any]:
    """A source as JSON: citation, date, verified."""
    return {
        "citation": source.citation,
        "date": source.date.isoformat(),
        "verified": source.verified,
    }


@dataclass(frozen=True, slots=True)
class Citation:
    """A clause of a legal text and the source document it is read from."""

    clause: str
    source: Source

    def __str__(self) -> str:
        mark = "" if self.source.verified else " [UNVERIFIED]"
        return f"{self.clause} ({self.source.citation}, {self.source.date.isoformat()}){mark}"


@dataclass(frozen=True, slots=True)
class Fact:
    """A sourced statement a verdict rests on, e.g. 'DJI Matrice 30T: final assembly in China'.

    `entity` names the entity whose standing the fact describes (a maker's domicile, its
    designations, its links): explanations group such facts once per entity instead of
    repeating them under every rule.
    """

    claim: str
    source: Source
    entity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "source": self.source.citation,
            "date": self.source.date.isoformat(),
            "verified": self.source.verified,
        }


@dataclass(frozen=True, slots=True)
class Regulation:
    """How a policy regulates one use for one group it binds: from `start`, until `end`
    (sunset, exclusive)."""

    use: Use
    start: date
    citation: Citation
    text: str
    binds: str
    end: date | None = None

    def in_force(self, day: date) -> bool:
        return active_on(self.start, self.end, day)


@dataclass(frozen=True, slots=True)
class Coverage:
    """What makes an entity covered under a policy, and the clause that says so.

    `criteria` is passed to screening's `determine()`; `review_via` names link kinds that do
    not carry coverage under the policy's words but make a tie to a covered entity a question
    for a person (e.g. a technology licence where the law says 'subsidiary or affiliate').
    """

    criteria: CoveredCriteria
    citation: Citation
    review_via: frozenset[LinkKind] = frozenset()
    note: str = ""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule of a policy: the registered test that checks it and that test's parameters.

    `uses` limits the rule to some regulated uses (all when empty); `tiers` to missions of
    those tiers (all when empty); `start`/`end` bound it in time beyond the regulation's own
    dates. `on_hit` is the verdict a hit gives (`review` for rules that only ask a question).
    `cleared_by` names product lists (e.g. Blue UAS Cleared) whose listing on the date is the
    authority's own finding that the rule is met: it settles what the rule could not tell
    (review), never a known fact that contradicts it (hit).
    """

    id: str
    test: str
    citation: Citation
    text: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    uses: frozenset[Use] = frozenset()
    tiers: frozenset[str] = frozenset()
    start: date | None = None
    end: date | None = None
    on_hit: VerdictKind = VerdictKind.prohibited
    cleared_by: tuple[str, ...] = ()
    criteria: CoveredCriteria | None = None

    def applies_to(self, use: Use) -> bool:
        return not self.uses or use in self.uses


@dataclass(frozen=True, slots=True)
class ExemptionRoute:
    """An exemption or waiver route. `automatic` ones are tested on the product (a rule
    test spec) and clear the rules named in `clears`; the others are listed for a person to
    pursue when the verdict is not `permitted`. `missions` limits a route to some missions
    (ASDA's search-and-rescue and wildfire exemption): it is listed when the mission asked
    is one of them, or when no mission was named.
    """

    id: str
    text: str
    citation: Citation
    uses: frozenset[Use] = frozenset()
    start: date | None = None
    end: date | None = None
    automatic: RuleSpec | None = None
    clears: frozenset[str] = frozenset()
    missions: frozenset[str] = frozenset()

    def open_on(self, use: Use, day: date, mission: str | None = None) -> bool:
        if self.uses and use not in self.uses:
            return False
        if mission is not None and self.missions and mission not in self.missions:
            return False
        return active_on(self.start, self.end, day)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "citation": str(self.citation)}


@dataclass(frozen=True, slots=True)
class Mission:
    """A kind of mission policies name (`search-and-rescue`, alias `rescue`)."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """A policy as data; see the module docstring."""

    id: str
    title: str
    jurisdiction: str
    authority: str
    binds: str
    nature: PolicyNature
    summary: str
    source: Source
    regulations: Mapping[Use, tuple[Regulation, ...]]
    rules: tuple[RuleSpec, ...]
    exemptions: tuple[ExemptionRoute, ...] = ()
    coverage: Coverage | None = None
    missions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    scope: frozenset[str] = frozenset()
    scope_text: str = ""
    clearance: Citation | None = None
    clearance_text: str = ""
    advice: str = ""
    short: str = ""
    aliases: tuple[str, ...] = ()

    def tier_of(self, mission: str) -> str | None:
        """The tier (e.g. `critical`) this policy puts a mission in, or None."""
        return self.missions.get(mission)

    def regulates(self, use: Use) -> bool:
        return use in self.regulations

    @property
    def name(self) -> str:
        """The policy as people name it: its title up to the first colon ("American Security
        Drone Act of 2023 (FY2024 NDAA §§1821-1833)", "Florida s. 934.50(7) F.S.")."""
        return self.title.split(": ", 1)[0]

    @property
    def advisory(self) -> bool:
        """Advisory guidance never prohibits (the UK)."""
        return self.nature is PolicyNature.advisory

    def to_dict(self) -> dict[str, Any]:
        """The `dronevet policies --format json` contract."""
        return {
            "id": self.id,
            "title": self.title,
            "aliases": list(self.aliases),
            "jurisdiction": self.jurisdiction,
            "authority": self.authority,
            "binds": self.binds,
            "nature": self.nature.value,
            "summary": self.summary,
            "source": source_dict(self.source),
            "regulates": {
                use.value: [
                    {
                        "start": r.start.isoformat(),
                        "end": r.end.isoformat() if r.end else None,
                        "binds": r.binds,
                        "citation": str(r.citation),
                        "text": r.text,
                    }
                    for r in periods
                ]
                for use, periods in self.regulations.items()
            },
            "missions": dict(self.missions),
            "scope": sorted(self.scope),
            "rules": [
                {"id": r.id, "test": r.test, "citation": str(r.citation), "text": r.text}
                for r in self.rules
            ],
            "exemptions": [
                {**e.to_dict(), "automatic": e.automatic is not None} for e in self.exemptions
            ],
        }


@dataclass(frozen=True, slots=True)
class Applicability:
    """Whether the policy speaks to the question, with the dates that bound the answer.

    `start`/`until` are the in-force period's dates (or, not yet in force, the first start;
    expired, the last end). `regulations` are the periods in force on the date: with
    several (Connecticut), each names the group it binds.
    """

    status: ApplicabilityStatus
    text: str
    start: date | None = None
    until: date | None = None
    regulations: tuple[Regulation, ...] = ()

    @property
    def in_force(self) -> bool:
        return self.status is ApplicabilityStatus.in_force

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "from": self.start.isoformat() if self.start else None,
            "until": self.until.isoformat() if self.until else None,
            "binds": [r.binds for r in self.regulations],
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class VerdictReason:
    """One reason: the rule (or `scope`, `mission`, `advice`), its citation, what it found
    (worded by the result), the facts behind it, and what the rule requires."""

    rule: str
    citation: Citation
    text: str
    outcome: Outcome
    facts: tuple[Fact, ...] = ()
    requirement: str = ""

    @property
    def unverified(self) -> bool:
        """True when the reason rests on an unverified citation or fact."""
        return not self.citation.source.verified or any(not f.source.verified for f in self.facts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "citation": str(self.citation),
            "text": self.text,
            "requirement": self.requirement,
            "outcome": self.outcome.value,
            "facts": [f.to_dict() for f in self.facts],
        }


@dataclass(frozen=True, slots=True)
class SubjectMatch:
    """How the thing asked about was found: by id, name, alias, a fuzzy match of the name
    (with its score), or given whole (a bill of materials, a `Product`)."""

    matched_by: str
    score: float = 1.0
    query: str = ""
    matched_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"matched_by": self.matched_by, "score": self.score, "query": self.query or None}


def subject_dict(product: Product, match: SubjectMatch | None = None) -> dict[str, Any]:
    """A vetted product or custom system as JSON, with how it was found."""
    data = product_core(product)
    if match is not None:
        data["matched_by"] = match.matched_by
        data["match_score"] = match.score
    return data


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to 'may <binds> <use> <subject> under <policy> on <as_of> for <mission>?'."""

    subject: Product
    policy: Policy
    use: Use
    as_of: date
    mission: str | None
    verdict: VerdictKind
    applicability: Applicability
    reasons: tuple[VerdictReason, ...]
    exemptions: tuple[ExemptionRoute, ...] = ()
    cautions: tuple[Fact, ...] = ()
    match: SubjectMatch | None = None

    @property
    def unverified(self) -> bool:
        """True when a reason rests on an unverified citation or fact."""
        return any(r.unverified for r in self.reasons)

    def decisive(self) -> VerdictReason | None:
        """The reason that decided the verdict: the first hit of a prohibition, else the
        first open question, else the first reason."""
        wanted = {
            VerdictKind.prohibited: (Outcome.hit,),
            VerdictKind.review: (Outcome.hit, Outcome.review),
        }.get(self.verdict, ())
        for reason in self.reasons:
            if reason.outcome in wanted:
                return reason
        return self.reasons[0] if self.reasons else None

    def to_dict(self) -> dict[str, Any]:
        """The `dronevet vet --format json` contract."""
        return {
            "subject": subject_dict(self.subject, self.match),
            "policy": self.policy.id,
            "use": self.use.value,
            "as_of": self.as_of.isoformat(),
            "mission": self.mission,
            "verdict": self.verdict.value,
            "applicability": self.applicability.to_dict(),
            "reasons": [r.to_dict() for r in self.reasons],
            "exemptions": [e.to_dict() for e in self.exemptions],
            "cautions": [c.to_dict() for c in self.cautions],
        }
