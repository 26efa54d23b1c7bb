"""The replacement plan in the browser: `/plan` takes budgets for up to three fiscal years,
the price quotes the agency holds and a what-if on the budget (the form comes filled in
with what the planning file keeps for the organisation), and shows the planner's
plan (who is replaced by what, in which year, why), each year's spend against its budget
as a chart, and what the what-if changes.

The plan is `fleet.planning.plan_fleet`'s, as `POST /api/v1/plans` and `dronevet fleet
plan` give it; the budgets and quotes are read by the same `planning_requests` parsers.
Plans are worked out on request and never stored, so the form is a GET, and the plan's
sheet (`/plan.csv`, `/plan.xlsx`: `reports.plan_export`, as `dronevet fleet plan --output`
writes it) is the same plan worked out again from the same query.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from dronevet.access import Action
from dronevet.web.auth import Caller, allowed
from dronevet.web.pages_base import knowledge, render
from dronevet.web.pages_reports import CSV, XLSX, download, safe_name

if TYPE_CHECKING:
    from dronevet.fleet.planning import PlanReport

router = APIRouter()

YEARS = 3
QUOTES = 3
Planner = Annotated[Caller, Depends(allowed(Action.plan))]


def _asked(request: Request) -> dict[str, str]:
    return {k: v.strip() for k, v in request.query_params.items() if len(v) <= 300}


def _plan(request: Request, who: Caller, asked: dict[str, str], day: date) -> PlanReport:
    from dronevet.api import find_product
    from dronevet.fleet.planning import PlanRequest, plan_fleet
    from dronevet.fleet.planning_file import on_file
    from dronevet.fleet.planning_requests import RequirementsTable, parse_budgets, parse_quotes

    kb = knowledge(request)
    budgets = {asked[f"year_{n}"]: asked[f"budget_{n}"] for n in range(1, YEARS + 1)
               if asked.get(f"year_{n}") and asked.get(f"budget_{n}")}
    quotes: dict[str, dict[str, object]] = {
        find_product(asked[f"product_{n}"], kb=kb).product.id: {
            "price": asked.get(f"price_{n}", ""), "source": asked.get(f"source_{n}", ""),
            "date": asked.get(f"quoted_{n}", "")}
        for n in range(1, QUOTES + 1) if asked.get(f"product_{n}")
    }
    # what the form cannot hold: the capabilities a quote on file adds to its model
    for quote in on_file(request.app.state.settings.home, who.organisation(None).name).quotes:
        if quote.product_id in quotes:
            quotes[quote.product_id]["capabilities"] = list(quote.capabilities)
            if quote.payload_kg is not None:
                quotes[quote.product_id]["payload_kg"] = quote.payload_kg
    percent = asked.get("what_if", "")
    wanted = PlanRequest(
        organisation=who.organisation(None).name,
        budgets=parse_budgets(budgets, where="the budgets"),
        as_of=day,
        requirements=RequirementsTable(),
        quotes=parse_quotes(quotes, where="the quotes"),
        candidates=(),
        programs=(),
        carry_over=asked.get("carry_over") == "yes",
        what_if_budget=(float(percent),) if percent.lstrip("-").isdigit() else (),
        what_if_later_days=None,
    )
    return plan_fleet(who.register, kb, wanted)


def _on_file(request: Request, organisation: str, years: list[int]) -> dict[str, str]:
    """The form filled in with the budgets and quotes kept for `organisation` in the
    planning file (`fleet.planning_file`): the years the form shows, the first quotes."""
    from dronevet.fleet.planning_file import on_file

    kept = on_file(request.app.state.settings.home, organisation)
    form = {f"budget_{n}": str(kept.budgets[year])
            for n, year in enumerate(years, start=1) if year in kept.budgets}
    for n, quote in enumerate(kept.quotes[:QUOTES], start=1):
        form |= {f"product_{n}": quote.product_id, f"price_{n}": f"{quote.price.amount:.2f}",
                 f"source_{n}": quote.price.source.citation,
                 f"quoted_{n}": quote.price.source.date.isoformat()}
    return form


def _budgeted(asked: dict[str, str]) -> bool:
    return any(asked.get(f"budget_{n}") for n in range(1, YEARS + 1))


@router.get("/plan")
def plan_page(request: Request, who: Planner, as_of: date | None = None) -> HTMLResponse:
    from dronevet.reports.fleet_charts import plan_spend_chart

    day = as_of or date.today()
    submitted = {k: v for k, v in _asked(request).items() if k != "as_of"}
    chosen = who.organisation(None)
    first = chosen.fiscal_year(day)
    asked = submitted or _on_file(request, chosen.name, [first + n for n in range(YEARS)])
    found = _plan(request, who, submitted, day).to_dict() if _budgeted(submitted) else None
    return render(request, "plan.html", who, title=f"{chosen.name}: replacement plan",
                  asked=asked, as_of=day, years=[first + n for n in range(YEARS)],
                  quotes=range(1, QUOTES + 1), plan=found, asked_query=request.url.query,
                  chart=Markup(plan_spend_chart(found)) if found else "")


def _sheet(request: Request, who: Caller, as_of: date | None) -> tuple[PlanReport, str]:
    """The plan the page's form asks for, and the file name its sheet is saved under."""
    asked = _asked(request)
    if not _budgeted(asked):
        raise HTTPException(422, "give a budget for at least one fiscal year first")
    day = as_of or date.today()
    name = f"replacement-plan-{safe_name(who.organisation(None).name)}-{day.isoformat()}"
    return _plan(request, who, asked, day), name


@router.get("/plan.csv")
def plan_csv_download(request: Request, who: Planner, as_of: date | None = None) -> Response:
    """The plan of the page's form as CSV, one row per aircraft (`reports.plan_export`)."""
    from dronevet.reports.plan_export import plan_csv

    found, name = _sheet(request, who, as_of)
    return download(plan_csv(found.plan).encode(), CSV, name + ".csv")


@router.get("/plan.xlsx")
def plan_xlsx_download(request: Request, who: Planner, as_of: date | None = None) -> Response:
    """The plan of the page's form as an XLSX workbook (`reports.plan_export`)."""
    from dronevet.reports.plan_export import plan_xlsx

    found, name = _sheet(request, who, as_of)
    return download(plan_xlsx(found.plan), XLSX, name + ".xlsx")
