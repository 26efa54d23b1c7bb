"""Every change lands in the hash-chained audit log, and `verify` names the first entry an
attacker with database access edited, inserted, deleted or moved (with raw SQL, not the
store's functions)."""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from dronevet.errors import BadInputError, DronevetError
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.store import audit
from dronevet.store.audit import GENESIS, Anchor, Change, entry_hash, verify
from dronevet.store.db import transaction
from dronevet.store.fleet_repo import (
    delete_aircraft,
    retire_aircraft,
    save_organisation,
    upsert_aircraft,
)
from dronevet.store.models import AuditEntryRow

Sessions = sessionmaker[Session]
TABLE = AuditEntryRow.__table__
ORG = Organisation("Metro Police", (Binding("us-asda-2023"),), "US", 10)
FLEET = [
    Aircraft(serial=f"SN-{n}", model="Skydio X10", missions=("patrol",)) for n in range(1, 5)
]


def _history(sessions: Sessions) -> int:
    """Eight changes by three people; the number of entries they make."""
    with transaction(sessions) as session:
        save_organisation(session, ORG, actor="admin")                        # 1
        upsert_aircraft(session, ORG.name, FLEET, actor="importer")            # 2-5
    with transaction(sessions) as session:
        flown = replace(FLEET[0], flight_hours=12.5)
        upsert_aircraft(session, ORG.name, [flown, *FLEET[1:]], actor="importer")  # 6
        retire_aircraft(session, ORG.name, "SN-2", actor="pm")                # 7
        delete_aircraft(session, ORG.name, "SN-3", actor="pm")                # 8
    return 8


def _entries(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(TABLE).order_by(TABLE.c.seq)).mappings()
        return [dict(row) for row in rows]


def _sql(engine: Engine, *statements: str, **values: Any) -> None:
    """What an attacker with the database's password can do: any SQL at all."""
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), values)


def _check(sessions: Sessions, anchor: Anchor | None = None) -> audit.VerifyResult:
    with transaction(sessions) as session:
        return verify(session, anchor)


def test_every_change_is_recorded_who_what_before_and_after(
    sessions: Sessions, engine: Engine
) -> None:
    count = _history(sessions)
    entries = _entries(engine)
    assert [e["seq"] for e in entries] == list(range(1, count + 1))
    assert [(e["actor"], e["action"], e["record_type"]) for e in entries] == [
        ("admin", "create", "organisation"),
        *[("importer", "create", "aircraft")] * 4,
        ("importer", "update", "aircraft"),
        ("pm", "retire", "aircraft"),
        ("pm", "delete", "aircraft"),
    ]
    update = entries[5]
    assert update["record_id"] == entries[1]["record_id"]
    before, after = json.loads(update["state_before"]), json.loads(update["state_after"])
    assert (before["flight_hours"], after["flight_hours"]) == (None, 12.5)
    assert {k for k in before if before[k] != after[k]} == {"flight_hours"}
    assert entries[0]["state_before"] is None
    assert json.loads(entries[0]["state_after"])["bindings"] == [
        {"policy": "us-asda-2023", "uses": []}
    ]
    assert json.loads(entries[7]["state_before"])["serial"] == "SN-3"
    assert entries[7]["state_after"] is None
    assert entries[0]["prev_hash"] == GENESIS
    assert all(e["prev_hash"] == p["hash"] for p, e in itertools.pairwise(entries))
    assert entries[3]["at"] < entries[6]["at"]  # two transactions, in order
    result = _check(sessions)
    assert result.ok and result.entries == count
    assert result.head == Anchor(count, entries[-1]["hash"])
    assert result.to_dict() == {"ok": True, "entries": count, "broken": None,
                                "head": {"seq": count, "hash": entries[-1]["hash"]}}


def test_an_empty_log_verifies(sessions: Sessions) -> None:
    assert _check(sessions) == audit.VerifyResult(0, None)


def test_an_edited_entry_is_named(sessions: Sessions, engine: Engine) -> None:
    _history(sessions)
    _sql(engine, "UPDATE audit_entries SET actor = 'somebody else' WHERE seq = 3")
    result = _check(sessions)
    assert not result.ok and result.entries == 2
    assert result.broken == audit.Broken(3, "its contents do not match its hash: edited")


def test_an_entry_edited_and_rehashed_breaks_the_next_link(
    sessions: Sessions, engine: Engine
) -> None:
    _history(sessions)
    forged = _entries(engine)[5]
    forged["state_after"] = forged["state_after"].replace("12.5", "1.5")
    _sql(engine, "UPDATE audit_entries SET state_after = :after, hash = :hash WHERE seq = 6",
         after=forged["state_after"], hash=entry_hash(forged))
    result = _check(sessions)
    assert result.broken is not None and result.broken.seq == 7
    assert result.broken.reason.startswith("does not link to entry 6")


@pytest.mark.parametrize("forged", [True, False], ids=["hash-forged", "hash-made-up"])
def test_an_inserted_entry_is_named(sessions: Sessions, engine: Engine, forged: bool) -> None:
    _history(sessions)
    entries = _entries(engine)
    # Make room at 4, then put in an entry that links to entry 3.
    _sql(engine, "UPDATE audit_entries SET seq = seq + 1000 WHERE seq >= 4",
         "UPDATE audit_entries SET seq = seq - 999 WHERE seq >= 1000")
    inserted = {**entries[3], "seq": 4, "actor": "intruder", "prev_hash": entries[2]["hash"]}
    inserted["hash"] = entry_hash(inserted) if forged else "f" * 64
    with engine.begin() as connection:
        connection.execute(TABLE.insert().values(inserted))
    result = _check(sessions)
    if forged:  # entry 4 holds together; the one after it no longer follows it
        assert result.broken is not None and result.broken.seq == 5
        assert result.broken.reason.startswith("does not link to entry 4")
    else:
        assert result.broken == audit.Broken(4, "its contents do not match its hash: edited")


def test_an_entry_inserted_before_the_first_is_named(sessions: Sessions, engine: Engine) -> None:
    _history(sessions)
    first = _entries(engine)[0]
    with engine.begin() as connection:
        connection.execute(TABLE.insert().values({**first, "seq": 0, "hash": "e" * 64}))
    result = _check(sessions)
    assert result.broken == audit.Broken(0, "numbered before entry 1 (as 0): inserted")


@pytest.mark.parametrize(
    ("deleted", "named", "reason"),
    [
        ("seq = 4", 4, "entry 4 missing: deleted"),
        ("seq = 1", 1, "entry 1 missing: deleted"),
        ("seq BETWEEN 3 AND 5", 3, "entries 3-5 missing: deleted"),
    ],
)
def test_a_deleted_entry_is_named(
    sessions: Sessions, engine: Engine, deleted: str, named: int, reason: str
) -> None:
    _history(sessions)
    _sql(engine, f"DELETE FROM audit_entries WHERE {deleted}")
    assert _check(sessions).broken == audit.Broken(named, reason)


def test_deleted_and_renumbered_entries_are_named(sessions: Sessions, engine: Engine) -> None:
    _history(sessions)
    _sql(engine, "DELETE FROM audit_entries WHERE seq = 4",
         "UPDATE audit_entries SET seq = seq + 1000 WHERE seq > 4",
         "UPDATE audit_entries SET seq = seq - 1001 WHERE seq > 1000")
    broken = _check(sessions).broken
    assert broken is not None and broken.seq == 4
    assert broken.reason.startswith("does not link to entry 3")


def test_reordered_entries_are_named(sessions: Sessions, engine: Engine) -> None:
    _history(sessions)
    _sql(engine, "UPDATE audit_entries SET seq = -1 WHERE seq = 5",
         "UPDATE audit_entries SET seq = 5 WHERE seq = 6",
         "UPDATE audit_entries SET seq = 6 WHERE seq = -1")
    broken = _check(sessions).broken
    assert broken is not None and broken.seq == 5
    assert "reordered" in broken.reason


def test_an_anchor_finds_a_shortened_or_rewritten_log(sessions: Sessions, engine: Engine) -> None:
    count = _history(sessions)
    anchor = _check(sessions).head
    assert anchor is not None and Anchor.parse(str(anchor)) == anchor
    # Cutting the last entry leaves a chain that holds together by itself...
    _sql(engine, f"DELETE FROM audit_entries WHERE seq = {count}")
    assert _check(sessions).ok
    # ...but not the entry noted outside the database.
    assert _check(sessions, anchor).broken == audit.Broken(count, (
        f"is missing: the log ends at entry {count - 1}, so entries were deleted from its end"
    ))
    # Rewriting the whole chain from an edited entry on: only the anchor tells.
    entries, prev = _entries(engine), GENESIS
    entries[1]["actor"] = "somebody else"
    with engine.begin() as connection:
        connection.execute(TABLE.delete())
        for entry in entries:
            entry["prev_hash"] = prev
            entry["hash"] = prev = entry_hash(entry)
            connection.execute(TABLE.insert().values(entry))
    assert _check(sessions).ok
    earlier = Anchor(count - 1, _entries(engine)[-1]["hash"])
    assert _check(sessions, earlier).ok
    noted = Anchor(count - 1, "0" * 63 + "1")
    assert _check(sessions, noted).broken == audit.Broken(
        count - 1, "differs from the entry noted in the anchor: rewritten"
    )


@pytest.mark.parametrize("value", ["", "12", "12:abc", "x:" + "0" * 64, "3:" + "g" * 64])
def test_a_malformed_anchor_is_refused(value: str) -> None:
    with pytest.raises(BadInputError, match="not an audit anchor"):
        Anchor.parse(value)


def test_a_change_needs_an_actor(sessions: Sessions) -> None:
    with transaction(sessions) as session, pytest.raises(BadInputError, match="actor"):
        save_organisation(session, ORG, actor=" ")
    with transaction(sessions) as session:
        assert _check(sessions).entries == 0
        assert audit.record(session, "nobody") == []


def test_two_writers_at_once_take_turns(sessions: Sessions) -> None:
    count = _history(sessions)
    change = Change("update", "aircraft", "1", {"n": 1}, {"n": 2})
    outcome: list[str] = []

    def second_writer() -> None:
        try:
            with transaction(sessions) as session:
                audit.record(session, "bob", change)
            outcome.append("stored")
        except DronevetError as error:
            outcome.append(f"refused: {error}")

    with sessions() as first, first.begin():
        audit.record(first, "alice", change)
        writer = threading.Thread(target=second_writer)
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()  # it waits for the first writer to finish
    writer.join(timeout=10)
    assert outcome == ["stored"]
    result = _check(sessions)
    assert result.ok and result.entries == count + 2
    with transaction(sessions) as session:
        actors = session.scalars(select(AuditEntryRow.actor).order_by(AuditEntryRow.seq))
        assert list(actors)[-2:] == ["alice", "bob"]
