"""The audit log: every change of a stored record, append-only and hash-chained.

Each entry says who (`actor`) did what (`action`: create, update, retire, delete) to which
record (`record_type`, `record_id`) and when (`at`, UTC), with the record before and after
as canonical JSON (keys sorted, no spaces; none before a creation or after a deletion).
Entries are numbered 1, 2, 3... (`seq`); each carries the previous entry's hash
(`prev_hash`, 64 zeros for the first) and its own SHA-256 over all of the above, so
editing, inserting, deleting or reordering an entry breaks the chain at a place `verify`
names. The repository functions (`fleet_repo`) call `record` in the transaction that makes
the change, so the log and the records commit or roll back together.

A chain proves its own integrity, not that nobody rewrote it whole: anyone who can write
to the database can recompute every hash, or cut entries off its end. `verify` returns the
head (its last entry's number and hash); keep that `Anchor` outside the database (print
it, file it) and pass it to a later `verify`, which then also finds a rewritten or
shortened log.

Appending takes PostgreSQL's transaction-level advisory lock, so concurrent writers queue
instead of both claiming the next number (on SQLite, every transaction of the store's
engine holds the database's write lock from its start, which does the same).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, select, text
from sqlalchemy.orm import Session

from dronevet.errors import BadInputError
from dronevet.store.models import AuditEntryRow, now

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""

_LOCK_KEY = int.from_bytes(b"dronevet", "big") >> 1  # fits PostgreSQL's bigint
_FIELDS = ("seq", "at", "actor", "action", "record_type", "record_id", "state_before",
           "state_after", "prev_hash")
_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a record, before and after (JSON values; None where there is none)."""

    action: str
    record_type: str
    record_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


def canonical_json(value: Any) -> str:
    """`value` as JSON with sorted keys and no spaces: one text for one value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def entry_hash(fields: Mapping[str, Any] | RowMapping) -> str:
    """The SHA-256 (hex) of an entry's fields: every column but `hash` itself."""
    values = {name: fields[name] for name in _FIELDS}
    at: datetime = values["at"]
    values["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    return hashlib.sha256(canonical_json(values).encode()).hexdigest()


def record(session: Session, actor: str, *changes: Change) -> list[AuditEntryRow]:
    """Append `changes`, in order, as entries by `actor`, in the session's transaction."""
    if not changes:
        return []
    if not actor.strip():
        raise BadInputError("an audited change needs the name of who made it (the actor)")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    last = session.execute(
        select(AuditEntryRow.seq, AuditEntryRow.hash).order_by(AuditEntryRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    at = now()
    rows = []
    for change in changes:
        seq += 1
        fields = {
            "seq": seq, "at": at, "actor": actor, "action": change.action,
            "record_type": change.record_type, "record_id": change.record_id,
            "state_before": None if change.before is None else canonical_json(change.before),
            "state_after": None if change.after is None else canonical_json(change.after),
            "prev_hash": prev,
        }
        prev = entry_hash(fields)
        rows.append(AuditEntryRow(**fields, hash=prev))
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True, slots=True)
class Anchor:
    """An entry's number and hash, noted outside the database (`SEQ:HASH`)."""

    seq: int
    hash: str

    @classmethod
    def parse(cls, value: str) -> Anchor:
        found = _ANCHOR.match(value.strip().lower())
        if not found:
            raise BadInputError(
                f"{value!r} is not an audit anchor (expected SEQ:HASH, as verify prints it)"
            )
        return cls(int(found[1]), found[2])

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


@dataclass(frozen=True, slots=True)
class Broken:
    """The first entry where the chain breaks, and why."""

    seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What `verify` found: how many entries hold, the head, and the first break if any."""

    entries: int
    """Entries checked and found intact (up to the break)."""
    head: Anchor | None
    """The last intact entry; None for an empty log."""
    broken: Broken | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": None if self.head is None else {"seq": self.head.seq, "hash": self.head.hash},
            "broken": None if self.broken is None
            else {"seq": self.broken.seq, "reason": self.broken.reason},
        }


def verify(session: Session, anchor: Anchor | None = None) -> VerifyResult:
    """Check the whole chain in order; stop at the first broken entry and name it.

    With `anchor` (an entry noted earlier), the log must still hold that entry unchanged.
    """
    count, head, prev = 0, None, GENESIS
    rows = session.execute(select(AuditEntryRow.__table__).order_by(AuditEntryRow.seq))
    for row in rows.mappings():
        problem = _broken_at(row, count + 1, prev)
        if problem is None and anchor and anchor.seq == row["seq"] and anchor.hash != row["hash"]:
            problem = Broken(anchor.seq, "differs from the entry noted in the anchor: rewritten")
        if problem is not None:
            return VerifyResult(count, head, problem)
        count, prev = count + 1, row["hash"]
        head = Anchor(row["seq"], prev)
    if anchor is not None and anchor.seq > count:
        return VerifyResult(count, head, Broken(
            anchor.seq, f"is missing: the log ends at entry {count}, so entries were deleted "
            "from its end"))
    return VerifyResult(count, head)


def _broken_at(row: RowMapping, expected: int, prev: str) -> Broken | None:
    seq = row["seq"]
    if seq > expected:
        missing = f"entry {expected}" if seq == expected + 1 else f"entries {expected}-{seq - 1}"
        return Broken(expected, f"{missing} missing: deleted")
    if seq < expected:
        return Broken(seq, f"numbered before entry 1 (as {seq}): inserted")
    if row["prev_hash"] != prev:
        before = "the start of the log" if seq == 1 else f"entry {seq - 1}"
        return Broken(seq, f"does not link to {before}: an entry was inserted or deleted "
                           f"before it, the entries were reordered, or {before} was rewritten")
    if entry_hash(row) != row["hash"]:
        return Broken(seq, "its contents do not match its hash: edited")
    return None


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as people read it: who changed what, when, from what to what."""

    seq: int
    at: datetime
    actor: str
    action: str
    record_type: str
    record_id: str
    before: Any
    after: Any
    hash: str

    @property
    def organisation(self) -> str | None:
        """The organisation the record belongs to (an organisation: itself)."""
        state = self.after if self.after is not None else self.before
        if not isinstance(state, dict):
            return None
        if self.record_type == "organisation":
            return state.get("name")
        found = state.get("organisation")
        return found if isinstance(found, str) else None

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at.isoformat(), "actor": self.actor,
                "action": self.action, "record_type": self.record_type,
                "record_id": self.record_id, "before": self.before, "after": self.after,
                "hash": self.hash}


def entries(session: Session, *, before: int | None = None, limit: int = 100) -> list[Entry]:
    """Up to `limit` entries, newest first, numbered below `before` when given."""
    query = select(AuditEntryRow).order_by(AuditEntryRow.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntryRow.seq < before)
    return [
        Entry(row.seq, row.at, row.actor, row.action, row.record_type, row.record_id,
              None if row.state_before is None else json.loads(row.state_before),
              None if row.state_after is None else json.loads(row.state_after), row.hash)
        for row in session.scalars(query)
    ]
