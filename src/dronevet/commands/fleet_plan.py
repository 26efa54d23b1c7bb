"""`dronevet fleet plan`: what an organisation must replace, with what, in which fiscal year
and at what cost, within its budgets and before each aircraft's deadline, and why.

The command reads its arguments and files (budgets, requirements and price quotes as
YAML, in the shapes `fleet.planning_requests` describes), asks `fleet.planning.plan_fleet`
for the plan, and prints it: per fiscal year what to buy and what it costs against the
budget, per aircraft the deadline, the replacement and the reasons, the aircraft left
without one and why, and the what-ifs asked for. `--format json` prints the plan's JSON,
as `POST /api/v1/plans` sends it; `--output` also writes it as a CSV or XLSX sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import (
    FORMAT_HELP,
    TextOrJson,
    existing_file,
    guarded,
    parse_date,
    say,
    write_json,
)
from dronevet.errors import UsageError

if TYPE_CHECKING:
    from dronevet.fleet.planner import AircraftPlan, Plan
    from dronevet.fleet.planning import Deadline, PlanReport, WhatIfResult
    from dronevet.fleet.planning_file import OnFile


def _document(path: Path | None) -> Any:
    """The YAML document in the file at `path` (None when no file is given)."""
    from dronevet.knowledge.loader import read_yaml

    return None if path is None else read_yaml(existing_file(path))


def _budgets(pairs: list[str], path: Path | None, kept: OnFile) -> dict[int, Any]:
    """The budgets of the file, then those given one by one (which win for their year);
    with neither, those on file for the organisation."""
    from dronevet.fleet.planning_requests import parse_budgets

    if not pairs and path is None and kept.budgets:
        say(f"Budgets from {kept.where}.", err=True)
        return dict(kept.budgets)
    found = parse_budgets(_document(path), where=str(path)) if path else {}
    given: dict[str, str] = {}
    for pair in pairs:
        year, sep, amount = pair.partition("=")
        if not sep or not year.strip() or not amount.strip():
            raise UsageError(f"--budget {pair!r}: write FY=AMOUNT, e.g. --budget FY2027=250000")
        given[year.strip()] = amount.strip()
    found.update(parse_budgets(given, where="--budget"))
    if not found:
        raise UsageError("give the money per fiscal year: --budget FY2027=250000 (repeatable) "
                         f"or --budgets FILE.yaml, or keep them in {kept.where.split(', ')[0]}"
                         )  # fmt: skip
    return found


def _ids(text: str | None) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    if text is not None and not ids:
        raise UsageError("--candidates needs product ids, comma-separated, e.g. "
                         "--candidates skydio-x10d,parrot-anafi-usa")  # fmt: skip
    return ids


def _money(amount: Any, currency: str) -> str:
    from decimal import Decimal

    from dronevet.fleet.planner_reasons import money

    return money(Decimal(str(amount)), currency)


def _years(plan: Plan, currency: str, names: dict[str, str]) -> None:
    say(("Per fiscal year", "bold"))
    for year in plan.years:
        came = f" + {_money(year.carried_in, currency)} carried in" if year.carried_in else ""
        say(f"FY{year.year}: budget {_money(year.budget, currency)}{came}; to spend "
            f"{_money(year.spend, currency)}; left {_money(year.left, currency)}")
        if not year.serials:
            say("  nothing to buy")
        for serial in year.serials:
            say(f"  buy {names[serial]}")


def _purchase(one: AircraftPlan, currency: str) -> str:
    assert one.candidate is not None and one.cost is not None
    return (f"{one.candidate.name} to replace {one.serial} ({one.model}): "
            f"{_money(one.cost.net, currency)}")


def _aircraft(one: AircraftPlan, deadline: Deadline, currency: str) -> None:
    say((f"{one.serial} ({one.model})", "bold"))
    if deadline.overdue:
        say(f"  already prohibited, so to be replaced at once (bought by FY{one.buy_by}): "
            f"{deadline.explanation}")
    else:
        say(f"  deadline {deadline.day} (bought by FY{one.buy_by}): {deadline.explanation}")
    if one.candidate is None:
        say(("  NOT REPLACED", "bold red"))
    else:
        say(("  replaced by ", ""), (one.candidate.name, "bold"),
            f" in FY{one.year}" + (f" for {_money(one.cost.net, currency)}" if one.cost else ""))
    for reason in one.reasons:
        say(f"  - {reason}")
    if one.shortfalls:
        say(f"  falls short: {'; '.join(one.shortfalls)}")


def _totals(plan: Plan, currency: str) -> str:
    totals = plan.totals()
    proof = "" if plan.optimal else (
        f" (the solver stopped at its time limit: this plan may weigh up to "
        f"{plan.gap:.1%} more than the best one)")
    return (f"{totals['replaced']} of {totals['aircraft']} aircraft replaced, "
            f"{totals['not_replaced']} not; {_money(totals['spend'], currency)} spent of "
            f"{_money(totals['budget'], currency)} budgeted{proof}.")


def _what_if(result: WhatIfResult, base: Plan, currency: str) -> None:
    was = base.totals()
    now = result.plan.totals()
    say((f"What if {result.label}: ", "bold"),
        f"{now['replaced']} of {now['aircraft']} aircraft replaced (plan: {was['replaced']}), "
        f"{_money(now['spend'], currency)} spent (plan: {_money(was['spend'], currency)}).")
    if not result.changes.aircraft:
        say("  the same aircraft, candidates and years.")
    for change in result.changes.aircraft:
        say(f"  {change.serial}: {' '.join(change.changes)}")


def _render(report: PlanReport, currency: str) -> None:
    plan = report.plan
    say((f"Replacement plan for {plan.organisation} as of {report.as_of}", "bold"),
        f" (fiscal years start in month {report.fiscal_year_start}, named for the year they "
        "end)")
    if not plan.aircraft:
        say("No aircraft must be replaced: no binding policy prohibits operating or funding "
            "any of them, now or later as far as is known.")
    else:
        names = {a.serial: _purchase(a, currency) for a in plan.aircraft if a.candidate}
        _years(plan, currency, names)
        say(("Per aircraft", "bold"))
        by_serial = {d.serial: d for d in report.deadlines}
        for one in plan.aircraft:
            _aircraft(one, by_serial[one.serial], currency)
        left = [a.serial for a in plan.aircraft if a.candidate is None]
        if left:
            say(("Left without a replacement: ", "bold red"), ", ".join(left),
                " (the reasons are given above)")
    if report.not_due:
        say(f"Not due (no binding policy bars their operation or funding): "
            f"{', '.join(report.not_due)}")
    say(_totals(plan, currency))
    for result in report.what_ifs:
        _what_if(result, plan, currency)


def _write(plan: Plan, path: Path) -> None:
    """The plan as a spreadsheet at `path` (`reports.plan_export`), said on stderr so that
    `--format json` stays one JSON document."""
    from dronevet.fleet.tables import is_workbook
    from dronevet.reports.plan_export import plan_csv, plan_xlsx

    if is_workbook(path.name):
        path.write_bytes(plan_xlsx(plan))
    else:
        path.write_text(plan_csv(plan), encoding="utf-8", newline="")
    say(f"{path}: the plan, one row per aircraft", err=True)


@guarded
def plan(
    organisation: Annotated[str, typer.Option("--org", help="the organisation")],
    budget: Annotated[list[str] | None, typer.Option(
        "--budget", help="FY=AMOUNT, e.g. FY2027=250000 (repeatable; wins over --budgets)")]
    = None,
    budgets: Annotated[Path | None, typer.Option(
        "--budgets", help="a YAML file of FY: AMOUNT lines (default: the budgets kept in "
        "planning.yaml in the dronevet home)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")]
    = None,
    requirements: Annotated[Path | None, typer.Option(
        "--requirements", help="a YAML file of requirements per aircraft and per mission "
        "(default: the capabilities the register records)")] = None,
    quotes: Annotated[Path | None, typer.Option(
        "--quotes", help="a YAML file of the prices quoted per product, with their source "
        "and date (default: the quotes kept in planning.yaml in the dronevet home)")] = None,
    candidates: Annotated[str | None, typer.Option(
        "--candidates", help="product ids to choose from, comma-separated (default: every "
        "product with a price)")] = None,
    program: Annotated[list[str] | None, typer.Option(
        "--program", help="a replacement programme the organisation takes part in, e.g. "
        "us-fl-fdle-drp-2023 (repeatable)")] = None,
    carry_over: Annotated[bool, typer.Option(
        "--carry-over", help="money a year leaves unspent goes to the next")] = False,
    what_if_budget: Annotated[list[float] | None, typer.Option(
        "--what-if-budget", help="also plan with every budget changed by PCT percent, e.g. "
        "-20 or 20 (repeatable)", metavar="PCT")] = None,
    what_if_later: Annotated[int | None, typer.Option(
        "--what-if-later", help="also plan with every deadline DAYS days later",
        metavar="DAYS")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="also write the plan as a spreadsheet: a .csv or .xlsx file, "
        "one row per aircraft")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)] = (
        TextOrJson.text
    ),
) -> None:
    """Plan the replacement of the aircraft a binding policy will bar: which compliant drone,
    in which fiscal year, within each year's budget and before each deadline, and why."""
    from dronevet.api import load_knowledge
    from dronevet.commands.fleet import register
    from dronevet.fleet.planning import PlanRequest, plan_fleet
    from dronevet.fleet.planning_file import on_file
    from dronevet.fleet.planning_requests import (
        RequirementsTable,
        parse_quotes,
        parse_requirements,
    )
    from dronevet.settings import Settings

    store = register()
    store.organisation(organisation)  # a name not in the store is said before anything else
    kept = on_file(Settings.from_env().home, organisation)
    if quotes is None and kept.quotes:
        say(f"Quotes from {kept.where}.", err=True)
    request = PlanRequest(
        organisation=organisation,
        budgets=_budgets(budget or [], budgets, kept),
        as_of=parse_date(as_of),
        requirements=parse_requirements(_document(requirements), where=str(requirements))
        if requirements else RequirementsTable(),
        quotes=parse_quotes(_document(quotes), where=str(quotes)) if quotes else kept.quotes,
        candidates=_ids(candidates),
        programs=tuple(program or ()),
        carry_over=carry_over,
        what_if_budget=tuple(what_if_budget or ()),
        what_if_later_days=what_if_later,
    )
    report = plan_fleet(store, load_knowledge(), request)
    if output is not None:
        _write(report.plan, output)
    if fmt is TextOrJson.json:
        write_json(report.to_dict())
        return
    currency = next((a.candidate.currency for a in report.plan.aircraft if a.candidate), "USD")
    _render(report, currency)

