"""Alembic's environment for the store: runs the revisions on the connection it is handed.

`dronevet.store.migrations` puts an open connection (inside its transaction) in the
configuration's attributes; there is no alembic.ini and no URL to read here.
"""

from __future__ import annotations

from alembic import context

from dronevet.store import airspace_rows  # noqa: F401  (its tables join Base.metadata)
from dronevet.store.models import Base

_connection = context.config.attributes.get("connection")
if _connection is None or context.is_offline_mode():
    raise RuntimeError(
        "run the store's migrations through dronevet.store.migrations (upgrade, downgrade)"
    )
# Batch mode lets later revisions alter SQLite tables (by copying them), as they must.
context.configure(connection=_connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
