"""The store's connections behave the same on both backends: foreign keys hold, savepoints
roll back only their part, readers do not wait for writers, and URLs never show passwords."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from dronevet.errors import BadInputError, DronevetError
from dronevet.fleet.model import Organisation
from dronevet.store.audit import verify
from dronevet.store.db import connect, parse_url, shown_url, transaction
from dronevet.store.fleet_repo import list_organisations, save_organisation
from dronevet.store.models import AuditEntryRow

Sessions = sessionmaker[Session]
NOW = "CURRENT_TIMESTAMP"


def test_foreign_keys_hold(sessions: Sessions) -> None:
    orphan = (
        "INSERT INTO aircraft (organisation_id, serial, model, missions, status, capabilities,"
        f" created_at, updated_at) VALUES (999, 'S1', 'M', '[]', 'active', '[]', {NOW}, {NOW})"
    )
    with pytest.raises(DronevetError, match=r"^database .*(FOREIGN KEY|foreign key)"), \
            transaction(sessions) as session:
        session.execute(text(orphan))


def test_a_savepoint_rolls_back_its_part_only(sessions: Sessions) -> None:
    with transaction(sessions) as session:
        save_organisation(session, Organisation("Kept"), actor="admin")
        with pytest.raises(RuntimeError), session.begin_nested():
            save_organisation(session, Organisation("Rolled back"), actor="admin")
            raise RuntimeError("part way")
        save_organisation(session, Organisation("Also kept"), actor="admin")
    with transaction(sessions, read_only=True) as session:
        assert [org.name for org in list_organisations(session)] == ["Also kept", "Kept"]
        result = verify(session)
        assert result.ok and result.entries == 2


def test_a_read_only_transaction_refuses_writes(sessions: Sessions) -> None:
    with pytest.raises(DronevetError, match=r"(?i)read-?only"), \
            transaction(sessions, read_only=True) as session:
        save_organisation(session, Organisation("Sneaked in"), actor="admin")
    with transaction(sessions) as session:  # the next transaction on a pooled connection
        save_organisation(session, Organisation("Written"), actor="admin")
    with transaction(sessions, read_only=True) as session:
        assert [org.name for org in list_organisations(session)] == ["Written"]


def test_a_reader_does_not_wait_for_a_writer(
    sessions: Sessions, engine: Engine, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with transaction(sessions) as session:
        save_organisation(session, Organisation("Committed"), actor="admin")
    with transaction(sessions) as writer:
        save_organisation(writer, Organisation("Not yet committed"), actor="admin")
        started = time.perf_counter()
        with transaction(sessions, read_only=True) as reader:
            seen = [org.name for org in list_organisations(reader)]
            entries = reader.scalar(select(func.count()).select_from(AuditEntryRow))
        assert time.perf_counter() - started < 1
        assert (seen, entries) == (["Committed"], 1)


def test_shown_urls_hide_the_password() -> None:
    url = "postgresql://fleet:pa55word@db.example.org:5432/dronevet"
    assert shown_url(url) == "postgresql://fleet:***@db.example.org:5432/dronevet"
    assert "pa55word" not in repr(connect(url))
    assert parse_url(url).drivername == "postgresql+psycopg"
    assert shown_url("sqlite:////var/lib/dronevet/dronevet.sqlite3").endswith("dronevet.sqlite3")
    with pytest.raises(BadInputError, match="not a URL"):
        parse_url("dronevet.sqlite3")


def test_a_database_directory_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the directory should be")
    with pytest.raises(DronevetError, match="cannot create the database's directory") as raised:
        connect(f"sqlite:///{blocker / 'dronevet.sqlite3'}")
    assert raised.value.path == str(blocker)
