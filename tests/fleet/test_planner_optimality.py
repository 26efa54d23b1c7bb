"""The MILP finds the best plan: on random small problems (1-4 aircraft, 1-4 candidates,
1-3 fiscal years, random budgets, prices, trade-ins, requirements, bans, weights,
carry-over and a programme credit) its objective equals the minimum found by trying every
assignment, it buys as early as that minimum allows, and every plan keeps every budget,
deadline and binding."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.planner import Plan, plan
from dronevet.fleet.planner_inputs import (
    Candidate,
    PlanningProblem,
    ReplacementNeed,
    Requirements,
    Weights,
)
from dronevet.knowledge.model import Source
from dronevet.knowledge.programs import NewDroneTerms, ReplacementProgram
from dronevet.policy.model import VerdictKind
from fleet.planner_fixtures import QUOTE, TableVet

CAPABILITIES = ("thermal", "zoom")
FIRST_YEAR = 2026
GRANT_SOURCE = Source("Test grant notice", date(2025, 1, 1))
DAYS = st.dates(date(2025, 1, 1), date(2029, 12, 31))


@st.composite
def problems(draw: st.DrawFn) -> tuple[PlanningProblem, TableVet]:
    organisation = Organisation(
        "Random County",
        (Binding("p-one", ("procure",)), Binding("p-two")),
        "us-fl",
        draw(st.sampled_from([1, 7, 10])),
    )
    years = {FIRST_YEAR + i: Decimal(draw(st.integers(0, 40_000)))
             for i in range(draw(st.integers(1, 3)))}
    candidates = tuple(
        Candidate(
            f"c{i}", f"Candidate {i}", Decimal(draw(st.integers(500, 25_000))), QUOTE,
            frozenset(draw(st.sets(st.sampled_from(CAPABILITIES)))),
            draw(st.none() | st.integers(15, 50).map(float)),
        )
        for i in range(draw(st.integers(1, 4)))
    )
    banned = {c.product_id: draw(DAYS) for c in candidates if draw(st.booleans())}
    needs = tuple(
        ReplacementNeed(
            Aircraft(f"A{i}", "DJI Mavic 3 Thermal"),
            draw(DAYS),
            Requirements(frozenset(draw(st.sets(st.sampled_from(CAPABILITIES)))),
                         draw(st.none() | st.integers(15, 50).map(float))),
            Decimal(draw(st.integers(0, 3_000))),
        )
        for i in range(draw(st.integers(1, 4)))
    )
    programs: tuple[ReplacementProgram, ...] = ()
    if draw(st.booleans()):
        start = draw(DAYS)
        programs = (ReplacementProgram(
            "test-grant", "Test grant", "us-fl", start,
            start + timedelta(days=draw(st.integers(1, 700))), "anyone", GRANT_SOURCE,
            new_drone=NewDroneTerms(Decimal(draw(st.integers(0, 10_000))), "USD")),)
    weights = Weights(Decimal(draw(st.integers(1_000, 60_000))),
                      Decimal(draw(st.integers(0, 20_000))))
    problem = PlanningProblem(organisation, needs, candidates, years, programs, weights,
                              draw(st.booleans()))
    return problem, TableVet(banned)


# --------------------------------------------------------------------------- brute force
# Written apart from the planner: it prices, vets and counts shortfalls on its own.


def _fy_span(organisation: Organisation, year: int) -> tuple[date, date]:
    month = organisation.fiscal_year_start
    first = year - (0 if month == 1 else 1)
    return date(first, month, 1), date(first + 1, month, 1)


def _net(problem: PlanningProblem, need: ReplacementNeed, candidate: Candidate,
         year: int) -> Decimal:
    plain = max(Decimal(0), candidate.price - need.trade_in)
    start, end = _fy_span(problem.organisation, year)
    for program in problem.programs:
        if program.start < end and start < program.end and program.new_drone is not None:
            grant = min(program.new_drone.cap, candidate.price)
            plain = min(plain, max(Decimal(0), candidate.price - need.trade_in - grant))
    return plain


def _gaps(need: ReplacementNeed, candidate: Candidate) -> int:
    wanted = need.requirements
    missing = len(wanted.capabilities - candidate.capabilities)
    flight = wanted.min_flight_time_min
    if flight is not None and (candidate.flight_time_min is None
                               or candidate.flight_time_min < flight):
        missing += 1
    return missing


def _admissible(vet: TableVet, candidate: Candidate, day: date) -> bool:
    # the table bans a product under every policy and use alike
    return vet(candidate.product_id, policy="any", use="any", as_of=day) is VerdictKind.permitted


def _choices(problem: PlanningProblem, vet: TableVet,
             need: ReplacementNeed) -> list[tuple[Decimal, Decimal, int] | None]:
    """(net cost, weight, year index) for every admissible (candidate, year); None: not
    replaced."""
    last = problem.organisation.fiscal_year(need.deadline - timedelta(days=1))
    found: list[tuple[Decimal, Decimal, int] | None] = [None]
    for candidate in problem.candidates:
        if not _admissible(vet, candidate, need.deadline):
            continue
        for t, year in enumerate(problem.years):
            if year <= last:
                net = _net(problem, need, candidate, year)
                shortfall = problem.weights.missing_requirement * _gaps(need, candidate)
                found.append((net, net + shortfall, t))
    return found


def _within_budgets(problem: PlanningProblem, spend: list[Decimal]) -> bool:
    budgets = list(problem.budgets.values())
    if problem.carry_over:
        return all(s <= b for s, b in zip(itertools.accumulate(spend),
                                          itertools.accumulate(budgets), strict=True))
    return all(s <= b for s, b in zip(spend, budgets, strict=True))


def brute_force(problem: PlanningProblem, vet: TableVet) -> tuple[Decimal, int]:
    """The least (objective, sum of year indices) over every assignment within budgets."""
    best: tuple[Decimal, int] | None = None
    per_need = [_choices(problem, vet, n) for n in problem.needs]
    for assignment in itertools.product(*per_need):
        spend = [Decimal(0)] * len(problem.years)
        objective, delay = Decimal(0), 0
        for choice in assignment:
            if choice is None:
                objective += problem.weights.not_replaced
                continue
            net, weight, t = choice
            spend[t] += net
            objective += weight
            delay += t
        if _within_budgets(problem, spend) and (best is None or (objective, delay) < best):
            best = (objective, delay)
    assert best is not None  # leaving every aircraft unreplaced always fits
    return best


# --------------------------------------------------------------------------- properties


def _check_constraints(problem: PlanningProblem, vet: TableVet, result: Plan) -> None:
    spend = [Decimal(0)] * len(problem.years)
    years = list(problem.years)
    for need, planned in zip(problem.needs, result.aircraft, strict=True):
        assert planned.serial == need.serial
        if planned.candidate is None:
            assert planned.reasons[0].startswith("Not replaced")
            continue
        assert planned.year is not None and planned.cost is not None
        last = problem.organisation.fiscal_year(need.deadline - timedelta(days=1))
        assert planned.year <= last, "bought after its deadline's fiscal year"
        assert _admissible(vet, planned.candidate, need.deadline), "bought a barred drone"
        assert planned.cost.net == _net(problem, need, planned.candidate, planned.year)
        spend[years.index(planned.year)] += planned.cost.net
    assert _within_budgets(problem, spend)
    assert [y.spend for y in result.years] == spend


@settings(max_examples=150, deadline=None)
@given(problems())
def test_the_plan_is_as_good_as_trying_every_assignment(case: tuple[PlanningProblem, TableVet],
                                                        ) -> None:
    problem, vet = case
    result = plan(problem, vet)
    assert result.optimal
    _check_constraints(problem, vet, result)
    objective, delay = brute_force(problem, vet)
    assert result.objective == objective
    years = list(problem.years)
    assert sum(years.index(a.year) for a in result.aircraft if a.year is not None) == delay
