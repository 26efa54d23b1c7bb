"""Policy values: policies as data, the rules they apply, and the verdicts they give.

A `Policy` binds someone (`binds`), regulates some uses over dated intervals
(`regulations`), says what makes an entity covered (`coverage`), and applies `rules`: each a
`RuleSpec` naming a rule test (see `rules.py`) with its parameters, clause and source.
`vet()` (in `evaluate.py`) turns a product, a policy, a use, a date and an optional mission
into a `Verdict`: permitted, prohibited or review, with the reasons and sourced facts behind
it and the exemption routes that could apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from dronevet.knowledge.model import LinkKind, Product, Source, Use, active_on
from dronevet.screening.model import CoveredCriteria


class VerdictKind(StrEnum):
    """What a policy says about a use of a product on a date."""

    permitted = "permitted"
    prohibited = "prohibited"
    review = "review"


class Outcome(StrEnum):
    """What one rule found: it reaches the product (`hit`), it does not (`clear`), it cannot
    tell (`review`), or it does not apply here (`not_applicable`: before the rule's date, a
    mission outside its tiers, a use it does not cover, a policy that does not regulate the use).
    `applies` marks the statement of what a policy in force requires (the scope reason).
    """

    hit = "hit"
    clear = "clear"
    review = "review"
    not_applicable = "not_applicable"
    applies = "applies"


class PolicyNature(StrEnum):
    """Binding rules prohibit; advisory guidance at most asks for review."""

    binding = "binding"
    advisory = "advisory"


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
    """A sourced statement a verdict rests on, e.g. 'SZ DJI Technology is domiciled in cn'."""

    claim: str
    source: Source


@dataclass(frozen=True, slots=True)
class Regulation:
    """How a policy regulates one use: from `start`, until `end` (sunset, exclusive)."""

    use: Use
    start: date
    citation: Citation
    text: str
    end: date | None = None


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
    `cleared_by` names product lists (e.g. Blue UAS Cleared) whose listing on the date
    satisfies the rule.
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
    pursue when the verdict is not `permitted`.
    """

    id: str
    text: str
    citation: Citation
    uses: frozenset[Use] = frozenset()
    start: date | None = None
    end: date | None = None
    automatic: RuleSpec | None = None
    clears: frozenset[str] = frozenset()

    def open_on(self, use: Use, day: date) -> bool:
        return (not self.uses or use in self.uses) and active_on(self.start, self.end, day)


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
    regulations: Mapping[Use, Regulation]
    rules: tuple[RuleSpec, ...]
    exemptions: tuple[ExemptionRoute, ...] = ()
    coverage: Coverage | None = None
    missions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    clearance: Citation | None = None
    clearance_text: str = ""
    advice: str = ""
    short: str = ""

    def tier_of(self, mission: str) -> str | None:
        """The tier (e.g. `critical`) this policy puts a mission in, or None."""
        return self.missions.get(mission)


@dataclass(frozen=True, slots=True)
class VerdictReason:
    """One reason: the rule (or `scope`), its citation, what it found, the facts behind it."""

    rule: str
    citation: Citation
    text: str
    outcome: Outcome
    facts: tuple[Fact, ...] = ()

    @property
    def unverified(self) -> bool:
        """True when the reason rests on an unverified citation or fact."""
        return not self.citation.source.verified or any(not f.source.verified for f in self.facts)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer to 'may <binds> <use> <subject> under <policy> on <as_of> for <mission>?'."""

    subject: Product
    policy: Policy
    use: Use
    as_of: date
    mission: str | None
    verdict: VerdictKind
    reasons: tuple[VerdictReason, ...]
    exemptions: tuple[ExemptionRoute, ...] = ()

    @property
    def unverified(self) -> bool:
        """True when a reason rests on an unverified citation or fact."""
        return any(r.unverified for r in self.reasons)
