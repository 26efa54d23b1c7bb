"""Each aircraft's reasons name what decided it: the budget an earlier deadline used, the
requirement no compliant drone meets, the weights, the deadline before the plan, the
policy that bars every candidate, or the programme that makes a later year cheaper. And
what-if moves the plan the way the change says, with a diff that names what moved."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from dronevet.errors import BadInputError
from dronevet.fleet.planner import AircraftPlan, plan
from dronevet.fleet.planner_inputs import PlanningProblem, Weights
from dronevet.fleet.planner_reasons import Bound
from dronevet.fleet.planner_whatif import WhatIf, diff, what_if
from dronevet.knowledge.model import Source
from dronevet.knowledge.programs import NewDroneTerms, ReplacementProgram
from dronevet.policy.model import VerdictKind
from fleet.planner_fixtures import ORG, POLICY, TableVet, budgets, candidate, need

# US federal fiscal years (October): a deadline of 1 October 2026 means buying in FY2026.
BY_FY2026 = date(2026, 10, 1)
BY_FY2027 = date(2027, 10, 1)
ALLOW_ALL = TableVet()


def _text(planned: AircraftPlan) -> str:
    return " ".join(planned.reasons)


def _two_for_one_budget(**money: int) -> PlanningProblem:
    return PlanningProblem(
        ORG,
        (need("EARLY", BY_FY2026), need("LATE", BY_FY2027)),
        (candidate("skydio-x10d", 10_000),),
        budgets(**(money or {"fy2026": 10_000, "fy2027": 10_000})),
    )


def test_a_later_deadline_waits_for_the_year_an_earlier_one_leaves_room() -> None:
    result = plan(_two_for_one_budget(), ALLOW_ALL)
    early, late = result.get("EARLY"), result.get("LATE")
    assert (early.year, late.year) == (2026, 2027)
    assert early.bound_by == () and "the first year of the plan" in _text(early)
    assert late.bound_by == (Bound.budget,)
    assert ("FY2026 had $0 left for it (it costs $10,000): it went to aircraft with earlier "
            "deadlines (EARLY).") in late.reasons


def test_the_cheapest_compliant_candidate_meeting_everything_is_named_so() -> None:
    problem = PlanningProblem(
        ORG, (need("A1", BY_FY2026, capabilities=("thermal",), flight=30),),
        (candidate("cheap-thermal", 7_000, capabilities=("thermal",), flight=31),
         candidate("dear-thermal", 9_000, capabilities=("thermal",), flight=40),
         candidate("cheaper-no-thermal", 3_000, flight=40)),
        budgets(fy2026=50_000))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.candidate is not None and planned.candidate.product_id == "cheap-thermal"
    assert planned.reasons[0] == ("Cheap Thermal meets every requirement, the cheapest "
                                  "compliant candidate that does.")
    assert planned.shortfalls == () and planned.bound_by == ()


def test_a_requirement_no_compliant_drone_meets_is_named() -> None:
    problem = PlanningProblem(
        ORG, (need("A1", BY_FY2026, capabilities=("thermal",), flight=40),),
        (candidate("banned-thermal", 5_000, capabilities=("thermal",), flight=45),
         candidate("short-flight", 6_000, capabilities=("thermal",), flight=32)),
        budgets(fy2026=50_000))
    vet = TableVet({"banned-thermal": date(2020, 1, 1)})
    planned = plan(problem, vet).get("A1")
    assert planned.candidate is not None and planned.candidate.product_id == "short-flight"
    assert planned.shortfalls == ("flies 32 min of the 40 required",)
    assert planned.bound_by == (Bound.requirements,)
    assert planned.reasons[0].startswith("No compliant candidate meets every requirement")


def test_the_budget_can_force_a_shortfall_and_says_which_drone_did_not_fit() -> None:
    problem = PlanningProblem(
        ORG, (need("A1", BY_FY2026, capabilities=("thermal",)),),
        (candidate("thermal-one", 20_000, capabilities=("thermal",)),
         candidate("plain-one", 5_000)),
        budgets(fy2026=10_000))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.candidate is not None and planned.candidate.product_id == "plain-one"
    assert planned.bound_by == (Bound.budget,)
    assert planned.reasons[0] == (
        "Thermal One, which meets every requirement, costs $20,000 and did not fit the money "
        "left up to FY2026; Plain One does, and falls short: no thermal.")


def test_low_shortfall_weights_choose_the_cheaper_drone_and_say_so() -> None:
    problem = PlanningProblem(
        ORG, (need("A1", BY_FY2026, capabilities=("thermal",)),),
        (candidate("thermal-one", 20_000, capabilities=("thermal",)),
         candidate("plain-one", 5_000)),
        budgets(fy2026=100_000),
        weights=Weights(missing_requirement=Decimal(10_000)))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.candidate is not None and planned.candidate.product_id == "plain-one"
    assert planned.bound_by == (Bound.weights,)
    assert "costs $15,000 more than Plain One" in planned.reasons[0]


def test_no_compliant_candidate_leaves_the_aircraft_unreplaced_naming_each_objection() -> None:
    problem = PlanningProblem(ORG, (need("A1", BY_FY2026),),
                              (candidate("dji-m30t", 9_000), candidate("skydio-x10", 15_000)),
                              budgets(fy2026=50_000))
    vet = TableVet({"dji-m30t": date(2020, 1, 1)})
    review = TableVet({"skydio-x10": date(2020, 1, 1)}, VerdictKind.review)

    def both(product_id: str, *, policy: str, use: str, as_of: date) -> VerdictKind:
        found = vet(product_id, policy=policy, use=use, as_of=as_of)
        return found if found is VerdictKind.prohibited else review(
            product_id, policy=policy, use=use, as_of=as_of)

    planned = plan(problem, both).get("A1")
    assert planned.candidate is None and planned.bound_by == (Bound.compliance,)
    assert planned.reasons == (
        f"Not replaced: no candidate is compliant as of 2026-10-01: Dji M30T is prohibited "
        f"under {POLICY} for procure; Skydio X10 needs a person's review under {POLICY} for "
        "procure.",)
    assert {(o.product_id, o.verdict) for o in planned.excluded} == {
        ("dji-m30t", VerdictKind.prohibited), ("skydio-x10", VerdictKind.review)}


def test_a_ban_that_starts_after_the_deadline_does_not_exclude() -> None:
    problem = PlanningProblem(ORG, (need("A1", BY_FY2026),), (candidate("later-ban", 9_000),),
                              budgets(fy2026=50_000))
    planned = plan(problem, TableVet({"later-ban": date(2026, 10, 2)})).get("A1")
    assert planned.candidate is not None and planned.excluded == ()


def test_a_deadline_before_the_plan_leaves_the_aircraft_unreplaced() -> None:
    problem = PlanningProblem(ORG, (need("A1", date(2025, 10, 1)),),
                              (candidate("skydio-x10d", 9_000),), budgets(fy2026=50_000))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.candidate is None and planned.bound_by == (Bound.deadline,)
    assert planned.buy_by == 2025
    assert planned.reasons == ("Not replaced: it must be bought by FY2025 (deadline "
                               "2025-10-01), before the plan's first year, FY2026.",)


def test_a_drone_dearer_than_any_budget_is_not_bought() -> None:
    problem = PlanningProblem(ORG, (need("A1", BY_FY2027),), (candidate("alta-x", 32_495),),
                              budgets(fy2026=20_000, fy2027=20_000))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.candidate is None and planned.bound_by == (Bound.budget,)
    assert planned.reasons == (
        "Not replaced: the cheapest compliant candidate, Alta X, costs $32,495, more than any "
        "year's whole budget up to FY2027 ($20,000).",)


def test_carry_over_lets_two_years_of_money_buy_one_drone() -> None:
    problem = PlanningProblem(ORG, (need("A1", BY_FY2027),), (candidate("alta-x", 32_495),),
                              budgets(fy2026=20_000, fy2027=20_000))
    saved = what_if(problem, WhatIf(carry_over=True), ALLOW_ALL)
    planned = saved.get("A1")
    assert planned.year == 2027
    assert [(y.carried_in, y.left) for y in saved.years] == [
        (Decimal(0), Decimal(20_000)), (Decimal(20_000), Decimal(7_505))]
    assert "FY2026 had $20,000 left for it (it costs $32,495)" in _text(planned)
    change = diff(plan(problem, ALLOW_ALL), saved)
    assert [c.changes for c in change.aircraft] == [("Alta X in FY2027 (was not replaced).",)]


def test_money_spent_on_earlier_deadlines_leaves_a_later_one_unreplaced() -> None:
    problem = _two_for_one_budget(fy2026=10_000)
    planned = plan(problem, ALLOW_ALL).get("LATE")
    assert planned.candidate is None and planned.bound_by == (Bound.budget,)
    assert planned.reasons == (
        "Not replaced: the cheapest compliant candidate, Skydio X10D, costs $10,000, more than "
        "the money left up to FY2027 (FY2026 $0); it went to aircraft with earlier deadlines "
        "(EARLY).",)


def test_leaving_an_aircraft_can_weigh_less_than_replacing_it() -> None:
    problem = PlanningProblem(ORG, (need("A1", BY_FY2026),), (candidate("skydio-x10d", 9_000),),
                              budgets(fy2026=50_000),
                              weights=Weights(not_replaced=Decimal(5_000)))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.candidate is None and planned.bound_by == (Bound.weights,)
    assert "weighs $9,000 with its shortfalls, no less than leaving it ($5,000)" in _text(planned)


def test_a_programme_open_only_later_makes_the_later_year_the_cheaper_one() -> None:
    grant = ReplacementProgram(
        "test-grant", "Test replacement grant", "us-fl", date(2026, 10, 1), date(2027, 10, 1),
        "any agency", Source("Test grant notice", date(2026, 1, 1)),
        new_drone=NewDroneTerms(Decimal(5_000), "USD"), notes="Funds first come, first served.")
    problem = PlanningProblem(ORG, (need("A1", BY_FY2027, trade_in=1_000),),
                              (candidate("skydio-x10d", 20_000),),
                              budgets(fy2026=50_000, fy2027=50_000), programs=(grant,))
    planned = plan(problem, ALLOW_ALL).get("A1")
    assert planned.year == 2027 and planned.bound_by == (Bound.programme,)
    assert planned.cost is not None and planned.cost.net == Decimal(14_000)
    assert planned.reasons[2:] == (
        "In FY2026 it would cost $5,000 more: the Test replacement grant counts then, not in "
        "FY2026.",
        "It costs $14,000: list price $20,000, less $1,000 trade-in, less $5,000 from the "
        "Test replacement grant.",
        "Funds first come, first served.")


def test_a_bigger_budget_brings_the_later_purchase_forward() -> None:
    problem = _two_for_one_budget()
    before = plan(problem, ALLOW_ALL)
    after = what_if(problem, WhatIf(budgets={2026: Decimal(20_000)}), ALLOW_ALL)
    assert after.get("LATE").year == 2026 and after.get("LATE").bound_by == ()
    change = diff(before, after)
    assert [(c.serial, c.changes) for c in change.aircraft] == [
        ("LATE", ("FY2026 instead of FY2027.",))]
    assert [(y.year, y.spend_before, y.spend_after) for y in change.years] == [
        (2026, Decimal(10_000), Decimal(20_000)), (2027, Decimal(10_000), Decimal(0))]


def test_an_earlier_deadline_in_a_what_if_can_leave_an_aircraft_unreplaced() -> None:
    problem = _two_for_one_budget()
    # LATE needs thermal, which the drone lacks: replacing EARLY weighs less
    problem = replace(problem, needs=(problem.needs[0],
                                      need("LATE", BY_FY2027, capabilities=("thermal",))))
    after = what_if(problem, WhatIf(deadlines={"LATE": BY_FY2026}), ALLOW_ALL)
    assert after.get("LATE").candidate is None
    assert after.get("LATE").bound_by == (Bound.budget,)
    assert "deadlines no later than its own (EARLY)" in _text(after.get("LATE"))
    moved = what_if(problem, WhatIf(shift_days=-366), ALLOW_ALL)
    assert moved.get("EARLY").candidate is None and moved.get("EARLY").buy_by == 2025
    assert moved.get("LATE").year == 2026


def test_a_what_if_names_an_unknown_aircraft() -> None:
    with pytest.raises(BadInputError, match="no aircraft LAET") as error:
        WhatIf(deadlines={"LAET": BY_FY2026}).apply(_two_for_one_budget())
    assert "LATE" in error.value.suggestions
