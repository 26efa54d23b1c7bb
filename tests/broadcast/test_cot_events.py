"""Cursor on Target events from track updates: well-formed CoT 2.0, one drone marker and one
pilot marker per drone, positions and errors from what the drone sent, texts escaped.

Records are the `rid decode` contract, filed through the real tracker and knowledge base;
the shared Wi-Fi beacon capture gives a real flight (21 packs of 5 messages, horizontal
accuracy 30 m and vertical 25 m, both 95 % bounds).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.detections import detected
from dronevet.api import decode_capture
from dronevet.broadcast.cot import CotFeed, drone_type
from dronevet.broadcast.detection import Detection
from dronevet.knowledge.loader import load_builtin
from shared_files import shared_path

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _events(found: list[Detection]) -> list[tuple[dict[str, Any], ET.Element]]:
    """(record, event) for every event the feed gives, events parsed as XML."""
    feed = CotFeed(load_builtin())
    return [(detection.record(), ET.fromstring(line))
            for detection in found for line in feed.update(detection)]  # fmt: skip


def _detections(path: Path) -> list[Detection]:
    return [detection for found in decode_capture(path).detection_batches() for detection in found]


@pytest.fixture(scope="module")
def flight() -> list[tuple[dict[str, Any], ET.Element]]:
    path = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    return _events(_detections(path))


def _time(value: str | None) -> datetime:
    assert value is not None and ISO_Z.fullmatch(value), value
    return datetime.fromisoformat(value)


def test_every_event_has_the_cot_attributes_with_times_in_iso_8601_z(
    flight: list[tuple[dict[str, Any], ET.Element]],
) -> None:
    assert flight
    for record, event in flight:
        assert event.tag == "event" and event.get("version") == "2.0"
        assert event.get("how") == "m-g" and event.get("uid") and event.get("type")
        start = _time(event.get("start"))
        assert _time(event.get("time")) == start
        assert _time(event.get("stale")) > start
        heard = datetime.fromisoformat(record["time"])
        assert timedelta(0) <= heard - start < timedelta(milliseconds=1)  # to the millisecond
        point = event.find("point")
        assert point is not None
        assert set(point.attrib) == {"lat", "lon", "hae", "ce", "le"}
        assert event.find("detail/contact") is not None


def test_the_drone_and_its_pilot_are_one_marker_each_placed_where_the_drone_said(
    flight: list[tuple[dict[str, Any], ET.Element]],
) -> None:
    drones = [(r, e) for r, e in flight if e.get("type") == "a-u-A-M-H-Q"]
    pilots = [(r, e) for r, e in flight if e.get("type") == "a-u-G"]
    assert {e.get("uid") for _, e in drones} == {"dronevet-rid-MFG1A0123456789"}
    assert {e.get("uid") for _, e in pilots} == {"dronevet-rid-MFG1A0123456789-pilot"}
    # each of the 21 frames updates the drone and, from the first System message on, its
    # pilot; a message that changes nothing TAK sees (the System message after a frame's
    # Location) gives no second, identical event
    assert len({e.get("time") for _, e in drones}) == 21
    assert len({e.get("time") for _, e in pilots}) == 21 == len(pilots)
    assert pilots[0][0]["msg_type"] == "system"
    for uid in ("dronevet-rid-MFG1A0123456789", "dronevet-rid-MFG1A0123456789-pilot"):
        sent = [ET.tostring(e) for _, e in flight if e.get("uid") == uid]
        assert all(a != b for a, b in pairwise(sent)), uid
    for record, event in drones:
        if record["msg_type"] == "location":
            point = event.find("point")
            assert point is not None
            assert (float(point.get("lat", "")), float(point.get("lon", ""))) == (
                record["lat"], record["lon"]
            )
            assert float(point.get("hae", "")) == record["alt_geo"]
            # 95 % bounds of 30 m and 25 m as one-sigma errors
            assert (point.get("ce"), point.get("le")) == ("12.3", "12.8")
            motion = event.find("detail/track")
            assert motion is not None
            assert float(motion.get("course", "")) == record["direction"]
            assert float(motion.get("speed", "")) == record["speed_h"]
    system = next(r for r, _ in pilots if r["msg_type"] == "system")
    point = pilots[0][1].find("point")
    assert point is not None
    assert (float(point.get("lat", "")), float(point.get("lon", ""))) == (
        system["operator_lat"], system["operator_lon"]
    )
    assert point.get("hae") == point.get("ce") == "9999999.0"  # the operator sent no altitude
    remarks = drones[-1][1].findtext("detail/remarks") or ""
    assert "GBR-OP-123ABCD" in remarks and "Recreational" in remarks


def test_a_drone_without_a_position_gives_no_event() -> None:
    path = shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng")  # no GNSS fix, no pilot
    assert _events(_detections(path)) == []


@pytest.mark.parametrize(("ua_type", "expected"), [
    ("helicopter_or_multirotor", "a-u-A-M-H-Q"), ("hybrid_lift", "a-u-A-M-H-Q"),
    ("none", "a-u-A-M-H-Q"), (None, "a-u-A-M-H-Q"), ("aeroplane", "a-u-A-M-F-Q"),
    ("glider", "a-u-A-M-F-Q"), ("airship", "a-u-A-C-L"), ("rocket", "a-u-A"),
])  # fmt: skip
def test_the_cot_type_follows_the_ua_type(ua_type: str | None, expected: str) -> None:
    assert drone_type(ua_type) == expected


def _hostile(uas_id: str, operator_id: str, self_id: str) -> list[Detection]:
    head = {"time": "2025-06-01T12:00:00.250000Z", "transport": "bt-legacy",
            "mac": "aa:bb:cc:00:00:01"}  # fmt: skip
    records = [
        {**head, "msg_type": "basic_id", "uas_id": uas_id, "id_type": "serial_number",
         "ua_type": "aeroplane"},
        {**head, "msg_type": "operator_id", "operator_id": operator_id},
        {**head, "msg_type": "self_id", "self_id": self_id},
        {**head, "msg_type": "location", "lat": 48.1, "lon": 11.5, "alt_geo": None,
         "h_accuracy": None, "v_accuracy": None, "direction": None, "speed_h": 3.0},
        {**head, "msg_type": "system", "operator_lat": 48.2, "operator_lon": 11.6,
         "operator_alt": 510.5},
    ]  # fmt: skip
    return [detected(record) for record in records]


@settings(max_examples=200, deadline=None)
@given(uas_id=st.text(min_size=1), operator_id=st.text(min_size=1), self_id=st.text())
def test_broadcast_texts_cannot_break_an_event(uas_id: str, operator_id: str, self_id: str) -> None:
    events = _events(_hostile(uas_id, operator_id, self_id))
    # the Location message places the drone; the System message its pilot (the drone's
    # event it gives is the one just sent, so it is not sent again)
    assert [e.get("type") for _, e in events] == ["a-u-A-M-F-Q", "a-u-G"]
    for _, event in events:
        assert (event.get("uid") or "").startswith("dronevet-rid-")


def test_markup_and_control_characters_are_text_in_the_event() -> None:
    events = _events(_hostile('X<&"1', 'OP<&"\x01', "<b>hi</b>"))
    drone, pilot = events[-2][1], events[-1][1]
    contact = drone.find("detail/contact")
    assert contact is not None and contact.get("callsign") == 'X<&"1'
    remarks = drone.findtext("detail/remarks") or ""
    assert 'operator ID OP<&"\\x01' in remarks and "Self-ID <b>hi</b>" in remarks
    assert drone.find("detail/track") is None  # no course was sent: no track element
    point = pilot.find("point")
    assert point is not None and point.get("hae") == "510.5"  # geodetic operator altitude
