"""The migrations build the schema the models describe, from empty or any earlier revision,
and running them again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from dronevet.errors import DronevetError
from dronevet.fleet.model import Organisation
from dronevet.store import airspace_rows, migrations
from dronevet.store.db import connect, session_factory, transaction
from dronevet.store.fleet_repo import get_organisation, save_organisation
from dronevet.store.models import Base

TABLES = {
    "aircraft", "audit_entries", "bindings", "knowledge_imports", "organisations", "sessions",
    "users", "waivers",
    "alerts", "authorisations", "detection_feed", "detections", "sensors", "zones",
}


def differences(url: str) -> list[Any]:
    """What the database's schema lacks or has beyond the models (empty when they agree)."""
    engine = connect(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert "detections" in Base.metadata.tables, airspace_rows  # registered
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def schema(url: str) -> dict[str, Any]:
    """Every table's columns, indexes, unique and check constraints, as the database says."""
    engine = connect(url)
    try:
        found = inspect(engine)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                sorted(str(i) for i in found.get_indexes(table)),
                sorted(str(u) for u in found.get_unique_constraints(table)),
                sorted(c["name"] for c in found.get_check_constraints(table)),
            )
            for table in found.get_table_names()
        }
    finally:
        engine.dispose()


def test_upgrade_from_empty_builds_the_models_schema(database_url: str) -> None:
    assert migrations.current(database_url) is None
    migrations.upgrade(database_url)
    assert migrations.current(database_url) == migrations.head()
    assert set(schema(database_url)) == TABLES | {"alembic_version"}
    assert differences(database_url) == []


def test_upgrading_again_changes_nothing(database_url: str) -> None:
    migrations.upgrade(database_url)
    engine = connect(database_url)
    with transaction(session_factory(engine)) as session:
        save_organisation(session, Organisation("Metro Police"), actor="test")
    before = schema(database_url)
    migrations.upgrade(database_url)
    assert migrations.current(database_url) == migrations.head()
    assert schema(database_url) == before
    with transaction(session_factory(engine)) as session:
        assert get_organisation(session, "Metro Police") == Organisation("Metro Police")
    engine.dispose()


@pytest.mark.parametrize("start", migrations.revisions())
def test_upgrade_from_every_revision_reaches_the_head(database_url: str, start: str) -> None:
    migrations.upgrade(database_url, start)
    assert migrations.current(database_url) == start
    migrations.upgrade(database_url)
    assert migrations.current(database_url) == migrations.head()
    assert differences(database_url) == []


def test_downgrade_to_empty_and_upgrade_again(database_url: str) -> None:
    migrations.upgrade(database_url)
    built = schema(database_url)
    migrations.downgrade(database_url, "base")
    assert migrations.current(database_url) is None
    assert set(schema(database_url)) <= {"alembic_version"}
    migrations.upgrade(database_url)
    assert schema(database_url) == built
    assert differences(database_url) == []


def test_the_database_keeps_the_constraints_the_models_declare(database_url: str) -> None:
    migrations.upgrade(database_url)
    checks = {table: names for table, (_c, _i, _u, names) in schema(database_url).items()}
    assert checks["organisations"] == ["ck_organisations_fiscal_year_start_month"]
    assert checks["aircraft"] == ["ck_aircraft_status"]
    assert checks["waivers"] == ["ck_waivers_period", "ck_waivers_state"]
    engine = connect(database_url)
    refused = pytest.raises(DronevetError, match=r"database .*(constraint|CHECK)")
    with refused, transaction(session_factory(engine)) as session:
        session.execute(text(
            "INSERT INTO organisations (name, fiscal_year_start, created_at, updated_at) "
            "VALUES ('x', 13, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))
    engine.dispose()


def test_a_database_that_cannot_be_used_is_named_without_its_password(
    database_url: str, tmp_path: Path
) -> None:
    if database_url.startswith("sqlite"):
        (tmp_path / "garbage.sqlite3").write_bytes(b"not a database, " * 512)
        url, secret = f"sqlite:///{tmp_path / 'garbage.sqlite3'}", None
    else:
        url, secret = "postgresql://postgres:s3cret-word@127.0.0.1:1/dronevet", "s3cret-word"
    with pytest.raises(DronevetError) as raised:
        migrations.upgrade(url)
    message = str(raised.value)
    assert message.startswith("database ")
    assert "Traceback" not in message and "\n" not in message
    if secret:
        assert secret not in message and "postgres:***@127.0.0.1:1" in message
    else:
        assert "garbage.sqlite3" in message and "not a database" in message


def test_the_head_commands_check_is_the_newest_shipped_revision(database_url: str) -> None:
    from dronevet.store import schema
    from dronevet.store.db import connect

    assert migrations.head() == schema.HEAD
    engine = connect(database_url)
    assert schema.stored_revision(engine) is None  # a new database records none
    migrations.upgrade(database_url)
    assert schema.stored_revision(engine) == schema.HEAD
    engine.dispose()


def test_detections_stored_before_the_feed_are_numbered_in_the_order_received(
    database_url: str,
) -> None:
    migrations.upgrade(database_url, "0004")
    engine = connect(database_url)
    with transaction(session_factory(engine)) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("CREATE TABLE detections_20261203 PARTITION OF detections "
                                 "FOR VALUES FROM ('2026-12-03') TO ('2026-12-04')"))  # fmt: skip
        for key, received in (("b", "10:00:02"), ("a", "10:00:01"), ("c", "10:00:01")):
            session.execute(text(
                "INSERT INTO detections (key, heard_at, sensor_id, received_at, transport, mac, "
                "msg_type, record) VALUES (:key, '2026-12-03 09:00:00+00', 'roof', :received, "
                "'wifi-beacon', 'aa', 'basic_id', '{}')"
            ), {"key": key, "received": f"2026-12-03 {received}+00"})  # fmt: skip
    migrations.upgrade(database_url)
    with transaction(session_factory(engine)) as session:
        numbered = session.execute(text("SELECT key, seq FROM detections ORDER BY seq")).all()
        last = session.execute(text("SELECT id, last FROM detection_feed")).all()
    engine.dispose()
    assert [tuple(row) for row in numbered] == [("a", 1), ("c", 2), ("b", 3)]
    assert [tuple(row) for row in last] == [(1, 3)]
