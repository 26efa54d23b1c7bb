"""Which hour a Location timestamp belongs to: the one that puts it nearest the reception.

A Location message carries tenths of a second since the full hour only; the receiver picks
the hour. Around the full hour the clocks of drone and receiver straddle it in both ways.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dronevet.broadcast.remoteid.location import time_of_location


def test_a_stamp_just_before_the_hour_received_just_after_it_is_from_the_hour_before() -> None:
    received = datetime(2024, 5, 1, 13, 0, 2, tzinfo=UTC)
    assert time_of_location(3599.0, received) == datetime(2024, 5, 1, 12, 59, 59, tzinfo=UTC)


def test_a_stamp_just_after_the_hour_received_just_before_it_is_from_the_next_hour() -> None:
    received = datetime(2024, 5, 1, 12, 59, 59, tzinfo=UTC)
    assert time_of_location(1.0, received) == datetime(2024, 5, 1, 13, 0, 1, tzinfo=UTC)


def test_a_stamp_in_the_same_hour_stays_in_it() -> None:
    received = datetime(2024, 5, 1, 12, 30, 0, tzinfo=UTC)
    assert time_of_location(1799.5, received) == datetime(2024, 5, 1, 12, 29, 59, 500000,
                                                          tzinfo=UTC)  # fmt: skip


def test_half_an_hour_either_way_stays_in_the_hour_of_reception() -> None:
    # exactly 1800 s apart is not "more than half an hour": the hour of reception is kept
    received = datetime(2024, 5, 1, 12, 30, 0, tzinfo=UTC)
    assert time_of_location(0.0, received) == datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert time_of_location(3600.0, received) == datetime(2024, 5, 1, 13, 0, 0, tzinfo=UTC)
