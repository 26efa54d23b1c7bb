"""Detections are stored once per key whatever delivers them again; on PostgreSQL they land
in day partitions that retention drops whole; sensors register on their first message and
show stale when silent."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from airspace.records import START, record
from dronevet.airspace.detection_store import (
    STALE_AFTER,
    SensorTally,
    count_sensors,
    sensors,
    store_batch,
)
from dronevet.airspace.messages import parse_message
from dronevet.airspace.partitions import drop_before, existing_days
from dronevet.store.airspace_rows import DetectionRow
from dronevet.store.db import transaction


def _message(sensor: str, **fields: object):  # type: ignore[no-untyped-def]
    payload = orjson.dumps(record("SERIAL1", 0, lat=52.0, lon=4.0, **fields))  # type: ignore[arg-type]
    return parse_message(f"site/detections/{sensor}", payload)


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
