"""The live picture kept up to date (`airspace.live.LiveTracks`) is always exactly the picture
built from the whole window: whatever order the detections are heard and stored in, across
the window's steps, on SQLite and PostgreSQL. And it files only what is new: a steady feed
builds the whole window once."""

from __future__ import annotations

from datetime import timedelta

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from airspace.records import START, record
from dronevet.airspace.detection_store import store_batch, stored_records
from dronevet.airspace.live import LiveTracks, window_start
from dronevet.airspace.messages import SensorMessage, parse_message
from dronevet.airspace.tracks import build_tracks
from dronevet.knowledge.base import KnowledgeBase
from dronevet.store.airspace_rows import DetectionRow
from dronevet.store.db import transaction

Heard = tuple[int, int, bool, float, int]
"""(drone, its MAC, a Location message or a Basic ID, seconds heard before it was stored,
sensor)."""
SERIALS = ("1581F5FJD23100AB", "1596A1234567890X", "1748AUTEL0000001", "SKYDIOX10D000042")


def _message(number: int, heard: Heard, stored_at: float) -> SensorMessage:
    drone, mac, located, before, sensor = heard
    second = stored_at - before
    body = record(SERIALS[drone], second, mac=f"aa:bb:cc:00:00:{mac:02x}", frame=number,
                  **({"lat": 45.5 + drone / 100 + second / 1e5, "lon": -122.9} if located
                     else {}))  # fmt: skip
    return parse_message(f"site/detections/sensor-{sensor}", orjson.dumps(body))


def _whole_window(session: Session, kb: KnowledgeBase, at: timedelta) -> list[object]:
    now = START + at
    records = stored_records(session, received_since=window_start(now))
    return list(build_tracks(kb, records, now))


def _check(sessions: sessionmaker[Session], kb: KnowledgeBase,
           batches: list[tuple[float, float, list[Heard]]]) -> LiveTracks:
    """Store each batch `gap` seconds after the last, stamped as received `lag` seconds
    before it was stored (a worker that waited), and compare the pictures after each."""
    live, stored_at, number = LiveTracks(), 0.0, 0
    with transaction(sessions) as session:
        session.execute(delete(DetectionRow))
    for gap, lag, heard in batches:
        stored_at += gap
        messages = []
        for item in heard:
            number += 1
            messages.append(_message(number, item, stored_at))
        with transaction(sessions) as session:
            store_batch(session, messages, START + timedelta(seconds=stored_at - lag))
        at = timedelta(seconds=stored_at + 1)
        with transaction(sessions, read_only=True) as session:
            assert live.tracks(session, kb, START + at) == _whole_window(session, kb, at)
    return live


HEARD = st.tuples(st.integers(0, 3), st.integers(0, 4), st.booleans(),
                  st.one_of(st.floats(0, 3), st.floats(0, 40), st.just(900.0)),
                  st.integers(0, 2))
GAPS = st.sampled_from([0.2, 1.0, 3.0, 70.0, 400.0, 4000.0])
LAGS = st.sampled_from([0.0, 0.0, 0.0, 1.5, 3700.0])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=st.lists(st.tuples(GAPS, LAGS, st.lists(HEARD, max_size=6)), min_size=1,
                       max_size=12))
def test_the_kept_picture_is_the_whole_windows_picture(
        sessions: sessionmaker[Session], kb: KnowledgeBase,
        batches: list[tuple[float, float, list[Heard]]]) -> None:
    _check(sessions, kb, batches)


def test_a_steady_feed_builds_the_window_once(sessions: sessionmaker[Session],
                                              kb: KnowledgeBase) -> None:
    """Four drones heard every half second by three sensors whose clocks differ by up to a
    second, and once by a sensor whose clock runs a year ahead: 120 looks, each filing only
    the newest detections."""
    batches = [(0.5, 0.0, [(d, d, bool(t % 2), (t * 7 + d) % 10 / 10, d % 3)
                           for d in range(4)]) for t in range(120)]
    batches[3][2].append((0, 0, True, -3.15e7, 2))
    live = _check(sessions, kb, batches)
    assert live.rebuilds == 1  # the first look; after it only the new detections are read
