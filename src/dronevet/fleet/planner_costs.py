"""What replacing one aircraft with one candidate costs in one fiscal year.

Cost is the candidate's list price less what the old aircraft brings back and what a
replacement programme pays. The old aircraft goes one way: traded in (its trade-in value)
or surrendered to a programme that pays for it (a share of its purchase price by its
flight hours). A programme that pays toward the new drone keeps the trade-in. One
replacement draws on one programme at most, and the planner takes the one that leaves
the least to pay; a programme counts in a fiscal year it is open in for at least a day.
What is left to pay (never below zero) is what the year's budget must cover: money a
programme reimburses later is counted in the year of the purchase.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dronevet.fleet.model import Aircraft, Organisation
from dronevet.fleet.planner_inputs import Candidate, ReplacementNeed
from dronevet.knowledge.programs import ReplacementProgram, SurrenderTerms

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fiscal_year_span(organisation: Organisation, year: int) -> tuple[date, date]:
    """The first day of fiscal year `year` and the first day of the next one."""
    month = organisation.fiscal_year_start
    first = year if month == 1 else year - 1
    return date(first, month, 1), date(first + 1, month, 1)


@dataclass(frozen=True, slots=True)
class Cost:
    """List price, less trade-in and programme credit, gives what the budget pays."""

    list_price: Decimal
    trade_in: Decimal
    credit: Decimal
    program: ReplacementProgram | None
    net: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "list_price": str(self.list_price),
            "trade_in": str(self.trade_in),
            "credit": str(self.credit),
            "program": self.program.id if self.program else None,
            "net": str(self.net),
        }


def surrender_credit(terms: SurrenderTerms, aircraft: Aircraft) -> Decimal | None:
    """What surrendering `aircraft` earns under `terms`, or None when it does not qualify
    (price, purchase date or flight hours unknown, or bought too late)."""
    if aircraft.price is None or aircraft.flight_hours is None or aircraft.purchase_date is None:
        return None
    if terms.purchased_before is not None and aircraft.purchase_date >= terms.purchased_before:
        return None
    return cents(aircraft.price * terms.share(aircraft.flight_hours))


def _with(candidate: Candidate, trade_in: Decimal, credit: Decimal,
          program: ReplacementProgram | None) -> Cost:
    net = max(Decimal(0), candidate.price - trade_in - credit)
    return Cost(candidate.price, trade_in, credit, program, net)


def replacement_cost(
    need: ReplacementNeed,
    candidate: Candidate,
    year: int,
    programs: Sequence[ReplacementProgram],
    organisation: Organisation,
) -> Cost:
    """The cheapest way to pay for replacing `need`'s aircraft with `candidate` in `year`."""
    start, end = fiscal_year_span(organisation, year)
    options = [_with(candidate, need.trade_in, Decimal(0), None)]
    for program in programs:
        if not (program.start < end and program.end > start):
            continue
        if program.surrender is not None:
            credit = surrender_credit(program.surrender, need.aircraft)
            if credit is not None:
                options.append(_with(candidate, Decimal(0), credit, program))
        if program.new_drone is not None and program.new_drone.currency == candidate.currency:
            credit = min(program.new_drone.cap, candidate.price)
            options.append(_with(candidate, need.trade_in, credit, program))
    return min(options, key=lambda cost: cost.net)
