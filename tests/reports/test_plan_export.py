"""A replacement plan exported for a budget office: one row per aircraft, its deadline,
the replacement, the fiscal year and the cost, in CSV and XLSX alike."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from dronevet.fleet.planner import Plan, plan
from dronevet.fleet.planner_inputs import PlanningProblem
from dronevet.reports.plan_export import COLUMNS, plan_csv, plan_xlsx
from fleet.planner_fixtures import ORG, TableVet, budgets, candidate, need


def _plan() -> Plan:
    """Two aircraft, money for one: the earlier deadline is replaced in FY2026, the other
    is left, and a serial that looks like a spreadsheet formula stays text."""
    problem = PlanningProblem(
        ORG,
        (need("EARLY-1", date(2026, 10, 1)), need("=1+1", date(2026, 10, 1))),
        (candidate("skydio-x10d", 10_000),),
        budgets(fy2026=10_000),
    )
    return plan(problem, TableVet())


def test_each_aircraft_gets_a_row_with_its_deadline_replacement_year_and_cost() -> None:
    found = _plan()
    rows = list(csv.DictReader(io.StringIO(plan_csv(found))))
    assert [r["serial"] for r in rows] == [a.serial if not a.serial.startswith("=")
                                           else "'" + a.serial for a in found.aircraft]
    replaced = [r for r in rows if r["status"] == "replaced"]
    left = [r for r in rows if r["status"] == "not replaced"]
    assert len(replaced) == 1 and len(left) == 1
    assert replaced[0]["deadline"] == "2026-10-01"
    assert replaced[0]["replacement_product_id"] == "skydio-x10d"
    assert replaced[0]["fiscal_year"] == "2026"
    assert replaced[0]["cost"] == "10000"
    assert left[0]["replacement"] == left[0]["cost"] == ""
    assert left[0]["reasons"]  # says why it was left


def test_the_workbook_holds_the_same_rows_with_dates_and_text_never_formulas() -> None:
    found = _plan()
    sheet = load_workbook(io.BytesIO(plan_xlsx(found)))["Plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    from_csv = list(csv.reader(io.StringIO(plan_csv(found))))[1:]
    assert [r[0] for r in rows[1:]] == [r[0] for r in from_csv]
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    assert rows[1][2].date() == date(2026, 10, 1)  # type: ignore[union-attr]
