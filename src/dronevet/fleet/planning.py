"""A replacement plan for an organisation in the register: the planning problem built from
what the register, the timeline and the knowledge base hold, solved, and compared with
what-ifs. `dronevet fleet plan` and `POST /api/v1/plans` both call `plan_fleet`.

- Deadlines: an aircraft in service (any status but retired) whose timeline, with its
  approved waivers laid over it, shows operation or funding prohibited on the plan's date
  or later must be replaced; its deadline is the first day of that prohibition. One
  already prohibited is overdue: it must be replaced at once, so its deadline is taken as
  the day after the plan's date (bought in the current fiscal year at the latest).
- Requirements: the strictest of what the register records for the aircraft (its
  capabilities), what its missions need and what is asked of it by serial; a dealer's
  trade-in offer per aircraft comes with them.
- Candidates: knowledge-base products at a quoted price (or a list price the knowledge
  base keeps), all of them or those chosen; the planner keeps only those every binding
  policy lets the organisation buy and fly as of each deadline.
- Budgets per fiscal year, named by the organisation's fiscal-year start; a year that
  ended before the plan's date cannot be planned. Programmes the organisation takes part
  in (Florida's, say) credit what they pay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.model import Aircraft, AircraftStatus, Organisation
from dronevet.fleet.planner import Plan, plan
from dronevet.fleet.planner_candidates import candidate
from dronevet.fleet.planner_costs import cents, fiscal_year_span
from dronevet.fleet.planner_inputs import (
    Candidate,
    PlanningProblem,
    ReplacementNeed,
    Requirements,
    ip_digits,
)
from dronevet.fleet.planner_vetting import VetFunction, core_vet
from dronevet.fleet.planner_whatif import PlanDiff, WhatIf, diff, what_if
from dronevet.fleet.planning_requests import Quote, RequirementsTable
from dronevet.fleet.timeline import Timeline, VerdictLine, fleet_timeline
from dronevet.fleet.waivers import Waiver, waived_lines
from dronevet.knowledge.model import Use
from dronevet.knowledge.programs import ReplacementProgram, builtin_programs
from dronevet.policy.model import VerdictKind
from dronevet.suggest import close_matches

if TYPE_CHECKING:
    from dronevet.fleet.register import Register
    from dronevet.knowledge.base import KnowledgeBase

DEADLINE_USES = (Use.operate, Use.fund)
"""The uses whose prohibition means an aircraft must go (a ban on buying more does not)."""


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What a person asks for: budgets (fiscal year -> money), and the rest as given."""

    organisation: str
    budgets: Mapping[int, Decimal]
    as_of: date
    requirements: RequirementsTable = field(default_factory=RequirementsTable)
    quotes: tuple[Quote, ...] = ()
    candidates: tuple[str, ...] = ()
    """Product ids to choose from; none: every product with a price."""
    programs: tuple[str, ...] = ()
    """Ids of the replacement programmes the organisation takes part in."""
    carry_over: bool = False
    what_if_budget: tuple[float, ...] = ()
    """Budget changes to compare, in percent (-20: every year's budget a fifth less)."""
    what_if_later_days: int | None = None
    """Compare with every deadline this many days later."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """Why an aircraft must be replaced, and by when."""

    serial: str
    day: date
    """The planner's deadline: the first day of the prohibition, or, when it holds already,
    the day after the plan's date."""
    prohibited_from: date | None
    """When the prohibition took or takes hold (None: always, as far as is known)."""
    overdue: bool
    policy: str
    use: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "deadline": self.day.isoformat(),
            "prohibited_from": self.prohibited_from.isoformat() if self.prohibited_from
            else None,
            "overdue": self.overdue,
            "policy": self.policy,
            "use": self.use,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """One what-if: what changed in the problem, the plan it gives, and how it differs."""

    label: str
    plan: Plan
    changes: PlanDiff

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "plan": self.plan.to_dict(),
                "changes": self.changes.to_dict()}


@dataclass(frozen=True, slots=True)
class PlanReport:
    """A plan with the deadlines it rests on, the aircraft not due, and the what-ifs."""

    as_of: date
    fiscal_year_start: int
    deadlines: tuple[Deadline, ...]
    not_due: tuple[str, ...]
    """Serials of aircraft in service no binding policy bars from operation or funding."""
    plan: Plan
    what_ifs: tuple[WhatIfResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """`Plan.to_dict()` with the plan's date, deadlines and what-ifs."""
        return {
            **self.plan.to_dict(),
            "as_of": self.as_of.isoformat(),
            "fiscal_year_start": self.fiscal_year_start,
            "deadlines": [d.to_dict() for d in self.deadlines],
            "not_due": list(self.not_due),
            "what_if": [w.to_dict() for w in self.what_ifs],
        }


def _first_prohibition(line: VerdictLine, as_of: date) -> tuple[date | None, bool, str] | None:
    """When `line` is, or next becomes, prohibited: (since when, already, why)."""
    if line.verdict is VerdictKind.prohibited:
        return line.since, True, line.text
    change = next((c for c in line.changes
                   if c.day > as_of and c.verdict is VerdictKind.prohibited), None)  # fmt: skip
    return None if change is None else (change.day, False, change.text)


def deadlines(timeline: Timeline, waivers: Sequence[Waiver]) -> tuple[Deadline, ...]:
    """The deadline of each aircraft in service that must be replaced (module docstring)."""
    waived = waived_lines(timeline, tuple(waivers))
    after = timeline.as_of + timedelta(days=1)
    found = []
    for i, one in enumerate(timeline.aircraft):
        if one.status is AircraftStatus.retired:
            continue
        lines = [line for line, _ in waived[i]] if i in waived else list(timeline.lines(i))
        earliest: Deadline | None = None
        for line in lines:
            if line.column.use not in DEADLINE_USES:
                continue
            hit = _first_prohibition(line, timeline.as_of)
            if hit is None:
                continue
            since, overdue, text = hit
            day = after if overdue else since
            assert day is not None  # only a prohibition already in force has no start
            if earliest is None or day < earliest.day:
                earliest = Deadline(one.serial, day, since, overdue, line.column.policy.id,
                                    line.column.use.value, text)  # fmt: skip
        if earliest is not None:
            found.append(earliest)
    return tuple(found)


def _ip(solids: int | None, liquids: int | None) -> str | None:
    if solids is None and liquids is None:
        return None
    return "IP" + "".join("X" if d is None else str(d) for d in (solids, liquids))


def _higher(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def strictest(first: Requirements, second: Requirements) -> Requirements:
    """What meets both: every capability, the longer flight, the higher rating per IP
    digit, the heavier payload."""
    ratings = [ip_digits(r, where="IP rating") for r in (first.min_ip_rating,
                                                        second.min_ip_rating) if r]
    digits = [max((d for d in (r[k] for r in ratings) if d is not None), default=None)
              for k in (0, 1)]
    return Requirements(
        first.capabilities | second.capabilities,
        _higher(first.min_flight_time_min, second.min_flight_time_min),
        _ip(digits[0], digits[1]),
        _higher(first.min_payload_kg, second.min_payload_kg),
    )


def _needs(kb: KnowledgeBase, aircraft: Sequence[Aircraft], due: Sequence[Deadline],
           table: RequirementsTable) -> tuple[ReplacementNeed, ...]:
    from dronevet.policy.loader import builtin_policies

    book = builtin_policies(kb)
    serials = [a.serial for a in aircraft]
    for serial in (*table.aircraft, *table.trade_in):
        if serial not in serials:
            raise UnknownNameError(f"{table.where}: the requirements name aircraft "
                                   f"{serial!r}, which the register does not hold.",
                                   suggestions=close_matches(serial, serials))  # fmt: skip
    by_mission = {}
    for mission, wanted in table.missions.items():
        try:
            by_mission[book.mission(mission)] = wanted
        except UnknownNameError as error:
            raise UnknownNameError(f"{table.where}: {mission!r} is not a mission any policy "
                                   "names.", suggestions=error.suggestions) from None
    by_serial = {a.serial: a for a in aircraft}
    needs = []
    for deadline in due:
        one = by_serial[deadline.serial]
        wanted = Requirements.of(one)
        for mission in one.missions:
            extra = by_mission.get(book.mission(mission))
            wanted = strictest(wanted, extra) if extra else wanted
        own = table.aircraft.get(one.serial)
        wanted = strictest(wanted, own) if own else wanted
        needs.append(ReplacementNeed(one, deadline.day, wanted,
                                     table.trade_in.get(one.serial, Decimal(0))))
    return tuple(needs)


def candidates(kb: KnowledgeBase, quotes: Sequence[Quote], chosen: Sequence[str], *,
               needed: bool = True) -> tuple[Candidate, ...]:
    """The candidates to plan with: `chosen` product ids (none: every product quoted or
    with a list price), each at its quote or else its list price. Having none is an error
    only when some aircraft is `needed` to be replaced."""
    quoted: dict[str, Quote] = {}
    for quote in quotes:
        if quote.product_id not in kb.products:
            raise UnknownNameError(f"{quote.where}: a quote names product "
                                   f"{quote.product_id!r}, which the knowledge base does not "
                                   "hold.",
                                   suggestions=close_matches(quote.product_id, kb.products))
        quoted[quote.product_id] = quote
    for product_id in chosen:
        if product_id not in kb.products:
            raise UnknownNameError(f"candidate {product_id!r} is not a product the knowledge "
                                   "base holds.",
                                   suggestions=close_matches(product_id, kb.products))
    ids = list(dict.fromkeys(chosen)) or [
        p.id for p in kb.products.values() if p.id in quoted or p.price is not None
    ]
    if not ids and needed:
        raise BadInputError("no candidate has a price: the knowledge base keeps no list "
                            "prices yet, so give the quotes you were offered (product, price, "
                            "its source and date).")  # fmt: skip
    found = []
    for product_id in ids:
        offer = quoted.get(product_id)
        made = candidate(kb.products[product_id], price=offer.price if offer else None,
                         capabilities=offer.capabilities if offer else (),
                         payload_kg=offer.payload_kg if offer else None)
        found.append(replace(made, price=cents(made.price)))  # prices are kept as floats
    return tuple(found)


def programmes(ids: Sequence[str]) -> tuple[ReplacementProgram, ...]:
    """The knowledge base's replacement programmes named by `ids`."""
    known = builtin_programs()
    found = []
    for program_id in dict.fromkeys(ids):
        if program_id not in known:
            raise UnknownNameError(f"no replacement programme {program_id!r}; the programmes "
                                   f"are {', '.join(known)}.",
                                   suggestions=close_matches(program_id, known))  # fmt: skip
        found.append(known[program_id])
    return tuple(found)


def check_years(organisation: Organisation, budgets: Mapping[int, Decimal], as_of: date) -> None:
    """A budget for a fiscal year that ended before `as_of` cannot be spent."""
    for year in budgets:
        start, end = fiscal_year_span(organisation, year)
        if end <= as_of:
            current = organisation.fiscal_year(as_of)
            raise BadInputError(
                f"FY{year} ({start} to {end - timedelta(days=1)} for {organisation.name}) ended "
                f"before the plan's date {as_of}; the first year to plan is FY{current}.")


def build_problem(kb: KnowledgeBase, organisation: Organisation, aircraft: Sequence[Aircraft],
                  waivers: Sequence[Waiver], request: PlanRequest,
                  ) -> tuple[PlanningProblem, tuple[Deadline, ...], tuple[str, ...]]:
    """The planning problem for `request`, the deadlines it rests on and the aircraft in
    service that are not due (see the module docstring)."""
    if not organisation.bindings:
        raise BadInputError(f"{organisation.name} is bound by no policy, so nothing must be "
                            f"replaced: add them with `dronevet fleet org "
                            f"{organisation.name!r} --policies ID,ID`")  # fmt: skip
    check_years(organisation, request.budgets, request.as_of)
    timeline = fleet_timeline(kb, organisation, list(aircraft), request.as_of)
    due = deadlines(timeline, waivers)
    serials = {d.serial for d in due}
    not_due = tuple(a.serial for a in aircraft
                    if a.status is not AircraftStatus.retired and a.serial not in serials)
    problem = PlanningProblem(
        organisation,
        _needs(kb, aircraft, due, request.requirements),
        candidates(kb, request.quotes, request.candidates, needed=bool(due)),
        request.budgets,
        programmes(request.programs),
        carry_over=request.carry_over,
    )
    return problem, due, not_due


def _what_ifs(problem: PlanningProblem, base: Plan, request: PlanRequest,
              vet: VetFunction) -> tuple[WhatIfResult, ...]:
    changes: list[tuple[str, WhatIf]] = []
    for percent in request.what_if_budget:
        if not percent > -100 or percent > 1000:
            raise BadInputError(f"a what-if budget change of {percent:g} % is not between "
                                "-100 % and +1000 %.")  # fmt: skip
        factor = 1 + Decimal(str(percent)) / 100
        label = f"every budget {percent:+g} %"
        changes.append((label, WhatIf(budgets={y: cents(b * factor)
                                               for y, b in problem.budgets.items()})))
    days = request.what_if_later_days
    if days is not None:
        if not 0 < days <= 3660:
            raise BadInputError(f"a what-if deadline {days} days later is not 1 to 3660 days.")
        changes.append((f"every deadline {days} days later", WhatIf(shift_days=days)))
    results = []
    for label, change in changes:
        other = what_if(problem, change, vet)
        results.append(WhatIfResult(label, other, diff(base, other)))
    return tuple(results)


def plan_fleet(register: Register, kb: KnowledgeBase, request: PlanRequest) -> PlanReport:
    """The plan `request` asks for, from the register's records of its organisation."""
    organisation = register.organisation(request.organisation)
    problem, due, not_due = build_problem(
        kb, organisation, register.aircraft(organisation.name),
        register.waivers(organisation.name), request)
    vet = core_vet(kb)
    base = plan(problem, vet)
    return PlanReport(request.as_of, organisation.fiscal_year_start, due, not_due, base,
                      _what_ifs(problem, base, request, vet))
