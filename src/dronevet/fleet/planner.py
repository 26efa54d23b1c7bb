"""The replacement planner: which compliant drone replaces each aircraft, in which fiscal
year, within each year's budget and before each aircraft's deadline, and why.

```python
from dronevet.fleet.planner import plan
from dronevet.fleet.planner_vetting import core_vet
from dronevet.fleet.planner_whatif import WhatIf, diff, what_if

result = plan(problem, core_vet(kb))          # a PlanningProblem (planner_inputs.py)
result.to_dict()                              # per aircraft: candidate, year, cost, reasons
richer = what_if(problem, WhatIf(budgets={2027: Decimal(90_000)}), core_vet(kb))
diff(result, richer).to_dict()                # what moved, and the money per year
```

`plan` vets every candidate as of each aircraft's deadline (`planner_vetting.py`), prices
every admissible (aircraft, candidate, year) with trade-in and programme credits
(`planner_costs.py`), weighs requirement shortfalls (`planner_fit.py`), solves the
mixed-integer program (`planner_milp.py`) and explains each outcome in plain words
(`planner_reasons.py`); `planner_whatif.py` re-plans with changes and compares plans.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dronevet.fleet.planner_costs import CENT, Cost, replacement_cost
from dronevet.fleet.planner_fit import shortfalls
from dronevet.fleet.planner_inputs import Candidate, PlanningProblem
from dronevet.fleet.planner_milp import Option, solve
from dronevet.fleet.planner_reasons import Bound, NeedView, Outcome, explain
from dronevet.fleet.planner_vetting import Admissibility, Objection, VetFunction


def _source_dict(candidate: Candidate) -> dict[str, Any]:
    source = candidate.price_source
    return {"citation": source.citation, "date": source.date.isoformat(),
            "verified": source.verified}


@dataclass(frozen=True, slots=True)
class AircraftPlan:
    """What the plan does with one aircraft, and why."""

    serial: str
    model: str
    deadline: date
    buy_by: int
    """The last fiscal year its replacement may be bought in."""
    candidate: Candidate | None
    year: int | None
    cost: Cost | None
    shortfalls: tuple[str, ...]
    bound_by: tuple[Bound, ...]
    """The constraints that decided the outcome; empty when none did."""
    reasons: tuple[str, ...]
    excluded: tuple[Objection, ...]
    """Why candidates were not admissible for it."""

    @property
    def replaced(self) -> bool:
        return self.candidate is not None

    def to_dict(self) -> dict[str, Any]:
        candidate = self.candidate
        return {
            "serial": self.serial,
            "model": self.model,
            "deadline": self.deadline.isoformat(),
            "buy_by_fiscal_year": self.buy_by,
            "status": "replaced" if candidate else "not_replaced",
            "candidate": None if candidate is None else {
                "product_id": candidate.product_id,
                "name": candidate.name,
                "price": str(candidate.price),
                "currency": candidate.currency,
                "price_source": _source_dict(candidate),
            },
            "fiscal_year": self.year,
            "cost": self.cost.to_dict() if self.cost else None,
            "shortfalls": list(self.shortfalls),
            "bound_by": [b.value for b in self.bound_by],
            "reasons": list(self.reasons),
            "excluded": [o.to_dict() for o in self.excluded],
        }


@dataclass(frozen=True, slots=True)
class YearPlan:
    """One fiscal year: its budget, what came in from the year before, what is spent."""

    year: int
    budget: Decimal
    carried_in: Decimal
    spend: Decimal
    serials: tuple[str, ...]

    @property
    def left(self) -> Decimal:
        return self.budget + self.carried_in - self.spend

    def to_dict(self) -> dict[str, Any]:
        return {"fiscal_year": self.year, "budget": str(self.budget),
                "carried_in": str(self.carried_in), "spend": str(self.spend),
                "left": str(self.left), "aircraft": list(self.serials)}


@dataclass(frozen=True, slots=True)
class Plan:
    """A multi-year replacement plan: per aircraft, per year, and in total."""

    organisation: str
    aircraft: tuple[AircraftPlan, ...]
    years: tuple[YearPlan, ...]
    objective: Decimal
    """Money spent plus the weights of shortfalls and of aircraft left unreplaced."""
    optimal: bool
    """True when HiGHS proved no plan weighs less (false only past the time limit)."""
    gap: float
    """How far, at most, the objective may be above the best possible (relative; 0 when
    optimal)."""
    carry_over: bool

    def get(self, serial: str) -> AircraftPlan:
        return next(a for a in self.aircraft if a.serial == serial)

    def totals(self) -> dict[str, Any]:
        replaced = [a for a in self.aircraft if a.cost is not None]
        money = {
            "list_price": sum((a.cost.list_price for a in replaced if a.cost), Decimal(0)),
            "trade_in": sum((a.cost.trade_in for a in replaced if a.cost), Decimal(0)),
            "credit": sum((a.cost.credit for a in replaced if a.cost), Decimal(0)),
            "spend": sum((y.spend for y in self.years), Decimal(0)),
            "budget": sum((y.budget for y in self.years), Decimal(0)),
        }
        return {
            **{k: str(v) for k, v in money.items()},
            "aircraft": len(self.aircraft),
            "replaced": len(replaced),
            "not_replaced": len(self.aircraft) - len(replaced),
            "with_shortfalls": sum(1 for a in replaced if a.shortfalls),
            "objective": str(self.objective),
            "optimal": self.optimal,
            "gap": self.gap,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "carry_over": self.carry_over,
            "aircraft": [a.to_dict() for a in self.aircraft],
            "years": [y.to_dict() for y in self.years],
            "totals": self.totals(),
        }


def _cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def _views(problem: PlanningProblem, vet: VetFunction) -> list[NeedView]:
    admissibility = Admissibility(problem.organisation.bindings, vet)
    fiscal_year = problem.organisation.fiscal_year
    views = []
    for need in problem.needs:
        buy_by = fiscal_year(need.deadline - timedelta(days=1))
        allowed = tuple(t for t, year in enumerate(problem.years) if year <= buy_by)
        objections = {c.product_id: admissibility.objections(c.product_id, need.deadline)
                      for c in problem.candidates}
        admissible = tuple(i for i, c in enumerate(problem.candidates)
                           if not objections[c.product_id])
        views.append(NeedView(
            need=need,
            buy_by=buy_by,
            allowed=allowed,
            admissible=admissible,
            objections=tuple(o for found in objections.values() for o in found),
            gaps={c: shortfalls(need.requirements, problem.candidates[c]) for c in admissible},
            costs={(c, t): replacement_cost(need, problem.candidates[c], problem.years[t],
                                            problem.programs, problem.organisation)
                   for c in admissible for t in allowed},
        ))
    return views


def _options(problem: PlanningProblem, views: list[NeedView]) -> list[Option]:
    per_gap = _cents(problem.weights.missing_requirement)
    return [
        Option(i, c, t, _cents(cost.net), per_gap * len(view.gaps[c]))
        for i, view in enumerate(views)
        for (c, t), cost in view.costs.items()
    ]


def _years(problem: PlanningProblem, views: list[NeedView],
           chosen: tuple[Option | None, ...]) -> tuple[YearPlan, ...]:
    plans = []
    carried = Decimal(0)
    for t, (year, budget) in enumerate(problem.budgets.items()):
        bought = [(views[o.need], o) for o in chosen if o is not None and o.year == t]
        spend = sum((v.costs[o.candidate, t].net for v, o in bought), Decimal(0))
        serials = tuple(v.need.serial for v, _ in bought)
        plans.append(YearPlan(year, budget, carried, spend, serials))
        carried = plans[-1].left if problem.carry_over else Decimal(0)
        if plans[-1].left < 0:
            raise RuntimeError(f"the solver overspent FY{year}; this is a bug in the planner")
    return tuple(plans)


def plan(problem: PlanningProblem, vet: VetFunction, *, time_limit: float = 30.0) -> Plan:
    """The plan of least cost and shortfall for `problem`, with verdicts from `vet`. Each
    solve stops after `time_limit` seconds: a large fleet whose budgets bind may then get
    HiGHS's best plan with its proven gap instead of a proof (`Plan.optimal`, `Plan.gap`)."""
    views = _views(problem, vet)
    weights = problem.weights
    solution = solve(
        _options(problem, views),
        len(views),
        [_cents(b) for b in problem.budgets.values()],
        _cents(weights.not_replaced),
        carry_over=problem.carry_over,
        time_limit=time_limit,
    )
    years = _years(problem, views, solution.chosen)
    outcome = Outcome(problem, views, solution.chosen, tuple(y.spend for y in years))
    aircraft = []
    objective = Decimal(0)
    for i, view in enumerate(views):
        option = solution.chosen[i]
        bound_by, reasons = explain(outcome, i)
        if option is None:
            objective += weights.not_replaced
            aircraft.append(AircraftPlan(
                view.need.serial, view.need.aircraft.model, view.need.deadline, view.buy_by,
                None, None, None, (), bound_by, reasons, view.objections))
            continue
        cost = view.costs[option.candidate, option.year]
        gaps = view.gaps[option.candidate]
        objective += cost.net + weights.missing_requirement * len(gaps)
        aircraft.append(AircraftPlan(
            view.need.serial, view.need.aircraft.model, view.need.deadline, view.buy_by,
            problem.candidates[option.candidate], problem.years[option.year], cost, gaps,
            bound_by, reasons, view.objections))
    return Plan(problem.organisation.name, tuple(aircraft), years, objective,
                solution.optimal, solution.gap, problem.carry_over)
