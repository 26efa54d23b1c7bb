"""Reports to hand on, downloaded from the pages: `/reports/memo.pdf` (the procurement
decision memo for a model, under the policies that bind the user's organisation) and
`/reports/fleet.pdf` (the fleet compliance report), both laid out by `reports/` with every
verdict's clause and sources, exactly as `dronevet report memo|fleet` writes them.
Every download the pages offer (these, and the CSV and XLSX sheets of the aircraft list
and the plan) is sent by `download`, under a file name made safe by `safe_name`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dronevet.web.auth import CallerDep
from dronevet.web.pages_base import knowledge

router = APIRouter(prefix="/reports")


PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, media_type: str, name: str) -> Response:
    """A file the browser saves as `name` (made by `safe_name`, so it needs no quoting)."""
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def safe_name(text: str) -> str:
    """`text` as part of a file name: ASCII letters and digits (accents dropped: `É` is
    `E`), the rest made `-`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    kept = "".join(c if c.isalnum() else "-" for c in plain)
    return re.sub("-{2,}", "-", kept).strip("-")[:60] or "report"


@router.get("/memo.pdf")
async def memo(request: Request, who: CallerDep,
               product: Annotated[str, Query(min_length=1, max_length=200)],
               as_of: date | None = None) -> Response:
    from dronevet.reports.memo import decision_memo
    from dronevet.reports.pdf import pdf_of
    from dronevet.reports.render import render_memo

    day = as_of or date.today()
    chosen = who.organisation(None) if who.user.organisation else None
    found = await run_in_threadpool(decision_memo, knowledge(request), product, as_of=day,
                                    prepared_on=date.today(), organisation=chosen)
    data = await run_in_threadpool(pdf_of, render_memo(found))
    return download(data, PDF, f"decision-memo-{safe_name(product)}-{day.isoformat()}.pdf")


@router.get("/fleet.pdf")
async def fleet(request: Request, who: CallerDep, as_of: date | None = None) -> Response:
    from dronevet.reports.compliance import compliance_report
    from dronevet.reports.pdf import pdf_of
    from dronevet.reports.render import render_compliance

    day = as_of or date.today()
    chosen = who.organisation(None)
    found = await run_in_threadpool(compliance_report, who.register, knowledge(request),
                                    chosen, as_of=day, prepared_on=date.today())
    data = await run_in_threadpool(pdf_of, render_compliance(found))
    return download(data, PDF,
                    f"fleet-compliance-{safe_name(chosen.name)}-{day.isoformat()}.pdf")
