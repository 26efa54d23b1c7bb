"""The airspace tables: detections heard by the sensors, the sensors, protected zones,
flight authorisations and the alerts raised from them.

A detection's key (`airspace.messages.detection_key`) is a digest of the sensor and the
message, so a QoS 1 message delivered twice is stored once: inserts skip a key already
there. On PostgreSQL the detections table is partitioned by the day the message was heard
(`heard_at`, the capture time it carries), so the key and that day together are the primary
key and old days go by dropping their partition (`airspace.partitions`); on SQLite it is a
plain table with the same columns.

Each detection also has a place in the order it was stored, `seq`: numbers handed out by the
one-row `detection_feed` table, whose row a storing transaction locks until it commits, so a
reader that sees a number sees every smaller one too (`detection_store.detections_after`).
Geometry is kept as GeoJSON; the shapes are built with
shapely when read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Double, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dronevet.store.models import Base, UtcDateTime, now


class DetectionRow(Base):
    """One detection as a sensor reported it (`record`: the detection JSON contract)."""

    __tablename__ = "detections"
    __table_args__ = (
        Index(None, "heard_at"),
        Index(None, "received_at"),
        Index(None, "uas_id"),
        Index(None, "seq"),
        {"postgresql_partition_by": "RANGE (heard_at)"},
    )

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    heard_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    """The capture time the message carries (the epoch for one without a time)."""
    sensor_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now)
    transport: Mapped[str] = mapped_column(String(40))
    mac: Mapped[str] = mapped_column(String(100))
    uas_id: Mapped[str | None] = mapped_column(String(100))
    msg_type: Mapped[str] = mapped_column(String(40))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger)
    """Its place in the order detections were stored (see the module docstring)."""


class DetectionFeedRow(Base):
    """The last `DetectionRow.seq` handed out; one row."""

    __tablename__ = "detection_feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)


class SensorRow(Base):
    """A receiver that publishes detections, registered on its first message."""

    __tablename__ = "sensors"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Double)
    lon: Mapped[float | None] = mapped_column(Double)
    alt: Mapped[float | None] = mapped_column(Double)
    """Where it last said it stands (WGS-84 degrees, metres); null until it says."""
    kinds: Mapped[list[str]] = mapped_column(JSON)
    """The transports it has reported (`wifi-beacon`, `bt-extended`, `ocusync`...)."""
    first_heard: Mapped[datetime] = mapped_column(UtcDateTime)
    last_heard: Mapped[datetime] = mapped_column(UtcDateTime)
    messages: Mapped[int] = mapped_column(Integer)
    malformed: Mapped[int] = mapped_column(Integer)


class ZoneRow(Base):
    """A protected zone: a GeoJSON polygon and the altitudes it covers (metres, WGS-84)."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    floor_m: Mapped[float | None] = mapped_column(Double)
    ceiling_m: Mapped[float | None] = mapped_column(Double)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now)


class AuthorisationRow(Base):
    """A flight authorisation: an aircraft (by serial), a pilot, an area and a window."""

    __tablename__ = "authorisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    serial: Mapped[str] = mapped_column(String(100), index=True)
    pilot: Mapped[str | None] = mapped_column(String(200))
    area: Mapped[dict[str, Any]] = mapped_column(JSON)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now)


class AlertRow(Base):
    """An alert: raised once per track and rule, with its evidence; acknowledged by a user."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("track_key", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_key: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(40))
    zone: Mapped[str | None] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=now)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
