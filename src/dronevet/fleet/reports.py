"""A fleet's compliance as JSON, from one reading of the register: what `dronevet fleet
status` / `fleet timeline` print and what `/api/v1/status` and `/api/v1/timeline` send.

Approved waivers are laid over the lines they hold on (`"waiver": ID`); the totals count
the verdicts as they stand without waivers, and say so (`totals.waivers_counted: false`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from dronevet.errors import BadInputError

if TYPE_CHECKING:
    from dronevet.fleet.model import Organisation
    from dronevet.fleet.register import Register
    from dronevet.knowledge.base import KnowledgeBase


def fleet_report(register: Register, kb: KnowledgeBase, organisation: Organisation,
                 as_of: date, *, changes: bool) -> dict[str, Any]:
    """`organisation`'s lines as of `as_of`: with `changes`, every change to come (the
    timeline); without, the status contract with its totals."""
    from dronevet.fleet.status import fleet_status
    from dronevet.fleet.waivers import timeline_dict

    if not organisation.bindings:
        raise BadInputError(f"{organisation.name} is bound by no policy: add them with "
                            f"`dronevet fleet org {organisation.name!r} --policies ID,ID`")
    found = fleet_status(kb, organisation, register.aircraft(organisation.name), as_of)
    lines = timeline_dict(found.timeline, register.waivers(organisation.name), changes=changes)
    if changes:
        return lines
    return {**lines, "totals": {**found.totals.to_dict(), "waivers_counted": False}}
