"""A fleet's compliance as JSON, from one reading of the register: what `dronevet fleet
status` / `fleet timeline` print and what `/api/v1/status` and `/api/v1/timeline` send.

Approved waivers are laid over the lines they hold on (`"waiver": ID`); the totals count
the verdicts as they stand without waivers, and say so (`totals.waivers_counted: false`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from dronevet.errors import BadInputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dronevet.fleet.model import Aircraft, Organisation
    from dronevet.fleet.register import Register
    from dronevet.fleet.status import FleetStatus
    from dronevet.fleet.waivers import Waiver
    from dronevet.knowledge.base import KnowledgeBase


@dataclass(frozen=True, slots=True)
class FleetReading:
    """One reading of an organisation's register on a date: its status (timeline and
    totals) and its waivers, from which any part of the report is written."""

    status: FleetStatus
    waivers: tuple[Waiver, ...]

    @property
    def size(self) -> int:
        return len(self.status.timeline.aircraft)

    def report(self, *, changes: bool, only: range | None = None) -> dict[str, Any]:
        """The report (see `fleet_report`); `only`: the aircraft at these indexes alone,
        the totals still the whole fleet's."""
        from dronevet.fleet.waivers import timeline_dict

        lines = timeline_dict(self.status.timeline, self.waivers, changes=changes, only=only)
        if changes:
            return lines
        return {**lines, "totals": {**self.status.totals.to_dict(), "waivers_counted": False}}


def read_fleet(register: Register, kb: KnowledgeBase, organisation: Organisation,
               as_of: date, *, aircraft: Sequence[Aircraft] | None = None) -> FleetReading:
    """`organisation`'s register read once and worked out as of `as_of` (`aircraft`: its
    aircraft as the caller has just read them, by serial; else they are read here)."""
    from dronevet.fleet.status import fleet_status

    if not organisation.bindings:
        raise BadInputError(f"{organisation.name} is bound by no policy: add them with "
                            f"`dronevet fleet org {organisation.name!r} --policies ID,ID`")
    if aircraft is None:
        aircraft = register.aircraft(organisation.name)
    found = fleet_status(kb, organisation, list(aircraft), as_of)
    return FleetReading(found, tuple(register.waivers(organisation.name)))


def fleet_report(register: Register, kb: KnowledgeBase, organisation: Organisation,
                 as_of: date, *, changes: bool) -> dict[str, Any]:
    """`organisation`'s lines as of `as_of`: with `changes`, every change to come (the
    timeline); without, the status contract with its totals."""
    return read_fleet(register, kb, organisation, as_of).report(changes=changes)
