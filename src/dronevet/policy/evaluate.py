"""Evaluate a product (or a bill of materials) against a policy, for a use, on a date.

`vet(kb, subject, policy, use, as_of, mission=None)` gives a `Verdict`:

1. A use the policy does not regulate, a date before the regulation starts, or on/after its
   end (sunset) gives `permitted`, with the reason saying which.
2. Otherwise each rule that covers the use, the date and the mission's tier is checked by its
   registered test (`rules.py`); a product on one of the rule's clearance lists on the date
   satisfies it. A rule limited to mission tiers, asked without a mission, can at most ask
   for review. Automatic exemptions open on the date (e.g. the FCC's Blue UAS exemption)
   clear the rules they name.
3. Any hit of a prohibiting rule gives `prohibited`; a hit of a reviewing rule or any
   `review` gives `review`; else `permitted`. Advisory policies never prohibit.
4. Exemption and waiver routes open for the use on the date are listed when the verdict is
   not `permitted`.

`Assessor` holds the memo that batch evaluation shares across calls (`batch.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dronevet.errors import UnknownNameError
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.knowledge.model import Product, Use, active_on
from dronevet.policy.coverage import CoverageCache
from dronevet.policy.loader import close_matches
from dronevet.policy.model import (
    Citation,
    ExemptionRoute,
    Outcome,
    Policy,
    PolicyNature,
    RuleSpec,
    Verdict,
    VerdictKind,
    VerdictReason,
)
from dronevet.policy.rules import Finding, RuleContext, get_test, listing


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A rule and what it found (after clearances, mission tiers and exemptions)."""

    rule: RuleSpec
    finding: Finding


@dataclass(frozen=True, slots=True)
class Assessment:
    """A verdict before it is explained: the outcome and the rule results behind it."""

    verdict: VerdictKind
    results: tuple[RuleResult, ...]
    gate: str = ""


def _uses(policy: Policy) -> str:
    return ", ".join(u.value for u in policy.regulations) or "nothing"


def check_mission(policy: Policy, mission: str | None) -> None:
    """A mission this policy tiers must be one it knows; others are ignored by it."""
    if mission is not None and policy.missions and mission not in policy.missions:
        raise UnknownNameError(
            f"policy {policy.id} knows no mission {mission!r} "
            f"(its missions: {', '.join(policy.missions)}).",
            suggestions=close_matches(mission, list(policy.missions)),
        )


class Assessor:
    """Evaluates rules with memoised findings: (product, rule, date) is checked once."""

    __slots__ = ("_findings", "coverage", "kb")

    def __init__(self, kb: KnowledgeBase, coverage: CoverageCache | None = None):
        self.kb = kb
        self.coverage = coverage or CoverageCache(kb)
        self._findings: dict[tuple[str, str, str, date], Finding] = {}

    def gate(self, policy: Policy, use: Use, as_of: date) -> str:
        """Why the policy does not apply to this use on this date, or '' when it does."""
        regulation = policy.regulations.get(use)
        if regulation is None:
            return f"{policy.title} does not regulate {use.value}; it regulates {_uses(policy)}."
        if as_of < regulation.start:
            return (
                f"Not yet in force on {as_of.isoformat()}: the rules for {use.value} take "
                f"effect on {regulation.start.isoformat()}."
            )
        if regulation.end is not None and as_of >= regulation.end:
            return (
                f"Expired: the rules for {use.value} ended on {regulation.end.isoformat()} "
                "(sunset)."
            )
        return ""

    def finding(self, product: Product, policy: Policy, rule: RuleSpec, as_of: date) -> Finding:
        key = (product.id, policy.id, rule.id, as_of)
        found = self._findings.get(key)
        if found is None:
            found = self._check(RuleContext(self.kb, self.coverage, product, policy, as_of), rule)
            self._findings[key] = found
        return found

    def _check(self, ctx: RuleContext, rule: RuleSpec) -> Finding:
        if rule.cleared_by:
            cleared = listing(ctx, rule.cleared_by)
            if cleared is not None:
                vetted = ctx.policy.clearance_text
                return Finding(
                    Outcome.clear,
                    f"{cleared.text[0].upper()}{cleared.text[1:]} {vetted}".strip(),
                    cleared.facts,
                )
        return get_test(rule.test)(ctx, rule)

    def assess(
        self, product: Product, policy: Policy, use: Use, as_of: date, mission: str | None
    ) -> Assessment:
        gate = self.gate(policy, use, as_of)
        if gate:
            return Assessment(VerdictKind.permitted, (), gate)
        tier = policy.tier_of(mission) if mission else None
        results: list[RuleResult] = []
        for rule in policy.rules:
            if not rule.applies_to(use):
                continue
            if not active_on(rule.start, rule.end, as_of):
                results.append(RuleResult(rule, _not_in_force(rule, as_of)))
                continue
            if rule.tiers and tier is not None and tier not in rule.tiers:
                text = f"Applies to {', '.join(sorted(rule.tiers))} missions; {mission} is {tier}."
                results.append(RuleResult(rule, Finding(Outcome.not_applicable, text)))
                continue
            found = self.finding(product, policy, rule, as_of)
            if rule.tiers and tier is None and found.outcome is Outcome.hit:
                found = Finding(
                    Outcome.review,
                    f"{found.text} This decides the matter only for "
                    f"{', '.join(sorted(rule.tiers))} "
                    "missions: name the mission.",
                    found.facts,
                )
            results.append(RuleResult(rule, found))
        results = self._exempt(product, policy, use, as_of, results)
        return Assessment(_combine(policy, results), tuple(results))

    def _exempt(
        self, product: Product, policy: Policy, use: Use, as_of: date, results: list[RuleResult]
    ) -> list[RuleResult]:
        for route in policy.exemptions:
            if route.automatic is None or not route.open_on(use, as_of):
                continue
            if not any(r.rule.id in route.clears and _open(r) for r in results):
                continue
            test = self.finding(product, policy, route.automatic, as_of)
            if test.outcome is not Outcome.clear:
                continue
            results = [
                RuleResult(
                    r.rule,
                    Finding(
                        Outcome.clear,
                        f"Exempt ({route.id}): {route.text} {test.text[0].upper()}{test.text[1:]}",
                        r.finding.facts + test.facts,
                    ),
                )
                if r.rule.id in route.clears and _open(r)
                else r
                for r in results
            ]
        return results


def _open(result: RuleResult) -> bool:
    return result.finding.outcome in (Outcome.hit, Outcome.review)


def _not_in_force(rule: RuleSpec, as_of: date) -> Finding:
    if rule.start and as_of < rule.start:
        return Finding(
            Outcome.not_applicable, f"This rule takes effect on {rule.start.isoformat()}."
        )
    end = rule.end.isoformat() if rule.end else ""
    return Finding(Outcome.not_applicable, f"This rule ended on {end}.")


def _combine(policy: Policy, results: list[RuleResult]) -> VerdictKind:
    verdict = VerdictKind.permitted
    for result in results:
        outcome = result.finding.outcome
        if outcome is Outcome.hit:
            if result.rule.on_hit is VerdictKind.prohibited:
                verdict = VerdictKind.prohibited
                break
            verdict = VerdictKind.review
        elif outcome is Outcome.review:
            verdict = VerdictKind.review
    if verdict is VerdictKind.prohibited and policy.nature is PolicyNature.advisory:
        return VerdictKind.review
    return verdict


def explain(
    assessment: Assessment,
    subject: Product,
    policy: Policy,
    use: Use,
    as_of: date,
    mission: str | None,
) -> Verdict:
    """Turn an assessment into a `Verdict` with its reasons and open exemption routes."""
    reasons: list[VerdictReason] = []
    regulation = policy.regulations.get(use)
    scope_citation = regulation.citation if regulation else Citation("scope", policy.source)
    if assessment.gate:
        reasons.append(
            VerdictReason("scope", scope_citation, assessment.gate, Outcome.not_applicable)
        )
    else:
        assert regulation is not None
        text = f"{regulation.text} Binds {policy.binds}."
        reasons.append(VerdictReason("scope", scope_citation, text, Outcome.applies))
        if mission and not policy.missions:
            note = f"This policy does not distinguish missions; {mission} changes nothing."
            reasons.append(
                VerdictReason(
                    "mission", Citation("scope", policy.source), note, Outcome.not_applicable
                )
            )
        if policy.coverage and policy.coverage.note:
            reasons.append(
                VerdictReason(
                    "covered-entity",
                    policy.coverage.citation,
                    policy.coverage.note,
                    Outcome.applies,
                )
            )
    for result in assessment.results:
        text = f"{result.rule.text} Finding: {result.finding.text}"
        reasons.append(
            VerdictReason(
                result.rule.id,
                result.rule.citation,
                text,
                result.finding.outcome,
                result.finding.facts,
            )
        )
    if policy.nature is PolicyNature.advisory:
        reasons.append(
            VerdictReason(
                "advice", Citation("advisory", policy.source), policy.advice, Outcome.applies
            )
        )
    routes: tuple[ExemptionRoute, ...] = ()
    if assessment.verdict is not VerdictKind.permitted:
        routes = tuple(
            r for r in policy.exemptions if r.automatic is None and r.open_on(use, as_of)
        )
    return Verdict(subject, policy, use, as_of, mission, assessment.verdict, tuple(reasons), routes)


def vet(
    kb: KnowledgeBase,
    subject: Product,
    policy: Policy,
    use: Use,
    as_of: date,
    mission: str | None = None,
    *,
    assessor: Assessor | None = None,
) -> Verdict:
    """Whether `policy` lets its addressees `use` `subject` on `as_of` (for `mission`), and why."""
    check_mission(policy, mission)
    assessor = assessor or Assessor(kb)
    assessment = assessor.assess(subject, policy, use, as_of, mission)
    return explain(assessment, subject, policy, use, as_of, mission)
