"""Alerts in the store: raised once per track and rule, listed, acknowledged with the audit
log recording who acknowledged which alert and when.

`raise_alerts` inserts the alerts not already stored and returns only those, so of two
workers evaluating the same track, one raises (and delivers) each alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dronevet.airspace.alerts import Alert
from dronevet.errors import BadInputError
from dronevet.store.airspace_rows import AlertRow
from dronevet.store.audit import Change, record
from dronevet.store.models import now


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored: its number, when it was raised, and who acknowledged it."""

    id: int
    alert: Alert
    raised_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        alert = self.alert
        return {
            "id": self.id, "track_key": alert.track_key, "rule": alert.rule, "zone": alert.zone,
            "message": alert.message, "evidence": alert.evidence,
            "raised_at": self.raised_at.isoformat(), "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": self.acknowledged_at.isoformat() if self.acknowledged_at else None,
        }  # fmt: skip


def _stored(row: AlertRow) -> StoredAlert:
    alert = Alert(row.track_key, row.rule, row.zone, row.message, row.evidence)
    return StoredAlert(row.id, alert, row.raised_at, row.acknowledged_by, row.acknowledged_at)


def raise_alerts(session: Session, alerts: Sequence[Alert]) -> list[StoredAlert]:
    """Store the alerts not stored before (by track and rule); those newly stored."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    raised = []
    for alert in alerts:
        statement = dialect.insert(AlertRow).values(
            track_key=alert.track_key, rule=alert.rule, zone=alert.zone, message=alert.message,
            evidence=alert.evidence, raised_at=now(),
        ).on_conflict_do_nothing().returning(AlertRow.id)  # fmt: skip
        number = session.execute(statement).scalar()
        if number is not None:
            raised.append(_stored(session.get_one(AlertRow, number)))
    return raised


def list_alerts(session: Session, *, open_only: bool = False) -> list[StoredAlert]:
    """The stored alerts, newest first; `open_only`: those not yet acknowledged."""
    query = select(AlertRow).order_by(AlertRow.raised_at.desc(), AlertRow.id.desc())
    if open_only:
        query = query.where(AlertRow.acknowledged_by.is_(None))
    return [_stored(row) for row in session.scalars(query)]


def acknowledge(session: Session, number: int, by: str) -> StoredAlert:
    """Mark alert `number` acknowledged by `by`, recorded in the audit log."""
    row = session.get(AlertRow, number, with_for_update=True)
    if row is None:
        raise BadInputError(f"there is no alert {number}.")
    if row.acknowledged_by is not None:
        raise BadInputError(f"alert {number} was already acknowledged by {row.acknowledged_by} "
                            f"at {row.acknowledged_at:%Y-%m-%d %H:%M:%S} UTC.")  # fmt: skip
    before = _stored(row).to_dict()
    row.acknowledged_by, row.acknowledged_at = by, now()
    session.flush()
    after = _stored(row).to_dict()
    record(session, by, Change("acknowledge", "alert", str(number), before, after))
    return _stored(row)
