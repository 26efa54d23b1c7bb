"""The store's schema migrations (Alembic), run from Python: no alembic.ini on disk.

The environment (`env.py`), the template for new revisions (`script.py.mako`) and the
revisions (`versions/`) ship inside the package. `upgrade(url)` brings a database, empty or
at any earlier revision, to the newest one in one transaction (on PostgreSQL and, with the
store's engine, on SQLite: a failed migration leaves the schema as it was); running it again
changes nothing. `current(url)` says where a database stands and `head()` what the newest
revision is.

A new revision is written against a database at the head, from the models:
`alembic.command.revision(config_for(connection), "what changes", autogenerate=True)`
with `connection` open on that database; review what it wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from dronevet.store.db import connect, reported

_HERE = Path(__file__).resolve().parent


def config_for(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store's revisions, running on `connection`."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(config_for())
    return [item.revision for item in reversed(list(script.walk_revisions()))]


def head() -> str:
    """The newest revision."""
    newest = ScriptDirectory.from_config(config_for()).get_current_head()
    assert newest is not None, "the store ships at least one revision"
    return newest


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (the newest by default)."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    """Take the database at `url` back to `revision` (`base`: no tables at all)."""
    _run(url, lambda config: command.downgrade(config, revision))


def current(url: str) -> str | None:
    """The revision the database at `url` stands at; None when it has none (empty)."""
    found: list[str | None] = []
    _run(url, lambda config: found.append(
        MigrationContext.configure(config.attributes["connection"]).get_current_revision()
    ))
    return found[0]


def _run(url: str, step: Callable[[Config], object]) -> None:
    engine = connect(url)
    try:
        with reported(url), engine.begin() as connection:
            step(config_for(connection))
    finally:
        engine.dispose()
