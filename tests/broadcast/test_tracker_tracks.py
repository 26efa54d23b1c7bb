"""Tracker behaviour: merging a drone's messages by MAC and identity, keeping operator and home
positions, expiring silent drones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from broadcast.detections import detected
from dronevet.broadcast.detection import Detection
from dronevet.broadcast.dji.wifi import decode_dji_ie, dji_record, encode_flight_info
from dronevet.broadcast.payload import ASTM
from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.decode import decode_payload, message_record
from dronevet.broadcast.remoteid.encode import encode_message, encode_pack
from dronevet.broadcast.remoteid.enums import (
    HeightType,
    HorizontalAccuracy,
    IdType,
    OperationalStatus,
    SpeedAccuracy,
    UaType,
    VerticalAccuracy,
)
from dronevet.broadcast.remoteid.location import LocationMessage
from dronevet.broadcast.tracker import Tracker
from shared_files import shared_path

T0 = datetime(2025, 3, 14, 9, 0, 0, tzinfo=UTC)


def location(lat: float, lon: float, alt: float = 120.0) -> dict:
    msg = LocationMessage(2, OperationalStatus.AIRBORNE, HeightType.ABOVE_TAKEOFF, 90.0, 12.5,
                          0.5, lat, lon, None, alt, 40.0, HorizontalAccuracy.M_3,
                          VerticalAccuracy.M_3, VerticalAccuracy.M_10, SpeedAccuracy.MPS_1,
                          120.0, 0.1)  # fmt: skip
    return message_record(msg)


def basic_id(uas_id: str) -> dict:
    msg = BasicIdMessage(2, IdType.SERIAL_NUMBER, UaType.HELICOPTER_OR_MULTIROTOR, uas_id)
    return message_record(msg)


def heard(record: dict, seconds: float, mac: str, transport: str = "wifi-beacon") -> dict:
    return {**record, "time": (T0 + timedelta(seconds=seconds)).isoformat(), "mac": mac,
            "transport": transport}  # fmt: skip


def test_locations_heard_before_the_basic_id_join_the_drone_once_its_id_arrives():
    tracker = Tracker()
    tracker.update(detected(heard(location(48.1, 11.5), 0, "aa:00:00:00:00:01")))
    tracker.update(detected(heard(basic_id("1596F350M0000001"), 1, "aa:00:00:00:00:01")))
    (track,) = tracker.tracks()
    assert track.key == "1596F350M0000001"
    assert dict(track.position)["lat"] == 48.1
    assert dict(track.identity)["ua_type"] == "helicopter_or_multirotor"


def test_one_drone_on_wifi_and_bluetooth_with_two_macs_is_one_track():
    tracker = Tracker()
    tracker.update(detected(heard(location(48.1, 11.5), 0, "aa:00:00:00:00:01")))
    tracker.update(detected(heard(location(48.2, 11.6), 0.5, "c0:00:00:00:00:02", "bt-legacy")))
    assert len(tracker.tracks()) == 2  # nothing links the two MACs yet
    tracker.update(detected(heard(basic_id("1596F350M0000001"), 1, "aa:00:00:00:00:01")))
    bluetooth = heard(basic_id("1596F350M0000001"), 1.5, "c0:00:00:00:00:02", "bt-legacy")
    tracker.update(detected(bluetooth))
    (track,) = tracker.tracks()
    assert set(track.macs) == {"aa:00:00:00:00:01", "c0:00:00:00:00:02"}
    assert dict(track.transports) == {"wifi-beacon": 2, "bt-legacy": 2}
    assert dict(track.messages) == {"location": 2, "basic_id": 2}
    assert [fix.lat for fix in track.history] == [48.1, 48.2]  # merged in time order
    assert dict(track.position)["lat"] == 48.2  # the latest position wins


def test_two_drones_stay_apart():
    tracker = Tracker()
    tracker.update(detected(heard(basic_id("DRONE-A"), 0, "aa:00:00:00:00:01")))
    tracker.update(detected(heard(basic_id("DRONE-B"), 0, "aa:00:00:00:00:02")))
    assert sorted(t.key for t in tracker.tracks()) == ["DRONE-A", "DRONE-B"]


def test_silent_drones_expire_and_heard_ones_stay():
    tracker = Tracker(max_age=timedelta(seconds=30))
    tracker.update(detected(heard(basic_id("OLD"), 0, "aa:00:00:00:00:01")))
    tracker.update(detected(heard(basic_id("NEW"), 25, "aa:00:00:00:00:02")))
    dropped = tracker.expire(T0 + timedelta(seconds=40))
    assert [t.key for t in dropped] == ["OLD"]
    assert [t.key for t in tracker.tracks()] == ["NEW"]
    # the expired drone's MAC starts a new track when heard again
    tracker.update(detected(heard(location(1.0, 2.0), 41, "aa:00:00:00:00:01")))
    assert sorted(t.key for t in tracker.tracks()) == ["NEW", "aa:00:00:00:00:01"]


@pytest.fixture
def shared_beacon_records() -> list[dict]:
    raw = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap").read_bytes()
    start = raw.index(b"\xfa\x0b\xbc\x0d") + 5  # OUI, type 0x0D, then a counter byte
    pack = raw[start : start + 3 + 25 * raw[start + 2]]
    return [heard(message_record(m), 0, "84:cc:a8:60:43:24") for m in decode_payload(pack)]


def test_remote_id_system_message_gives_operator_and_takeoff_home(shared_beacon_records):
    tracker = Tracker()
    for record in shared_beacon_records:
        tracker.update(detected(record))
    (track,) = tracker.tracks()
    assert track.key == "MFG1A0123456789"
    # System message of the shared beacon sample: 0x1B2585A4 * 1e-7, (0xB6B3DB6E - 2**32) * 1e-7
    assert track.operator[:2] == pytest.approx((45.5443876, -122.9726866), abs=1e-9)
    assert track.home == pytest.approx((45.5443876, -122.9726866), abs=1e-9)  # takeoff type
    assert dict(track.identity)["operator_id"] == "GBR-OP-123ABCD"
    json.dumps(tracker.summary())


def test_dji_flight_info_gives_pilot_and_home_and_keys_by_serial():
    body = encode_flight_info(version=2, serial="1581F4XFC22B000B", lat=50.45, lon=30.52,
                              alt=120, pilot_lat=50.44, pilot_lon=30.53, home_lat=50.441,
                              home_lon=30.531, product_type=68)  # fmt: skip
    record = heard(dji_record(decode_dji_ie(body)), 0, "60:60:1f:00:00:01", "dji-wifi")
    tracker = Tracker()
    tracker.update(detected(record))
    (track,) = tracker.tracks()
    assert track.key == "1581F4XFC22B000B"
    assert track.operator[:2] == pytest.approx((50.44, 30.53), abs=1e-5)
    assert track.home == pytest.approx((50.441, 30.531), abs=1e-5)
    assert track.history[0].alt == 120


def test_history_is_bounded_to_the_newest_fixes():
    tracker = Tracker(history=3)
    for second in range(10):
        fix = location(10.0 + second / 100, 20.0)
        tracker.update(detected(heard(fix, second, "aa:00:00:00:00:01")))
    (track,) = tracker.tracks()
    assert [round(fix.lat, 2) for fix in track.history] == [10.07, 10.08, 10.09]


def test_a_detection_without_a_capture_time_is_counted_and_left_out():
    undated = Detection.of(None, ASTM, "wifi-beacon", "aa:00:00:00:00:01", 1,
                           location(48.1, 11.5))  # fmt: skip
    tracker = Tracker()
    tracker.update(undated)
    tracker.update(detected(heard(location(48.2, 11.6), 0, "aa:00:00:00:00:01")))
    (track,) = tracker.tracks()
    assert tracker.undated == 1
    assert [fix.lat for fix in track.history] == [48.2]


def test_message_pack_records_feed_one_track():
    pack = encode_pack([encode_message(basic_msg) for basic_msg in (
        BasicIdMessage(2, IdType.SERIAL_NUMBER, UaType.AEROPLANE, "PACKED-ID"),
    )])  # fmt: skip
    tracker = Tracker()
    for msg in decode_payload(pack):
        tracker.update(detected(heard(message_record(msg), 0, "aa:bb:cc:dd:ee:ff")))
    assert tracker.tracks()[0].key == "PACKED-ID"
