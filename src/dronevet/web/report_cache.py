"""The fleet reports `/api/v1/status` and `/api/v1/timeline` send, a page of aircraft at a
time, from a reading of the register kept while nothing changes.

A reading (`fleet.reports.FleetReading`: the status and the waivers) is kept for
(organisation, date, knowledge base) until the audit log's newest entry number moves:
every change to the register writes an entry in the same transaction, so the number says
whether anything changed, on every replica sharing the store (as `pages_fleetdata` keeps
the pages' views). Only the page asked for is written out: the totals always cover the
whole fleet, `aircraft` holds the page, and `page` says where it lies.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import Request

    from dronevet.fleet.model import Organisation
    from dronevet.fleet.register import Register
    from dronevet.fleet.reports import FleetReading
    from dronevet.knowledge.base import KnowledgeBase

KEPT = 8
"""Readings kept per app (organisations x dates people ask for)."""
PAGE = 100
"""Aircraft per page unless the caller asks for another number."""
MOST = 1000
"""The most aircraft one page may hold."""

_Key = tuple[str, date, int]
_lock = threading.Lock()


def _kept(request: Request) -> OrderedDict[_Key, tuple[KnowledgeBase, FleetReading]]:
    state = request.app.state
    kept: OrderedDict[_Key, tuple[KnowledgeBase, FleetReading]] | None
    kept = getattr(state, "fleet_reports", None)
    if kept is None:
        kept = state.fleet_reports = OrderedDict()
    return kept


def cached_reading(request: Request, register: Register, org: Organisation,
                   as_of: date) -> FleetReading:
    """`fleet.reports.read_fleet` for these arguments, made anew only when the register or
    the knowledge base has changed since it was last made."""
    from dronevet.fleet.reports import read_fleet

    kb: KnowledgeBase = request.app.state.knowledge.get()
    newest = register.audit_entries(limit=1)
    key = (org.name, as_of, newest[0].seq if newest else 0)
    with _lock:
        kept = _kept(request)
        found = kept.get(key)
        if found is not None and found[0] is kb:
            kept.move_to_end(key)
            return found[1]
    reading = read_fleet(register, kb, org, as_of)
    with _lock:
        kept[key] = (kb, reading)
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return reading


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
