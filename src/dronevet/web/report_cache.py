"""The fleet reports `/api/v1/status` and `/api/v1/timeline` send, a page of aircraft at a
time, from a reading of the register kept while nothing changes.

A reading (`fleet.reports.FleetReading`: the status and the waivers) is kept until the
register changes, as the pages' views are (`web.kept`). Only the page asked for is written
out: the totals always cover the whole fleet, `aircraft` holds the page, and `page` says
where it lies.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import Request

    from dronevet.fleet.model import Organisation
    from dronevet.fleet.reports import FleetReading

PAGE = 100
"""Aircraft per page unless the caller asks for another number."""
MOST = 1000
"""The most aircraft one page may hold."""


def cached_reading(request: Request, org: Organisation, as_of: date) -> FleetReading:
    """`fleet.reports.read_fleet` for these arguments, made anew only when the register or
    the knowledge base has changed since it was last made (`web.kept`)."""
    from dronevet.fleet.reports import read_fleet
    from dronevet.web.kept import kept

    return kept(request, "fleet_readings", org, as_of,
                lambda kb, register, aircraft: read_fleet(register, kb, org, as_of,
                                                       aircraft=aircraft))


def page_of(reading: FleetReading, *, changes: bool, offset: int,
            limit: int) -> dict[str, Any]:
    """The report with only aircraft `offset` to `offset + limit`, and a `page` saying so:
    `{"offset", "limit", "aircraft" (in the whole fleet), "next" (offset) | null}`."""
    size = reading.size
    end = offset + limit
    page = {"offset": offset, "limit": limit, "aircraft": size,
            "next": end if end < size else None}
    only = range(min(offset, size), min(end, size))
    return {**reading.report(changes=changes, only=only), "page": page}
