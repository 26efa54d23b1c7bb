"""Fixtures for the store tests: an engine and sessions on each test's database.

`database_url` (tests/conftest.py) runs each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dronevet.store import migrations
from dronevet.store.db import connect, session_factory


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    migrations.upgrade(database_url)
    engine = connect(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)
