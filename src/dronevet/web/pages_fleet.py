"""The fleet's pages: the dashboard (`/`), the aircraft list (`/aircraft`: filter, search,
sort and page on the server; `/aircraft.csv` and `/aircraft.xlsx`: every aircraft it keeps,
all pages, in the register's columns with the verdicts beside them) and one aircraft
(`/aircraft/{serial}`: each verdict with the engine's explanation, its clauses and
sources, what changes next, and its waivers).

Every number is the core's: the roll-ups of `fleet.rollup`, the timeline's verdicts with
approved waivers laid over them (`pages_fleetdata`), the explanation of `policy.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import numpy.typing as npt
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from dronevet.policy.model import VerdictKind
from dronevet.web.auth import Caller, CallerDep
from dronevet.web.pages_base import knowledge, render
from dronevet.web.pages_fleetdata import ORDERS, FleetView, fleet_view
from dronevet.web.pages_reports import CSV, XLSX, download, safe_name

if TYPE_CHECKING:
    from dronevet.fleet.export import Row

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

    org: str
    """The organisation named (empty: the user's own)."""
    verdict: str
    policy: str
    unit: str
    q: str
    sort: str
    descending: bool
    page: int

    def link(self, **changed: Any) -> str:
        from urllib.parse import urlencode

        values = {"org": self.org, "verdict": self.verdict, "policy": self.policy,
                  "unit": self.unit, "q": self.q, "sort": self.sort,
                  "order": "desc" if self.descending else "asc", "page": self.page}
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
        rank = index.rank(query.sort)
    # a stable sort, descending as well: equal keys keep the fleet's order, as Python's
    # sorted(..., reverse=True) keeps them
    kept = rank[found]
    return found[np.argsort(-kept if query.descending else kept, kind="stable")]


def list_query(
    org: OrgQuery = None,
    verdict: Annotated[str, Query(max_length=20)] = "",
    policy: Annotated[str, Query(max_length=100)] = "",
    unit: Annotated[str, Query(max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "serial",
    order: Annotated[str, Query(max_length=4)] = "asc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> ListQuery:
    """The list's query as the page and its downloads are asked it."""
    if verdict and verdict not in {k.value for k in VerdictKind}:
        raise HTTPException(422, f"no verdict {verdict!r}: choose one from the list")
    return ListQuery(org or "", verdict, policy, unit, q.strip(),
                     sort if sort in SORTS else "serial", order == "desc", page)


ListQueryDep = Annotated[ListQuery, Depends(list_query)]


def _listed_view(request: Request, who: Caller, query: ListQuery,
                 as_of: date | None) -> tuple[FleetView, list[str], npt.NDArray[np.int64]]:
    """The view the list reads, the policies binding its organisation, and the aircraft the
    query keeps, in its order."""
    chosen = who.organisation(query.org or None)
    view = fleet_view(request, chosen, as_of or date.today())
    policies = list(dict.fromkeys(c.policy.id for c in view.columns))
    if query.policy and query.policy not in policies:
        raise HTTPException(422, f"{chosen.name} is not bound by a policy {query.policy!r}")
    return view, policies, listed(view, query)


@router.get("/aircraft")
def aircraft_list(request: Request, who: CallerDep, query: ListQueryDep,
                  as_of: DayQuery = None) -> HTMLResponse:
    view, policies, found = _listed_view(request, who, query, as_of)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(query.page, pages)
    shown = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE].tolist()
    rows = [(view.aircraft[i], view.verdicts(i), [w is not None for _, w in view.lines(i)])
            for i in shown]
    return render(request, "aircraft_list.html", who, title=f"{view.org.name}: aircraft",
                  org=view.org, as_of=view.as_of, view=view, rows=rows, query=query,
                  matched=len(found), page=page, pages=pages, policies=policies,
                  units=view.index.units, kinds=list(VerdictKind), sorts=SORTS)


def _sheet(view: FleetView, found: npt.NDArray[np.int64]) -> tuple[list[str], list[Row]]:
    """The listed aircraft as a table: the register's columns (so the file imports as it
    is), then the verdict under each binding policy and use, waivers laid over."""
    from dronevet.fleet.columns import FIELDS
    from dronevet.fleet.export import register_values
    from dronevet.web.pages_base import use_noun, verdict_word

    header = [*FIELDS, *(f"verdict: {c.policy.short or c.policy.title}: {use_noun(c.use)}"
                         for c in view.columns)]
    rows: list[Row] = []
    for i in found.tolist():
        verdicts = [verdict_word(line.verdict) + (f" by waiver {waiver.id}" if waiver else "")
                    for line, waiver in view.lines(i)]
        rows.append([*register_values(view.aircraft[i]), *verdicts])
    return header, rows


@router.get("/aircraft.csv")
def aircraft_csv(request: Request, who: CallerDep, query: ListQueryDep,
                 as_of: DayQuery = None) -> Response:
    """Every aircraft the list's query keeps (all pages), as CSV."""
    from dronevet.fleet.export import csv_text

    view, _, found = _listed_view(request, who, query, as_of)
    header, rows = _sheet(view, found)
    return download(csv_text(header, rows).encode(), CSV,
                    f"aircraft-{safe_name(view.org.name)}-{view.as_of.isoformat()}.csv")


@router.get("/aircraft.xlsx")
def aircraft_xlsx(request: Request, who: CallerDep, query: ListQueryDep,
                  as_of: DayQuery = None) -> Response:
    """Every aircraft the list's query keeps (all pages), as an XLSX workbook."""
    from dronevet.fleet.export import SHEET, xlsx_bytes

    view, _, found = _listed_view(request, who, query, as_of)
    header, rows = _sheet(view, found)
    return download(xlsx_bytes(SHEET, header, rows), XLSX,
                    f"aircraft-{safe_name(view.org.name)}-{view.as_of.isoformat()}.xlsx")


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
