"""Detections and sensors in the store: each detection kept once, each sensor registered
on its first message and its health told from when it was last heard.

`store_batch` inserts a batch of detections in the caller's transaction, skipping any key
already stored (a redelivered message), and creates the day partitions they need first
(those not in `known_days`). It numbers the batch's detections from the `detection_feed`
counter, whose row stays locked until the transaction commits: batches are numbered in the
order they commit, so `detections_after` (what was stored after a number, the API's feed)
never skips one that commits late. `count_sensors` brings the sensors' rows up to date from a
`SensorTally` (messages, malformed ones, transports, last heard, and the position a sensor
last said it stands at); the ingest path gathers a second's tally and writes it in a short
transaction of its own, so workers seldom wait on a sensor's row. Rows are locked in sensor
order, so concurrent workers queue instead of deadlocking.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dronevet.airspace.messages import SensorMessage, SensorPosition
from dronevet.airspace.partitions import ensure_days
from dronevet.store.airspace_rows import DetectionFeedRow, DetectionRow, SensorRow

STALE_AFTER = timedelta(minutes=2)
"""A sensor unheard for longer than this is shown as stale."""


def _insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in the session's dialect, which can skip rows already there."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def store_batch(
    session: Session,
    messages: Sequence[SensorMessage],
    received_at: datetime,
    known_days: Set[date] = frozenset(),
) -> int:
    """Store `messages` once each, in the session's transaction; how many were new."""
    unique = {message.key: message for message in messages}
    ensure_days(session, {m.heard_at.date() for m in unique.values()} - known_days)
    added = 0
    if unique:
        first = _numbers(session, len(unique))
        rows = [
            {
                "key": m.key, "heard_at": m.heard_at, "sensor_id": m.sensor_id,
                "received_at": received_at, "transport": m.detection.transport,
                "mac": m.detection.source, "uas_id": m.detection.uas_id,
                "msg_type": m.detection.kind, "record": dict(m.record), "seq": first + n,
            }
            for n, m in enumerate(unique.values())
        ]
        table = DetectionRow.__table__
        statement = _insert(session, table).on_conflict_do_nothing().returning(table.c.key)
        # On the connection, not the session: the ORM would send one INSERT per row.
        added = len(session.connection().execute(statement, rows).all())
    return added


def _numbers(session: Session, count: int) -> int:
    """The first of `count` new consecutive `seq` numbers; the counter's row stays locked
    until the session's transaction ends."""
    statement = (update(DetectionFeedRow).where(DetectionFeedRow.id == 1)
                 .values(last=DetectionFeedRow.last + count).returning(DetectionFeedRow.last))
    last = session.execute(statement).scalar_one()
    return int(last) - count + 1


@dataclass(frozen=True, slots=True)
class StoredDetection:
    """A detection as stored: its place in the store's order, key, sensor and record."""

    seq: int
    key: str
    sensor_id: str
    heard_at: datetime
    received_at: datetime
    record: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "key": self.key, "sensor_id": self.sensor_id,
                "heard_at": self.heard_at.isoformat(),
                "received_at": self.received_at.isoformat(), "record": self.record}  # fmt: skip


def received_since(session: Session, start: datetime) -> Iterator[StoredDetection]:
    """The detections received from `start` on, in the order the tracks are built in (heard,
    then key: `stored_records`), streamed; a detection is in it only once every detection
    numbered below it is (one statement, and numbers follow commit order)."""
    query = (select(DetectionRow.seq, DetectionRow.key, DetectionRow.sensor_id,
                    DetectionRow.heard_at, DetectionRow.received_at, DetectionRow.record)
             .where(DetectionRow.received_at >= start)
             .order_by(DetectionRow.heard_at, DetectionRow.key))  # fmt: skip
    for row in session.execute(query.execution_options(yield_per=5000)):
        yield StoredDetection(*row)


def newest_heard(session: Session, start: datetime) -> datetime | None:
    """When the newest detection received from `start` on was heard."""
    query = select(func.max(DetectionRow.heard_at)).where(DetectionRow.received_at >= start)
    return session.execute(query).scalar_one_or_none()


def detections_after(session: Session, after: int, limit: int) -> list[StoredDetection]:
    """The first `limit` detections stored after number `after`, in the order stored. Every
    detection a later call can return has a number above the last one returned here."""
    query = (select(DetectionRow.seq, DetectionRow.key, DetectionRow.sensor_id,
                    DetectionRow.heard_at, DetectionRow.received_at, DetectionRow.record)
             .where(DetectionRow.seq > after).order_by(DetectionRow.seq).limit(limit))  # fmt: skip
    return [StoredDetection(*row) for row in session.execute(query)]


@dataclass
class SensorTally:
    """What sensors reported since the tally was last written: messages, malformed ones,
    transports and the latest position each gave, per sensor id."""

    heard: Counter[str] = field(default_factory=Counter)
    malformed: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, set[str]] = field(default_factory=dict)
    positions: dict[str, SensorPosition] = field(default_factory=dict)

    def add(self, messages: Sequence[SensorMessage], malformed: Mapping[str, int]) -> None:
        self.heard.update(message.sensor_id for message in messages)
        self.malformed.update(malformed)
        for message in messages:
            self.kinds.setdefault(message.sensor_id, set()).add(message.detection.transport)
            if message.position is not None:
                self.positions[message.sensor_id] = message.position

    def __bool__(self) -> bool:
        return bool(self.heard or self.malformed)


def count_sensors(session: Session, tally: SensorTally, at: datetime) -> None:
    """Write a tally to the sensors' rows, registering the sensors not seen before, as last
    heard `at`; in the session's transaction."""
    ids = sorted(set(tally.heard) | set(tally.malformed))
    if not ids:
        return
    fresh = [{"id": i, "name": i, "kinds": [], "first_heard": at, "last_heard": at,
              "messages": 0, "malformed": 0} for i in ids]  # fmt: skip
    session.connection().execute(_insert(session, SensorRow.__table__).on_conflict_do_nothing(),
                                 fresh)  # fmt: skip
    rows = session.scalars(
        select(SensorRow).where(SensorRow.id.in_(ids)).order_by(SensorRow.id).with_for_update()
    )
    for row in rows:
        row.messages += tally.heard[row.id]
        row.malformed += tally.malformed[row.id]
        row.kinds = sorted(set(row.kinds) | tally.kinds.get(row.id, set()))
        row.last_heard = max(row.last_heard, at)
        if (where := tally.positions.get(row.id)) is not None:
            row.lat, row.lon, row.alt = where.lat, where.lon, where.alt
    session.flush()


@dataclass(frozen=True, slots=True)
class Sensor:
    """A sensor as the store knows it, where it last said it stands (None: it never said),
    and whether it has gone quiet."""

    id: str
    name: str
    kinds: tuple[str, ...]
    first_heard: datetime
    last_heard: datetime
    messages: int
    malformed: int
    stale: bool
    position: SensorPosition | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "kinds": list(self.kinds),
            "position": self.position.to_dict() if self.position else None,
            "first_heard": self.first_heard.isoformat(), "last_heard": self.last_heard.isoformat(),
            "messages": self.messages, "malformed": self.malformed,
            "health": "stale" if self.stale else "reporting",
        }  # fmt: skip


def sensors(session: Session, now: datetime) -> list[Sensor]:
    """Every sensor, by id; stale when unheard for longer than `STALE_AFTER`."""
    rows = session.scalars(select(SensorRow).order_by(SensorRow.id))
    return [
        Sensor(r.id, r.name, tuple(r.kinds), r.first_heard, r.last_heard, r.messages,
               r.malformed, now - r.last_heard > STALE_AFTER,
               None if r.lat is None or r.lon is None else SensorPosition(r.lat, r.lon, r.alt))
        for r in rows
    ]


def stored_records(
    session: Session, *, since: datetime | None = None, until: datetime | None = None,
    received_since: datetime | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:  # fmt: skip
    """(sensor id, detection record) of the stored detections heard from `since` up to
    `until` and received since `received_since`, oldest first."""
    query = select(DetectionRow.sensor_id, DetectionRow.record).order_by(
        DetectionRow.heard_at, DetectionRow.key
    )
    if since is not None:
        query = query.where(DetectionRow.heard_at >= since)
    if until is not None:
        query = query.where(DetectionRow.heard_at < until)
    if received_since is not None:
        query = query.where(DetectionRow.received_at >= received_since)
    for sensor_id, record in session.execute(query.execution_options(yield_per=5000)):
        yield str(sensor_id), dict(record)
