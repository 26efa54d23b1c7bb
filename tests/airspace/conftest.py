"""Fixtures for the airspace tests: the store on both backends, the knowledge base, and
servers of the tests' own (`servers.py`: Mosquitto, PostgreSQL) that a test may stop and
start again.

The servers are the Debian binaries on the machine, run on free ports in temporary
directories. Where a binary is missing the test skips, or fails with DRONEVET_REQUIRE_SHARED=1.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from airspace.servers import PG_BIN, Mosquitto, Postgres
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.loader import load_builtin
from dronevet.store import migrations
from dronevet.store.db import connect, session_factory
from shared_files import require_tool


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_builtin()


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a database (SQLite, then PostgreSQL) migrated to the newest revision."""
    migrations.upgrade(database_url)
    engine = connect(database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    binary = "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        binary = require_tool("mosquitto")
    broker = Mosquitto(binary, tmp_path)
    broker.start()
    yield broker
    broker.stop()
    broker.log.close()


@pytest.fixture
def own_postgres() -> Iterator[Postgres]:
    for tool in ("initdb", "pg_ctl"):
        if not (PG_BIN / tool).exists():
            require_tool(tool)  # skips, or fails in CI
    # Not under pytest's temporary directory: the postgres user cannot enter root's.
    directory = Path(tempfile.mkdtemp(prefix="dronevet-pg-"))
    try:
        server = Postgres(directory)
        server.start()
        yield server
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
