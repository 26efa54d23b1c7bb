"""ASTM F3411 Location/Vector message (type 1): where the aircraft is and how it moves.

Its fields, where each sits and what its raw values mean, are declared in `FIELDS` below
(bit 3 of byte 1, bits 7-4 of byte 23 and byte 24 are reserved). Status 4 (Remote ID system
failure) is new in protocol version 2, earlier versions reserve it; the unknown timestamp
0xFFFF is named from version 1 on, and any timestamp over 36000 tenths is out of range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

import numpy as np

from dronevet.broadcast.remoteid.enums import (
    HORIZONTAL_ACCURACY_M,
    SPEED_ACCURACY_MPS,
    VERTICAL_ACCURACY_M,
    HeightType,
    HorizontalAccuracy,
    OperationalStatus,
    SpeedAccuracy,
    VerticalAccuracy,
)
from dronevet.broadcast.remoteid.fields import Array, Bits, Field, Rule
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.shared_fields import altitude, position

SPEED_STEP = 0.25
SPEED_STEP_FAST = 0.75
SPEED_FAST_BASE = 255 * SPEED_STEP  # 63.75 m/s, where the multiplier bit takes over
SPEED_UNKNOWN = 255.0
SPEED_FAST_MAX = 254  # raw 255 with the multiplier is the unknown value
DIRECTION_UNKNOWN = 361


@dataclass(frozen=True, slots=True)
class LocationMessage:
    """Position, altitudes and velocity of the aircraft; None where the sender says unknown."""

    version: int
    status: OperationalStatus
    height_type: HeightType
    direction: float | None  # degrees clockwise from true north, 0-360
    speed_h: float | None  # m/s over ground
    speed_v: float | None  # m/s, up positive
    lat: float | None  # degrees, WGS-84
    lon: float | None
    alt_baro: float | None  # m, pressure altitude (29.92 inHg reference)
    alt_geo: float | None  # m, WGS-84 height above ellipsoid
    height: float | None  # m, above takeoff or ground (height_type)
    h_accuracy: HorizontalAccuracy
    v_accuracy: VerticalAccuracy
    baro_accuracy: VerticalAccuracy
    speed_accuracy: SpeedAccuracy
    seconds_after_hour: float | None  # UTC
    timestamp_accuracy: float | None  # seconds

    msg_type: ClassVar[str] = "location"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message; accuracies in metres and m/s."""
        return FIELDS.record(self)


@dataclass(frozen=True, slots=True)
class Speed(Rule):
    """Horizontal speed in m/s: raw * 0.25, or raw * 0.75 + 63.75 with the multiplier bit
    `flag`; 255 m/s (raw 255 with the multiplier) is unknown."""

    flag: Bits
    decimals: ClassVar[int] = 2

    def value(self, raw: int, flag: int, context: None) -> float | None:
        """m/s, None when unknown."""
        speed = raw * SPEED_STEP_FAST + SPEED_FAST_BASE if flag else raw * SPEED_STEP
        return None if speed == SPEED_UNKNOWN else speed

    def column(self, raw: Array, flag: Array, context: None) -> Array:
        """m/s, NaN when unknown."""
        raw = raw.astype(np.float64)
        speed = np.where(flag, raw * SPEED_STEP_FAST + SPEED_FAST_BASE, raw * SPEED_STEP)
        return np.where(speed == SPEED_UNKNOWN, np.nan, speed)

    def raw(self, value: float | None, context: None) -> tuple[int, int]:
        """(raw, multiplier); over 254.25 m/s is sent as 254.25 (the reference encoder's)."""
        if value is None:
            return 255, 1
        if value <= SPEED_FAST_BASE:
            return round(value / SPEED_STEP), 0
        return min(round((value - SPEED_FAST_BASE) / SPEED_STEP_FAST), SPEED_FAST_MAX), 1


@dataclass(frozen=True, slots=True)
class Direction(Rule):
    """Track direction in degrees: raw, plus 180 with the east/west bit `flag`; 361 (or
    anything over 360) is unknown."""

    flag: Bits

    def value(self, raw: int, flag: int, context: None) -> float | None:
        """Degrees, None when unknown."""
        direction = raw + 180 if flag else raw
        return None if direction > 360 else float(direction)

    def column(self, raw: Array, flag: Array, context: None) -> Array:
        """Degrees, NaN when unknown."""
        direction = raw + np.where(flag, 180.0, 0.0)
        return np.where(direction > 360, np.nan, direction)

    def raw(self, value: float | None, context: None) -> tuple[int, int]:
        """(raw, east/west), to the nearest degree."""
        if value is None:
            return DIRECTION_UNKNOWN - 180, 1
        degrees = round(value)
        return (degrees, 0) if degrees < 180 else (degrees - 180, 1)


FIELDS = MessageFields(1, "location", LocationMessage, (
    Field("status", Bits(1, low=4, width=4), labels=OperationalStatus),
    Field("height_type", Bits(1, low=2, width=1), labels=HeightType),
    Field("direction", Bits(2), rule=Direction(flag=Bits(1, low=1, width=1))),
    Field("speed_h", Bits(3), rule=Speed(flag=Bits(1, low=0, width=1))),
    # int8 * 0.5 m/s, up positive; 63 m/s unknown; the encoder keeps to the reference
    # encoder's +-62 m/s
    Field("speed_v", Bits(4, "i1"), step=0.5, unknown=126, limits=(-124, 124)),
    *position("lat", "lon", 5),
    altitude("alt_baro", 13),
    altitude("alt_geo", 15),
    altitude("height", 17),
    Field("h_accuracy", Bits(19, low=0, width=4), labels=HorizontalAccuracy,
          meaning=HORIZONTAL_ACCURACY_M),
    Field("v_accuracy", Bits(19, low=4, width=4), labels=VerticalAccuracy,
          meaning=VERTICAL_ACCURACY_M),
    Field("baro_accuracy", Bits(20, low=4, width=4), labels=VerticalAccuracy,
          meaning=VERTICAL_ACCURACY_M),
    Field("speed_accuracy", Bits(20, low=0, width=4), labels=SpeedAccuracy,
          meaning=SPEED_ACCURACY_MPS),
    # tenths of a second since the full UTC hour
    Field("seconds_after_hour", Bits(21, "<u2"), per=10, unknown=0xFFFF, top=36000),
    Field("timestamp_accuracy", Bits(23, low=0, width=4), per=10, unknown=0),  # seconds
))  # fmt: skip
decode_location = FIELDS.decode


def time_of_location(seconds_after_hour: float, received: datetime) -> datetime:
    """The UTC time a location was measured: the hour that puts it nearest to `received`."""
    hour = received.replace(minute=0, second=0, microsecond=0)
    candidate = hour + timedelta(seconds=seconds_after_hour)
    if (candidate - received).total_seconds() > 1800:
        candidate -= timedelta(hours=1)
    elif (received - candidate).total_seconds() > 1800:
        candidate += timedelta(hours=1)
    return candidate
