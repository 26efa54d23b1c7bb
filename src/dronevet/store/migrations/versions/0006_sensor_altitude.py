"""A sensor's altitude beside its latitude and longitude, which sensors now send with their
detections (`--sensor-position LAT,LON[,ALT]`).

Revision 0006, after 0005.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("sensors", sa.Column("alt", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sensors") as batch:
        batch.drop_column("alt")
