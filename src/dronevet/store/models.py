"""The store's tables, as SQLAlchemy 2 typed declarative models.

The rows keep exactly the fleet's values (`dronevet.fleet.model`): an organisation with its
bindings, its aircraft, the waivers asked for them, the people who sign in, and the audit log
every change goes to. The values themselves never see a row: `fleet_repo` copies between the
two. Lists of names (uses, missions, capabilities, controls, evidence) are JSON arrays in
their row; times are UTC on both backends (`UtcDateTime`).

`migrations/versions` builds the same schema step by step; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Double,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dronevet.fleet.model import AircraftStatus

WAIVER_STATES = ("requested", "approved", "denied", "lapsed")
"""Where a waiver stands: asked for, then approved or denied; an approved one lapses."""

PRICE_PRECISION, PRICE_SCALE = 14, 2
"""Money: twelve digits before the point, cents after it."""
PRICE = Numeric(PRICE_PRECISION, PRICE_SCALE)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, stored as UTC, read back as an aware UTC `datetime` on every backend
    (SQLite keeps no time zone; PostgreSQL's `timestamptz` answers in the session's)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


def now() -> datetime:
    """The current time, as the store keeps times."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The store's tables; constraint names follow one convention, so migrations can name
    them on every backend."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Timestamped:
    """When a row was created and last changed."""

    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now, onupdate=now)


class OrganisationRow(Timestamped, Base):
    """An agency or one of its units (`parent`)."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("fiscal_year_start BETWEEN 1 AND 12", name="fiscal_year_start_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(100))
    fiscal_year_start: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    parent: Mapped[OrganisationRow | None] = relationship(remote_side=[id])
    bindings: Mapped[list[BindingRow]] = relationship(
        order_by="BindingRow.position", cascade="all, delete-orphan"
    )


class BindingRow(Base):
    """A policy that binds an organisation, for some uses (all it regulates when empty)."""

    __tablename__ = "bindings"
    __table_args__ = (UniqueConstraint("organisation_id", "policy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    """Where it stands in the organisation's list of bindings."""
    policy: Mapped[str] = mapped_column(String(100))
    uses: Mapped[list[str]] = mapped_column(JSON)


class AircraftRow(Timestamped, Base):
    """One aircraft of an organisation; its serial is unique within the organisation."""

    __tablename__ = "aircraft"
    __table_args__ = (UniqueConstraint("organisation_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    serial: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[str | None] = mapped_column(String(200))
    purchase_date: Mapped[date | None] = mapped_column(Date)
    price: Mapped[Decimal | None] = mapped_column(PRICE)
    funding: Mapped[str | None] = mapped_column(String(100))
    missions: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[AircraftStatus] = mapped_column(
        Enum(AircraftStatus, name="status", native_enum=False, create_constraint=True,
             length=20)
    )
    flight_hours: Mapped[float | None] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(String(200))
    capabilities: Mapped[list[str]] = mapped_column(JSON)


class WaiverRow(Timestamped, Base):
    """An exception asked for under a policy's exemption route (`legal_basis`), for one
    aircraft or (no aircraft) the whole organisation, some missions (all when empty), one use
    and a period (from `start_date` until `end_date`, which it no longer covers)."""

    __tablename__ = "waivers"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="period"),
        CheckConstraint(
            "state IN (" + ", ".join(f"'{state}'" for state in WAIVER_STATES) + ")",
            name="state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    aircraft_id: Mapped[int | None] = mapped_column(ForeignKey("aircraft.id"), index=True)
    policy: Mapped[str] = mapped_column(String(100))
    use: Mapped[str] = mapped_column(String(20))
    legal_basis: Mapped[str] = mapped_column(String(100))
    missions: Mapped[list[str]] = mapped_column(JSON)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[str] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    controls: Mapped[list[str]] = mapped_column(JSON)
    """Compensating controls (`offline-operation`, `local-data-mode`, ...)."""
    evidence: Mapped[list[str]] = mapped_column(JSON)
    """References to what supports the request (a leak report, a test record)."""
    reason: Mapped[str | None] = mapped_column(Text)
    """Why it was approved or denied (none while it is only requested)."""


class UserRow(Timestamped, Base):
    """A local account: its argon2 hash (the encoded string) and its role in an organisation
    (none for an administrator of the whole store)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))


class SessionRow(Base):
    """A signed-in session: a bearer token (the API) or a browser cookie (the web pages).
    Only the token's SHA-256 is kept, so a copy of the database signs nobody in; a cookie
    session also carries the CSRF token its pages must send back."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    """`bearer` or `cookie`."""
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class KnowledgeImportRow(Timestamped, Base):
    """An FtM file a user imported into the knowledge base (`dronevet kb import`), kept
    whole: its name orders the layering, its digest tells a changed file from the same one."""

    __tablename__ = "knowledge_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class AuditEntryRow(Base):
    """One entry of the append-only audit log (see `audit.py` for the chain)."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index(None, "record_type", "record_id"),)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(100))
    state_before: Mapped[str | None] = mapped_column(Text)
    """The record before the change, as canonical JSON; none for a created record."""
    state_after: Mapped[str | None] = mapped_column(Text)
    """The record after the change, as canonical JSON; none for a deleted record."""
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
