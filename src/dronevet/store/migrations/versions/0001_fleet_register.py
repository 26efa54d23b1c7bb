"""The fleet register: organisations and their bindings, aircraft, waivers, users, audit log.

Revision 0001, the first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _times() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("jurisdiction", sa.String(100), nullable=True),
        sa.Column("fiscal_year_start", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        *_times(),
        sa.CheckConstraint(
            "fiscal_year_start BETWEEN 1 AND 12",
            name=op.f("ck_organisations_fiscal_year_start_month"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["organisations.id"], name=op.f("fk_organisations_parent_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    op.create_table(
        "bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("policy", sa.String(100), nullable=False),
        sa.Column("uses", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], ondelete="CASCADE",
            name=op.f("fk_bindings_organisation_id"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bindings")),
        sa.UniqueConstraint(
            "organisation_id", "policy", name=op.f("uq_bindings_organisation_id_policy")
        ),
    )
    op.create_table(
        "aircraft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(100), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("product_id", sa.String(200), nullable=True),
        sa.Column("purchase_date", sa.Date(), nullable=True),
        sa.Column("price", sa.Numeric(14, 2), nullable=True),
        sa.Column("funding", sa.String(100), nullable=True),
        sa.Column("missions", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "grounded", "retired", name=op.f("ck_aircraft_status"),
                    native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("flight_hours", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(200), nullable=True),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        *_times(),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_aircraft_organisation_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aircraft")),
        sa.UniqueConstraint(
            "organisation_id", "serial", name=op.f("uq_aircraft_organisation_id_serial")
        ),
    )
    op.create_index(op.f("ix_aircraft_organisation_id"), "aircraft", ["organisation_id"])
    op.create_table(
        "waivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("aircraft_id", sa.Integer(), nullable=True),
        sa.Column("policy", sa.String(100), nullable=False),
        sa.Column("use", sa.String(20), nullable=False),
        sa.Column("legal_basis", sa.String(100), nullable=False),
        sa.Column("missions", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("controls", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        *_times(),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_waivers_period")),
        sa.CheckConstraint(
            "state IN ('requested', 'approved', 'denied', 'lapsed')",
            name=op.f("ck_waivers_state"),
        ),
        sa.ForeignKeyConstraint(
            ["aircraft_id"], ["aircraft.id"], name=op.f("fk_waivers_aircraft_id")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_waivers_organisation_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waivers")),
    )
    op.create_index(op.f("ix_waivers_aircraft_id"), "waivers", ["aircraft_id"])
    op.create_index(op.f("ix_waivers_organisation_id"), "waivers", ["organisation_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        *_times(),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_users_organisation_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("state_before", sa.Text(), nullable=True),
        sa.Column("state_after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    op.create_index(
        op.f("ix_audit_entries_record_type_record_id"), "audit_entries",
        ["record_type", "record_id"],
    )


def downgrade() -> None:
    for table in ("audit_entries", "users", "waivers", "aircraft", "bindings", "organisations"):
        op.drop_table(table)
