"""Exporting a register and importing it again gives the same aircraft, in CSV and XLSX;
text a spreadsheet would run as a formula stays text."""

from __future__ import annotations

import io
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dronevet.fleet.export import fleet_csv, fleet_xlsx, write_fleet
from dronevet.fleet.importer import parse_fleet, read_fleet
from dronevet.fleet.model import Aircraft, AircraftStatus
from dronevet.policy.loader import builtin_policies
from fleet.fleet_fixtures import aircraft, kb

MODELS = ("DJI M30T", "Skydio X10D", "Autel EVO Max 4T", "Parrot ANAFI USA", "dji-mini-3")
TEXT = (
    st.text(
        alphabet=string.ascii_letters + string.digits + " -_/'=+@#.:äé中",
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def registers(draw: st.DrawFn) -> list[Aircraft]:
    missions = list(builtin_policies(kb()).missions)
    serials = draw(st.lists(TEXT, min_size=1, max_size=6, unique_by=str.casefold))
    return [
        aircraft(
            serial,
            draw(st.sampled_from(MODELS)),
            purchase_date=draw(st.none() | st.dates(date(1990, 1, 1), date(2100, 1, 1))),
            price=draw(
                st.none() | st.decimals(0, 10**11, places=2, allow_nan=False, allow_infinity=False)
            ),
            funding=draw(st.none() | TEXT),
            missions=tuple(draw(st.lists(st.sampled_from(missions), unique=True, max_size=3))),
            status=draw(st.sampled_from(list(AircraftStatus))),
            flight_hours=draw(st.none() | st.decimals(0, 10**6, places=3).map(float)),
            unit=draw(st.none() | TEXT),
            capabilities=tuple(
                draw(st.lists(st.sampled_from(["thermal", "zoom", "rtk"]), unique=True))
            ),
        )
        for serial in serials
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_csv_export_then_import_gives_the_same_aircraft(fleet: list[Aircraft]) -> None:
    found = parse_fleet(fleet_csv(fleet).encode(), "fleet.csv", kb=kb())
    assert found.committable() == tuple(fleet)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_xlsx_export_then_import_gives_the_same_aircraft(fleet: list[Aircraft]) -> None:
    found = parse_fleet(fleet_xlsx(fleet), "fleet.xlsx", kb=kb())
    assert found.committable() == tuple(fleet)


def test_formula_text_is_guarded_in_csv_and_a_text_cell_in_xlsx() -> None:
    fleet = [aircraft('=HYPERLINK("http://x")'), aircraft("-1", unit="@sum")]
    text = fleet_csv(fleet)
    assert "'=HYPERLINK" in text and "'-1" in text and "'@sum" in text
    sheet = load_workbook(io.BytesIO(fleet_xlsx(fleet))).active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("name", ["fleet.csv", "fleet.xlsx"])
def test_write_fleet_picks_the_format_from_the_name(tmp_path: Path, name: str) -> None:
    fleet = [aircraft("A", price=Decimal("9999.00"), purchase_date=date(2024, 1, 2))]
    write_fleet(fleet, tmp_path / name)
    assert read_fleet(tmp_path / name, kb=kb()).committable() == tuple(fleet)
