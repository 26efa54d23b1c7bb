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
unreplaced beats without spending. Neither changes the optimum.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    """The option chosen for each aircraft (None: not replaced), and whether HiGHS proved
    it optimal within the time allowed."""

    chosen: tuple[Option | None, ...]
    optimal: bool


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
class _Model:
    weights: np.ndarray
    delays: np.ndarray
    constraints: list[LinearConstraint]


def _model(options: Sequence[Option], needs: int, budgets: Sequence[int], not_replaced: int,
           carry_over: bool) -> _Model:
    n = len(options)
    need = np.fromiter((o.need for o in options), dtype=np.int64, count=n)
    year = np.fromiter((o.year for o in options), dtype=np.int64, count=n)
    cost = np.fromiter((o.cost for o in options), dtype=np.float64, count=n)
    weight = np.fromiter((o.weight for o in options), dtype=np.float64, count=n)
    columns = np.arange(n + needs)
    # one choice per aircraft: x columns 0..n-1, u columns n..n+needs-1
    choose = sparse.csr_array(
        (np.ones(n + needs), (np.concatenate([need, np.arange(needs)]), columns)),
        shape=(needs, n + needs),
    )
    years = len(budgets)
    if carry_over:
        rows = np.concatenate([np.arange(y, years) for y in year])
        cols = np.repeat(np.arange(n), years - year)
        vals = np.repeat(cost, years - year)
        limits = np.cumsum(np.asarray(budgets, dtype=np.float64))
    else:
        rows, cols, vals = year, np.arange(n), cost
        limits = np.asarray(budgets, dtype=np.float64)
    spend = sparse.csr_array((vals, (rows, cols)), shape=(years, n + needs))
    return _Model(
        weights=np.concatenate([weight, np.full(needs, float(not_replaced))]),
        delays=np.concatenate([year.astype(np.float64), np.zeros(needs)]),
        constraints=[LinearConstraint(choose, 1, 1), LinearConstraint(spend, -np.inf, limits)],
    )


def _run(objective: np.ndarray, constraints: list[LinearConstraint],
         time_limit: float) -> tuple[np.ndarray | None, bool]:
    result = milp(
        objective,
        constraints=constraints,
        integrality=np.ones(objective.size),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit, "disp": False},
    )
    if result.x is None:
        return None, False
    return np.rint(result.x), result.status == 0


def solve(options: Sequence[Option], needs: int, budgets: Sequence[int], not_replaced: int,
          *, carry_over: bool = False, time_limit: float = 60.0) -> Solution:
    """The plan of least weight, then the earliest among those (see the module's note)."""
    kept = useful(options, not_replaced)
    if not kept:
        return Solution((None,) * needs, True)
    model = _model(kept, needs, budgets, not_replaced, carry_over)
    x, optimal = _run(model.weights, model.constraints, time_limit)
    if x is None:
        return Solution((None,) * needs, False)
    if optimal:
        best = float(model.weights @ x)
        keep_weight = LinearConstraint(model.weights.reshape(1, -1), -np.inf, best + 0.5)
        earliest, optimal = _run(model.delays, [*model.constraints, keep_weight], time_limit)
        if earliest is not None:
            x = earliest
    chosen: list[Option | None] = [None] * needs
    for index in np.flatnonzero(x[: len(kept)] > 0.5):
        option = kept[int(index)]
        chosen[option.need] = option
    return Solution(tuple(chosen), optimal)
