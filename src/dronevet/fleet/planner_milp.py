"""The replacement plan as a mixed-integer linear program, solved with HiGHS
(`scipy.optimize.milp`).

Variables: a binary x[o] for each option o = (aircraft i, candidate c, fiscal year t) the
deadline allows, and a binary u[i] for leaving aircraft i unreplaced. Every aircraft takes
exactly one: sum_o(i) x[o] + u[i] = 1. Each year's spending stays within its budget:
sum_o(t) cost[o] x[o] <= budget[t]; with carry-over, spending up to each year stays within
the budgets up to it. The objective is sum_o (cost[o] + shortfall[o]) x[o] + sum_i W u[i]:
money, plus the weight of each requirement a candidate misses, plus the weight of each
aircraft left unreplaced.

All amounts are whole cents, so objectives are integers and optimality (gap 0) is exact. A
second solve keeps the optimal objective and buys as early as it can (least sum of year
indices): among plans that cost the same, the one that retires aircraft soonest.

Before solving, options that can never be better are dropped: within one (aircraft,
year), an option costing at least as much as another and weighing at least as much
(cost plus shortfall); and any option weighing at least W, which leaving the aircraft
unreplaced beats without spending. Neither changes the optimum. Valid cuts tighten the
relaxation where budgets cannot cover every aircraft: for each window of years whose
spending the budgets bound (every run of years; with carry-over, every run from the
first), at most k aircraft can be bought in it, k being how many of the aircraft's
cheapest options in that window the window's money pays for, smallest first.

When money covers only part of a large fleet, proving the optimum exactly is a hard
packing problem: past the time limit the plan is HiGHS's best, with the relative gap it
proved (`Solution.gap`) instead of a proof.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True, slots=True)
class Option:
    """Replace aircraft `need` with candidate `candidate` in year index `year`."""

    need: int
    candidate: int
    year: int
    cost: int
    """Cents the year's budget pays."""
    shortfall: int
    """Cents of weight for the requirements it misses."""

    @property
    def weight(self) -> int:
        return self.cost + self.shortfall


@dataclass(frozen=True, slots=True)
class Solution:
    """The option chosen for each aircraft (None: not replaced); whether HiGHS proved no
    plan weighs less, and the relative gap between this plan and the best bound it
    proved (0 when optimal)."""

    chosen: tuple[Option | None, ...]
    optimal: bool
    gap: float


def useful(options: Sequence[Option], not_replaced: int) -> list[Option]:
    """The options that can be part of an optimal plan (see the module's note)."""
    kept: list[Option] = []
    ordered = sorted(options, key=lambda o: (o.need, o.year, o.cost, o.weight))
    for _, group in groupby(ordered, key=lambda o: (o.need, o.year)):
        best = not_replaced
        for option in group:
            if option.weight < best:
                kept.append(option)
                best = option.weight
    return kept


@dataclass(frozen=True, slots=True)
class _Columns:
    """The options as arrays: x columns first, then one u column per aircraft."""

    need: np.ndarray
    year: np.ndarray
    cost: np.ndarray
    weight: np.ndarray
    needs: int

    @classmethod
    def of(cls, options: Sequence[Option], needs: int) -> _Columns:
        def column(values: Iterable[int], dtype: type) -> np.ndarray:
            return np.fromiter(values, dtype=dtype, count=len(options))

        return cls(column((o.need for o in options), np.int64),
                   column((o.year for o in options), np.int64),
                   column((o.cost for o in options), np.float64),
                   column((o.weight for o in options), np.float64), needs)

    @property
    def width(self) -> int:
        return self.need.size + self.needs

    def rows(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
             height: int) -> sparse.csr_array:
        return sparse.csr_array((vals, (rows, cols)), shape=(height, self.width))


def _one_each(columns: _Columns) -> LinearConstraint:
    n, needs = columns.need.size, columns.needs
    rows = np.concatenate([columns.need, np.arange(needs)])
    return LinearConstraint(columns.rows(rows, np.arange(n + needs), np.ones(n + needs), needs),
                            1, 1)


def _budgets(columns: _Columns, budgets: Sequence[int], carry_over: bool) -> LinearConstraint:
    years, year, cost = len(budgets), columns.year, columns.cost
    if carry_over:  # an option's spending counts in its year and every later one
        rows = np.concatenate([np.arange(y, years) for y in year])
        cols = np.repeat(np.arange(year.size), years - year)
        matrix = columns.rows(rows, cols, np.repeat(cost, years - year), years)
        return LinearConstraint(matrix, -np.inf, np.cumsum(np.asarray(budgets, np.float64)))
    matrix = columns.rows(year, np.arange(year.size), cost, years)
    return LinearConstraint(matrix, -np.inf, np.asarray(budgets, np.float64))


def _cardinality(columns: _Columns, budgets: Sequence[int],
                 carry_over: bool) -> list[LinearConstraint]:
    """At most k aircraft bought in each window of years (see the module's note)."""
    years = len(budgets)
    windows = [(0, b) for b in range(years)] if carry_over else [
        (a, b) for a in range(years) for b in range(a, years)]
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    limits: list[int] = []
    for a, b in windows:
        inside = np.flatnonzero((columns.year >= a) & (columns.year <= b))
        smallest = np.full(columns.needs, np.inf)
        np.minimum.at(smallest, columns.need[inside], columns.cost[inside])
        sizes = np.sort(smallest[np.isfinite(smallest)])
        fit = int(np.searchsorted(np.cumsum(sizes), sum(budgets[a : b + 1]), side="right"))
        if fit < sizes.size:
            rows.append(np.full(inside.size, len(limits)))
            cols.append(inside)
            limits.append(fit)
    if not limits:
        return []
    cols_all = np.concatenate(cols)
    matrix = columns.rows(np.concatenate(rows), cols_all, np.ones(cols_all.size), len(limits))
    return [LinearConstraint(matrix, -np.inf, np.asarray(limits, np.float64))]


def _run(objective: np.ndarray, constraints: list[LinearConstraint],
         time_limit: float) -> tuple[np.ndarray | None, bool, float]:
    result = milp(
        objective,
        constraints=constraints,
        integrality=np.ones(objective.size),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit, "disp": False},
    )
    if result.x is None:
        return None, False, float("inf")
    return np.rint(result.x), result.status == 0, float(result.mip_gap)


def solve(options: Sequence[Option], needs: int, budgets: Sequence[int], not_replaced: int,
          *, carry_over: bool = False, time_limit: float = 30.0) -> Solution:
    """The plan of least weight, then the earliest among those (see the module's note);
    each solve stops at `time_limit` seconds."""
    kept = useful(options, not_replaced)
    if not kept:
        return Solution((None,) * needs, True, 0.0)
    columns = _Columns.of(kept, needs)
    weights = np.concatenate([columns.weight, np.full(needs, float(not_replaced))])
    constraints = [_one_each(columns), _budgets(columns, budgets, carry_over),
                   *_cardinality(columns, budgets, carry_over)]
    x, optimal, gap = _run(weights, constraints, time_limit)
    if x is None:
        return Solution((None,) * needs, False, gap)
    if optimal:
        delays = np.concatenate([columns.year.astype(np.float64), np.zeros(needs)])
        keep = LinearConstraint(weights.reshape(1, -1), -np.inf, float(weights @ x) + 0.5)
        earliest, _, _ = _run(delays, [*constraints, keep], time_limit)
        x = x if earliest is None else earliest
    chosen: list[Option | None] = [None] * needs
    for index in np.flatnonzero(x[: len(kept)] > 0.5):
        option = kept[int(index)]
        chosen[option.need] = option
    return Solution(tuple(chosen), optimal, 0.0 if optimal else gap)
