"""Fields several Remote ID message types declare alike: altitudes and heights, positions,
and times counted from 2019 (F3411-22a; opendroneid-core-c `opendroneid.c`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

import numpy as np

from dronevet.broadcast.remoteid.common import EPOCH_2019, EPOCH_2019_UNIX
from dronevet.broadcast.remoteid.fields import Array, Bits, Condition, Field, Kind, Rule

LATLON_UNITS = 10_000_000
"""Latitude and longitude units per degree."""


def altitude(key: str, byte: int) -> Field:
    """An altitude or height at `byte`: uint16 * 0.5 - 1000 m; 0 (-1000 m) is unknown."""
    return Field(key, Bits(byte, "<u2"), step=0.5, offset=-1000.0, unknown=0)


def _on_the_globe(lat: Any, lon: Any) -> Any:
    """Latitude and longitude 0 together are the unknown position; a value over 90 or 180
    degrees is no position either."""
    return ((lat != 0) | (lon != 0)) & (abs(lat) <= 90) & (abs(lon) <= 180)


def position(lat_key: str, lon_key: str, byte: int) -> tuple[Field, Field]:
    """Latitude at `byte` and longitude after it: int32 counts of 1e-7 degree; both None
    unless on the globe."""
    known = Condition((lat_key, lon_key), _on_the_globe)
    return (Field(lat_key, Bits(byte, "<i4"), per=LATLON_UNITS, when=known),
            Field(lon_key, Bits(byte + 4, "<i4"), per=LATLON_UNITS, when=known))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Time2019(Rule):
    """uint32 seconds since 2019-01-01 00:00:00 UTC: a `datetime` for one message, Unix
    seconds in a column."""

    kind: ClassVar[Kind] = Kind.TIME_2019

    def value(self, raw: int, flag: int, context: None) -> datetime:
        """The UTC time."""
        return EPOCH_2019 + timedelta(seconds=raw)

    def column(self, raw: Array, flag: Any, context: None) -> Array:
        """Unix seconds."""
        return raw.astype(np.float64) + EPOCH_2019_UNIX

    def raw(self, value: datetime | None, context: None) -> tuple[int, int]:
        """Whole seconds since 2019 (0 for no time)."""
        return (0 if value is None else round((value - EPOCH_2019).total_seconds())), 0

    def output(self, value: datetime | None) -> str | None:
        """ISO 8601 UTC."""
        return value.isoformat() if value else None


TIME_2019 = Time2019()
