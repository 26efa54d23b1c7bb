"""A replacement plan as a spreadsheet: one row per aircraft, with its deadline, the
replacement the plan buys, the fiscal year and what it costs, and why (CSV or XLSX,
written as the fleet export writes its tables: `fleet/export.py`).

```python
from dronevet.reports.plan_export import plan_csv, plan_xlsx
plan_csv(plan)     # text; plan_xlsx(plan) -> workbook bytes, sheet "Plan"
```

An aircraft the plan does not replace has empty replacement, year and cost cells, and
its reasons say why.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from dronevet.fleet.cells import Cell
from dronevet.fleet.export import LIST_SEPARATOR, csv_text, xlsx_bytes
from dronevet.fleet.planner import AircraftPlan, Plan

SHEET = "Plan"
COLUMNS = (
    "serial", "model", "deadline", "buy_by_fiscal_year", "status", "replacement",
    "replacement_product_id", "fiscal_year", "list_price", "trade_in", "credit", "program",
    "cost", "currency", "shortfalls", "reasons",
)


def _row(one: AircraftPlan) -> tuple[Cell | Decimal, ...]:
    candidate, cost = one.candidate, one.cost
    values: dict[str, Cell | Decimal] = {
        "serial": one.serial,
        "model": one.model,
        "deadline": one.deadline,
        "buy_by_fiscal_year": one.buy_by,
        "status": "replaced" if one.replaced else "not replaced",
        "replacement": candidate.name if candidate else None,
        "replacement_product_id": candidate.product_id if candidate else None,
        "fiscal_year": one.year,
        "list_price": cost.list_price if cost else None,
        "trade_in": cost.trade_in if cost else None,
        "credit": cost.credit if cost else None,
        "program": cost.program.id if cost and cost.program else None,
        "cost": cost.net if cost else None,
        "currency": candidate.currency if candidate else None,
        "shortfalls": LIST_SEPARATOR.join(one.shortfalls) or None,
        "reasons": " ".join(one.reasons) or None,
    }
    return tuple(values[name] for name in COLUMNS)


def _rows(plan: Plan) -> Iterable[tuple[Cell | Decimal, ...]]:
    return (_row(one) for one in plan.aircraft)


def plan_csv(plan: Plan) -> str:
    """The plan as CSV text, one row per aircraft."""
    return csv_text(COLUMNS, _rows(plan))


def plan_xlsx(plan: Plan) -> bytes:
    """The plan as an XLSX workbook with one sheet, `Plan`."""
    return xlsx_bytes(SHEET, COLUMNS, _rows(plan))
