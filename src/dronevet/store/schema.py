"""Which schema revision a database stands at, read without loading Alembic.

Every command that opens the store checks this first: Alembic and the migration
environment take about a second to import, and almost every time the database is already
at `HEAD`. Only when it is not does the caller run the migrations
(`store.migrations.upgrade`). A test keeps `HEAD` equal to the newest shipped revision.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

HEAD = "0006"
"""The newest revision in `store/migrations/versions/`."""


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database; None when it records none (a new database)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:  # no alembic_version table yet
        return None
