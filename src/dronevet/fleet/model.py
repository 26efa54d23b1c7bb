"""The fleet's values: organisations, the policies that bind them, and their aircraft.

These are plain immutable values, shared by the importer (rows of a CSV or XLSX file
become `Aircraft`), the store (which keeps them in a database), the compliance timeline
and the replacement planner. Nothing here touches a file or a database.

An organisation is bound by policies (`Binding`: a policy id and the uses it binds the
organisation for - all the policy regulates when empty) and counts money in fiscal years
that start on a given month (US federal: October; most US states: July; UK, Canada,
Japan: April). An aircraft is identified within its organisation by its serial number;
its model is kept as written and, once resolved through the knowledge base's product
lookup, as a product id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class AircraftStatus(StrEnum):
    """Where an aircraft stands in the organisation's register."""

    active = "active"
    grounded = "grounded"
    retired = "retired"


@dataclass(frozen=True, slots=True)
class Binding:
    """A policy that binds an organisation, for these uses (`procure`, `operate`, `fund`,
    `authorize`; every use the policy regulates when empty)."""

    policy: str
    uses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Organisation:
    """An agency or one of its units, with the policies that bind it."""

    name: str
    bindings: tuple[Binding, ...] = ()
    jurisdiction: str | None = None
    fiscal_year_start: int = 10
    """The month (1-12) its fiscal year starts."""
    parent: str | None = None
    """The organisation this one is a unit of, if any."""

    def __post_init__(self) -> None:
        if not 1 <= self.fiscal_year_start <= 12:
            raise ValueError(f"fiscal year start month {self.fiscal_year_start} is not 1-12")

    def to_dict(self) -> dict[str, Any]:
        """The organisation as JSON (`fleet org --format json`, and the audit log)."""
        return {
            "name": self.name,
            "jurisdiction": self.jurisdiction,
            "fiscal_year_start": self.fiscal_year_start,
            "parent": self.parent,
            "bindings": [{"policy": b.policy, "uses": list(b.uses)} for b in self.bindings],
        }

    def fiscal_year(self, day: date) -> int:
        """The fiscal year `day` falls in, named (as the US does) for the year it ends."""
        if self.fiscal_year_start == 1:
            return day.year
        return day.year + 1 if day.month >= self.fiscal_year_start else day.year


@dataclass(frozen=True, slots=True)
class Aircraft:
    """One aircraft of an organisation's fleet."""

    serial: str
    model: str
    """The model as the register writes it ("DJI M30T")."""
    product_id: str | None = None
    """The knowledge base's product, once `model` is resolved; None if unknown."""
    purchase_date: date | None = None
    price: Decimal | None = None
    """What was paid, in the organisation's currency."""
    funding: str | None = None
    """Where the money came from, e.g. `federal-grant`, `state`, `local`."""
    missions: tuple[str, ...] = ()
    status: AircraftStatus = AircraftStatus.active
    flight_hours: float | None = None
    unit: str | None = None
    capabilities: tuple[str, ...] = field(default=())
    """What its missions need of it (`thermal`, `zoom`, ...), for replacement planning."""

    def to_dict(self) -> dict[str, Any]:
        """The aircraft as JSON (`fleet list --format json`, and the audit log)."""
        return {
            "serial": self.serial,
            "model": self.model,
            "product_id": self.product_id,
            "purchase_date": self.purchase_date.isoformat() if self.purchase_date else None,
            "price": None if self.price is None else str(self.price),
            "funding": self.funding,
            "missions": list(self.missions),
            "status": self.status.value,
            "flight_hours": self.flight_hours,
            "unit": self.unit,
            "capabilities": list(self.capabilities),
        }
