"""One drone heard on two radios: what the merged track keeps from each half.

A drone broadcasts Remote ID on Wi-Fi and Bluetooth with two MAC addresses. Until a Basic
ID links them, each MAC is its own track; the System message (operator position, take-off
point) may have been heard on only one of them. When the Basic ID arrives on the second
radio the halves merge, and nothing either half knew may be lost; where both know a value,
the more recent one wins, and on a tie the identity's own track keeps its value.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broadcast.detections import detected
from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.decode import message_record
from dronevet.broadcast.remoteid.enums import (
    ClassificationType,
    HeightType,
    HorizontalAccuracy,
    IdType,
    OperationalStatus,
    OperatorLocationType,
    SpeedAccuracy,
    UaType,
    VerticalAccuracy,
)
from dronevet.broadcast.remoteid.location import LocationMessage
from dronevet.broadcast.remoteid.system import SystemMessage
from dronevet.broadcast.tracker import Tracker

T0 = datetime(2025, 6, 2, 7, 30, 0, tzinfo=UTC)
WIFI = "aa:00:00:00:00:01"
BLUETOOTH = "c0:00:00:00:00:02"
UAS_ID = "1596F350M0000001"


def basic_id() -> dict:
    msg = BasicIdMessage(2, IdType.SERIAL_NUMBER, UaType.HELICOPTER_OR_MULTIROTOR, UAS_ID)
    return message_record(msg)


def system(lat: float, lon: float) -> dict:
    msg = SystemMessage(2, OperatorLocationType.TAKEOFF, lat, lon, 1, 0.0, None, None,
                        ClassificationType.UNDECLARED, None, None, None, None)  # fmt: skip
    return message_record(msg)


def location(lat: float, lon: float) -> dict:
    msg = LocationMessage(2, OperationalStatus.AIRBORNE, HeightType.ABOVE_TAKEOFF, 90.0, 5.0,
                          0.0, lat, lon, None, 150.0, 30.0, HorizontalAccuracy.M_3,
                          VerticalAccuracy.M_3, VerticalAccuracy.M_10, SpeedAccuracy.MPS_1,
                          None, None)  # fmt: skip
    return message_record(msg)


def heard(record: dict, seconds: float, mac: str) -> dict:
    return {**record, "time": (T0 + timedelta(seconds=seconds)).isoformat(), "mac": mac,
            "transport": "bt-extended" if mac == BLUETOOTH else "wifi-beacon"}  # fmt: skip


def operator_id(value: str) -> dict:
    return {"msg_type": "operator_id", "version": 2, "operator_id": value,
            "operator_id_type": "operator_id"}  # fmt: skip


def basic_id_of(uas_id: str) -> dict:
    return {**basic_id(), "uas_id": uas_id}


def test_an_operator_heard_only_on_the_older_half_is_kept_after_the_merge() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(system(48.1, 11.5), 0, BLUETOOTH)))  # operator, no identity yet
    tracker.update(detected(heard(basic_id(), 10, WIFI)))  # the identity, later, on Wi-Fi
    tracker.update(detected(heard(basic_id(), 11, BLUETOOTH)))  # links the two
    (track,) = tracker.tracks()
    assert track.operator == (48.1, 11.5, None)


def test_a_take_off_point_heard_only_on_the_mac_half_is_kept_after_the_merge() -> None:
    tracker = Tracker()
    # take-off type: the home point
    tracker.update(detected(heard(system(48.1, 11.5), 0, BLUETOOTH)))
    tracker.update(detected(heard(basic_id(), 10, WIFI)))
    tracker.update(detected(heard(basic_id(), 11, BLUETOOTH)))
    (track,) = tracker.tracks()
    assert track.home == (48.1, 11.5)


def test_on_a_tie_the_identity_track_keeps_its_operator() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(system(48.1, 11.5), 0, WIFI)))
    tracker.update(detected(heard(basic_id(), 0, WIFI)))
    tracker.update(detected(heard(system(48.2, 11.6), 0, BLUETOOTH)))  # same instant, other radio
    tracker.update(detected(heard(basic_id(), 0, BLUETOOTH)))
    (track,) = tracker.tracks()
    assert track.operator == (48.1, 11.5, None)


def test_on_a_tie_the_identity_track_keeps_its_position() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(location(48.1, 11.5), 0, WIFI)))
    tracker.update(detected(heard(basic_id(), 0, WIFI)))
    tracker.update(detected(heard(location(48.2, 11.6), 0, BLUETOOTH)))
    tracker.update(detected(heard(basic_id(), 0, BLUETOOTH)))
    (track,) = tracker.tracks()
    assert (dict(track.position)["lat"], dict(track.position)["lon"]) == (48.1, 11.5)


def test_the_newer_half_gives_the_position_after_the_merge() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(location(48.1, 11.5), 0, WIFI)))
    tracker.update(detected(heard(basic_id(), 0, WIFI)))
    tracker.update(detected(heard(location(48.2, 11.6), 5, BLUETOOTH)))
    tracker.update(detected(heard(basic_id(), 6, BLUETOOTH)))
    (track,) = tracker.tracks()
    assert dict(track.position)["lat"] == 48.2


def test_after_the_merge_the_second_radio_alone_still_feeds_the_drone() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(basic_id(), 0, WIFI)))
    tracker.update(detected(heard(location(48.2, 11.6), 1, BLUETOOTH)))
    tracker.update(detected(heard(basic_id(), 2, BLUETOOTH)))  # merge
    tracker.update(detected(heard(location(48.3, 11.7), 3, BLUETOOTH)))  # Bluetooth only, no ID
    (track,) = tracker.tracks()
    assert track.key == UAS_ID
    assert [fix.lat for fix in track.history] == [48.2, 48.3]


def test_an_operator_id_heard_only_on_the_mac_half_is_kept_after_the_merge() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(operator_id("FIN87astrdge12k8"), 0, BLUETOOTH)))
    tracker.update(detected(heard(basic_id(), 1, WIFI)))
    tracker.update(detected(heard(basic_id(), 2, BLUETOOTH)))
    (track,) = tracker.tracks()
    assert dict(track.identity)["operator_id"] == "FIN87astrdge12k8"


def test_a_serial_on_wifi_and_a_registration_on_two_bluetooth_addresses_are_one_drone() -> None:
    # F3411 lets a drone send two Basic IDs: its serial number and a CAA registration.
    # Bluetooth rotates its address; the registration was heard on both addresses.
    tracker = Tracker()
    tracker.update(detected(heard(basic_id(), 0, WIFI)))  # serial, Wi-Fi
    tracker.update(detected(heard(basic_id_of("FIN-REG-0001"), 1, BLUETOOTH)))
    tracker.update(detected(heard(basic_id_of("FIN-REG-0001"), 2, "c0:00:00:00:00:03")))
    tracker.update(detected(heard(basic_id(), 3, BLUETOOTH)))  # the serial on Bluetooth links them
    (track,) = tracker.tracks()
    assert track.key == UAS_ID  # the identity heard first
    assert track.uas_ids == (UAS_ID, "FIN-REG-0001")
    assert set(track.macs) == {WIFI, BLUETOOTH, "c0:00:00:00:00:03"}


def test_after_the_merge_the_second_identity_alone_still_feeds_the_drone() -> None:
    tracker = Tracker()
    tracker.update(detected(heard(basic_id(), 0, WIFI)))
    tracker.update(detected(heard(basic_id_of("FIN-REG-0001"), 1, BLUETOOTH)))
    tracker.update(detected(heard(basic_id(), 2, BLUETOOTH)))  # merge
    # new address
    tracker.update(detected(heard(basic_id_of("FIN-REG-0001"), 3, "c0:00:00:00:00:09")))
    (track,) = tracker.tracks()
    assert track.last_seen == T0 + timedelta(seconds=3)
    assert "c0:00:00:00:00:09" in track.macs
