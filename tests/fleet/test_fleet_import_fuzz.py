"""Hostile registers: whatever bytes a person hands to the importer (garbage, CSV-shaped
text with wrong types and huge cells, damaged workbooks), it gives aircraft or row errors
that say where, or one `BadInputError` naming the file - never any other exception."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from dronevet.errors import BadInputError
from dronevet.fleet.columns import FIELDS
from dronevet.fleet.importer import FleetImport, parse_fleet
from fleet.fleet_fixtures import kb

CELLS = st.one_of(
    st.sampled_from(
        [
            "DJI M30T",
            "Skydio X10D",
            "2024-01-02",
            "03/04/2024",
            "$1,234.50",
            "1.500",
            "-1",
            "rescue; fire",
            "patrol",
            "retired",
            "",
            " ",
            "nan",
            "inf",
            "1e400",
            "'=1+1",
            '"',
            "x" * 1500,
        ]
    ),
    st.text(max_size=30),
)
HEADERS = st.lists(st.sampled_from([*FIELDS, "Serial No.", "MODEL", "", "notes"]), max_size=12)


def _check(data: bytes, name: str) -> None:
    try:
        found = parse_fleet(data, name, kb=kb())
    except BadInputError as error:
        assert error.path == name and error.message
        return
    assert isinstance(found, FleetImport)
    assert bool(found.aircraft) == (found.ok and found.rows > 0)
    for error in found.errors:
        assert error.path == name and error.line >= 1 and error.message
        assert len(error.message) < 2000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["fleet.csv", "fleet.xlsx", "fleet.txt"]))
def test_random_bytes(data: bytes, name: str) -> None:
    _check(data, name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    HEADERS,
    st.lists(st.lists(CELLS, max_size=12), max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
)
def test_csv_shaped_text(header: list[str], rows: list[list[str]], delimiter: str) -> None:
    lines = [delimiter.join(header), *(delimiter.join(r) for r in rows)]
    _check("\n".join(lines).encode("utf-8", "surrogatepass"), "fleet.csv")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    HEADERS,
    st.lists(
        st.lists(CELLS | st.integers() | st.floats() | st.booleans() | st.dates(), max_size=10),
        max_size=6,
    ),
    st.integers(0, 4000),
    st.binary(min_size=1, max_size=8),
)
def test_workbooks_with_wrong_types_and_damage(
    header: list[str], rows: list[list[object]], at: int, junk: bytes
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    out = io.BytesIO()
    try:
        for row in [header, *rows]:
            sheet.append(row)
        book.save(out)
    except IllegalCharacterError:  # control characters: openpyxl writes no such workbook
        return
    data = out.getvalue()
    _check(data, "fleet.xlsx")
    _check(data[:at] + junk + data[at + len(junk) :], "fleet.xlsx")
