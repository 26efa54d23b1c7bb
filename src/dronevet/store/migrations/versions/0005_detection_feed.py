"""The detections' place in the order they were stored (`seq`), and the counter that hands
it out (`detection_feed`), so a reader can ask for what was stored after a point.

Revision 0005, after 0004. Detections already stored are numbered in the order they were
received (then by key), and the counter starts after the last of them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("detections", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE detections SET seq = numbered.n FROM (SELECT key, heard_at, row_number() "
        "OVER (ORDER BY received_at, key) AS n FROM detections) AS numbered "
        "WHERE detections.key = numbered.key AND detections.heard_at = numbered.heard_at"
    )
    with op.batch_alter_table("detections") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
    op.create_index(op.f("ix_detections_seq"), "detections", ["seq"])
    op.create_table(
        "detection_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_feed")),
    )
    op.execute("INSERT INTO detection_feed (id, last) "
               "SELECT 1, coalesce(max(seq), 0) FROM detections")  # fmt: skip


def downgrade() -> None:
    op.drop_table("detection_feed")
    op.drop_index(op.f("ix_detections_seq"), table_name="detections")
    with op.batch_alter_table("detections") as batch:
        batch.drop_column("seq")
