"""Fields several Remote ID message types declare alike (F3411-22a; opendroneid-core-c).

- altitudes and heights: uint16 * 0.5 - 1000 m; 0 (= -1000 m) = unknown;
- latitude/longitude: int32 1e-7 degree units; both 0 = unknown, and a value off the globe
  (over 90 or 180 degrees) is no position either;
- times in Authentication and System: uint32 seconds since 2019-01-01 00:00:00 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

import numpy as np

from dronevet.broadcast.remoteid.common import EPOCH_2019, EPOCH_2019_UNIX
from dronevet.broadcast.remoteid.fields import Array, Bits, Condition, Field, Kind, Rule

LATLON_UNITS = 10_000_000
"""Latitude and longitude are int32 counts of 1e-7 degree."""


def altitude(key: str, byte: int, attr: str = "") -> Field:
    """An altitude or height field at `byte`: metres, unknown at raw 0."""
    return Field(key, Bits(byte, "<u2"), step=0.5, offset=-1000.0, unknown=0, attr=attr)


def _on_the_globe(lat: Any, lon: Any) -> Any:
    return ((lat != 0) | (lon != 0)) & (abs(lat) <= 90) & (abs(lon) <= 180)


def position(lat_key: str, lon_key: str, byte: int) -> tuple[Field, Field]:
    """Latitude at `byte` and longitude after it, degrees; both None unless on the globe."""
    known = Condition((lat_key, lon_key), _on_the_globe)
    return (Field(lat_key, Bits(byte, "<i4"), per=LATLON_UNITS, when=known),
            Field(lon_key, Bits(byte + 4, "<i4"), per=LATLON_UNITS, when=known))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Time2019(Rule):
    """Seconds since 2019-01-01 UTC: a `datetime` for one message, Unix seconds in a column."""

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
