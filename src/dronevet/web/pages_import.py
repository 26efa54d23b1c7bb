"""Importing a fleet register in the browser: `/import` takes a CSV or XLSX file and, where
its headers are not dronevet's, which header holds each field; a file with any bad row is
shown back row by row (file, line, column, what is wrong) and changes nothing.

The reading and the all-or-nothing commit are the importer's and the register's, as for
`POST /api/v1/aircraft/import` and `dronevet fleet import`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse

from dronevet.access import Action
from dronevet.fleet.columns import FIELDS
from dronevet.web.auth import Caller, allowed
from dronevet.web.pages_base import knowledge, render

router = APIRouter()

Editor = Annotated[Caller, Depends(allowed(Action.edit_fleet))]


def _page(request: Request, who: Caller, *, status: int = 200, **values: object) -> HTMLResponse:
    base: dict[str, object] = {"errors": [], "message": "", "counts": None, "mapping": {},
                               "ignored": []}
    return render(request, "import.html", who, status=status, title="Import aircraft",
                  fields=FIELDS, **{**base, **values})


@router.get("/import")
def import_form(request: Request, who: Editor) -> HTMLResponse:
    return _page(request, who)


@router.post("/import")
async def import_file(request: Request, who: Editor,
                      file: Annotated[UploadFile, File()],
                      sheet: Annotated[str, Form(max_length=200)] = "") -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from dronevet.fleet.importer import FleetImportError, parse_fleet
    from dronevet.fleet.tables import MAX_BYTES

    chosen = who.organisation(None)
    form = await request.form()
    mapping = {f: str(form.get(f"column_{f}", "")).strip() for f in FIELDS}
    mapping = {f: header for f, header in mapping.items() if header}
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413, f"the file is larger than {MAX_BYTES:,} bytes: split it")
    name = file.filename or "upload"
    found = await run_in_threadpool(parse_fleet, data, name, kb=knowledge(request),
                                    columns=mapping, sheet=sheet or None)
    try:
        aircraft = found.committable()
    except FleetImportError as error:
        return _page(request, who, status=422, message=str(error), mapping=mapping,
                     errors=[e.to_dict() for e in error.errors])
    counts = await run_in_threadpool(who.register.import_aircraft, chosen.name, aircraft,
                                     actor=who.user.name)
    return _page(request, who, counts=counts.to_dict(), mapping=mapping, rows=found.rows,
                 ignored=list(found.ignored_columns))
