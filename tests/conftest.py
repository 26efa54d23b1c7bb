"""Fixtures shared by every test folder: databases on SQLite and on PostgreSQL.

SQLite is a fresh file in the test's temporary directory. PostgreSQL is the server running
on this machine (`DRONEVET_TEST_POSTGRES_URL`, default the local `postgres` superuser): the
test run creates a database of its own, empties its schema before each test that asks for
it and drops it at the end. Where no PostgreSQL can be reached those tests skip, saying
why, as the MQTT and shared-capture tests do; with `DRONEVET_REQUIRE_SHARED=1` (CI, whose
`.ci/run` starts the server) they fail instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from dronevet.store.db import shown_url

ADMIN_URL = os.environ.get(
    "DRONEVET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this test run's own on the local PostgreSQL server, as a URL."""
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        reason = " ".join(str(error).split())
    else:
        reason = None
    if reason is not None:
        message = (
            f"PostgreSQL is not reachable at {shown_url(ADMIN_URL)} ({reason}); the store "
            "tests need it running: start it with `pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start` (.ci/run does), or point "
            "DRONEVET_TEST_POSTGRES_URL at one"
        )
        if os.environ.get("DRONEVET_REQUIRE_SHARED") == "1":
            pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it", pytrace=False)
        pytest.skip(message)
    name = f"dronevet_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the run's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    url: str = request.getfixturevalue("postgres_database")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url
