"""Records that carry half a value: one coordinate without the other, two at one instant.

Records come from the decoders but also from JSON lines a person wrote or another tool
converted; a position, operator or home point with one coordinate missing is no position.
Records are filed in time order, and of two positions stamped with the same instant the one
filed last is the drone's position.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from broadcast.detections import detected
from dronevet.broadcast.tracker import Tracker

T0 = datetime(2025, 6, 2, 7, 30, 0, tzinfo=UTC)
WIFI = "aa:00:00:00:00:01"


def heard(record: dict, seconds: float = 0) -> dict:
    return {**record, "time": (T0 + timedelta(seconds=seconds)).isoformat(), "mac": WIFI,
            "transport": "wifi-beacon"}  # fmt: skip


SYSTEM = {"msg_type": "system", "operator_lat": 48.1, "operator_lon": 11.5,
          "operator_alt": 520.0, "operator_location_type": "takeoff"}  # fmt: skip
DJI = {"msg_type": "dji_flight_info", "serial": "1581F4XFC22B000B", "lat": 50.45,
       "lon": 30.52, "pilot_lat": 50.44, "pilot_lon": 30.53, "home_lat": 50.441,
       "home_lon": 30.531}  # fmt: skip


@pytest.mark.parametrize("missing", ["operator_lon", "operator_lat"])
def test_a_record_with_one_operator_coordinate_gives_no_operator(missing: str) -> None:
    tracker = Tracker()
    tracker.update(detected({**heard(SYSTEM), missing: None}))
    (track,) = tracker.tracks()
    assert (track.operator, track.home) == (None, None)


@pytest.mark.parametrize("missing", ["home_lon", "home_lat"])
def test_a_record_with_one_home_coordinate_gives_no_home(missing: str) -> None:
    tracker = Tracker()
    tracker.update(detected({**heard(DJI), missing: None}))
    (track,) = tracker.tracks()
    assert track.home is None


@pytest.mark.parametrize("missing", ["pilot_lon", "pilot_lat"])
def test_a_record_with_one_pilot_coordinate_gives_no_operator(missing: str) -> None:
    tracker = Tracker()
    tracker.update(detected(heard({**DJI, missing: None})))
    (track,) = tracker.tracks()
    assert track.operator is None


@pytest.mark.parametrize("missing", ["lon", "lat"])
def test_a_record_with_one_coordinate_gives_no_position(missing: str) -> None:
    tracker = Tracker()
    tracker.update(detected(heard({**DJI, missing: None})))
    (track,) = tracker.tracks()
    assert (track.history, "lat" in dict(track.position)) == ((), False)


def test_of_two_positions_at_one_instant_the_one_filed_last_is_the_position() -> None:
    tracker = Tracker()
    tracker.update(detected(heard({**DJI, "lat": 50.45})))
    tracker.update(detected(heard({**DJI, "lat": 50.46})))
    (track,) = tracker.tracks()
    assert dict(track.position)["lat"] == 50.46
