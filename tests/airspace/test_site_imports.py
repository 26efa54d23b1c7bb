"""Protected zones (GeoJSON) and flight authorisations (CSV or GeoJSON) import whole or not at
all; a bad feature or row is named with the file and the feature or line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from dronevet.airspace.authorisations import read_authorisations
from dronevet.airspace.site_store import load_authorisations, load_zones
from dronevet.airspace.zones import read_zones
from dronevet.broadcast.detection import Point
from dronevet.cli import app
from dronevet.errors import BadInputError
from dronevet.store.db import transaction

SQUARE = {"type": "Polygon", "coordinates": [[[4.0, 52.0], [4.1, 52.0], [4.1, 52.1],
                                               [4.0, 52.1], [4.0, 52.0]]]}  # fmt: skip
WKT = "POLYGON ((4 52, 4.1 52, 4.1 52.1, 4 52.1, 4 52))"


def _collection(path: Path, *features: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def _feature(geometry: Any = SQUARE, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def test_a_zone_covers_its_area_within_its_altitude_band(tmp_path: Path) -> None:
    [zone] = read_zones(_collection(tmp_path / "z.geojson",
                                    _feature(name="Prison", floor_m=0, ceiling_m=150)))  # fmt: skip
    assert zone.contains(Point(52.05, 4.05, 100.0))
    assert not zone.contains(Point(52.05, 4.05, 200.0))  # above the ceiling
    assert zone.contains(Point(52.05, 4.05, None))  # altitude unknown: counted inside
    assert not zone.contains(Point(52.2, 4.05, 100.0))


@pytest.mark.parametrize(
    ("feature", "reason"),
    [
        (_feature(), "feature 2: it has no name"),
        (_feature({"type": "Point", "coordinates": [4, 52]}, name="B"), "not a GeoJSON Polygon"),
        (_feature({"type": "Polygon", "coordinates": [[[4, 52], [5, 53], [4, 53], [5, 52],
                                                       [4, 52]]]}, name="B"), "crosses itself"),
        (_feature({"type": "Polygon", "coordinates": [[[400, 52], [401, 52], [401, 53],
                                                       [400, 52]]]}, name="B"), "longitude"),
        (_feature(name="B", floor_m="low"), "floor_m is not a number"),
        (_feature(name="B", floor_m=200, ceiling_m=100), "above its ceiling_m"),
        (_feature(name="A"), "already used"),
    ],
)
def test_a_bad_zone_is_named_by_file_and_feature(
    tmp_path: Path, feature: dict[str, Any], reason: str
) -> None:
    path = _collection(tmp_path / "zones.geojson", _feature(name="A"), feature)
    with pytest.raises(BadInputError) as refused:
        read_zones(path)
    assert str(refused.value).startswith(f"{path}: feature 2: ")
    assert reason in str(refused.value)


def test_an_authorisation_covers_its_area_during_its_window(tmp_path: Path) -> None:
    path = tmp_path / "auth.csv"
    path.write_text("reference,serial,pilot,start,end,area\nA-1,1581F6N8A23B2ML3Y3KR,J. Smith,"
                    f'2026-12-03T08:00:00Z,2026-12-03T12:00Z,"{WKT}"\n')
    [found] = read_authorisations(path)
    inside = datetime(2026, 12, 3, 9, tzinfo=UTC)
    assert found.covers(inside, Point(52.05, 4.05))
    assert not found.covers(inside, Point(52.5, 4.05))
    assert not found.covers(datetime(2026, 12, 3, 12, tzinfo=UTC), Point(52.05, 4.05))
    assert found.names(("1581f6n8a23b2ml3y3kr",)) and found.pilot == "J. Smith"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (f'A-2,,P,2026-12-03T08:00Z,2026-12-03T09:00Z,"{WKT}"', "line 3: its serial is missing"),
        (f'A-2,S,P,tomorrow,2026-12-03T09:00Z,"{WKT}"', "line 3: its start 'tomorrow' is not"),
        (f'A-2,S,P,2026-12-03T08:00,2026-12-03T09:00Z,"{WKT}"', "has no time zone"),
        (f'A-2,S,P,2026-12-03T10:00Z,2026-12-03T09:00Z,"{WKT}"', "end is not after its start"),
        ("A-2,S,P,2026-12-03T08:00Z,2026-12-03T09:00Z,not a polygon", "not a WKT polygon"),
        (f'A-1,S,P,2026-12-03T08:00Z,2026-12-03T09:00Z,"{WKT}"', "reference 'A-1' twice"),
    ],
)
def test_a_bad_authorisation_row_is_named_by_file_and_line(
    tmp_path: Path, row: str, reason: str
) -> None:
    path = tmp_path / "auth.csv"
    path.write_text("reference,serial,pilot,start,end,area\n"
                    f'A-1,S,P,2026-12-03T08:00Z,2026-12-03T09:00Z,"{WKT}"\n{row}\n')  # fmt: skip
    with pytest.raises(BadInputError) as refused:
        read_authorisations(path)
    assert str(refused.value).startswith(str(path)) and reason in str(refused.value)


def test_a_csv_without_the_columns_is_refused_at_its_header(tmp_path: Path) -> None:
    path = tmp_path / "auth.csv"
    path.write_text("serial,when\nS,now\n")
    with pytest.raises(BadInputError, match=r"line 1: the header lacks reference, start"):
        read_authorisations(path)


def test_geojson_authorisations_name_the_bad_feature(tmp_path: Path) -> None:
    path = _collection(tmp_path / "auth.geojson",
                       _feature(reference="A-1", serial="S", start="2026-12-03T08:00Z",
                                end="2026-12-03T09:00Z"),
                       _feature(reference="A-2", serial="S", start="2026-12-03T08:00Z"))
    with pytest.raises(BadInputError, match=r"feature 2: its end is missing"):
        read_authorisations(path)


def test_imports_through_the_cli_land_in_the_store_and_bad_input_exits_3(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    zones = _collection(tmp_path / "zones.geojson", _feature(name="Stadium", ceiling_m=120))
    auths = _collection(tmp_path / "auth.geojson", _feature(
        reference="A-1", serial="S1", pilot="P", start="2026-12-03T08:00Z",
        end="2026-12-03T09:00Z"))  # fmt: skip
    runner = CliRunner()
    for args in (["zones", "import", str(zones)], ["authorisations", "import", str(auths)]):
        result = runner.invoke(app, ["airspace", *args, "--database", database_url])
        assert result.exit_code == 0, result.output
    broken = _collection(tmp_path / "broken.geojson", _feature(name="Fine"), _feature())
    result = runner.invoke(app, ["airspace", "zones", "import", str(broken),
                                 "--database", database_url])  # fmt: skip
    assert result.exit_code == 3
    assert f"{broken}: feature 2: it has no name" in result.output
    assert "Traceback" not in result.output
    with transaction(sessions) as session:
        assert [zone.name for zone in load_zones(session)] == ["Stadium"]  # nothing of broken
        assert [item.reference for item in load_authorisations(session)] == ["A-1"]
    listed = runner.invoke(app, ["airspace", "zones", "list", "--format", "json",
                                 "--database", database_url])  # fmt: skip
    assert json.loads(listed.output)["zones"] == [
        {"name": "Stadium", "geometry": SQUARE, "floor_m": None, "ceiling_m": 120.0}]  # fmt: skip
    listed = runner.invoke(app, ["airspace", "authorisations", "list", "--database", database_url])
    assert "A-1  aircraft S1, pilot P, from 2026-12-03 08:00 to 2026-12-03 09:00 UTC" in (
        listed.output)  # fmt: skip
