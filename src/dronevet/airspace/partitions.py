"""The detections table's day partitions on PostgreSQL, and retention on both backends.

PostgreSQL keeps detections in one partition per UTC day (`detections_YYYYMMDD`, for
heard_at from that midnight to the next). `ensure_days` creates the partitions a batch of
detections needs before it is inserted (under a transaction-level advisory lock, so two
workers never race to create the same one); `drop_before` forgets the days before a date by
dropping their partitions whole, which takes a moment whatever their size. SQLite has no
partitions: there `ensure_days` does nothing and `drop_before` deletes the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from dronevet.store.airspace_rows import DetectionRow

_LOCK_KEY = int.from_bytes(b"dvparts", "big")
_PREFIX = "detections_"


def partition_name(day: date) -> str:
    """The name of the partition holding `day`'s detections."""
    return f"{_PREFIX}{day:%Y%m%d}"


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def existing_days(session: Session) -> set[date]:
    """The days that have a partition (PostgreSQL; empty elsewhere)."""
    if not _postgres(session):
        return set()
    names = session.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'detections'"
    )).scalars()  # fmt: skip
    return {datetime.strptime(name[len(_PREFIX):], "%Y%m%d").date() for name in names}


def ensure_days(session: Session, days: Iterable[date]) -> None:
    """Create the missing partitions for `days`, in the session's transaction."""
    wanted = set(days)
    if not wanted or not _postgres(session):
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    for day in sorted(wanted - existing_days(session)):
        start = datetime.combine(day, time(), UTC)
        session.execute(text(
            f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF detections "
            f"FOR VALUES FROM ('{start.isoformat()}') TO "
            f"('{(start + timedelta(days=1)).isoformat()}')"
        ))  # fmt: skip


def drop_before(session: Session, day: date) -> int:
    """Forget every detection heard before `day`; the number of days (PostgreSQL
    partitions) or rows (SQLite) dropped."""
    if not _postgres(session):
        cutoff = datetime.combine(day, time(), UTC)
        result = session.execute(delete(DetectionRow).where(DetectionRow.heard_at < cutoff))
        return int(result.rowcount)  # type: ignore[attr-defined]
    old = sorted(found for found in existing_days(session) if found < day)
    for found in old:
        session.execute(text(f"DROP TABLE {partition_name(found)}"))
    return len(old)
