"""`dronevet rid decode --format kml|geojson` on the shared captures, messages and tracks.

Expectations come from the JSON lines of the same captures: which records carry a
position, their times, and each drone's history, operator and home (`--tracks -f jsonl`).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from typer.testing import CliRunner

from dronevet.cli import app
from shared_files import shared_path

runner = CliRunner()
KML = "{http://www.opengis.net/kml/2.2}"
NAMES = ("odid_bt5_lr_sample.pcapng", "odid_wifi_bcn_sample.pcap", "odid_wifi_sample.pcap")


def _decode(*args: str) -> str:
    result = runner.invoke(app, ["rid", "decode", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _paths() -> list[str]:
    return [str(shared_path(f"captures/remoteid/{name}")) for name in NAMES]


@pytest.mark.parametrize("fmt", ["kml", "geojson"])
def test_both_paths_write_the_same_document_for_every_shared_capture(fmt: str) -> None:
    assert _decode(*_paths(), "-f", fmt) == _decode(*_paths(), "-f", fmt, "--stream")


def test_kml_has_a_placemark_per_positioned_message_named_and_timed() -> None:
    path = str(shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap"))
    records = [json.loads(line) for line in _decode(path).splitlines()]
    located = [r for r in records if r.get("lat") is not None or r.get("operator_lat")]
    assert len(located) == 42  # 21 packs, each with a Location and a System message
    document = ET.fromstring(_decode(path, "-f", "kml"))
    placemarks = document.findall(f"{KML}Document/{KML}Placemark")
    assert [p.findtext(f"{KML}TimeStamp/{KML}when") for p in placemarks] == [
        r["time"] for r in located
    ]
    assert {p.findtext(f"{KML}name") for p in placemarks} == {"84:cc:a8:60:43:24"}
    first = placemarks[0].find(f"{KML}Point")
    assert first is not None and first.findtext(f"{KML}altitudeMode") == "absolute"
    assert first.findtext(f"{KML}coordinates") == "-122.9681496,45.5457468,237.0"
    styles = [p.findtext(f"{KML}styleUrl") for p in placemarks]
    assert styles == ["#aircraft", "#operator"] * 21


@pytest.fixture(scope="module")
def tracks() -> dict[str, dict[str, Any]]:
    lines = _decode(*_paths(), "--tracks", "-f", "jsonl").splitlines()
    return {track["key"]: track for track in map(json.loads, lines)}


def _pairs(track: dict[str, Any]) -> list[list[float]]:
    return [[lon, lat] for _, lat, lon, _ in track["history"]]


def test_tracks_kml_has_a_folder_per_placed_drone_with_its_path_operator_and_home(
    tracks: dict[str, dict[str, Any]],
) -> None:
    document = ET.fromstring(_decode(*_paths(), "--tracks", "-f", "kml"))
    folders = {f.findtext(f"{KML}name"): f for f in document.iter(f"{KML}Folder")}
    assert set(folders) == {"MFG1A0123456789", "84:cc:a8:60:43:24"}  # BT5: nothing to place
    track = tracks["MFG1A0123456789"]
    placemarks = {p.findtext(f"{KML}name"): p
                  for p in folders["MFG1A0123456789"].findall(f"{KML}Placemark")}  # fmt: skip
    assert list(placemarks) == ["MFG1A0123456789", "MFG1A0123456789 path",
                                "MFG1A0123456789 operator", "MFG1A0123456789 home"]  # fmt: skip
    line = placemarks["MFG1A0123456789 path"].findtext(f"{KML}LineString/{KML}coordinates")
    assert [[float(v) for v in pair.split(",")] for pair in (line or "").split()] == _pairs(track)
    operator = placemarks["MFG1A0123456789 operator"].findtext(f"{KML}Point/{KML}coordinates")
    assert operator == f"{track['operator_lon']},{track['operator_lat']}"  # no altitude sent
    data = {d.get("name"): d.findtext(f"{KML}value")
            for d in placemarks["MFG1A0123456789"].iter(f"{KML}Data")}  # fmt: skip
    assert data["operator_id"] == "GBR-OP-123ABCD" and data["self_id"] == "Recreational"


def test_tracks_geojson_has_each_drones_position_path_operator_and_home(
    tracks: dict[str, dict[str, Any]],
) -> None:
    features = json.loads(_decode(*_paths(), "--tracks", "-f", "geojson"))["features"]
    mine = [f for f in features if f["properties"]["key"] == "MFG1A0123456789"]
    assert [f["properties"]["role"] for f in mine] == ["aircraft", "path", "operator", "home"]
    track = tracks["MFG1A0123456789"]
    assert mine[0]["geometry"]["coordinates"] == [track["lon"], track["lat"]]
    assert mine[0]["properties"]["operator_id"] == track["operator_id"]
    assert mine[1]["geometry"] == {"type": "LineString", "coordinates": _pairs(track)}
    assert mine[3]["geometry"]["coordinates"] == [track["home_lon"], track["home_lat"]]


def test_format_help_lists_exactly_the_formats_accepted() -> None:
    result = runner.invoke(app, ["rid", "decode", "--help"])
    assert "text (with --tracks), jsonl, csv, geojson, kml or cot (with --tracks)" in " ".join(
        result.stdout.split()
    )
    wrong = runner.invoke(app, ["rid", "decode", "x.pcap", "-f", "gpx"])
    assert wrong.exit_code == 2
