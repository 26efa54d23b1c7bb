"""Rule tests: the checks that policy rules name in `policies.yaml`, registered by name.

A rule in the data says `test: components` with its parameters; this module holds one small
function per test, registered with `@rule_test("components")`. Each returns a `Finding`
(hit / clear / review, a plain-language sentence, and the sourced facts it rests on). The
evaluator (`evaluate.py`) never branches on test names: new kinds of rules plug in here.

Tests and their parameters:

- `maker_covered`: the manufacturer is a covered entity under the policy's (or the rule's
  own `countries`/`lists`) criteria; a maker known only by name (a BOM) is judged by its
  stated country and otherwise left to review.
- `maker_named`: the manufacturer is one of `entities`, or tied to one by links of the
  kinds in `follow` (FY2025 NDAA §1709: DJI, Autel and their affiliates and licensees).
- `assembled_in`: final assembly in one of `countries` (default: the policy's).
- `assembled_outside`: final assembly outside `countries` (FCC foreign-produced UAS; India).
- `components`: components of `kinds` made in covered countries or by covered makers
  (NDAA §848(a)(2)-(4)); an undeclared component or unknown maker gives review.
- `components_outside`: components of `kinds` produced outside `countries`.
- `listed`: the product is on one of `lists` on the date; otherwise `when_missing`
  (`review` or `hit`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from dronevet.errors import KnowledgeError
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.knowledge.model import Component, ComponentKind, LinkKind, Product, Source
from dronevet.policy.coverage import CoverageCache
from dronevet.policy.model import Fact, Outcome, Policy, RuleSpec
from dronevet.screening.control import country_name
from dronevet.screening.model import CoveredCriteria, CoveredDetermination, CoveredStatus


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule test found about one product on one date."""

    outcome: Outcome
    text: str
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule test may look at: the product, the policy, the date and the knowledge."""

    kb: KnowledgeBase
    coverage: CoverageCache
    product: Product
    policy: Policy
    as_of: date


RuleTest = Callable[[RuleContext, RuleSpec], Finding]
_TESTS: dict[str, RuleTest] = {}


def rule_test(name: str) -> Callable[[RuleTest], RuleTest]:
    """Register a rule test under the name that `policies.yaml` uses."""

    def register(func: RuleTest) -> RuleTest:
        if name in _TESTS:
            raise ValueError(f"rule test {name!r} registered twice")
        _TESTS[name] = func
        return func

    return register


def registered_tests() -> tuple[str, ...]:
    return tuple(sorted(_TESTS))


def get_test(name: str) -> RuleTest:
    try:
        return _TESTS[name]
    except KeyError:
        raise KnowledgeError(
            f"unknown rule test {name!r}; known: {', '.join(registered_tests())}."
        ) from None


def criteria_of(ctx: RuleContext, spec: RuleSpec) -> CoveredCriteria:
    """The covered-entity criteria a rule applies: its own, else its policy's."""
    if spec.criteria is not None:
        return spec.criteria
    if ctx.policy.coverage is None:
        raise KnowledgeError(f"policy {ctx.policy.id}: rule {spec.id} needs covered criteria.")
    return ctx.policy.coverage.criteria


@functools.cache
def _country(code: str | None) -> str:
    if not code:
        return "an unknown country"
    name = country_name(code)
    return f"{name} ({code})" if name.lower() != code else code.upper()


def _det_facts(det: CoveredDetermination, fallback: Source) -> tuple[Fact, ...]:
    return tuple(Fact(r.text, r.source or fallback) for r in det.reasons)


def _param(spec: RuleSpec, key: str) -> Any:
    """A rule parameter as the loader normalised it (frozensets of countries, entities and
    link kinds; tuples of component kinds and list ids), or an empty tuple."""
    return spec.params.get(key, ())


def _judge_entity(
    ctx: RuleContext, entity_id: str, criteria: CoveredCriteria, role: str
) -> Finding:
    """Whether `entity_id`, in `role` (e.g. 'the manufacturer'), is covered (memoised: many
    products share a maker)."""
    coverage = ctx.policy.coverage
    kinds = coverage.review_via if coverage else frozenset()
    key = ("judge", entity_id, ctx.as_of, criteria, role, kinds)
    found = ctx.coverage.memo.get(key)
    if found is None:
        found = _judge_entity_uncached(ctx, entity_id, criteria, role, kinds)
        ctx.coverage.memo[key] = found
    return cast(Finding, found)


def _judge_entity_uncached(
    ctx: RuleContext,
    entity_id: str,
    criteria: CoveredCriteria,
    role: str,
    kinds: frozenset[LinkKind],
) -> Finding:
    det = ctx.coverage.determine(entity_id, ctx.as_of, criteria)
    name = ctx.kb.name_of(entity_id)
    facts = _det_facts(det, ctx.product.source)
    if det.status is CoveredStatus.covered:
        via = ""
        if len(det.chain) > 1:
            via = " through " + " -> ".join(ctx.kb.name_of(e) for e in det.chain)
        return Finding(Outcome.hit, f"{role} {name} is a covered entity{via}.", facts)
    if det.status is CoveredStatus.review:
        return Finding(
            Outcome.review, f"{role} {name} may be covered: a person must decide.", facts
        )
    if det.status is CoveredStatus.unknown:
        return Finding(
            Outcome.review, f"nothing is known about where {role} {name} is domiciled.", facts
        )
    tie = ctx.coverage.questionable_tie(entity_id, ctx.as_of, criteria, kinds)
    if tie is not None:
        link, other = tie
        text = (
            f"{role} {name} is not itself covered, but is a {link.kind.value.replace('_', ' ')} "
            f"{ctx.kb.name_of(link.object)}, which is: the policy's words do not plainly reach "
            "that tie, so a person must decide."
        )
        link_fact = Fact(f"{name}: {link.role or link.kind.value}", link.source)
        extra = (Fact(f"disputed: {link.disputed}", link.source),) if link.disputed else ()
        return Finding(
            Outcome.review, text, (*facts, link_fact, *extra, *_det_facts(other, link.source))
        )
    return Finding(Outcome.clear, f"{role} {name} is not a covered entity.", facts)


@rule_test("maker_covered")
def maker_covered(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Manufactured by a covered entity (ASDA §1823, NDAA §848(a)(1), Act 525...)."""
    product = ctx.product
    criteria = criteria_of(ctx, spec)
    if product.manufacturer and product.manufacturer in ctx.kb.entities:
        return _judge_entity(ctx, product.manufacturer, criteria, "the manufacturer")
    name = product.manufacturer_name or product.manufacturer or "unnamed"
    country = product.manufacturer_country
    fact = (Fact(f"{name} is stated to be based in {_country(country)}", product.source),)
    if country and country in criteria.countries:
        return Finding(
            Outcome.hit, f"the manufacturer {name} is based in {_country(country)}.", fact
        )
    return Finding(
        Outcome.review,
        f"the manufacturer {name} is not in the knowledge base: "
        "its owners and listings are unknown.",
        fact if country else (),
    )


@rule_test("maker_named")
def maker_named(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Made by a named entity or one tied to it (FY2025 NDAA §1709; Australian Defence)."""
    product = ctx.product
    targets: frozenset[str] = _param(spec, "entities")
    follow: frozenset[LinkKind] = _param(spec, "follow")
    names = " or ".join(ctx.kb.name_of(t) for t in sorted(targets))
    if not product.manufacturer or product.manufacturer not in ctx.kb.entities:
        name = product.manufacturer_name or "the manufacturer"
        return Finding(
            Outcome.review,
            f"{name} is not in the knowledge base: whether it is tied to {names} is unknown.",
        )
    chain = ctx.coverage.tie_to(product.manufacturer, ctx.as_of, targets, follow)
    maker = ctx.kb.name_of(product.manufacturer)
    if chain is None:
        return Finding(
            Outcome.clear, f"the manufacturer {maker} is neither {names} nor tied to them."
        )
    if not chain:
        made_by = Fact(f"{product.name} is made by {maker}", product.source)
        return Finding(Outcome.hit, f"the manufacturer is {maker.rstrip('.')}.", (made_by,))
    steps = " -> ".join([maker, *(ctx.kb.name_of(link.object) for link in chain)])
    facts = tuple(
        Fact(
            f"{ctx.kb.name_of(link.subject)} is {link.kind.value.replace('_', ' ')} "
            f"{ctx.kb.name_of(link.object)}" + (f" ({link.role})" if link.role else ""),
            link.source,
        )
        for link in chain
    )
    disputes = tuple(
        Fact(f"disputed: {link.disputed}", link.source) for link in chain if link.disputed
    )
    return Finding(Outcome.hit, f"the manufacturer is tied to {names}: {steps}.", facts + disputes)


def _countries(ctx: RuleContext, spec: RuleSpec) -> frozenset[str]:
    if "countries" in spec.params:
        return cast(frozenset[str], spec.params["countries"])
    return criteria_of(ctx, spec).countries


def _assembly_fact(product: Product) -> tuple[Fact, ...]:
    where = _country(product.final_assembly_country)
    return (Fact(f"{product.name}: final assembly in {where}", product.source),)


@rule_test("assembled_in")
def assembled_in(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Manufactured (finally assembled) in a covered country (NDAA §848(a)(1), Taiwan)."""
    product = ctx.product
    where = product.final_assembly_country
    if where is None:
        return Finding(Outcome.review, "where the drone is finally assembled is not known.")
    if where in _countries(ctx, spec):
        return Finding(
            Outcome.hit, f"it is assembled in {_country(where)}.", _assembly_fact(product)
        )
    return Finding(Outcome.clear, f"it is assembled in {_country(where)}.", _assembly_fact(product))


@rule_test("assembled_outside")
def assembled_outside(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Produced outside the home countries (FCC foreign-produced UAS; India's import ban)."""
    product = ctx.product
    where = product.final_assembly_country
    home: frozenset[str] = _param(spec, "countries")
    if where is None:
        return Finding(Outcome.review, "where the drone is produced is not known.")
    outcome = Outcome.clear if where in home else Outcome.hit
    return Finding(outcome, f"it is produced in {_country(where)}.", _assembly_fact(product))


def _worst(findings: Iterable[Finding], summary: dict[Outcome, str]) -> Finding:
    """Combine part findings: any hit wins, then any review, else clear."""
    found = list(findings)
    facts = tuple(f for finding in found for f in finding.facts)
    for outcome in (Outcome.hit, Outcome.review):
        parts = [f.text for f in found if f.outcome is outcome]
        if parts:
            return Finding(outcome, f"{summary[outcome]} {' '.join(parts)}", facts)
    return Finding(
        Outcome.clear, summary[Outcome.clear] + " " + " ".join(f.text for f in found), facts
    )


def _kinds(spec: RuleSpec) -> tuple[ComponentKind, ...]:
    return cast(tuple[ComponentKind, ...], _param(spec, "kinds"))


def _label(kind: ComponentKind) -> str:
    return kind.value.replace("_", " ")


def _component_finding(
    ctx: RuleContext, component: Component, countries: frozenset[str], criteria: CoveredCriteria
) -> Finding:
    label = component.name or _label(component.kind)
    where = component.made_in
    place = Fact(f"{ctx.product.name}: {label} from {_country(where)}", component.source)
    if where is not None and where in countries:
        return Finding(Outcome.hit, f"The {label} comes from {_country(where)}.", (place,))
    if component.maker and component.maker in ctx.kb.entities:
        judged = _judge_entity(ctx, component.maker, criteria, f"the {label} maker")
        if judged.outcome is Outcome.clear and where is None:
            return Finding(
                Outcome.review,
                f"The {label} maker is not covered, but where it is made is not known.",
                judged.facts,
            )
        return Finding(judged.outcome, judged.text[0].upper() + judged.text[1:], judged.facts)
    if component.maker_known:
        name = component.maker_name or component.maker
        return Finding(
            Outcome.review,
            f"The {label} maker {name} is not in the knowledge base.",
            (place,) if where else (),
        )
    return Finding(Outcome.review, f"The {label} maker is unknown.", (place,) if where else ())


@rule_test("components")
def components(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Components of the named kinds made in or by covered entities (NDAA §848(a)(2)-(4))."""
    criteria = criteria_of(ctx, spec)
    countries = _countries(ctx, spec)
    parts: list[Finding] = []
    for kind in _kinds(spec):
        found = ctx.product.components_of(kind)
        if not found:
            parts.append(Finding(Outcome.review, f"No data on the {_label(kind)}."))
        parts.extend(_component_finding(ctx, c, countries, criteria) for c in found)
    aspect = str(spec.params.get("aspect") or "from covered sources")
    return _worst(
        parts,
        {
            Outcome.hit: f"Components {aspect}:",
            Outcome.review: "Components not shown to be clear:",
            Outcome.clear: f"No listed component is {aspect}.",
        },
    )


@rule_test("components_outside")
def components_outside(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Components of the named kinds produced outside the home countries (FCC entry)."""
    home: frozenset[str] = _param(spec, "countries")
    parts: list[Finding] = []
    for kind in _kinds(spec):
        found = ctx.product.components_of(kind)
        if not found:
            parts.append(
                Finding(Outcome.review, f"No data on where the {_label(kind)} is produced.")
            )
        for component in found:
            label = component.name or _label(component.kind)
            where = component.made_in
            if where is None:
                parts.append(
                    Finding(Outcome.review, f"Where the {label} is produced is not known.")
                )
                continue
            fact = Fact(f"{ctx.product.name}: {label} from {_country(where)}", component.source)
            outcome = Outcome.clear if where in home else Outcome.hit
            parts.append(
                Finding(outcome, f"The {label} is produced in {_country(where)}.", (fact,))
            )
    return _worst(
        parts,
        {
            Outcome.hit: "Critical components produced abroad:",
            Outcome.review: "Critical components not shown to be domestic:",
            Outcome.clear: "Critical components are domestic.",
        },
    )


def listing(ctx: RuleContext, lists: tuple[str, ...]) -> Finding | None:
    """A clear finding when the product is on one of `lists` on the date, else None."""
    for status in ctx.product.statuses_on(ctx.as_of):
        if status.list_id in lists:
            title = ctx.kb.list_title(status.list_id)
            since = f" since {status.start.isoformat()}" if status.start else ""
            fact = Fact(
                f"{ctx.product.name} is on the {title} ({status.status}){since}", status.source
            )
            return Finding(
                Outcome.clear, f"it is on the {title} ({status.status}){since}.", (fact,)
            )
    return None


@rule_test("listed")
def listed(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """On a product list on the date (Blue UAS Cleared for BJA grants, Florida, the FCC)."""
    lists: tuple[str, ...] = _param(spec, "lists")
    found = listing(ctx, lists)
    if found is not None:
        return found
    titles = " or ".join(map(ctx.kb.list_title, lists))
    past = [
        Fact(
            f"{ctx.product.name} was on the {s.list_id} list from {s.start} until {s.end}"
            if s.end
            else f"{ctx.product.name} is listed on {s.list_id} from {s.start}",
            s.source,
        )
        for s in ctx.product.list_statuses
        if s.list_id in lists
    ]
    outcome = Outcome.hit if spec.params.get("when_missing") == "hit" else Outcome.review
    return Finding(outcome, f"it is not on the {titles} on {ctx.as_of.isoformat()}.", tuple(past))
