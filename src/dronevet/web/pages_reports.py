"""Reports to hand on, downloaded from the pages: `/reports/memo.pdf` (the procurement
decision memo for a model, under the policies that bind the user's organisation) and
`/reports/fleet.pdf` (the fleet compliance report), both laid out by `reports/` with every
verdict's clause and sources, exactly as `dronevet report memo|fleet` writes them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dronevet.web.auth import CallerDep
from dronevet.web.pages_base import knowledge

router = APIRouter(prefix="/reports")


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")[:60] or "report"


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
    return _pdf(data, f"decision-memo-{_safe(product)}-{day.isoformat()}.pdf")


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
    return _pdf(data, f"fleet-compliance-{_safe(chosen.name)}-{day.isoformat()}.pdf")
