"""The fleet reports `/api/v1/status` and `/api/v1/timeline` send, worked out once and kept
while nothing changes, and sent a page of aircraft at a time.

A report is kept for (organisation, date, status or timeline, knowledge base) until the
audit log's newest entry number moves: every change to the register writes an entry in
the same transaction, so the number says whether anything changed, on every replica
sharing the store (as `pages_fleetdata` keeps the pages' views). The totals always cover
the whole fleet; `aircraft` holds the page asked for, and `page` says where it lies.
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
    from dronevet.knowledge.base import KnowledgeBase

KEPT = 8
"""Reports kept per app (organisations x dates x kinds people ask for)."""
PAGE = 100
"""Aircraft per page unless the caller asks for another number."""
MOST = 1000
"""The most aircraft one page may hold."""

_Key = tuple[str, date, bool, int]
_lock = threading.Lock()


def _kept(request: Request) -> OrderedDict[_Key, tuple[KnowledgeBase, dict[str, Any]]]:
    state = request.app.state
    kept: OrderedDict[_Key, tuple[KnowledgeBase, dict[str, Any]]] | None
    kept = getattr(state, "fleet_reports", None)
    if kept is None:
        kept = state.fleet_reports = OrderedDict()
    return kept


def cached_report(request: Request, register: Register, org: Organisation, as_of: date,
                  *, changes: bool) -> dict[str, Any]:
    """`fleet.reports.fleet_report` for these arguments, made anew only when the register
    or the knowledge base has changed since it was last made. Treat it as read-only."""
    from dronevet.fleet.reports import fleet_report

    kb: KnowledgeBase = request.app.state.knowledge.get()
    newest = register.audit_entries(limit=1)
    key = (org.name, as_of, changes, newest[0].seq if newest else 0)
    with _lock:
        kept = _kept(request)
        found = kept.get(key)
        if found is not None and found[0] is kb:
            kept.move_to_end(key)
            return found[1]
    report = fleet_report(register, kb, org, as_of, changes=changes)
    with _lock:
        kept[key] = (kb, report)
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return report


def page_of(report: dict[str, Any], offset: int, limit: int) -> dict[str, Any]:
    """`report` with only aircraft `offset` to `offset + limit`, and a `page` saying so:
    `{"offset", "limit", "aircraft" (in the whole fleet), "next" (offset) | null}`."""
    everyone = report["aircraft"]
    end = offset + limit
    page = {"offset": offset, "limit": limit, "aircraft": len(everyone),
            "next": end if end < len(everyone) else None}
    return {**report, "aircraft": everyone[offset:end], "page": page}
