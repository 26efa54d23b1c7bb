"""What the replacement planner is asked: the aircraft to replace, by when and for which
missions, the drones it may buy, the money per fiscal year, and how to weigh a shortfall.

These are immutable values checked when made: a bad one is a `BadInputError` naming the
aircraft, candidate or year. An aircraft's deadline is the first day its operation or
funding is no longer permitted (the compliance timeline's "prohibited from" date), so its
replacement must be bought in the fiscal year of the day before at the latest; candidates
are vetted as of the deadline, the day they must be flying.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from dronevet.errors import BadInputError
from dronevet.fleet.model import Aircraft, Organisation
from dronevet.knowledge.model import Source
from dronevet.knowledge.programs import ReplacementProgram

_IP_RATING = re.compile(r"^IP([0-6X])([0-9X])K?$")


def ip_digits(rating: str, *, where: str) -> tuple[int | None, int | None]:
    """The solids and liquids digits of an IP code (`IP55` -> (5, 5); X, not rated, -> None)."""
    found = _IP_RATING.match(rating.strip().upper())
    if found is None:
        raise BadInputError(f"{where}: {rating!r} is not an IP rating (for example IP55, IPX4).")
    solids, liquids = found.groups()
    return (None if solids == "X" else int(solids), None if liquids == "X" else int(liquids))


def _money(value: Decimal, *, where: str) -> Decimal:
    """An amount of zero or more in whole cents (the planner's arithmetic is exact in cents)."""
    if not value.is_finite() or value < 0:
        raise BadInputError(f"{where}: {value} must be an amount of zero or more.")
    if value != value.quantize(Decimal("0.01")):
        raise BadInputError(f"{where}: {value} is not a whole number of cents.")
    return value


def _positive(value: float | None, *, where: str) -> None:
    if value is not None and not value > 0:
        raise BadInputError(f"{where}: {value} must be more than zero.")


@dataclass(frozen=True, slots=True)
class Requirements:
    """What an aircraft's missions need of its replacement."""

    capabilities: frozenset[str] = frozenset()
    """Named capabilities (`thermal`, `zoom`, `rtk`, ...), compared as written, lower case."""
    min_flight_time_min: float | None = None
    min_ip_rating: str | None = None
    """The least ingress protection, e.g. `IP55`: each rated digit must be at least this."""
    min_payload_kg: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "capabilities",
                           frozenset(c.strip().lower() for c in self.capabilities))
        _positive(self.min_flight_time_min, where="minimum flight time")
        _positive(self.min_payload_kg, where="minimum payload")
        if self.min_ip_rating is not None:
            ip_digits(self.min_ip_rating, where="required IP rating")

    @classmethod
    def of(
        cls,
        aircraft: Aircraft,
        *,
        min_flight_time_min: float | None = None,
        min_ip_rating: str | None = None,
        min_payload_kg: float | None = None,
    ) -> Requirements:
        """The capabilities the register records for `aircraft`, plus the figures given."""
        return cls(frozenset(aircraft.capabilities), min_flight_time_min, min_ip_rating,
                   min_payload_kg)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A drone the organisation may buy, at a sourced price, with what it can do."""

    product_id: str
    name: str
    price: Decimal
    price_source: Source
    """Where the price comes from: a knowledge-base fact or the agency's own quote."""
    capabilities: frozenset[str] = frozenset()
    flight_time_min: float | None = None
    ip_rating: str | None = None
    payload_kg: float | None = None
    currency: str = "USD"

    def __post_init__(self) -> None:
        where = f"candidate {self.product_id}"
        if not self.product_id:
            raise BadInputError("a candidate needs a product id.")
        _money(self.price, where=f"{where} price")
        object.__setattr__(self, "capabilities",
                           frozenset(c.strip().lower() for c in self.capabilities))
        _positive(self.flight_time_min, where=f"{where} flight time")
        _positive(self.payload_kg, where=f"{where} payload")
        if self.ip_rating is not None:
            ip_digits(self.ip_rating, where=f"{where} IP rating")


@dataclass(frozen=True, slots=True)
class ReplacementNeed:
    """One aircraft to replace: by when, for what, and what it brings back when traded in."""

    aircraft: Aircraft
    deadline: date
    """The first day its operation or funding is no longer permitted."""
    requirements: Requirements = field(default_factory=Requirements)
    trade_in: Decimal = Decimal(0)
    """What a dealer offers for it (kept at zero when it must be surrendered or scrapped)."""

    def __post_init__(self) -> None:
        _money(self.trade_in, where=f"aircraft {self.aircraft.serial} trade-in value")

    @property
    def serial(self) -> str:
        return self.aircraft.serial


@dataclass(frozen=True, slots=True)
class Weights:
    """What the planner counts, in money, against an outcome that is not a full replacement."""

    not_replaced: Decimal = Decimal(1_000_000)
    """Per aircraft left without a replacement."""
    missing_requirement: Decimal = Decimal(50_000)
    """Per requirement a chosen candidate falls short of."""

    def __post_init__(self) -> None:
        _money(self.not_replaced, where="the not-replaced weight")
        _money(self.missing_requirement, where="the shortfall weight")


@dataclass(frozen=True, slots=True)
class PlanningProblem:
    """Everything one plan is made from. The organisation's bindings decide which
    candidates are admissible; `programs` are those the organisation takes part in."""

    organisation: Organisation
    needs: tuple[ReplacementNeed, ...]
    candidates: tuple[Candidate, ...]
    budgets: Mapping[int, Decimal]
    """Money per fiscal year (named, as the US does, for the year it ends)."""
    programs: tuple[ReplacementProgram, ...] = ()
    weights: Weights = field(default_factory=Weights)
    carry_over: bool = False
    """When true, money a year leaves unspent is added to the next year's."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs", tuple(self.needs))
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "programs", tuple(self.programs))
        budgets = {int(year): _money(Decimal(str(amount)), where=f"the FY{year} budget")
                   for year, amount in sorted(self.budgets.items())}
        if not budgets:
            raise BadInputError("a plan needs the budget of at least one fiscal year.")
        object.__setattr__(self, "budgets", MappingProxyType(budgets))
        _unique((n.serial for n in self.needs), "aircraft serial")
        _unique((c.product_id for c in self.candidates), "candidate")
        _unique((p.id for p in self.programs), "programme")
        currencies = sorted({c.currency for c in self.candidates})
        if len(currencies) > 1:
            raise BadInputError(f"candidates are priced in {', '.join(currencies)}; a plan "
                                "counts one currency.")
        where = self.organisation.jurisdiction or "no known jurisdiction"
        for program in self.programs:
            if not program.covers(self.organisation.jurisdiction):
                raise BadInputError(f"programme {program.id} is for {program.jurisdiction} "
                                    f"agencies; {self.organisation.name} is in {where}.")

    @property
    def currency(self) -> str:
        return self.candidates[0].currency if self.candidates else "USD"

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(self.budgets)


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise BadInputError(f"{what} {value} is given twice.")
        seen.add(value)
