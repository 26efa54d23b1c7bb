"""A fleet as the pages read it: one organisation's aircraft, their status on a date and
their waivers, worked out once and kept while nothing changes.

Every change to the register writes an audit entry in the same transaction, so the audit
log's newest entry number says whether anything changed since a view was made: a view is
kept for (organisation, date, knowledge base) until that number moves. Each replica of
the web app reads that number from the shared store, so none shows stale data.

The view holds the core's values and nothing of its own making: the verdict codes are the
timeline's (`timeline.codes`), with the lines approved waivers reach replaced by the
waived lines `fleet.waivers.waived_lines` gives (the same ones `/api/v1/status` sends).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from dronevet.fleet.tracks import CODE, SEVERITY
from dronevet.policy.model import VerdictKind

if TYPE_CHECKING:
    from fastapi import Request

    from dronevet.fleet.model import Aircraft, Organisation
    from dronevet.fleet.register import Register
    from dronevet.fleet.status import FleetStatus
    from dronevet.fleet.timeline import Column, VerdictLine
    from dronevet.fleet.waivers import Waiver
    from dronevet.knowledge.base import KnowledgeBase

KEPT = 8
"""Views kept per app (organisations x dates people are looking at)."""


@dataclass(frozen=True, slots=True)
class FleetView:
    """One organisation's fleet on `as_of` (see the module docstring)."""

    org: Organisation
    as_of: date
    status: FleetStatus
    waivers: tuple[Waiver, ...]
    codes: npt.NDArray[np.int8]
    """[aircraft, column]: the verdict code (`SEVERITY`) on `as_of`, waivers laid over."""
    waived: dict[int, tuple[tuple[VerdictLine, Waiver | None], ...]]
    position: dict[str, int]
    """Serial -> aircraft index."""
    deadlines: str
    """The chart of aircraft grounded by month (`reports.fleet_charts`), as SVG."""

    @property
    def aircraft(self) -> tuple[Aircraft, ...]:
        return self.status.timeline.aircraft

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.status.timeline.columns

    def verdicts(self, i: int) -> list[VerdictKind]:
        return [SEVERITY[int(c)] for c in self.codes[i]]

    def lines(self, i: int) -> tuple[tuple[VerdictLine, Waiver | None], ...]:
        """Aircraft i's lines, each with the approved waiver that holds on it (or None)."""
        found = self.waived.get(i)
        if found is not None:
            return found
        return tuple((line, None) for line in self.status.timeline.lines(i))

    def waivers_of(self, serial: str) -> list[Waiver]:
        return [w for w in self.waivers if w.aircraft in (None, serial)]


def _view(kb: KnowledgeBase, register: Register, org: Organisation, as_of: date) -> FleetView:
    from dronevet.errors import BadInputError
    from dronevet.fleet.status import fleet_status
    from dronevet.fleet.waivers import waived_lines
    from dronevet.reports.fleet_charts import deadline_chart

    if not org.bindings:
        raise BadInputError(f"{org.name} is bound by no policy yet: an administrator adds "
                            f"them with `dronevet fleet org {org.name!r} --policies ID,ID`")
    aircraft = register.aircraft(org.name)
    status = fleet_status(kb, org, aircraft, as_of)
    timeline = status.timeline
    codes = np.array(timeline.codes[timeline.group_of, :, timeline.now], dtype=np.int8)
    codes = codes.reshape(len(aircraft), len(timeline.columns))
    waivers = tuple(register.waivers(org.name))
    waived = waived_lines(timeline, waivers)
    for i, lines in waived.items():
        codes[i] = [CODE[line.verdict] for line, _ in lines]
    prices = {a.serial: a.price for a in aircraft}
    chart = deadline_chart({"as_of": as_of.isoformat(), "totals": status.totals.to_dict()},
                           prices=prices)
    return FleetView(org, as_of, status, waivers, codes, waived,
                     {a.serial: i for i, a in enumerate(aircraft)}, chart)


_lock = threading.Lock()


def fleet_view(request: Request, org: Organisation, as_of: date) -> FleetView:
    """The view of `org` on `as_of`, made anew only when the register has changed."""
    register: Register = request.app.state.register
    kb: KnowledgeBase = request.app.state.knowledge.get()
    newest = register.audit_entries(limit=1)
    head = newest[0].seq if newest else 0
    key = (org.name, as_of, head)
    with _lock:
        state = request.app.state
        kept: OrderedDict[tuple[str, date, int], tuple[KnowledgeBase, FleetView]]
        kept = getattr(state, "fleet_views", None) or OrderedDict()
        state.fleet_views = kept
        found = kept.get(key)
        if found is not None and found[0] is kb and found[1].org == org:
            kept.move_to_end(key)
            return found[1]
    view = _view(kb, register, org, as_of)
    with _lock:
        kept[key] = (kb, view)
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return view
