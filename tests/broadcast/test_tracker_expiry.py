"""When a drone's track ends: silence is measured from its last message, and `max_age` itself
is still live.

The real-world case: a receiver at a site watches a survey drone that broadcasts every
second, lands for a battery swap and flies again. A silence up to `max_age` is the same
flight; a longer one ends it, both when the receiver sweeps with `expire(now)` and when the
drone is heard again. Captures replayed newest-first split the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broadcast.detections import detected
from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.decode import message_record
from dronevet.broadcast.remoteid.enums import IdType, UaType
from dronevet.broadcast.tracker import Tracker

T0 = datetime(2025, 6, 2, 7, 30, 0, tzinfo=UTC)
MAX_AGE = timedelta(minutes=5)
MAC = "60:60:1f:12:34:56"
SERIAL = "1581F5FKD229400B"


def heard(seconds: float) -> dict:
    """The survey drone's Basic ID as received `seconds` after T0."""
    msg = BasicIdMessage(2, IdType.SERIAL_NUMBER, UaType.HELICOPTER_OR_MULTIROTOR, SERIAL)
    return {**message_record(msg), "time": (T0 + timedelta(seconds=seconds)).isoformat(),
            "mac": MAC, "transport": "wifi-beacon"}  # fmt: skip


def flying_for(minutes: int) -> Tracker:
    """A tracker that heard the drone once a minute from T0 for `minutes` minutes."""
    tracker = Tracker(max_age=MAX_AGE)
    tracker.update_many(detected(heard(60 * minute)) for minute in range(minutes + 1))
    return tracker


def test_a_drone_silent_for_exactly_max_age_is_not_expired() -> None:
    tracker = flying_for(2)  # last heard at T0 + 2 min
    assert tracker.expire(T0 + timedelta(minutes=2) + MAX_AGE) == []
    assert [track.key for track in tracker.tracks()] == [SERIAL]


def test_a_drone_silent_a_microsecond_longer_than_max_age_is_expired() -> None:
    tracker = flying_for(2)
    (gone,) = tracker.expire(T0 + timedelta(minutes=2) + MAX_AGE + timedelta(microseconds=1))
    assert gone.key == SERIAL and gone.last_seen == T0 + timedelta(minutes=2)
    assert tracker.tracks() == []


def test_expiry_counts_the_silence_since_the_last_message_not_since_the_first() -> None:
    tracker = flying_for(10)  # first heard 10 minutes ago, last heard just now
    assert tracker.expire(T0 + timedelta(minutes=11)) == []  # one minute of silence
    (track,) = tracker.tracks()
    assert (track.first_seen, track.last_seen) == (T0, T0 + timedelta(minutes=10))


def test_a_long_flight_heard_every_minute_stays_one_track() -> None:
    tracker = flying_for(30)  # 30 minutes in the air, never silent for max_age
    assert tracker.take_retired() == []
    (track,) = tracker.tracks()
    assert dict(track.messages) == {"basic_id": 31}


def test_a_drone_heard_again_after_exactly_max_age_continues_its_flight() -> None:
    tracker = flying_for(2)
    tracker.update(detected(heard(120 + MAX_AGE.total_seconds())))
    assert tracker.take_retired() == []
    (track,) = tracker.tracks()
    assert track.first_seen == T0


def test_a_drone_heard_again_after_a_longer_silence_starts_a_second_flight() -> None:
    tracker = flying_for(2)
    back = 120 + MAX_AGE.total_seconds() + 1
    tracker.update(detected(heard(back)))
    (first_flight,) = tracker.take_retired()
    assert (first_flight.first_seen, first_flight.last_seen) == (T0, T0 + timedelta(minutes=2))
    (second_flight,) = tracker.tracks()
    assert second_flight.first_seen == second_flight.last_seen == T0 + timedelta(seconds=back)


def test_a_newest_first_capture_splits_at_a_gap_longer_than_max_age() -> None:
    # records replayed in reverse: the later flight first, then one from 301 s before it
    tracker = Tracker(max_age=MAX_AGE)
    tracker.update(detected(heard(1000)))
    tracker.update(detected(heard(1000 - MAX_AGE.total_seconds() - 1)))
    (later_flight,) = tracker.take_retired()
    assert later_flight.first_seen == T0 + timedelta(seconds=1000)
    (earlier,) = tracker.tracks()
    assert earlier.last_seen == T0 + timedelta(seconds=699)


def test_a_newest_first_capture_keeps_a_gap_of_exactly_max_age_in_one_flight() -> None:
    tracker = Tracker(max_age=MAX_AGE)
    tracker.update(detected(heard(1000)))
    tracker.update(detected(heard(1000 - MAX_AGE.total_seconds())))
    assert tracker.take_retired() == []
    (track,) = tracker.tracks()
    assert (track.first_seen, track.last_seen) == (
        T0 + timedelta(seconds=700), T0 + timedelta(seconds=1000)
    )


def test_expire_drops_only_the_silent_drone() -> None:
    tracker = flying_for(2)
    other = {**heard(400), "uas_id": "OTHER-DRONE", "mac": "aa:bb:cc:dd:ee:ff"}
    tracker.update(detected(other))
    gone = tracker.expire(T0 + timedelta(seconds=421))  # 301 s after the survey drone's last
    assert [track.key for track in gone] == [SERIAL]
    assert [track.key for track in tracker.tracks()] == ["OTHER-DRONE"]


def test_a_drone_back_after_a_long_silence_with_a_new_address_starts_a_second_flight() -> None:
    # Bluetooth and many Wi-Fi chips pick a new random address per power-up
    tracker = flying_for(2)
    back = 120 + MAX_AGE.total_seconds() + 1
    tracker.update(detected({**heard(back), "mac": "c2:11:22:33:44:55"}))
    (first_flight,) = tracker.take_retired()
    assert first_flight.last_seen == T0 + timedelta(minutes=2)
    (second_flight,) = tracker.tracks()
    assert second_flight.macs == ("c2:11:22:33:44:55",)
