"""What the tracker hands out: tracks most recently heard first, frozen, with its defaults.

A receiver's live map lists the drone heard last at the top and a report lists retired
flights among the live ones in the same order; the tracks it hands out are snapshots a
reader cannot change. Without options a tracker ends a track after 5 minutes of silence
and keeps a drone's newest 256 positions.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from broadcast.detections import detected
from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.decode import message_record
from dronevet.broadcast.remoteid.enums import IdType, UaType
from dronevet.broadcast.tracker import Tracker

T0 = datetime(2025, 6, 2, 7, 30, 0, tzinfo=UTC)


def heard(uas_id: str, seconds: float, *, lat: float | None = None) -> dict:
    msg = BasicIdMessage(2, IdType.SERIAL_NUMBER, UaType.HELICOPTER_OR_MULTIROTOR, uas_id)
    record = {**message_record(msg), "time": (T0 + timedelta(seconds=seconds)).isoformat(),
              "mac": f"mac-{uas_id}", "transport": "wifi-beacon"}  # fmt: skip
    if lat is not None:
        record |= {"msg_type": "location", "lat": lat, "lon": 11.5}
    return record


def test_tracks_are_listed_most_recently_heard_first() -> None:
    tracker = Tracker()
    for uas_id, seconds in (("B", 20), ("A", 10), ("C", 30)):
        tracker.update(detected(heard(uas_id, seconds)))
    assert [track.key for track in tracker.tracks()] == ["C", "B", "A"]


def test_the_summary_lists_live_and_retired_flights_most_recently_heard_first() -> None:
    tracker = Tracker(max_age=timedelta(seconds=60))
    tracker.update(detected(heard("A", 0)))
    tracker.update(detected(heard("B", 50)))
    tracker.update(detected(heard("A", 200)))  # A's first flight retires, a second one starts
    summary = tracker.summary()
    assert [(s["key"], s["last_seen"]) for s in summary] == [
        ("A", (T0 + timedelta(seconds=200)).isoformat()),
        ("B", (T0 + timedelta(seconds=50)).isoformat()),
        ("A", T0.isoformat()),
    ]


def test_a_track_handed_out_cannot_be_changed_by_its_reader() -> None:
    tracker = Tracker()
    tracker.update(detected(heard("A", 0, lat=48.1)))
    (track,) = tracker.tracks()
    with pytest.raises(dataclasses.FrozenInstanceError):
        track.key = "B"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        track.history[0].lat = 0.0  # type: ignore[misc]


def test_by_default_a_track_ends_after_five_minutes_of_silence() -> None:
    tracker = Tracker()
    tracker.update(detected(heard("A", 0)))
    assert tracker.expire(T0 + timedelta(minutes=5)) == []
    assert [t.key for t in tracker.expire(T0 + timedelta(minutes=5, seconds=1))] == ["A"]


def test_by_default_a_track_keeps_its_newest_256_positions() -> None:
    tracker = Tracker()
    for second in range(300):
        tracker.update(detected(heard("A", second, lat=48.0 + second / 1000)))
    (track,) = tracker.tracks()
    assert len(track.history) == 256
    assert track.history[0].time == T0 + timedelta(seconds=44)  # the first 44 dropped


def test_the_summary_gives_the_operator_position_and_altitude() -> None:
    tracker = Tracker()
    tracker.update(detected({**heard("A", 0), "msg_type": "system", "operator_lat": 48.1,
                    "operator_lon": 11.5, "operator_alt": 520.0}))  # fmt: skip
    (summary,) = tracker.summary()
    assert (summary["operator_lat"], summary["operator_lon"], summary["operator_alt"]) == (
        48.1, 11.5, 520.0
    )


def test_track_times_keep_the_capture_time_to_the_microsecond() -> None:
    tracker = Tracker()
    tracker.update(detected({**heard("A", 0), "time": T0 + timedelta(seconds=7, microseconds=1)}))
    (track,) = tracker.tracks()
    assert track.first_seen == T0 + timedelta(seconds=7, microseconds=1)


def test_the_track_a_detection_was_filed_in_is_found_by_its_identity_or_its_source() -> None:
    tracker = Tracker()
    first = detected(heard("A", 0, lat=48.1))
    tracker.update(first)
    (track,) = tracker.tracks()
    assert tracker.track_of(first) == track
    by_source = detected({**heard("B", 1), "uas_id": None, "mac": "mac-A"})
    assert tracker.track_of(by_source) == track  # no identity: the MAC names the track
    assert tracker.track_of(detected({**heard("C", 2), "mac": "mac-C"})) is None
