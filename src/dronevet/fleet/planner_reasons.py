"""Why the plan does what it does with each aircraft, in plain words, and which constraint
decided it (`Bound`).

For a replaced aircraft: why this candidate (the cheapest compliant one meeting every
requirement; or the shortfalls named, and whether the budget or the weights led there),
why this year (the first of the plan; or the earlier years' budgets already spent, naming
the aircraft they went to; or a programme credit that counts only later), and what it
costs. For an aircraft left unreplaced: no planned year before its deadline, no compliant
candidate (each one's objection named), no money left, or replacing it weighs more than
leaving it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from dronevet.fleet.planner_costs import Cost
from dronevet.fleet.planner_inputs import Candidate, PlanningProblem, ReplacementNeed
from dronevet.fleet.planner_milp import Option
from dronevet.fleet.planner_vetting import Objection

NAMED = 5
"""How many aircraft a sentence names before it counts the rest."""


class Bound(StrEnum):
    """A constraint that decided an aircraft's outcome."""

    budget = "budget"
    deadline = "deadline"
    compliance = "compliance"
    requirements = "requirements"
    weights = "weights"
    programme = "programme"


def money(amount: Decimal, currency: str) -> str:
    """An amount as a person writes it: `$16,000`, `$9,999.50`, `EUR 1,200`."""
    sign = "$" if currency == "USD" else f"{currency} "
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{sign}{text}"


@dataclass(frozen=True, slots=True)
class NeedView:
    """One aircraft as the planner sees it: its last year, the candidates it may have and
    how each falls short, and what each (candidate, year index) costs."""

    need: ReplacementNeed
    buy_by: int
    allowed: tuple[int, ...]
    admissible: tuple[int, ...]
    objections: tuple[Objection, ...]
    gaps: dict[int, tuple[str, ...]]
    costs: dict[tuple[int, int], Cost]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The solved plan, as the explanations read it: the chosen option per aircraft and
    the money spent per year index."""

    problem: PlanningProblem
    views: list[NeedView]
    chosen: tuple[Option | None, ...]
    spend: tuple[Decimal, ...]

    def money(self, amount: Decimal) -> str:
        return money(amount, self.problem.currency)

    def year(self, t: int) -> str:
        return f"FY{self.problem.years[t]}"

    def candidate(self, c: int) -> Candidate:
        return self.problem.candidates[c]

    def _left(self) -> list[Decimal]:
        """Money left at each year's end (counting what earlier years carried in)."""
        budgets = list(self.problem.budgets.values())
        if not self.problem.carry_over:
            return [b - s for b, s in zip(budgets, self.spend, strict=True)]
        left, total = [], Decimal(0)
        for budget, spend in zip(budgets, self.spend, strict=True):
            total += budget - spend
            left.append(total)
        return left

    def room(self, t: int, until: int | None = None) -> Decimal:
        """What could still be spent in year index `t`: up to `until` (exclusive) when the
        money moves from that later year, else to the plan's end, with carry-over."""
        left = self._left()
        if not self.problem.carry_over:
            return left[t]
        return min(left[t:until])

    def planned_in(self, years: tuple[int, ...]) -> list[ReplacementNeed]:
        return [self.views[o.need].need for o in self.chosen if o is not None and o.year in years]


def _names(needs: list[ReplacementNeed]) -> str:
    serials = [n.serial for n in needs]
    more = len(serials) - NAMED
    return ", ".join(serials[:NAMED]) + (f" and {more} more" if more > 0 else "")


def _used_by(outcome: Outcome, years: tuple[int, ...], deadline: date) -> str:
    """'went to the aircraft planned then with earlier deadlines (A, B)'."""
    others = outcome.planned_in(years)
    if not others:
        return "nothing was planned then"
    if all(n.deadline < deadline for n in others):
        return f"it went to aircraft with earlier deadlines ({_names(others)})"
    if all(n.deadline <= deadline for n in others):
        return f"it went to aircraft with deadlines no later than its own ({_names(others)})"
    return f"it went to the aircraft planned then ({_names(others)})"


def _candidate_reason(outcome: Outcome, view: NeedView, option: Option) -> tuple[
        tuple[Bound, ...], str]:
    c, t = option.candidate, option.year
    name = outcome.candidate(c).name
    full = [k for k in view.admissible if not view.gaps[k]]
    gaps = view.gaps[c]
    if not gaps:
        cheaper = [k for k in full if view.costs[k, t].net < view.costs[c, t].net]
        only = "the only compliant candidate that does" if len(full) == 1 else (
            "the cheapest compliant candidate that does")
        return (), f"{name} meets every requirement" + ("" if cheaper else f", {only}") + "."
    shortfall = "; ".join(gaps)
    weight = outcome.money(outcome.problem.weights.missing_requirement)
    if not full:
        return (Bound.requirements,), (
            f"No compliant candidate meets every requirement; {name} is the best trade of "
            f"cost and shortfall (each shortfall weighs {weight}): {shortfall}.")
    best, when = min(((k, s) for k in full for s in view.allowed),
                     key=lambda ks: view.costs[ks].net)
    best_cost = view.costs[best, when].net
    chosen_weight = view.costs[c, t].net + outcome.problem.weights.missing_requirement * len(gaps)
    other = outcome.candidate(best).name
    if best_cost < chosen_weight:
        return (Bound.budget,), (
            f"{other}, which meets every requirement, costs {outcome.money(best_cost)} and did "
            f"not fit the money left up to FY{view.buy_by}; {name} does, and falls short: "
            f"{shortfall}.")
    return (Bound.weights,), (
        f"{other} meets every requirement but costs "
        f"{outcome.money(best_cost - view.costs[c, t].net)} more than {name}, no less than "
        f"its shortfalls weigh ({weight} each); {name} falls short: {shortfall}.")


def _year_reason(outcome: Outcome, view: NeedView, option: Option) -> tuple[
        tuple[Bound, ...], list[str]]:
    c, y = option.candidate, option.year
    here = view.costs[c, y].net
    deadline = f"it must be bought by FY{view.buy_by} (deadline {view.need.deadline})"
    if y == view.allowed[0]:
        return (), [f"Bought in {outcome.year(y)}, the first year of the plan; {deadline}."]
    bounds: list[Bound] = []
    sentences = [f"Bought in {outcome.year(y)}; {deadline}."]
    for t in (s for s in view.allowed if s < y):
        then = view.costs[c, t].net
        if then > here:
            programme = view.costs[c, y].program
            why = f": the {programme.title} counts then, not in {outcome.year(t)}" if (
                programme) else ""
            sentences.append(f"In {outcome.year(t)} it would cost {outcome.money(then - here)} "
                             f"more{why}.")
            bounds.append(Bound.programme)
            continue
        room = outcome.room(t, y)
        sentences.append(
            f"{outcome.year(t)} had {outcome.money(max(room, Decimal(0)))} left for it (it "
            f"costs {outcome.money(here)}): {_used_by(outcome, (t,), view.need.deadline)}.")
        bounds.append(Bound.budget)
    return tuple(dict.fromkeys(bounds)), sentences


def _cost_reason(outcome: Outcome, view: NeedView, option: Option) -> list[str]:
    cost = view.costs[option.candidate, option.year]
    parts = [f"It costs {outcome.money(cost.net)}: list price {outcome.money(cost.list_price)}"]
    if cost.trade_in:
        parts.append(f"less {outcome.money(cost.trade_in)} trade-in")
    if cost.program is not None:
        parts.append(f"less {outcome.money(cost.credit)} from the {cost.program.title}")
    sentences = [", ".join(parts) + "."]
    if not outcome.candidate(option.candidate).price_source.verified:
        sentences.append("The list price rests on an unverified source.")
    if cost.program is not None and cost.program.notes:
        sentences.append(cost.program.notes)
    return sentences


def _not_replaced(outcome: Outcome, view: NeedView) -> tuple[tuple[Bound, ...], str]:
    problem = outcome.problem
    need = view.need
    if not view.allowed:
        return (Bound.deadline,), (
            f"Not replaced: it must be bought by FY{view.buy_by} (deadline {need.deadline}), "
            f"before the plan's first year, FY{problem.years[0]}.")
    if not view.admissible:
        why = "; ".join(
            f"{c.name} {next(o for o in view.objections if o.product_id == c.product_id).phrase}"
            for c in problem.candidates
        ) or "no candidates were given"
        return (Bound.compliance,), (
            f"Not replaced: no candidate is compliant as of {need.deadline}: {why}.")
    per_gap = problem.weights.missing_requirement
    options = [(view.costs[c, t].net + per_gap * len(view.gaps[c]), view.costs[c, t].net, c, t)
               for c in view.admissible for t in view.allowed]
    weight, _, c, t = min(options)
    if weight >= problem.weights.not_replaced:
        return (Bound.weights,), (
            f"Not replaced: the best replacement, {outcome.candidate(c).name} in "
            f"{outcome.year(t)}, weighs {outcome.money(weight)} with its shortfalls, no less "
            f"than leaving it ({outcome.money(problem.weights.not_replaced)}).")
    net, _, c, t = min((o[1], o[0], o[2], o[3]) for o in options
                       if o[0] < problem.weights.not_replaced)
    name = outcome.candidate(c).name
    budgets = [problem.budgets[problem.years[s]] for s in view.allowed]
    whole = sum(budgets, Decimal(0)) if problem.carry_over else max(budgets)
    if net > whole:
        what = "all the budgets" if problem.carry_over else "any year's whole budget"
        return (Bound.budget,), (
            f"Not replaced: the cheapest compliant candidate, {name}, costs "
            f"{outcome.money(net)}, more than {what} up to FY{view.buy_by} "
            f"({outcome.money(whole)}).")
    rooms = ", ".join(f"{outcome.year(s)} {outcome.money(max(outcome.room(s), Decimal(0)))}"
                      for s in view.allowed)
    return (Bound.budget,), (
        f"Not replaced: the cheapest compliant candidate, {name}, costs {outcome.money(net)}, "
        f"more than the money left up to FY{view.buy_by} ({rooms}); "
        f"{_used_by(outcome, view.allowed, need.deadline)}.")


def explain(outcome: Outcome, index: int) -> tuple[tuple[Bound, ...], tuple[str, ...]]:
    """The constraints that decided aircraft `index`'s outcome, and the reasons in words."""
    view = outcome.views[index]
    option = outcome.chosen[index]
    if option is None:
        bounds, sentence = _not_replaced(outcome, view)
        return bounds, (sentence,)
    candidate_bounds, candidate = _candidate_reason(outcome, view, option)
    year_bounds, years = _year_reason(outcome, view, option)
    bounds = tuple(dict.fromkeys((*candidate_bounds, *year_bounds)))
    return bounds, (candidate, *years, *_cost_reason(outcome, view, option))
