"""Detections are stored once per key whatever delivers them again; on PostgreSQL they land
in day partitions that retention drops whole; a reader following the stored order from a
cursor misses none, even when writers commit out of the order they began; sensors register
on their first message and show stale when silent."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from airspace.records import START, record
from dronevet.airspace.detection_store import (
    STALE_AFTER,
    SensorTally,
    count_sensors,
    detections_after,
    sensors,
    store_batch,
)
from dronevet.airspace.messages import SensorPosition, parse_message
from dronevet.airspace.partitions import drop_before, existing_days
from dronevet.store.airspace_rows import DetectionRow
from dronevet.store.db import transaction


def _message(sensor_id: str, **fields: object):  # type: ignore[no-untyped-def]
    payload = orjson.dumps(record("SERIAL1", 0, lat=52.0, lon=4.0, **fields))  # type: ignore[arg-type]
    return parse_message(f"site/detections/{sensor_id}", payload)


def _count(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(DetectionRow)) or 0)


def test_the_same_message_delivered_again_is_stored_once(sessions: sessionmaker[Session]) -> None:
    message = _message("roof")
    with transaction(sessions) as session:
        assert store_batch(session, [message, message], START) == 1
    with transaction(sessions) as session:
        assert store_batch(session, [message], START) == 0
    assert _count(sessions) == 1


def test_two_sensors_hearing_one_broadcast_give_two_detections(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        assert store_batch(session, [_message("roof"), _message("gate")], START) == 2


def test_detections_fill_day_partitions_and_retention_drops_old_days(
    sessions: sessionmaker[Session],
) -> None:
    days = [_message("roof", frame=n, time=f"2026-12-0{n}T12:00:00Z") for n in (1, 2, 3)]
    with transaction(sessions) as session:
        store_batch(session, days, START)
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            assert existing_days(session) == {date(2026, 12, n) for n in (1, 2, 3)}
    with transaction(sessions) as session:
        dropped = drop_before(session, date(2026, 12, 3))
    assert dropped == 2  # two day partitions on PostgreSQL, two rows on SQLite
    assert _count(sessions) == 1
    if postgres:
        with transaction(sessions) as session:
            assert existing_days(session) == {date(2026, 12, 3)}


def test_a_sensor_registers_on_its_first_message_and_goes_stale_when_silent(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        tally = SensorTally()
        tally.add([_message("roof")], {"roof": 2, "gate": 1})
        count_sensors(session, tally, START)
    with transaction(sessions) as session:
        fresh = {s.id: s for s in sensors(session, START + timedelta(seconds=5))}
        later = {s.id: s for s in sensors(session, START + STALE_AFTER + timedelta(seconds=1))}
    assert (fresh["roof"].messages, fresh["roof"].malformed, fresh["roof"].kinds) == (
        1, 2, ("wifi-beacon",))  # fmt: skip
    assert fresh["gate"].messages == 0 and fresh["gate"].malformed == 1
    assert not fresh["roof"].stale and later["roof"].stale
    assert later["roof"].to_dict()["health"] == "stale"


def test_a_sensor_keeps_the_position_it_last_sent(sessions: sessionmaker[Session]) -> None:
    def placed(frame: int, lat: float):  # type: ignore[no-untyped-def]
        where = {"position": {"lat": lat, "lon": 4.5, "alt": 3.0}}
        return _message("roof", frame=frame, sensor=where)

    with transaction(sessions) as session:
        tally = SensorTally()
        tally.add([placed(1, 52.0), placed(2, 52.5), _message("gate")], {})
        count_sensors(session, tally, START)
    with transaction(sessions) as session:
        tally = SensorTally()
        tally.add([_message("roof", frame=3)], {})  # says nothing of where it is: kept
        count_sensors(session, tally, START + timedelta(seconds=1))
    with transaction(sessions) as session:
        found = {s.id: s for s in sensors(session, START + timedelta(seconds=2))}
    assert found["roof"].position == SensorPosition(52.5, 4.5, 3.0)
    assert found["roof"].to_dict()["position"] == {"lat": 52.5, "lon": 4.5, "alt": 3.0}
    assert found["gate"].position is None and found["gate"].to_dict()["position"] is None


def _follow(sessions: sessionmaker[Session], after: int = 0) -> tuple[list[str], int]:
    """The keys of every detection stored after `after`, page by page; and the cursor."""
    keys: list[str] = []
    while True:
        with transaction(sessions, read_only=True) as session:
            page = detections_after(session, after, 7)
        if not page:
            return keys, after
        keys += [item.key for item in page]
        after = page[-1].seq


def test_the_feed_gives_the_detections_in_stored_order_page_by_page(
    sessions: sessionmaker[Session],
) -> None:
    first = [_message("roof", frame=n) for n in range(10)]
    second = [_message("gate", frame=n) for n in range(10)]
    with transaction(sessions) as session:
        store_batch(session, [*first, first[0]], START)
    with transaction(sessions) as session:
        store_batch(session, [first[1], *second], START)  # first[1] is already there
    keys, cursor = _follow(sessions)
    assert keys == [m.key for m in first + second]
    with transaction(sessions, read_only=True) as session:
        [last] = detections_after(session, cursor - 1, 10)
    assert last.key == second[-1].key and last.sensor_id == "gate"
    assert last.record == dict(second[-1].record)
    assert _follow(sessions, cursor) == ([], cursor)


def test_a_batch_that_commits_late_is_not_skipped_by_a_reader(
    sessions: sessionmaker[Session],
) -> None:
    """A writer that began first holds the numbers back until it commits: the one behind it
    waits, so no reader sees a later batch while an earlier one is still to come."""
    before, *early = [_message("roof", frame=n) for n in range(6)]
    late = [_message("gate", frame=n) for n in range(5)]
    _store(sessions, [before])  # the day's partition is there: creating it locks out readers
    _, start = _follow(sessions)
    behind = threading.Thread(target=lambda: _store(sessions, late))
    with transaction(sessions) as session:
        store_batch(session, early, START)
        behind.start()
        time.sleep(0.5)  # the second writer is waiting, not committing
        seen, cursor = _follow(sessions, start)
        assert seen == [] and cursor == start
    behind.join(10)
    assert _follow(sessions, cursor)[0] == [m.key for m in early + late]


def _store(sessions: sessionmaker[Session], messages: list) -> None:  # type: ignore[type-arg]
    with transaction(sessions) as session:
        store_batch(session, messages, START)


def test_a_reader_following_concurrent_writers_sees_each_detection_once(
    sessions: sessionmaker[Session],
) -> None:
    batches = [[_message(f"s{w}", frame=b * 10 + n) for n in range(10)]
               for w in range(3) for b in range(15)]  # fmt: skip
    writers = [threading.Thread(target=lambda w=w: [_store(sessions, b) for b in batches[w::3]])
               for w in range(3)]  # fmt: skip
    for writer in writers:
        writer.start()
    seen: list[str] = []
    cursor = 0
    while any(writer.is_alive() for writer in writers):
        keys, cursor = _follow(sessions, cursor)
        seen += keys
    seen += _follow(sessions, cursor)[0]
    assert sorted(seen) == sorted(m.key for batch in batches for m in batch)
