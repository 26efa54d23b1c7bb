"""What-if: re-plan with other budgets, deadlines or carry-over, and say what changed
between two plans: each aircraft whose candidate, year or cost moved, in words, and the
money per year."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from dronevet.errors import BadInputError
from dronevet.fleet.planner import AircraftPlan, Plan, plan
from dronevet.fleet.planner_inputs import PlanningProblem, ReplacementNeed
from dronevet.fleet.planner_vetting import VetFunction
from dronevet.suggest import close_matches


@dataclass(frozen=True, slots=True)
class WhatIf:
    """Changes to a planning problem: budgets set per year (added when the year is new),
    deadlines set per aircraft, then every deadline moved by `shift_days`, and carry-over
    switched on or off."""

    budgets: Mapping[int, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    deadlines: Mapping[str, date] = field(default_factory=lambda: MappingProxyType({}))
    shift_days: int = 0
    carry_over: bool | None = None

    def apply(self, problem: PlanningProblem) -> PlanningProblem:
        serials = [n.serial for n in problem.needs]
        unknown = sorted(set(self.deadlines) - set(serials))
        if unknown:
            raise BadInputError(
                f"no aircraft {unknown[0]} in the plan to move the deadline of.",
                suggestions=close_matches(unknown[0], serials),
            )

        def moved(need: ReplacementNeed) -> ReplacementNeed:
            deadline = self.deadlines.get(need.serial, need.deadline)
            return replace(need, deadline=deadline + timedelta(days=self.shift_days))

        return replace(
            problem,
            needs=tuple(moved(n) for n in problem.needs),
            budgets={**problem.budgets, **self.budgets},
            carry_over=problem.carry_over if self.carry_over is None else self.carry_over,
        )


def what_if(problem: PlanningProblem, change: WhatIf, vet: VetFunction, *,
            time_limit: float = 30.0) -> Plan:
    """The plan for `problem` changed by `change`."""
    return plan(change.apply(problem), vet, time_limit=time_limit)


def _outcome(plan: AircraftPlan) -> str:
    if plan.candidate is None:
        return "not replaced"
    return f"{plan.candidate.name} in FY{plan.year}"


def _changes(before: AircraftPlan, after: AircraftPlan) -> tuple[str, ...]:
    if (before.candidate is None) != (after.candidate is None):
        return (f"{_outcome(after)} (was {_outcome(before)}).",)
    found = []
    if before.candidate and after.candidate and before.candidate != after.candidate:
        found.append(f"{after.candidate.name} instead of {before.candidate.name}.")
    if before.year != after.year:
        found.append(f"FY{after.year} instead of FY{before.year}.")
    if before.cost and after.cost and before.cost.net != after.cost.net:
        found.append(f"Costs {after.cost.net} instead of {before.cost.net}.")
    return tuple(found)


@dataclass(frozen=True, slots=True)
class AircraftChange:
    """One aircraft the two plans treat differently."""

    serial: str
    before: AircraftPlan | None
    after: AircraftPlan | None
    changes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"serial": self.serial,
                "before": self.before.to_dict() if self.before else None,
                "after": self.after.to_dict() if self.after else None,
                "changes": list(self.changes)}


@dataclass(frozen=True, slots=True)
class YearChange:
    """One fiscal year's budget and spending in both plans (None: not in that plan)."""

    year: int
    budget_before: Decimal | None
    budget_after: Decimal | None
    spend_before: Decimal | None
    spend_after: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {"fiscal_year": self.year,
                "budget_before": text(self.budget_before), "budget_after": text(self.budget_after),
                "spend_before": text(self.spend_before), "spend_after": text(self.spend_after)}


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """Two plans compared: the aircraft that moved, every year's money, the objectives."""

    aircraft: tuple[AircraftChange, ...]
    years: tuple[YearChange, ...]
    objective_before: Decimal
    objective_after: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"aircraft": [a.to_dict() for a in self.aircraft],
                "years": [y.to_dict() for y in self.years],
                "objective_before": str(self.objective_before),
                "objective_after": str(self.objective_after)}


def diff(before: Plan, after: Plan) -> PlanDiff:
    """What `after` does differently from `before`."""
    first = {a.serial: a for a in before.aircraft}
    second = {a.serial: a for a in after.aircraft}
    changed = []
    for serial in [*first, *(s for s in second if s not in first)]:
        old, new = first.get(serial), second.get(serial)
        if old is None or new is None:
            where = "second" if old is None else "first"
            changed.append(AircraftChange(serial, old, new, (f"Only in the {where} plan.",)))
            continue
        changes = _changes(old, new)
        if changes:
            changed.append(AircraftChange(serial, old, new, changes))
    years_before = {y.year: y for y in before.years}
    years_after = {y.year: y for y in after.years}
    years = tuple(
        YearChange(
            year,
            years_before[year].budget if year in years_before else None,
            years_after[year].budget if year in years_after else None,
            years_before[year].spend if year in years_before else None,
            years_after[year].spend if year in years_after else None,
        )
        for year in sorted({*years_before, *years_after})
    )
    return PlanDiff(tuple(changed), years, before.objective, after.objective)
