"""Write a fleet register as CSV or XLSX, in the columns the importer reads (and any other
table, such as a replacement plan, written the same way: `csv_text`, `xlsx_bytes`).

Importing an exported file gives back the same aircraft: dates are written as ISO dates
(date cells in a workbook), numbers exactly (a workbook keeps 15 significant digits, as
spreadsheets do), lists joined by `; `. Text that a
spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is guarded with a leading
apostrophe, which the importer removes (see `cells.GUARDED`); in a workbook every text is
also written as a text cell, never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from dronevet.fleet.cells import GUARDED, Cell, written_number
from dronevet.fleet.columns import FIELDS
from dronevet.fleet.model import Aircraft
from dronevet.fleet.tables import is_workbook

SHEET = "Fleet"
LIST_SEPARATOR = "; "


def register_values(aircraft: Aircraft) -> tuple[Cell | Decimal, ...]:
    """One aircraft's row, in `FIELDS` order, as typed values."""
    row: dict[str, Cell | Decimal] = {
        "serial": aircraft.serial,
        "model": aircraft.model,
        "purchase_date": aircraft.purchase_date,
        "price": aircraft.price,
        "funding": aircraft.funding,
        "missions": LIST_SEPARATOR.join(aircraft.missions) or None,
        "flight_hours": aircraft.flight_hours,
        "status": aircraft.status.value,
        "unit": aircraft.unit,
        "capabilities": LIST_SEPARATOR.join(aircraft.capabilities) or None,
    }
    return tuple(row[name] for name in FIELDS)


def _guarded(value: str) -> str:
    return "'" + value if value.startswith(GUARDED) else value


def _csv_cell(value: Cell | Decimal) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return written_number(value)
    return _guarded(value) if isinstance(value, str) else str(value)


Row = Iterable[Cell | Decimal]


def csv_text(header: Iterable[str], rows: Iterable[Row]) -> str:
    """A table as CSV text (comma-separated, the header first), cells written as above."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(_csv_cell(v) for v in row)
    return out.getvalue()


def xlsx_bytes(sheet_name: str, header: Iterable[str], rows: Iterable[Row]) -> bytes:
    """A table as an XLSX workbook with one sheet, cells written as above."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(list(header))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_guarded(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fleet_csv(aircraft: Iterable[Aircraft]) -> str:
    """The register as CSV text (comma-separated, a header row first)."""
    return csv_text(FIELDS, (register_values(one) for one in aircraft))


def fleet_xlsx(aircraft: Iterable[Aircraft]) -> bytes:
    """The register as an XLSX workbook with one sheet, `Fleet`."""
    return xlsx_bytes(SHEET, FIELDS, (register_values(one) for one in aircraft))


def write_fleet(aircraft: Iterable[Aircraft], path: str | Path) -> None:
    """Write the register to `path`: a workbook for `.xlsx`/`.xlsm`, else CSV (UTF-8)."""
    where = Path(path)
    if is_workbook(where.name):
        where.write_bytes(fleet_xlsx(aircraft))
    else:
        where.write_text(fleet_csv(aircraft), encoding="utf-8", newline="")
