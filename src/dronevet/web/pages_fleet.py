"""The fleet's pages: the dashboard (`/`), the aircraft list (`/aircraft`: filter, search,
sort and page on the server) and one aircraft (`/aircraft/{serial}`: each verdict with the
engine's explanation, its clauses and sources, what changes next, and its waivers).

Every number is the core's: the roll-ups of `fleet.rollup`, the timeline's verdicts with
approved waivers laid over them (`pages_fleetdata`), the explanation of `policy.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from dronevet.policy.model import VerdictKind
from dronevet.web.auth import CallerDep
from dronevet.web.pages_base import knowledge, render
from dronevet.web.pages_fleetdata import ORDERS, FleetView, fleet_view

router = APIRouter()

PAGE_SIZE = 50
SORTS = (*ORDERS, "verdict")
OrgQuery = Annotated[str | None, Query(max_length=200)]
DayQuery = Annotated[date | None, Query(description="the day to show (default today)")]


@router.get("/")
def dashboard(request: Request, who: CallerDep, org: OrgQuery = None,
              as_of: DayQuery = None) -> HTMLResponse:
    from dronevet.fleet.waivers import WaiverState

    chosen = who.organisation(org)
    day = as_of or date.today()
    view = fleet_view(request, chosen, day)
    totals = view.status.totals
    pending = [w for w in view.waivers if w.state_on(day) is WaiverState.requested]
    upcoming = [g for g in totals.grounded if g.start is not None and g.start > day]
    grounded_now = [g for g in totals.grounded if g.start is None or g.start <= day]
    deadlines: dict[date, int] = {}
    for g in upcoming:
        assert g.start is not None
        deadlines[g.start] = deadlines.get(g.start, 0) + 1
    return render(
        request, "dashboard.html", who, title=f"{chosen.name}: fleet compliance",
        org=chosen, as_of=day, totals=totals, counts=totals.counts[0][1] if totals.counts else {},
        kinds=list(VerdictKind), grounded_now=grounded_now, upcoming=upcoming,
        deadlines=sorted(deadlines.items()), pending=pending,
        first=totals.grounded[0] if totals.grounded else None, chart=Markup(view.deadlines),
        total_at_risk=sum(e.value for e in totals.value_at_risk),
    )


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What the aircraft list is asked to show."""

    verdict: str
    policy: str
    unit: str
    q: str
    sort: str
    descending: bool
    page: int

    def link(self, **changed: Any) -> str:
        from urllib.parse import urlencode

        values = {"verdict": self.verdict, "policy": self.policy, "unit": self.unit,
                  "q": self.q, "sort": self.sort, "order": "desc" if self.descending else "asc",
                  "page": self.page}
        values.update(changed)
        return "?" + urlencode({k: v for k, v in values.items() if v not in ("", None)})


def listed(view: FleetView, query: ListQuery) -> npt.NDArray[np.int64]:
    """The aircraft indices the query keeps, in its order (the view's `ListIndex` makes
    this a few array operations, whatever the fleet's size)."""
    from dronevet.fleet.tracks import CODE

    index = view.index
    columns = [p for p, c in enumerate(view.columns)
               if not query.policy or c.policy.id == query.policy]
    codes = view.codes[:, columns].max(axis=1) if columns else \
        np.zeros(len(view.aircraft), dtype=np.int8)
    keep = np.ones(len(view.aircraft), dtype=bool)
    if query.verdict:
        keep &= codes == CODE[VerdictKind(query.verdict)]
    if query.unit:
        unit = index.units.index(query.unit) if query.unit in index.units else -2
        keep &= index.unit_of == unit
    if query.q:
        keep &= index.matching(query.q)
    found = np.flatnonzero(keep)
    if query.sort == "verdict":
        rank = codes.astype(np.int64) * len(view.aircraft) + index.by_serial
    else:
        rank = index.rank[query.sort]
    # a stable sort, descending as well: equal keys keep the fleet's order, as Python's
    # sorted(..., reverse=True) keeps them
    kept = rank[found]
    return found[np.argsort(-kept if query.descending else kept, kind="stable")]


@router.get("/aircraft")
def aircraft_list(
    request: Request,
    who: CallerDep,
    org: OrgQuery = None,
    as_of: DayQuery = None,
    verdict: Annotated[str, Query(max_length=20)] = "",
    policy: Annotated[str, Query(max_length=100)] = "",
    unit: Annotated[str, Query(max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "serial",
    order: Annotated[str, Query(max_length=4)] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    chosen = who.organisation(org)
    day = as_of or date.today()
    view = fleet_view(request, chosen, day)
    if verdict and verdict not in {k.value for k in VerdictKind}:
        raise HTTPException(422, f"no verdict {verdict!r}: choose one from the list")
    policies = list(dict.fromkeys(c.policy.id for c in view.columns))
    if policy and policy not in policies:
        raise HTTPException(422, f"{chosen.name} is not bound by a policy {policy!r}")
    query = ListQuery(verdict, policy, unit, q.strip(), sort if sort in SORTS else "serial",
                      order == "desc", page)
    found = listed(view, query)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    shown = found[(min(page, pages) - 1) * PAGE_SIZE:min(page, pages) * PAGE_SIZE].tolist()
    rows = [(view.aircraft[i], view.verdicts(i), [w is not None for _, w in view.lines(i)])
            for i in shown]
    return render(request, "aircraft_list.html", who, title=f"{chosen.name}: aircraft",
                  org=chosen, as_of=day, view=view, rows=rows, query=query, matched=len(found),
                  page=min(page, pages), pages=pages, policies=policies, units=view.index.units,
                  kinds=list(VerdictKind), sorts=SORTS)


@router.get("/aircraft/{serial}")
def aircraft_detail(request: Request, serial: str, who: CallerDep, org: OrgQuery = None,
                    as_of: DayQuery = None) -> HTMLResponse:
    from dronevet.policy.summary import summarise
    from dronevet.reports.fleet_charts import aircraft_timeline_chart

    chosen = who.organisation(org)
    day = as_of or date.today()
    view = fleet_view(request, chosen, day)
    i = view.position.get(serial)
    if i is None:
        raise HTTPException(404, f"{chosen.name} has no aircraft {serial!r}")
    kb = knowledge(request)
    timeline = view.status.timeline
    lines = [
        {"column": column, "line": line, "waiver": waiver,
         "explained": summarise(kb, timeline.verdict(i, p, day))}
        for p, (column, (line, waiver)) in enumerate(zip(view.columns, view.lines(i),
                                                         strict=True))
    ]
    entry = {**view.aircraft[i].to_dict(),
             "verdicts": [{**line.to_dict(changes=True),
                           "waiver": waiver.id if waiver else None}
                          for line, waiver in view.lines(i)]}
    return render(request, "aircraft.html", who, title=f"Aircraft {serial}", org=chosen,
                  as_of=day, aircraft=view.aircraft[i], lines=lines,
                  waivers=view.waivers_of(serial),
                  chart=Markup(aircraft_timeline_chart(entry, day)))
