"""Importing a fleet register: each kind of bad cell is an error naming the file, the line
and the column; any bad row means nothing is importable; headers are matched loosely or
mapped; CSV dialects and XLSX sheets are read as people save them."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.importer import FleetImportError, parse_fleet, read_fleet
from dronevet.fleet.model import AircraftStatus
from fleet.fleet_fixtures import HEADER, csv_import, kb, write

GOOD = (
    f"{HEADER}\n"
    'M30-001,DJI M30T,2023-05-01,"$9,999.00",federal-grant,rescue; police,120.5,,Patrol\n'
    "X10-002,Skydio X10D,13/05/2024,16000,state,inspection,,grounded,\n"
)


def only_error(found_text: str, **options: object) -> tuple[int, str | None, str]:
    found = csv_import(found_text, **options)
    assert found.aircraft == ()
    assert found.error_count == 1, found.errors
    error = found.errors[0]
    return error.line, error.column, error.message


def test_a_good_register_gives_resolved_normalised_aircraft() -> None:
    found = csv_import(GOOD)
    assert found.ok and found.rows == 2
    first, second = found.committable()
    assert first.product_id == "dji-matrice-30t" and first.model == "DJI M30T"
    assert first.price == Decimal("9999.00") and first.purchase_date == date(2023, 5, 1)
    assert first.missions == ("search-and-rescue", "law-enforcement")
    assert first.flight_hours == 120.5 and first.funding == "federal-grant"
    assert first.unit == "Patrol" and first.status is AircraftStatus.active
    assert second.product_id == "skydio-x10d" and second.purchase_date == date(2024, 5, 13)
    assert second.missions == ("infrastructure-inspection",)
    assert second.status is AircraftStatus.grounded and second.unit is None


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (",DJI M30T,,,,,,,", "serial", "serial is empty"),
        ("A,,,,,,,,", "model", "model is empty"),
        ("A,DJI Matrix 30,,,,,,,", "model", "close matches: DJI Matrice 30"),
        ("A,Mavic 3,,,,,,,", "model", "fits 5 models"),
        ("A,Zzyzx Qwerty,,,,,,,", "model", "nothing close"),
        ("A,DJI M30T,03/04/2024,,,,,,", "purchase_date", "day-month or month-day"),
        ("A,DJI M30T,2024-02-30,,,,,,", "purchase_date", "not a date in the calendar"),
        ("A,DJI M30T,1/5/24,,,,,,", "purchase_date", "four digits"),
        ("A,DJI M30T,soon,,,,,,", "purchase_date", "not a date"),
        ("A,DJI M30T,,1.500,,,,,", "price", "decimal or thousands"),
        ("A,DJI M30T,,-20,,,,,", "price", "negative"),
        ("A,DJI M30T,,ten dollars,,,,,", "price", "not a number"),
        ("A,DJI M30T,,9999999999999,,,,,", "price", "more than 12 digits"),
        ("A,DJI M30T,,,,patrol,,,", "missions", "not a mission any policy names"),
        ("A,DJI M30T,,,,rescu,,,", "missions", "Did you mean search-and-rescue"),
        ("A,DJI M30T,,,,,many,,", "flight_hours", "not a number"),
        ("A,DJI M30T,,,,,,flying,", "status", "active, grounded, retired"),
        ("A,DJI M30T,,,,,,,Unit\x01", "unit", "control characters"),
        ("A,DJI M30T,,,,,,,," + "x" * 2000, None, "beyond the 9 columns"),
        ("A,DJI M30T,,,," + "y" * 1001 + ",,,", "missions", "at most 1,000"),
    ],
)
def test_each_kind_of_bad_cell_names_the_line_and_column(
    cells: str, column: str | None, words: str
) -> None:
    line, found_column, message = only_error(f"{HEADER}\n\nM30-001,DJI M30T,,,,,,,\n{cells}\n")
    assert line == 4  # the header is line 1, a blank line 2, a good row line 3
    assert found_column == column
    assert words in message


def test_errors_are_listed_row_by_row_in_column_order_and_nothing_is_importable() -> None:
    found = csv_import(
        f"{HEADER}\nA,DJI M30T,,,,,,,\nB,nope nope,2024-13-01,free,,,,,\nA,DJI M30T,,,,,,,\n"
    )
    assert [(e.line, e.field) for e in found.errors] == [
        (3, "model"),
        (3, "purchase_date"),
        (3, "price"),
        (4, "serial"),
    ]
    assert "already on line 2" in found.errors[3].message
    assert found.aircraft == () and not found.ok
    with pytest.raises(FleetImportError) as raised:
        found.committable()
    error = raised.value
    assert error.exit_code == 3 and error.path == "fleet.csv" and error.errors == found.errors
    shown = str(error)
    assert shown.startswith("fleet.csv: 4 errors in 2 of 3 rows; nothing was imported")
    assert "line 3, column 'price': 'free' is not a number" in shown
    assert str(found.errors[0]).startswith("fleet.csv, line 3, column 'model': ")


def test_duplicate_serials_differ_only_in_case_or_spaces() -> None:
    line, column, message = only_error(
        f"{HEADER}\nab-1,DJI M30T,,,,,,,\n AB-1 ,Skydio X10D,,,,,,,\n"
    )
    assert (line, column) == (3, "serial") and "'AB-1' is already on line 2" in message


def test_a_quoted_cell_over_several_lines_keeps_the_line_the_record_starts_on() -> None:
    text = f'{HEADER}\nA,DJI M30T,,,,,,,"Unit\nwest"\nB,DJI M30T,,,,,,bad,\n'
    line, column, _ = only_error(text)
    assert (line, column) == (4, "status")


def test_headers_match_without_case_spaces_or_underscores_and_a_mapping_renames() -> None:
    text = "Serial No.;MODEL;Purchase Date;Flight-Hours;Notes\nA1;DJI M30T;2024-01-02;3,5;x\n"
    found = csv_import(text, columns={"serial": "serial no."})
    (one,) = found.committable()
    assert one.serial == "A1" and one.purchase_date == date(2024, 1, 2)
    assert one.flight_hours == 3.5  # a decimal comma in a semicolon file
    assert found.ignored_columns == ("Notes",)


def test_a_required_or_mapped_column_that_is_missing_is_a_file_error() -> None:
    with pytest.raises(BadInputError) as raised:
        csv_import("Serial Number,model\nA,DJI M30T\n")
    assert raised.value.path == "fleet.csv" and raised.value.line == 1
    assert "no column 'serial'" in str(raised.value)
    assert "Serial Number" in raised.value.suggestions
    with pytest.raises(BadInputError, match="no column 'Cost'"):
        csv_import("serial,model\nA,DJI M30T\n", columns={"price": "Cost"})
    with pytest.raises(UnknownNameError, match="not a register field") as unknown:
        csv_import("serial,model\nA,DJI M30T\n", columns={"serail": "S"})
    assert "serial" in unknown.value.suggestions
    with pytest.raises(BadInputError, match="would hold both serial and unit"):
        csv_import("serial,model\nA,DJI M30T\n", columns={"unit": "Serial"})
    with pytest.raises(BadInputError, match="columns 1 and 3 both"):
        csv_import("serial,model,Serial\nA,DJI M30T,B\n")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed(delimiter: str) -> None:
    rows = [
        ["serial", "model", "missions"],
        ["A", "DJI M30T", "rescue, fire"],
        ["B", "Skydio X10D", ""],
    ]
    text = "\n".join(delimiter.join(f'"{c}"' if "," in c else c for c in r) for r in rows)
    one, two = csv_import(text + "\n").committable()
    assert one.missions == ("search-and-rescue", "wildfire") and two.product_id == "skydio-x10d"


def test_utf8_with_a_byte_order_mark_and_crlf_lines(tmp_path: Path) -> None:
    path = tmp_path / "fleet.csv"
    path.write_bytes("\ufeffserial,model,unit\r\nA,DJI M30T,Zürich\r\n".encode())
    (one,) = read_fleet(path, kb=kb()).committable()
    assert one.serial == "A" and one.unit == "Zürich"


@pytest.mark.parametrize(
    ("data", "words", "line"),
    [
        (b"", "the file is empty", None),
        (b"\n\n  \n", "the file is empty", None),
        (b"serial,model\nA,DJI M30T\n\x00\x01\x02", "binary file", 3),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", 3),
        (b"PK\x03\x04\x14\x00\x00\x00", "XLSX workbook", None),
        ("serial,model\n".encode("utf-16"), "UTF-16", None),
        (b"serial,model\nA,M\xe9tro\n", "not UTF-8", 2),
        (b'serial,model\nA,"' + b"x" * 200_000 + b'"\n', "longer than 131,072", 2),
    ],
)
def test_unreadable_files_are_one_clear_error(data: bytes, words: str, line: int | None) -> None:
    with pytest.raises(BadInputError) as raised:
        parse_fleet(data, "fleet.csv", kb=kb())
    assert words in raised.value.message and raised.value.path == "fleet.csv"
    assert raised.value.line == line


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="cannot read the file"):
        read_fleet(tmp_path / "nope.csv", kb=kb())


def _workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_reads_typed_cells_and_names_sheet_rows() -> None:
    data = _workbook(
        ("Notes", [["nothing here"]]),
        (
            "Fleet",
            [
                [],
                ["Serial", "Model", "Purchase Date", "Price", "Flight Hours"],
                [4012345, "DJI M30T", date(2023, 5, 1), 9999.5, 12],
                ["B", "Skydio X10D", "2024-05-13", "$16,000", None],
                ["C", "DJI M30T", 45000, None, "many"],
            ],
        ),
    )
    found = parse_fleet(data, "fleet.xlsx", kb=kb(), sheet="fleet")
    assert found.sheet == "Fleet" and found.rows == 3
    assert [(e.line, e.column, e.line_word) for e in found.errors] == [
        (5, "Purchase Date", "row"),
        (5, "Flight Hours", "row"),
    ]
    assert str(found.errors[0]).startswith("fleet.xlsx, row 5, column 'Purchase Date': ")
    fixed = _workbook(("Fleet", [["serial", "model", "price"], [4012345, "DJI M30T", 9999.5]]))
    (one,) = parse_fleet(fixed, "fleet.xlsx", kb=kb()).committable()
    assert one.serial == "4012345" and one.price == Decimal("9999.5")


def test_a_workbook_sheet_that_does_not_exist_or_a_damaged_workbook() -> None:
    data = _workbook(("Fleet", [["serial", "model"]]), ("Old", []))
    with pytest.raises(UnknownNameError, match="no sheet 'Flet'") as raised:
        parse_fleet(data, "fleet.xlsx", kb=kb(), sheet="Flet")
    assert raised.value.suggestions[0] == "Fleet"
    with pytest.raises(BadInputError, match="sheet 'Old' is empty"):
        parse_fleet(data, "fleet.xlsx", kb=kb(), sheet="Old")
    with pytest.raises(BadInputError, match="cannot be read as an XLSX workbook"):
        parse_fleet(b"serial,model\nA,B\n", "fleet.xlsx", kb=kb())
    with pytest.raises(BadInputError, match="cannot be read as an XLSX workbook"):
        parse_fleet(data[: len(data) // 2], "fleet.xlsx", kb=kb())
    with pytest.raises(BadInputError, match="this is a CSV file"):
        parse_fleet(b"serial,model\n", "fleet.csv", kb=kb(), sheet="Fleet")


def test_a_register_of_many_rows_resolves_each_model_once(tmp_path: Path) -> None:
    rows = "".join(
        f"S{i},{'DJI M30T' if i % 2 else 'Skydio X10D'},,,,rescue,,,\n" for i in range(3000)
    )
    found = read_fleet(write(tmp_path, "big.csv", HEADER + "\n" + rows), kb=kb())
    assert len(found.committable()) == 3000
    assert {a.product_id for a in found.aircraft} == {"dji-matrice-30t", "skydio-x10d"}
