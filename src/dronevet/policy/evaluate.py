"""Evaluate a product (or a bill of materials) against a policy, for a use, on a date.

`vet(kb, subject, policy, use, as_of, mission=None)` gives a `Verdict`:

1. Applicability first: a use the policy does not regulate, a date before every period for
   the use starts or on/after its end (sunset), or a mission outside the policy's scope
   gives `not_applicable`, saying which, and no rule is checked.
2. Otherwise each rule that covers the use, the date and the mission's tier is checked by its
   registered test (`rules.py`). A product on one of the rule's clearance lists on the date
   (Blue UAS Cleared for §848) meets the rule by the authority's own determination, unless
   the test finds a known fact that contradicts it. A rule limited to mission tiers, or a
   policy limited to some missions, asked without a mission, can at most ask for review.
   Automatic exemptions open on the date (e.g. the FCC's Blue UAS exemption) clear the rules
   they name.
3. Any hit of a prohibiting rule gives `prohibited`; a hit of a reviewing rule or any
   `review` gives `review`; else `permitted`. Advisory policies never prohibit.
4. Exemption and waiver routes open for the use, date and mission are listed when the verdict
   is `prohibited` or `review`.
5. Cautions that do not change the verdict are attached: a product vetted for a date before
   it was released, a listing whose removal only a secondary source reports.

`Assessor` holds the memo that batch evaluation shares across calls (`batch.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dronevet.errors import UnknownNameError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Product, Use, active_on
from dronevet.policy.coverage import CoverageCache
from dronevet.policy.model import (
    Applicability,
    ApplicabilityStatus,
    Citation,
    ExemptionRoute,
    Fact,
    Outcome,
    Policy,
    PolicyNature,
    Regulation,
    RuleSpec,
    SubjectMatch,
    Verdict,
    VerdictKind,
    VerdictReason,
)
from dronevet.policy.rules import Finding, RuleContext, get_test, listing, listing_cautions
from dronevet.suggest import close_matches


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A rule and what it found (after clearances, mission tiers and exemptions)."""

    rule: RuleSpec
    finding: Finding


@dataclass(frozen=True, slots=True)
class Assessment:
    """A verdict before it is explained: the outcome and the rule results behind it."""

    verdict: VerdictKind
    applicability: Applicability
    results: tuple[RuleResult, ...] = ()


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _uses(policy: Policy) -> str:
    return _join([u.value for u in policy.regulations]) or "nothing"


def _binds(periods: tuple[Regulation, ...] | list[Regulation]) -> str:
    return _join(list(dict.fromkeys(r.binds for r in periods)))


def applicability(policy: Policy, use: Use, as_of: date, mission: str | None) -> Applicability:
    """Whether `policy` speaks to `use` on `as_of` for `mission` (see `ApplicabilityStatus`)."""
    periods = policy.regulations.get(use, ())
    if not periods:
        return Applicability(
            ApplicabilityStatus.use_not_regulated,
            f"This policy does not regulate {use.value}; it regulates {_uses(policy)}.",
        )
    current = tuple(r for r in periods if r.in_force(as_of))
    if not current:
        later = [r for r in periods if as_of < r.start]
        if later:
            start = min(r.start for r in later)
            first = [r for r in later if r.start == start]
            return Applicability(
                ApplicabilityStatus.not_yet_in_force,
                f"Not yet in force on {as_of.isoformat()}: it applies to {use.value} from "
                f"{start.isoformat()} ({_binds(first)}).",
                start,
                first[0].end,
            )
        ended = max(r.end for r in periods if r.end is not None)
        return Applicability(
            ApplicabilityStatus.expired,
            f"No longer in force on {as_of.isoformat()}: its rules for {use.value} ended on "
            f"{ended.isoformat()}.",
            min(r.start for r in periods),
            ended,
        )
    start = min(r.start for r in current)
    ends = [r.end for r in current if r.end is not None]
    until = min(ends) if ends else None
    if policy.scope and mission is not None and mission not in policy.scope:
        return Applicability(
            ApplicabilityStatus.out_of_scope,
            f"Outside its scope: it applies only to {policy.scope_text}; the mission is "
            f"{mission}.",
            start,
            until,
        )
    when = f"since {start.isoformat()}" + (f", until {until.isoformat()}" if until else "")
    text = f"In force for {use.value} {when}; binds {_binds(current)}."
    later = sorted({r.binds: r for r in periods if as_of < r.start}.values(), key=_start)
    if later:
        text += " From " + "; from ".join(f"{r.start.isoformat()} also {r.binds}" for r in later)
        text += "."
    if policy.scope and mission is None:
        text += f" It applies only to {policy.scope_text}: name the mission."
    return Applicability(ApplicabilityStatus.in_force, text, start, until, current)


def _start(regulation: Regulation) -> date:
    return regulation.start


def check_mission(policy: Policy, mission: str | None) -> None:
    """A mission this policy tiers must be one it knows; others are ignored by it."""
    if mission is not None and policy.missions and mission not in policy.missions:
        raise UnknownNameError(
            f"policy {policy.id} knows no mission {mission!r} "
            f"(its missions: {', '.join(policy.missions)}).",
            suggestions=close_matches(mission, list(policy.missions)),
        )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Assessor:
    """Evaluates rules with memoised findings: (product, rule, date) is checked once."""

    __slots__ = ("_applies", "_findings", "coverage", "kb")

    def __init__(self, kb: KnowledgeBase, coverage: CoverageCache | None = None):
        self.kb = kb
        self.coverage = coverage or CoverageCache(kb)
        self._findings: dict[tuple[str, str, str, date], Finding] = {}
        self._applies: dict[tuple[str, Use, date, str | None], Applicability] = {}

    def applicability(
        self, policy: Policy, use: Use, as_of: date, mission: str | None
    ) -> Applicability:
        """`applicability()` memoised: a grid asks it for every product."""
        key = (policy.id, use, as_of, mission)
        found = self._applies.get(key)
        if found is None:
            found = self._applies[key] = applicability(policy, use, as_of, mission)
        return found

    def finding(self, product: Product, policy: Policy, rule: RuleSpec, as_of: date) -> Finding:
        key = (product.id, policy.id, rule.id, as_of)
        found = self._findings.get(key)
        if found is None:
            found = self._check(RuleContext(self.kb, self.coverage, product, policy, as_of), rule)
            self._findings[key] = found
        return found

    def _check(self, ctx: RuleContext, rule: RuleSpec) -> Finding:
        found = get_test(rule.test)(ctx, rule)
        if not rule.cleared_by:
            return found
        listed = listing(ctx, rule.cleared_by)
        if listed is None:
            return found
        if found.outcome is Outcome.hit:
            return Finding(
                Outcome.hit,
                f"{found.text} This contradicts its listing: {listed.text[0].lower()}"
                f"{listed.text[1:]}",
                found.facts + listed.facts,
            )
        if found.outcome is Outcome.clear:
            return Finding(Outcome.clear, found.text, found.facts + listed.facts)
        policy = ctx.policy
        facts = listed.facts
        if policy.clearance is not None:
            facts += (Fact(policy.clearance_text, policy.clearance.source),)
        return Finding(Outcome.clear, f"{listed.text} {policy.clearance_text}".strip(), facts)

    def assess(
        self, product: Product, policy: Policy, use: Use, as_of: date, mission: str | None
    ) -> Assessment:
        applies = self.applicability(policy, use, as_of, mission)
        if not applies.in_force:
            return Assessment(VerdictKind.not_applicable, applies)
        tier = policy.tier_of(mission) if mission else None
        scoped = policy.scope_text if policy.scope and mission is None else ""
        results: list[RuleResult] = []
        for rule in policy.rules:
            if not rule.applies_to(use):
                continue
            if not active_on(rule.start, rule.end, as_of):
                results.append(RuleResult(rule, _not_in_force(rule, as_of)))
                continue
            if rule.tiers and tier is not None and tier not in rule.tiers:
                text = (
                    f"Does not apply: this rule is for {_join(sorted(rule.tiers))} missions, "
                    f"and {mission} is {tier}."
                )
                results.append(RuleResult(rule, Finding(Outcome.not_applicable, text)))
                continue
            found = self.finding(product, policy, rule, as_of)
            only_for = scoped
            if rule.tiers and tier is None:
                only_for = _join(sorted(rule.tiers)) + " missions"
            if only_for and found.outcome is Outcome.hit:
                found = Finding(
                    Outcome.review,
                    f"{found.text} This decides the matter only for {only_for}: name the "
                    "mission.",
                    found.facts,
                )
            results.append(RuleResult(rule, found))
        results = self._exempt(product, policy, use, as_of, results)
        return Assessment(_combine(policy, results), applies, tuple(results))

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
                        f"Exempt ({route.id}): {route.text} {_capitalised(test.text)}",
                        r.finding.facts + test.facts,
                    ),
                )
                if r.rule.id in route.clears and _open(r)
                else r
                for r in results
            ]
        return results

    def cautions(self, product: Product, policy: Policy, as_of: date) -> tuple[Fact, ...]:
        """What the reader should know that does not change the verdict."""
        found: list[Fact] = []
        if product.released is not None and as_of < product.released:
            found.append(
                Fact(
                    f"{product.name} was released on {product.released.isoformat()}: on "
                    f"{as_of.isoformat()} it did not exist yet.",
                    product.source,
                )
            )
        ctx = RuleContext(self.kb, self.coverage, product, policy, as_of)
        found.extend(listing_cautions(ctx))
        return tuple(found)


def _open(result: RuleResult) -> bool:
    return result.finding.outcome in (Outcome.hit, Outcome.review)


def _not_in_force(rule: RuleSpec, as_of: date) -> Finding:
    if rule.start and as_of < rule.start:
        return Finding(
            Outcome.not_applicable,
            f"Does not apply yet: this rule takes effect on {rule.start.isoformat()}.",
        )
    end = rule.end.isoformat() if rule.end else ""
    return Finding(Outcome.not_applicable, f"No longer applies: this rule ended on {end}.")


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
    *,
    cautions: tuple[Fact, ...] = (),
    match: SubjectMatch | None = None,
) -> Verdict:
    """Turn an assessment into a `Verdict` with its reasons and open exemption routes."""
    applies = assessment.applicability
    periods = applies.regulations or policy.regulations.get(use, ())
    scope_citation = periods[0].citation if periods else Citation("scope", policy.source)
    requirement = " ".join(dict.fromkeys(r.text for r in periods))
    reasons = [
        VerdictReason(
            "scope",
            scope_citation,
            applies.text,
            Outcome.clear if applies.in_force else Outcome.not_applicable,
            requirement=requirement,
        )
    ]
    distinguishes = policy.missions or policy.scope or any(r.missions for r in policy.exemptions)
    if applies.in_force and mission and not distinguishes:
        note = f"This policy does not distinguish missions: {mission} changes nothing."
        reasons.append(
            VerdictReason("mission", Citation("scope", policy.source), note, Outcome.not_applicable)
        )
    for result in assessment.results:
        outcome = result.finding.outcome
        if outcome is Outcome.hit and result.rule.on_hit is VerdictKind.review:
            outcome = Outcome.review  # the rule only raises a question
        reasons.append(
            VerdictReason(
                result.rule.id,
                result.rule.citation,
                result.finding.text,
                outcome,
                result.finding.facts,
                requirement=result.rule.text,
            )
        )
    if applies.in_force and policy.nature is PolicyNature.advisory:
        reasons.append(
            VerdictReason(
                "advice", Citation("advisory", policy.source), policy.advice, Outcome.clear
            )
        )
    routes: tuple[ExemptionRoute, ...] = ()
    if assessment.verdict in (VerdictKind.prohibited, VerdictKind.review):
        routes = tuple(
            r for r in policy.exemptions if r.automatic is None and r.open_on(use, as_of, mission)
        )
    return Verdict(
        subject,
        policy,
        use,
        as_of,
        mission,
        assessment.verdict,
        applies,
        tuple(reasons),
        routes,
        cautions,
        match,
    )


def vet(
    kb: KnowledgeBase,
    subject: Product,
    policy: Policy,
    use: Use,
    as_of: date,
    mission: str | None = None,
    *,
    assessor: Assessor | None = None,
    match: SubjectMatch | None = None,
) -> Verdict:
    """Whether `policy` lets its addressees `use` `subject` on `as_of` (for `mission`), and why."""
    check_mission(policy, mission)
    assessor = assessor or Assessor(kb)
    assessment = assessor.assess(subject, policy, use, as_of, mission)
    cautions = assessor.cautions(subject, policy, as_of)
    return explain(
        assessment, subject, policy, use, as_of, mission, cautions=cautions, match=match
    )
