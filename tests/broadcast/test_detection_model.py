"""One detection model: what `Detection.of` lifts out of any protocol's message fields.

The tracker, the maps and the tables read a detection's typed parts, never the protocol's
keys, so the rules that lift them are written once: the identity is the UAS ID or else the
DJI serial; the aircraft's altitude is geodetic, else barometric, else DJI's; the operator
is the Remote ID operator or else the DJI pilot; the home point is DJI's or, for Remote
ID, an operator position marked as the take-off point.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dronevet.broadcast.detection import Detection, Point, Signal, iso_time
from dronevet.broadcast.payload import ASTM, DJI, FRANCE

T_NS = 1_621_633_931_161_999_123  # 2021-05-21T21:52:11.161999123Z


def of(fields: dict[str, object], protocol: str = ASTM) -> Detection:
    return Detection.of(T_NS, protocol, "wifi-beacon", "84:cc:a8:60:43:24", 7, fields)


def test_the_identity_is_the_uas_id_then_the_dji_serial() -> None:
    assert of({"msg_type": "basic_id", "uas_id": "1596F350M0000001"}).uas_id == "1596F350M0000001"
    dji = of({"msg_type": "dji_flight_info", "serial": "1581F4QWB21C0013"}, DJI)
    assert dji.uas_id == "1581F4QWB21C0013"
    both = of({"msg_type": "fr_beacon", "uas_id": "FRA-1", "serial": "OTHER"}, FRANCE)
    assert both.uas_id == "FRA-1"


@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_identity_is_no_identity(empty: str | None) -> None:
    assert of({"msg_type": "basic_id", "uas_id": empty}).uas_id is None


def test_the_aircraft_altitude_is_geodetic_then_barometric_then_dji() -> None:
    location = {"msg_type": "location", "lat": 45.5, "lon": -122.9}
    assert of({**location, "alt_geo": 110.0, "alt_baro": 100.0}).aircraft == Point(
        45.5, -122.9, 110.0)
    assert of({**location, "alt_geo": None, "alt_baro": 100.0, "alt": 90.0}).aircraft == Point(
        45.5, -122.9, 100.0)
    assert of({**location, "alt": 90.0}, DJI).aircraft == Point(45.5, -122.9, 90.0)
    assert of(location).aircraft == Point(45.5, -122.9, None)


@pytest.mark.parametrize("missing", ["lat", "lon"])
def test_one_coordinate_is_no_position(missing: str) -> None:
    fields = {"msg_type": "location", "lat": 45.5, "lon": -122.9, missing: None}
    assert of(fields).aircraft is None


def test_the_operator_is_the_remote_id_operator_with_its_altitude() -> None:
    system = {"msg_type": "system", "operator_lat": 45.54, "operator_lon": -122.97,
              "operator_alt": 52.5, "operator_location_type": "live_gnss"}  # fmt: skip
    detection = of(system)
    assert detection.operator == Point(45.54, -122.97, 52.5)
    assert detection.home is None  # a live operator position is not where it took off


def test_an_operator_at_the_take_off_point_is_also_the_home() -> None:
    system = {"msg_type": "system", "operator_lat": 45.54, "operator_lon": -122.97,
              "operator_alt": 52.5, "operator_location_type": "takeoff"}  # fmt: skip
    assert of(system).home == Point(45.54, -122.97)


def test_dji_gives_its_pilot_as_operator_and_its_home_point() -> None:
    dji = of({"msg_type": "dji_flight_info", "serial": "S", "lat": 1.0, "lon": 2.0,
              "pilot_lat": 3.0, "pilot_lon": 4.0, "home_lat": 5.0, "home_lon": 6.0}, DJI)
    assert (dji.operator, dji.home) == (Point(3.0, 4.0), Point(5.0, 6.0))


def test_a_home_point_is_kept_over_a_take_off_operator() -> None:
    fr = of({"msg_type": "fr_beacon", "operator_lat": 3.0, "operator_lon": 4.0,
             "operator_location_type": "takeoff", "home_lat": 5.0, "home_lon": 6.0}, FRANCE)
    assert fr.home == Point(5.0, 6.0)


def test_the_record_is_the_contract_head_then_the_fields_in_order() -> None:
    record = of({"msg_type": "basic_id", "version": 2, "uas_id": "X"}).record()
    assert list(record) == ["time", "transport", "mac", "frame", "msg_type", "version", "uas_id"]
    assert record["time"] == "2021-05-21T21:52:11.161999Z"
    assert (record["mac"], record["frame"]) == ("84:cc:a8:60:43:24", 7)
    assert of({"msg_type": "location"}).kind == "location"


def test_the_time_is_the_capture_time_to_the_microsecond() -> None:
    assert of({}).time == datetime(2021, 5, 21, 21, 52, 11, 161999, tzinfo=UTC)
    undated = Detection.of(None, ASTM, "wifi-beacon", "m", 1, {})
    assert (undated.time, undated.record()["time"]) == (None, None)


@given(st.integers(0, 253_402_300_799_999_999_999))
def test_iso_time_truncates_to_the_microsecond_as_datetime_does(time_ns: int) -> None:
    seconds, rest = divmod(time_ns, 1_000_000_000)
    expected = datetime.fromtimestamp(seconds, UTC).replace(microsecond=rest // 1000)
    assert iso_time(time_ns) == expected.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_detections_cannot_be_changed_by_the_readers_they_are_shared_with() -> None:
    detection = Detection.of(T_NS, ASTM, "wifi-beacon", "m", 1, {"lat": 1.0, "lon": 2.0},
                             signal=Signal(rssi_dbm=-60.0))  # fmt: skip
    for value, name in ((detection, "source"), (detection.aircraft, "lat"),
                        (detection.signal, "rssi_dbm")):  # fmt: skip
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, None)
