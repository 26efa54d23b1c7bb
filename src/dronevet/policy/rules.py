"""Rule tests: the checks that policy rules name in `policies.yaml`, registered by name.

A rule in the data says `test: components` with its parameters; this module holds one small
function per test, registered with `@rule_test("components")`. Each returns a `Finding`
(hit / clear / review, a sentence worded by the result, and the sourced facts it rests on).
The evaluator (`evaluate.py`) never branches on test names: new kinds of rules plug in here.

Sentences say what was found, not what the rule forbids: "Not assembled in a covered
country: final assembly in the United States", never the prohibited condition with a tick.
Facts about an entity's standing (its domicile, designations, links) carry that entity's
id, so explanations can show them once per entity.

Tests and their parameters:

- `maker_covered`: the manufacturer is a covered entity under the policy's (or the rule's
  own `countries`/`lists`) criteria; a maker known only by name (a BOM) is judged by its
  stated country and otherwise left to review.
- `maker_named`: the manufacturer is one of `entities`, or tied to one by links of the
  kinds in `follow` (FY2025 NDAA §1709: DJI, Autel and their affiliates and licensees).
- `maker_based_outside`: the manufacturer is based outside `countries` (Mississippi: made
  by an American-owned company).
- `assembled_in`: final assembly in one of `countries` (default: the policy's).
- `assembled_outside`: final assembly outside `countries` (FCC foreign-produced UAS; India).
- `components`: components of `kinds` made in covered countries or by covered makers
  (NDAA §848(a)(1)(B)-(D)); an undeclared component or unknown maker gives review.
- `components_outside`: components of `kinds` produced outside `countries`.
- `listed`: the product, or its manufacturer, is on one of `lists` on the date (Blue UAS
  Cleared; Florida's approved manufacturers); otherwise `when_missing` (`review` or `hit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from dronevet.errors import KnowledgeError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.countries import country_list, country_name
from dronevet.knowledge.model import Component, ComponentKind, LinkKind, Product, Source
from dronevet.policy.coverage import CoverageCache
from dronevet.policy.model import Fact, Outcome, Policy, RuleSpec
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


def _param(spec: RuleSpec, key: str) -> Any:
    """A rule parameter as the loader normalised it (frozensets of countries, entities and
    link kinds; tuples of component kinds and list ids), or an empty tuple."""
    return spec.params.get(key, ())


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _stop(text: str) -> str:
    """`text` ending in exactly one full stop (names such as 'Co., Ltd.' end in one)."""
    return text.rstrip(".") + "."


def _det_facts(det: CoveredDetermination, fallback: Source) -> tuple[Fact, ...]:
    return tuple(Fact(r.text, r.source or fallback, r.entity_id) for r in det.reasons)


def _domicile(ctx: RuleContext, entity_id: str) -> str:
    entity = ctx.kb.entities.get(entity_id)
    return country_list(entity.countries) if entity and entity.countries else "domicile unknown"


# --- Who makes it --------------------------------------------------------------------------


def _judge_entity(
    ctx: RuleContext, entity_id: str, criteria: CoveredCriteria, role: str
) -> Finding:
    """Whether `entity_id`, in `role` (e.g. 'the manufacturer', 'the camera maker'), is
    covered (memoised: many products share a maker)."""
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
    who = _capitalised(role)
    if det.status is CoveredStatus.covered:
        via = ""
        if len(det.chain) > 1:
            via = " (through " + " → ".join(ctx.kb.name_of(e) for e in det.chain) + ")"
        return Finding(Outcome.hit, _stop(f"{who} is a covered entity: {name}{via}"), facts)
    if det.status is CoveredStatus.review:
        return Finding(
            Outcome.review,
            f"{who} may be a covered entity: {name.rstrip('.')}; a person must decide.",
            facts,
        )
    if det.status is CoveredStatus.unknown:
        return Finding(
            Outcome.review,
            f"{who} cannot be judged: where {name} is domiciled is not known.",
            facts,
        )
    tie = ctx.coverage.questionable_tie(entity_id, ctx.as_of, criteria, kinds)
    if tie is not None:
        link, other = tie
        text = (
            f"{who} is not itself covered, but {name} {link.kind.phrase} "
            f"{ctx.kb.name_of(link.object)}, which is: the policy's words do not plainly "
            "reach that tie, so a person must decide."
        )
        link_fact = Fact(
            f"{name} {link.kind.phrase} {ctx.kb.name_of(link.object)}"
            + (f" ({link.role})" if link.role else ""),
            link.source,
        )
        extra = (Fact(f"Disputed: {link.disputed}", link.source),) if link.disputed else ()
        return Finding(
            Outcome.review, text, (*facts, link_fact, *extra, *_det_facts(other, link.source))
        )
    return Finding(
        Outcome.clear, f"{who} is not covered: {name} ({_domicile(ctx, entity_id)}).", facts
    )


def _unlisted_maker(ctx: RuleContext, criteria: CoveredCriteria) -> Finding:
    """A manufacturer known only by name (a bill of materials): judged by its stated country."""
    product = ctx.product
    name = product.manufacturer_name or product.manufacturer or "an unnamed maker"
    country = product.manufacturer_country
    facts = (
        (Fact(f"{name} is stated to be based in {country_name(country)}", product.source),)
        if country
        else ()
    )
    if country and country in criteria.countries:
        return Finding(
            Outcome.hit,
            f"The manufacturer is based in a covered country: {name}, {country_name(country)}.",
            facts,
        )
    stated = f" (stated to be based in {country_name(country)})" if country else ""
    return Finding(
        Outcome.review,
        f"The manufacturer {name}{stated} is not in the knowledge base: its owners and "
        "listings are unknown, so a person must decide.",
        facts,
    )


@rule_test("maker_covered")
def maker_covered(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Manufactured by a covered entity (ASDA §1823, NDAA §848(a)(1)(A), Act 525...)."""
    product = ctx.product
    criteria = criteria_of(ctx, spec)
    if product.manufacturer and product.manufacturer in ctx.kb.entities:
        return _judge_entity(ctx, product.manufacturer, criteria, "the manufacturer")
    return _unlisted_maker(ctx, criteria)


def _names(ctx: RuleContext, ids: Iterable[str], joiner: str) -> str:
    names = [ctx.kb.name_of(t) for t in sorted(ids)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {joiner} " + names[-1]


@rule_test("maker_named")
def maker_named(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Made by a named entity or one tied to it (FY2025 NDAA §1709; Australian Defence)."""
    product = ctx.product
    targets: frozenset[str] = _param(spec, "entities")
    follow: frozenset[LinkKind] = _param(spec, "follow")
    either = _names(ctx, targets, "or")
    if not product.manufacturer or product.manufacturer not in ctx.kb.entities:
        name = product.manufacturer_name or "The manufacturer"
        return Finding(
            Outcome.review,
            f"{name} is not in the knowledge base: whether it is tied to {either} is unknown.",
        )
    chain = ctx.coverage.tie_to(product.manufacturer, ctx.as_of, targets, follow)
    maker = ctx.kb.name_of(product.manufacturer)
    if chain is None:
        return Finding(
            Outcome.clear,
            _stop(
                f"Not made by {either}, nor by a company tied to them: the manufacturer is {maker}"
            ),
        )
    if not chain:
        made_by = Fact(f"{product.name} is made by {maker}", product.source)
        return Finding(Outcome.hit, _stop(f"Made by {maker}"), (made_by,))
    steps = " → ".join([maker, *(ctx.kb.name_of(link.object) for link in chain)])
    facts = tuple(
        Fact(
            f"{ctx.kb.name_of(link.subject)} {link.kind.phrase} {ctx.kb.name_of(link.object)}"
            + (f" ({link.role})" if link.role else ""),
            link.source,
        )
        for link in chain
    )
    disputes = tuple(
        Fact(f"Disputed: {link.disputed}", link.source) for link in chain if link.disputed
    )
    if any(not link.source.verified for link in chain):
        return Finding(
            Outcome.review,
            _stop(
                f"May be made by a company tied to {either}: {steps}; the tie rests on a "
                "source not yet verified, so a person must decide"
            ),
            facts + disputes,
        )
    return Finding(
        Outcome.hit, _stop(f"Made by a company tied to {either}: {steps}"), facts + disputes
    )


@rule_test("maker_based_outside")
def maker_based_outside(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """The manufacturer is based outside `countries` (Mississippi SB 2853: an American-owned
    company)."""
    product = ctx.product
    home: frozenset[str] = _param(spec, "countries")
    where = country_list(home)
    entity = ctx.kb.entities.get(product.manufacturer) if product.manufacturer else None
    if entity is not None:
        name, countries, source = entity.name, entity.countries, entity.source
    else:
        name = product.manufacturer_name or "an unnamed maker"
        countries = (product.manufacturer_country,) if product.manufacturer_country else ()
        source = product.source
    if not countries:
        return Finding(
            Outcome.review, f"Where the manufacturer {name} is based is not known."
        )
    fact = (
        Fact(
            f"{name} is based in {country_list(countries)}",
            source,
            entity.id if entity else None,
        ),
    )
    if set(countries) <= home:
        return Finding(Outcome.clear, _stop(f"The manufacturer is based in {where}: {name}"), fact)
    return Finding(
        Outcome.hit,
        f"The manufacturer is based outside {where}: {name}, {country_list(countries)}.",
        fact,
    )


# --- Where it is made ----------------------------------------------------------------------


def _countries(ctx: RuleContext, spec: RuleSpec) -> frozenset[str]:
    if "countries" in spec.params:
        return cast(frozenset[str], spec.params["countries"])
    return criteria_of(ctx, spec).countries


def _assembly_fact(product: Product) -> tuple[Fact, ...]:
    where = country_name(product.final_assembly_country)
    return (Fact(f"{product.name}: final assembly in {where}", product.source),)


@rule_test("assembled_in")
def assembled_in(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Manufactured (finally assembled) in a covered country (NDAA §848(a)(1)(A), Taiwan)."""
    product = ctx.product
    where = product.final_assembly_country
    if where is None:
        return Finding(
            Outcome.review, "Place of final assembly not known: a person must find it out."
        )
    place = country_name(where)
    if where in _countries(ctx, spec):
        return Finding(
            Outcome.hit,
            f"Assembled in a covered country: final assembly in {place}.",
            _assembly_fact(product),
        )
    return Finding(
        Outcome.clear,
        f"Not assembled in a covered country: final assembly in {place}.",
        _assembly_fact(product),
    )


@rule_test("assembled_outside")
def assembled_outside(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Produced outside the home countries (FCC foreign-produced UAS; India's import ban)."""
    product = ctx.product
    where = product.final_assembly_country
    home = country_list(cast(frozenset[str], _param(spec, "countries")))
    if where is None:
        return Finding(Outcome.review, "Where the drone is produced is not known.")
    place = country_name(where)
    if where in _param(spec, "countries"):
        return Finding(
            Outcome.clear,
            f"Produced in {home}: final assembly in {place}.",
            _assembly_fact(product),
        )
    return Finding(
        Outcome.hit,
        f"Produced outside {home}: final assembly in {place}.",
        _assembly_fact(product),
    )


# --- What it is made of --------------------------------------------------------------------


def _kinds(spec: RuleSpec) -> tuple[ComponentKind, ...]:
    return cast(tuple[ComponentKind, ...], _param(spec, "kinds"))


def _label(kind: ComponentKind) -> str:
    return kind.value.replace("_", " ")


_MADE = {
    ComponentKind.operating_software: "developed",
    ComponentKind.network_service: "located",
    ComponentKind.data_storage: "located",
}
"""How a component's `made_in` reads: hardware is made, software developed, services and
storage located somewhere (NDAA §848(a)(1)(B)-(D))."""


def _made(kind: ComponentKind) -> str:
    return _MADE.get(kind, "made")


def _part_fact(ctx: RuleContext, component: Component) -> Fact:
    name = f" ({component.name})" if component.name else ""
    made = _made(component.kind)
    where = (
        f"{made} in {country_name(component.made_in)}"
        if component.made_in
        else f"where it is {made} not stated"
    )
    return Fact(f"{ctx.product.name}: {_label(component.kind)}{name}, {where}", component.source)


@dataclass(frozen=True, slots=True)
class _Part:
    """What one component (or a kind with no component) showed: parts with the same
    `reason` are told together ("made in China (camera, gimbal)")."""

    outcome: Outcome
    label: str
    reason: str = ""
    facts: tuple[Fact, ...] = ()


def _combine_parts(parts: list[_Part], summary: dict[Outcome, str]) -> Finding:
    """Any hit wins, then any review, else clear; parts with one reason are grouped."""
    facts = tuple(fact for part in parts for fact in part.facts)
    for outcome in (Outcome.hit, Outcome.review):
        grouped: dict[str, list[str]] = {}
        for part in parts:
            if part.outcome is outcome:
                grouped.setdefault(part.reason, []).append(part.label)
        if grouped:
            told = "; ".join(
                f"{reason} ({', '.join(dict.fromkeys(labels))})"
                for reason, labels in grouped.items()
            )
            return Finding(outcome, f"{summary[outcome]}: {told}.", facts)
    return Finding(Outcome.clear, summary[Outcome.clear], facts)


def _component_part(
    ctx: RuleContext, component: Component, countries: frozenset[str], criteria: CoveredCriteria
) -> _Part:
    label = _label(component.kind)
    where = component.made_in
    place = _part_fact(ctx, component)
    made = _made(component.kind)
    if where is not None and where in countries:
        return _Part(Outcome.hit, label, f"{made} in {country_name(where)}", (place,))
    if component.maker and component.maker in ctx.kb.entities:
        judged = _judge_entity(ctx, component.maker, criteria, f"the {label} maker")
        maker = ctx.kb.name_of(component.maker)
        facts = (place, *judged.facts)
        if judged.outcome is Outcome.hit:
            return _Part(Outcome.hit, label, f"made by a covered entity, {maker}", facts)
        if judged.outcome is Outcome.review:
            return _Part(Outcome.review, label, f"made by {maker}, which may be covered", facts)
        if where is None:
            return _Part(
                Outcome.review,
                label,
                f"made by {maker}, not covered, but where it is {made} is not known",
                facts,
            )
        return _Part(Outcome.clear, label, facts=facts)
    if component.maker_known:
        name = component.maker_name or component.maker or ""
        return _Part(Outcome.review, label, f"maker {name} not in the knowledge base", (place,))
    stated = f", though said to be {made} in {country_name(where)}" if where else ""
    return _Part(Outcome.review, label, f"maker unknown{stated}", (place,))


@rule_test("components")
def components(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Components of the named kinds made in or by covered entities (NDAA §848(a)(1)(B)-(D))."""
    criteria = criteria_of(ctx, spec)
    countries = _countries(ctx, spec)
    parts: list[_Part] = []
    for kind in _kinds(spec):
        found = ctx.product.components_of(kind)
        if not found:
            parts.append(_Part(Outcome.review, _label(kind), "no data"))
        parts.extend(_component_part(ctx, c, countries, criteria) for c in found)
    checked = ", ".join(_label(kind) for kind in _kinds(spec))
    return _combine_parts(
        parts,
        {
            Outcome.hit: "Components from covered sources",
            Outcome.review: "Components not shown to be clear",
            Outcome.clear: f"No components from covered sources ({checked} checked).",
        },
    )


@rule_test("components_outside")
def components_outside(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """Components of the named kinds produced outside the home countries (FCC entry)."""
    home: frozenset[str] = _param(spec, "countries")
    where_home = country_list(home)
    parts: list[_Part] = []
    for kind in _kinds(spec):
        found = ctx.product.components_of(kind)
        if not found:
            parts.append(_Part(Outcome.review, _label(kind), "no data on where it is produced"))
        for component in found:
            label = _label(component.kind)
            where = component.made_in
            if where is None:
                parts.append(_Part(Outcome.review, label, "where it is produced is not known"))
            elif where in home:
                parts.append(_Part(Outcome.clear, label, facts=(_part_fact(ctx, component),)))
            else:
                fact = (_part_fact(ctx, component),)
                parts.append(_Part(Outcome.hit, label, f"produced in {country_name(where)}", fact))
    return _combine_parts(
        parts,
        {
            Outcome.hit: f"Critical components produced outside {where_home}",
            Outcome.review: f"Critical components not shown to be produced in {where_home}",
            Outcome.clear: f"Critical components produced in {where_home}.",
        },
    )


# --- Lists ---------------------------------------------------------------------------------


def _since(day: date | None) -> str:
    return f" since {day.isoformat()}" if day else ""


def listing(ctx: RuleContext, lists: tuple[str, ...]) -> Finding | None:
    """A clear finding when the product is on one of `lists` on the date, or its maker is on
    one whose listing clears the maker's products (`DesignationList.clears_products`);
    else None."""
    for status in ctx.product.statuses_on(ctx.as_of):
        if status.list_id in lists:
            title = ctx.kb.list_title(status.list_id)
            fact = Fact(
                f"{ctx.product.name} is on the {title} ({status.status}){_since(status.start)}",
                status.source,
            )
            return Finding(
                Outcome.clear,
                f"On the {title} ({status.status}){_since(status.start)}.",
                (fact,),
            )
    maker = ctx.product.manufacturer
    for designation in ctx.kb.designations_on(maker, ctx.as_of) if maker else ():
        known = ctx.kb.lists.get(designation.list_id)
        if designation.list_id in lists and known is not None and known.clears_products:
            title = ctx.kb.list_title(designation.list_id)
            name = ctx.kb.name_of(maker)
            since = _since(designation.effective)
            fact = Fact(f"{name} is on the {title}{since}", designation.source, maker)
            return Finding(
                Outcome.clear, f"Made by a listed manufacturer: {name} is on the {title}{since}.",
                (fact,),
            )
    return None


def listing_cautions(ctx: RuleContext) -> tuple[Fact, ...]:
    """Listings the product still counts as holding although a secondary source reports
    their removal: shown as cautions, never as a removal."""
    return tuple(
        Fact(
            f"{ctx.product.name} was reported removed from the {ctx.kb.list_title(s.list_id)} "
            f"on {s.end.isoformat()} by a source not yet confirmed; it still counts as listed "
            "here. Check the current list before relying on it.",
            s.end_source or s.source,
        )
        for s in ctx.product.list_statuses
        if s.removal_unconfirmed(ctx.as_of) and s.end is not None
    )


@rule_test("listed")
def listed(ctx: RuleContext, spec: RuleSpec) -> Finding:
    """On a product list on the date, or made by a listed manufacturer (Blue UAS Cleared for
    BJA grants; Florida's approved manufacturers)."""
    lists: tuple[str, ...] = _param(spec, "lists")
    found = listing(ctx, lists)
    if found is not None:
        return found
    titles = " or the ".join(map(ctx.kb.list_title, lists))
    past = [
        Fact(
            f"{ctx.product.name} was on the {ctx.kb.list_title(s.list_id)}"
            f"{_since(s.start)} until {s.end.isoformat()}",
            s.end_source or s.source,
        )
        for s in ctx.product.list_statuses
        if s.list_id in lists and s.end is not None and s.removal_confirmed
    ]
    outcome = Outcome.hit if spec.params.get("when_missing") == "hit" else Outcome.review
    return Finding(
        outcome, f"Not on the {titles} on {ctx.as_of.isoformat()}.", tuple(past)
    )
