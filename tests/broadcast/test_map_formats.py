"""GeoJSON and KML of decoded messages: the batch path's compiled writer gives the bytes of
the per-record writers, and the documents are what a JSON or XML parser and a map expect.

Message packs are drawn from the round-trip strategies (positions on the wire grid, some
unknown), so many records carry a position, some an altitude and some neither; the
documents are read back with `json` and `xml.etree` and checked against the records.
"""

from __future__ import annotations

import io
import json
import struct
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from broadcast.test_remoteid_roundtrip import any_message, locations, systems
from capture.capture_builders import (
    BEACON_FIXED,
    element,
    management,
    odid_beacon_element,
    pcap_file,
    radiotap,
)
from dronevet.broadcast.dji.wifi import encode_flight_info
from dronevet.broadcast.geojson import feature_line
from dronevet.broadcast.output import RecordWriter
from dronevet.broadcast.remoteid.encode import encode_message, encode_pack
from dronevet.broadcast.run import decode_capture
from dronevet.broadcast.xml_text import attribute, text

KML = "{http://www.opengis.net/kml/2.2}"
SOURCE = bytes.fromhex("0a1b2c3d4e5f")
T0 = 1_700_000_000_123_456_000
MAPS = ("geojson", "kml")


def _beacon(pack: bytes) -> bytes:
    body = BEACON_FIXED + element(0, b"odid") + odid_beacon_element(7, pack)
    return radiotap() + management(8, SOURCE, body)


def _dji(serial: str) -> bytes:
    body = bytes.fromhex("263712") + encode_flight_info(serial=serial, lat=50.45, lon=30.52)
    return radiotap() + management(8, SOURCE, BEACON_FIXED + element(221, body))


def _french(fr_id: bytes) -> bytes:
    """A French beacon: version, 30-byte ID, position, altitude above sea level."""
    tlvs = (b"\x01\x01\x01" + bytes([2, 30]) + fr_id.ljust(30, b"0")[:30]
            + bytes([4, 4]) + struct.pack(">i", 4630452) + bytes([5, 4])
            + struct.pack(">i", 715816) + bytes([6, 2]) + struct.pack(">h", 302))  # fmt: skip
    ie = element(221, bytes.fromhex("6a5c35") + b"\x01" + tlvs)
    return radiotap() + management(8, SOURCE, BEACON_FIXED + ie)


def _capture(folder: str, frames: list[bytes]) -> Path:
    path = Path(folder) / "drawn.pcap"
    path.write_bytes(pcap_file([(T0 + i * 1_000_000, f) for i, f in enumerate(frames)]))
    return path


def _document(path: Path, fmt: str, *, stream: bool) -> str:
    """The document `rid decode --format fmt` writes, from `DecodeRun.lines`."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    writer = RecordWriter(out, fmt)
    run = decode_capture(path, stream=stream)
    for chunk in run.lines(fmt):
        writer.write_lines(bytes(chunk))
    writer.close()
    return out.buffer.getvalue().decode()  # type: ignore[attr-defined]


def _records(path: Path) -> list[dict[str, Any]]:
    return list(decode_capture(path, stream=True))


packs = st.lists(st.lists(locations() | systems() | any_message, min_size=1, max_size=9),
                 min_size=1, max_size=10)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(packs, st.sampled_from(MAPS))
def test_random_packs_give_the_same_bytes_on_both_paths(
    drawn: list[list[Any]], fmt: str
) -> None:
    frames = [_beacon(encode_pack([encode_message(m) for m in pack])) for pack in drawn]
    with tempfile.TemporaryDirectory() as folder:
        path = _capture(folder, frames)
        assert _document(path, fmt, stream=False) == _document(path, fmt, stream=True)


def text_as_parsed(value: str) -> str:
    """What an XML parser reads back from `xml_text.text(value)`."""
    return ET.fromstring(f"<a>{text(value)}</a>").text or ""


def _positions(records: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, str, str]]:
    """(record, latitude key, longitude key, altitude key) of each record a map shows."""
    shown = []
    for r in records:
        if r.get("lat") is not None and r.get("lon") is not None:
            shown.append((r, "lat", "lon", "alt" if r["msg_type"] == "fr_beacon" else "alt_geo"))
        elif r.get("operator_lat") is not None and r.get("operator_lon") is not None:
            shown.append((r, "operator_lat", "operator_lon", "operator_alt"))
    return shown


def _mixed_capture(folder: str, drawn: list[list[Any]], serial: str, fr_id: bytes) -> Path:
    frames = [_beacon(encode_pack([encode_message(m) for m in pack])) for pack in drawn]
    return _capture(folder, [*frames, _dji(serial), _french(fr_id)])


@settings(max_examples=40, deadline=None)
@given(packs, st.text(st.characters(max_codepoint=0x7F), max_size=16),
       st.binary(max_size=30))  # fmt: skip
@example([[]], '<&"\x01\r>', b'A<&"\x01\x7f\r\n')
def test_kml_is_well_formed_and_places_every_positioned_record(
    drawn: list[list[Any]], serial: str, fr_id: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _mixed_capture(folder, drawn, serial, fr_id)
        document, records = _document(path, "kml", stream=False), _records(path)
    placemarks = ET.fromstring(document).findall(f"{KML}Document/{KML}Placemark")
    shown = _positions(records)
    assert len(placemarks) == len(shown)
    for placemark, (record, lat, lon, alt) in zip(placemarks, shown, strict=True):
        data = {d.get("name"): d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data")}
        assert data["time"] == placemark.findtext(f"{KML}TimeStamp/{KML}when") == record["time"]
        name = record.get("uas_id") or record.get("serial") or record["mac"]
        assert placemark.findtext(f"{KML}name") == text_as_parsed(name)
        point = placemark.find(f"{KML}Point")
        assert point is not None
        coordinates = [float(c) for c in point.findtext(f"{KML}coordinates", "").split(",")]
        height = [record[alt]] if record.get(alt) is not None else []
        assert coordinates == [record[lon], record[lat], *height]  # longitude first
        mode = point.findtext(f"{KML}altitudeMode")
        assert mode == ("absolute" if height else "clampToGround")


@settings(max_examples=40, deadline=None)
@given(packs, st.text(st.characters(max_codepoint=0x7F), max_size=16))
def test_geojson_parses_and_places_every_positioned_record_lon_first(
    drawn: list[list[Any]], serial: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _mixed_capture(folder, drawn, serial, b"FR")
        document, records = _document(path, "geojson", stream=False), _records(path)
    collection = json.loads(document)
    shown = _positions(records)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(shown)
    for feature, (record, lat, lon, _) in zip(collection["features"], shown, strict=True):
        assert feature["geometry"] == {"type": "Point", "coordinates": [record[lon], record[lat]]}
        role = "aircraft" if lat == "lat" else "operator"
        assert feature["properties"] == {**record, "role": role}


def test_a_document_without_positions_is_still_a_document(tmp_path: Path) -> None:
    path = tmp_path / "ids.pcap"
    path.write_bytes(pcap_file([(T0, _beacon(encode_pack([bytes([0x02]) + bytes(24)])))]))
    assert json.loads(_document(path, "geojson", stream=False))["features"] == []
    assert ET.fromstring(_document(path, "kml", stream=False)).find(
        f"{KML}Document/{KML}Placemark"
    ) is None


def test_the_first_feature_loses_its_separator_in_whichever_chunk_it_comes() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    writer = RecordWriter(out, "geojson")
    point = {"time": "2025-01-01T00:00:00.000000Z", "msg_type": "location", "lat": 1.0,
             "lon": 2.0}  # fmt: skip
    for chunk in (b"", feature_line({"msg_type": "basic_id"}), feature_line(point) * 2):
        writer.write_lines(chunk)
    writer.close()
    features = json.loads(out.buffer.getvalue())["features"]  # type: ignore[attr-defined]
    assert [f["geometry"]["coordinates"] for f in features] == [[2.0, 1.0], [2.0, 1.0]]


@settings(max_examples=500)
@given(st.text())
def test_any_text_is_well_formed_in_an_element_and_an_attribute(value: str) -> None:
    parsed = ET.fromstring(f'<a b="{attribute(value)}">{text(value)}</a>')
    assert parsed.get("b") == (parsed.text or "")


NOT_IN_XML = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]


@settings(max_examples=500)
@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters=NOT_IN_XML)))
def test_a_text_xml_can_hold_reads_back_unchanged(value: str) -> None:
    parsed = ET.fromstring(f'<a b="{attribute(value)}">{text(value)}</a>')
    assert (parsed.text or "") == value and parsed.get("b") == value


def test_characters_xml_cannot_hold_are_shown_as_escapes() -> None:
    assert text_as_parsed('<&">\x01\x1f\ufffe') == '<&">\\x01\\x1f\\ufffe'
