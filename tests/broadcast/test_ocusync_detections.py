"""OcuSync bursts become detections like any other broadcast, and the tracker takes them.

The shared Mavic Air 2 recording holds three bursts: one frame of unknown layout that
visibly carries the serial, then two flight-information frames. Each becomes a
`Detection` (DJI DroneID over `ocusync`, the burst's number as frame, its SNR as signal,
the drone's app time as capture time); the tracker files the dated ones into one DJI
track keyed by the serial, with the pilot as operator and DJI's home point.
"""

from __future__ import annotations

from typing import Any

import pytest

from dronevet.api import decode_iq
from dronevet.broadcast.detection import Detection, Point
from dronevet.broadcast.dji.ocusync.drones import OCUSYNC, DroneTally, burst_detection
from dronevet.broadcast.payload import DJI
from dronevet.broadcast.tracker import Tracker
from shared_files import shared_path

RECORDING = "captures/droneid-iq/mavic_air_2.fc32"
SERIAL = "1WNBH3900201N1"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return list(decode_iq(str(shared_path(RECORDING)), sample_rate=50e6))


@pytest.fixture(scope="module")
def detections(records: list[dict[str, Any]]) -> list[Detection]:
    found = [burst_detection(record, number) for number, record in enumerate(records, 1)]
    return [detection for detection in found if detection is not None]


def test_every_burst_naming_the_drone_is_a_detection_of_it(detections: list[Detection]) -> None:
    assert [(d.protocol, d.transport, d.frame, d.uas_id) for d in detections] == [
        (DJI, OCUSYNC, 1, SERIAL), (DJI, OCUSYNC, 2, SERIAL), (DJI, OCUSYNC, 3, SERIAL)]
    assert [d.kind for d in detections] == ["dji_unknown_layout", "dji_flight_info",
                                            "dji_flight_info"]  # fmt: skip
    assert all(d.signal is not None and d.signal.snr_db > 20 for d in detections)


def test_a_flight_information_burst_carries_drone_pilot_and_home(
    records: list[dict[str, Any]], detections: list[Detection]
) -> None:
    record, detection = records[1], detections[1]
    assert detection.aircraft == Point(record["lat"], record["lon"], record["alt"])
    assert detection.operator == Point(record["pilot_lat"], record["pilot_lon"])
    assert detection.home == Point(record["home_lat"], record["home_lon"])
    assert detection.time is not None and detection.time.isoformat() == record["flight_time"]
    assert detections[0].time is None  # the unknown layout carries no app time


def test_the_tracker_takes_ocusync_detections_directly(
    records: list[dict[str, Any]], detections: list[Detection]
) -> None:
    tracker = Tracker()
    tracker.update_many(detections)
    (track,) = tracker.tracks()
    last = records[2]
    assert (track.key, track.uas_ids, track.macs) == (SERIAL, (SERIAL,), (OCUSYNC,))
    assert track.operator == (last["pilot_lat"], last["pilot_lon"], None)
    assert track.home == (last["home_lat"], last["home_lon"])
    assert dict(track.messages) == {"dji_flight_info": 2}
    assert tracker.undated == 1


def test_a_burst_that_failed_names_no_drone(records: list[dict[str, Any]]) -> None:
    failed = {**records[1], "error": "CRC-24 failed", "crc24_ok": False}
    assert burst_detection(failed, 2) is None
    tally = DroneTally()
    tally.add(None)
    assert tally.summaries() == []
