"""Airspace awareness: detections (partitioned by day on PostgreSQL), sensors, protected
zones, flight authorisations and alerts.

Revision 0004, after 0003. The detections table is created empty; on PostgreSQL it is the
parent of one partition per day, which `dronevet.airspace.partitions` creates as messages
of a new day arrive and drops when they pass the retention.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "detections",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("heard_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sensor_id", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transport", sa.String(40), nullable=False),
        sa.Column("mac", sa.String(100), nullable=False),
        sa.Column("uas_id", sa.String(100), nullable=True),
        sa.Column("msg_type", sa.String(40), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", "heard_at", name=op.f("pk_detections")),
        postgresql_partition_by="RANGE (heard_at)",
    )
    op.create_index(op.f("ix_detections_heard_at"), "detections", ["heard_at"])
    op.create_index(op.f("ix_detections_received_at"), "detections", ["received_at"])
    op.create_index(op.f("ix_detections_uas_id"), "detections", ["uas_id"])
    op.create_table(
        "sensors",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("first_heard", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_heard", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("malformed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensors")),
    )
    op.create_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("floor_m", sa.Double(), nullable=True),
        sa.Column("ceiling_m", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("name", name=op.f("uq_zones_name")),
    )
    op.create_table(
        "authorisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("serial", sa.String(100), nullable=False),
        sa.Column("pilot", sa.String(200), nullable=True),
        sa.Column("area", sa.JSON(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisations")),
        sa.UniqueConstraint("reference", name=op.f("uq_authorisations_reference")),
    )
    op.create_index(op.f("ix_authorisations_serial"), "authorisations", ["serial"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_key", sa.String(100), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("zone", sa.String(200), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("acknowledged_by", sa.String(200), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("track_key", "rule", name=op.f("uq_alerts_track_key_rule")),
    )


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_index(op.f("ix_authorisations_serial"), table_name="authorisations")
    op.drop_table("authorisations")
    op.drop_table("zones")
    op.drop_table("sensors")
    op.drop_index(op.f("ix_detections_uas_id"), table_name="detections")
    op.drop_index(op.f("ix_detections_received_at"), table_name="detections")
    op.drop_index(op.f("ix_detections_heard_at"), table_name="detections")
    op.drop_table("detections")  # on PostgreSQL its day partitions go with it
