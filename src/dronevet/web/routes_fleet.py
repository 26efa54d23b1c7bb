"""The fleet register over HTTP: organisations (`/orgs`), aircraft (`/aircraft`: list,
create, read, replace, delete, import a CSV or XLSX file) and their compliance (`/status`,
`/timeline`). Every route works inside the organisations the caller may see (`auth.py`);
changes are written to the audit log under the caller's name.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from dronevet.access import Action
from dronevet.errors import UnknownNameError
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.web.auth import Caller, CallerDep, allowed
from dronevet.web.report_cache import MOST, PAGE, cached_reading, page_of
from dronevet.web.responses import Json

router = APIRouter(tags=["fleet"])

OrgQuery = Annotated[str | None, Query(max_length=200, description="the organisation "
                                       "(default: the caller's own)")]
Editor = Annotated[Caller, Depends(allowed(Action.edit_fleet))]
Admin = Annotated[Caller, Depends(allowed(Action.administer))]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class BindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy: Annotated[str, Field(min_length=1, max_length=100)]
    uses: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=4)


class OrganisationIn(BaseModel):
    """An organisation and the policies that bind it (for these uses; all when none)."""

    model_config = ConfigDict(extra="forbid")

    bindings: list[BindingIn] = Field(default_factory=list, max_length=100)
    jurisdiction: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 10
    parent: Text | None = None


class AircraftIn(BaseModel):
    """One aircraft, as a register row holds it (see `dronevet fleet import`)."""

    model_config = ConfigDict(extra="forbid")

    serial: Annotated[str, Field(min_length=1, max_length=100)]
    model: Text
    purchase_date: date | None = None
    price: Annotated[Decimal, Field(ge=0, le=Decimal("1e12"), decimal_places=2)] | None = None
    funding: Annotated[str, Field(max_length=100)] | None = None
    missions: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50)
    status: Annotated[str, Field(max_length=20)] = "active"
    flight_hours: Annotated[float, Field(ge=0, le=1e7)] | None = None
    unit: Annotated[str, Field(max_length=200)] | None = None
    capabilities: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50)


def _org_dict(org: Organisation) -> dict[str, Any]:
    return org.to_dict()


@router.get("/orgs", summary="The organisations the caller may see")
def organisations(who: CallerDep) -> Json:
    return Json([_org_dict(org) for org in who.visible().values()])


@router.get("/orgs/{name}", summary="One organisation and the policies that bind it")
def organisation(name: str, who: CallerDep) -> Json:
    return Json(_org_dict(who.organisation(name)))


@router.put("/orgs/{name}", summary="Create or update an organisation (administrators)")
def save_organisation(request: Request, name: Annotated[str, Path(max_length=200)],
                      body: OrganisationIn, who: Admin) -> Json:
    name = name.strip()
    if not name:
        raise HTTPException(422, "the organisation needs a name")
    visible = who.visible()
    if who.user.organisation is not None and name not in visible:
        if body.parent not in visible:
            raise HTTPException(403, "an administrator of an organisation may add units to "
                                     "it, not organisations beside it")
        if any(org.name == name for org in who.register.organisations()):
            # an organisation outside the caller's, which a new parent would hand to them
            raise HTTPException(409, f"the name {name!r} is taken: choose another for the "
                                     "new unit")
    if body.parent is not None and body.parent not in visible:
        raise HTTPException(404, f"no organisation {body.parent!r}")
    wanted = Organisation(name, tuple(Binding(b.policy, tuple(b.uses)) for b in body.bindings),
                          body.jurisdiction, body.fiscal_year_start, body.parent)
    saved, outcome = who.register.save_organisation(
        wanted, actor=who.user.name, kb=request.app.state.knowledge.get())
    return Json({**_org_dict(saved), "saved": outcome.value})


def _aircraft_of(who: Caller, org: str, serial: str) -> Aircraft:
    found = next((a for a in who.register.aircraft(org) if a.serial == serial), None)
    if found is None:
        raise HTTPException(404, f"no aircraft {serial!r} in {org!r}")
    return found


def _checked(request: Request, records: list[dict[str, Any]], name: str) -> tuple[Aircraft, ...]:
    from dronevet.fleet.importer import parse_records

    kb = request.app.state.knowledge.get()
    return parse_records(records, name, kb=kb).committable()


@router.get("/aircraft", summary="An organisation's aircraft")
def list_aircraft(who: CallerDep, org: OrgQuery = None) -> Json:
    chosen = who.organisation(org)
    return Json([a.to_dict() for a in who.register.aircraft(chosen.name)])


@router.post("/aircraft", status_code=201, summary="Add an aircraft")
def add_aircraft(request: Request, body: AircraftIn, who: Editor, org: OrgQuery = None) -> Json:
    chosen = who.organisation(org)
    if any(a.serial.casefold() == body.serial.casefold()
           for a in who.register.aircraft(chosen.name)):
        raise HTTPException(409, f"{chosen.name!r} has an aircraft {body.serial!r} already: "
                                 "PUT /aircraft/{serial} replaces it")
    aircraft = _checked(request, [body.model_dump(exclude_none=True)], "request body")
    who.register.import_aircraft(chosen.name, aircraft, actor=who.user.name)
    return Json(_aircraft_of(who, chosen.name, body.serial).to_dict(), status_code=201)


@router.get("/aircraft/{serial}", summary="One aircraft")
def get_aircraft(serial: str, who: CallerDep, org: OrgQuery = None) -> Json:
    return Json(_aircraft_of(who, who.organisation(org).name, serial).to_dict())


@router.put("/aircraft/{serial}", summary="Create or replace an aircraft")
def put_aircraft(request: Request, serial: str, body: AircraftIn, who: Editor,
                 org: OrgQuery = None) -> Json:
    chosen = who.organisation(org)
    if body.serial != serial:
        raise HTTPException(422, f"the body's serial {body.serial!r} is not the path's {serial!r}")
    aircraft = _checked(request, [body.model_dump(exclude_none=True)], "request body")
    counts = who.register.import_aircraft(chosen.name, aircraft, actor=who.user.name)
    return Json({**_aircraft_of(who, chosen.name, serial).to_dict(), **counts.to_dict()})


@router.delete("/aircraft/{serial}", status_code=204, summary="Delete an aircraft entered by "
               "mistake (one with waivers must be retired instead)")
def delete_aircraft(serial: str, who: Editor, org: OrgQuery = None) -> Response:
    chosen = who.organisation(org)
    try:
        who.register.delete_aircraft(chosen.name, serial, actor=who.user.name)
    except UnknownNameError:
        raise HTTPException(404, f"no aircraft {serial!r} in {chosen.name!r}") from None
    return Response(status_code=204)


@router.post("/aircraft/import", summary="Import a register file (CSV or XLSX): all or nothing")
async def import_aircraft(
    request: Request,
    who: Editor,
    file: Annotated[UploadFile, File(description="the register, .csv or .xlsx")],
    columns: Annotated[str, Form(max_length=2000, description="field=Header pairs, "
                                 "comma-separated, e.g. serial=Serial No")] = "",
    sheet: Annotated[str, Form(max_length=200)] = "",
    org: OrgQuery = None,
) -> Json:
    """`{"created", "updated", "unchanged", "rows"}`; any bad row: 422 with every row's
    error (`errors`: file, line, column, message) and nothing stored."""
    from starlette.concurrency import run_in_threadpool

    from dronevet.fleet.importer import parse_fleet
    from dronevet.fleet.tables import MAX_BYTES

    chosen = who.organisation(org)
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413, f"the file is larger than {MAX_BYTES:,} bytes: split it")
    mapping = _mapping(columns)
    kb = request.app.state.knowledge.get()
    name = file.filename or "upload"
    found = await run_in_threadpool(parse_fleet, data, name, kb=kb, columns=mapping,
                                    sheet=sheet or None)
    aircraft = found.committable()
    counts = await run_in_threadpool(who.register.import_aircraft, chosen.name, aircraft,
                                     actor=who.user.name)
    return Json({**counts.to_dict(), "rows": found.rows,
                 "ignored_columns": list(found.ignored_columns)})


def _mapping(text: str) -> dict[str, str]:
    from dronevet.errors import BadInputError

    mapping = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise BadInputError(f"column mapping {pair!r} is not FIELD=HEADER")
        mapping[field.strip()] = header.strip()
    return mapping


Offset = Annotated[int, Query(ge=0, le=10_000_000, description="the first aircraft of the "
                              "page (0 for the first page; `page.next` gives the next)")]
Limit = Annotated[int, Query(ge=1, le=MOST, description=f"aircraft per page (at most {MOST})")]


def _report(request: Request, who: Caller, org: str | None, as_of: date | None,
            changes: bool, offset: int, limit: int) -> Json:
    chosen = who.organisation(org)
    reading = cached_reading(request, chosen, as_of or date.today())
    return Json(page_of(reading, changes=changes, offset=offset, limit=limit))


@router.get("/status", summary="What each binding policy allows for each aircraft on a date")
def status(request: Request, who: CallerDep, org: OrgQuery = None,
           as_of: date | None = None, offset: Offset = 0, limit: Limit = PAGE) -> Json:
    """The `dronevet fleet status --format json` contract, with its totals for the whole
    fleet; `aircraft` holds one page of the fleet, which `page` places."""
    return _report(request, who, org, as_of, changes=False, offset=offset, limit=limit)


@router.get("/timeline", summary="Every change to come, dated and explained")
def timeline(request: Request, who: CallerDep, org: OrgQuery = None,
             as_of: date | None = None, offset: Offset = 0, limit: Limit = PAGE) -> Json:
    """The `dronevet fleet timeline --format json` contract, a page of aircraft at a time
    (`page` places it)."""
    return _report(request, who, org, as_of, changes=True, offset=offset, limit=limit)
