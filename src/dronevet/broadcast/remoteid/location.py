"""ASTM F3411 Location/Vector message (type 1): where the aircraft is and how it moves.

    byte  0      header: type 1 (bits 7-4), protocol version (bits 3-0)
    byte  1      status (bits 7-4) | reserved (bit 3) | height type (bit 2) |
                 E/W direction segment (bit 1) | speed multiplier (bit 0)
    byte  2      direction: degrees, +180 when the E/W bit is set; 361 = unknown
    byte  3      horizontal speed: raw * 0.25 m/s, or raw * 0.75 + 63.75 m/s with the
                 multiplier bit; 255 m/s (raw 255, multiplier 1) = unknown
    byte  4      vertical speed: int8 * 0.5 m/s, up positive; 63 m/s (raw 126) = unknown
    bytes 5-8    latitude  int32 * 1e-7 degrees  } both 0 = unknown
    bytes 9-12   longitude int32 * 1e-7 degrees  }
    bytes 13-14  pressure altitude   uint16 * 0.5 - 1000 m } 0 (-1000 m) = unknown
    bytes 15-16  geodetic altitude   uint16 * 0.5 - 1000 m } (WGS-84 HAE)
    bytes 17-18  height              uint16 * 0.5 - 1000 m } above takeoff or ground
    byte  19     vertical accuracy (bits 7-4) | horizontal accuracy (bits 3-0)
    byte  20     barometric altitude accuracy (bits 7-4) | speed accuracy (bits 3-0)
    bytes 21-22  timestamp: tenths of a second since the full UTC hour; 0xFFFF = unknown
                 (0xFFFF is named from version 1 on; any value over 36000 is out of range)
    byte  23     reserved (bits 7-4) | timestamp accuracy, tenths of a second (bits 3-0)
    byte  24     reserved

Status 4 (Remote ID system failure) is new in protocol version 2; earlier versions reserve it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import (
    Layout,
    decode_altitude,
    decode_position,
    register,
)
from dronevet.broadcast.remoteid.enums import (
    HORIZONTAL_ACCURACY_M,
    SPEED_ACCURACY_MPS,
    VERTICAL_ACCURACY_M,
    HeightType,
    HorizontalAccuracy,
    OperationalStatus,
    SpeedAccuracy,
    VerticalAccuracy,
    lookup,
)

LAYOUT = Layout(
    ("header", "u1"),
    ("flags", "u1"),
    ("direction", "u1"),
    ("speed_h", "u1"),
    ("speed_v", "i1"),
    ("lat", "<i4"),
    ("lon", "<i4"),
    ("alt_baro", "<u2"),
    ("alt_geo", "<u2"),
    ("height", "<u2"),
    ("accuracy_hv", "u1"),
    ("accuracy_bs", "u1"),
    ("timestamp", "<u2"),
    ("accuracy_t", "u1"),
    ("reserved", "u1"),
)

SPEED_STEP = 0.25
SPEED_STEP_FAST = 0.75
SPEED_FAST_BASE = 255 * SPEED_STEP  # 63.75 m/s, where the multiplier bit takes over
SPEED_UNKNOWN = 255.0
VSPEED_STEP = 0.5
VSPEED_UNKNOWN = 63.0
DIRECTION_UNKNOWN = 361
TIMESTAMP_UNKNOWN = 0xFFFF
TIMESTAMP_MAX = 36000  # tenths of a second in an hour

_STATUS = lookup(OperationalStatus)
_HEIGHT_TYPE = lookup(HeightType, 2)
_H_ACC = lookup(HorizontalAccuracy)
_V_ACC = lookup(VerticalAccuracy)
_S_ACC = lookup(SpeedAccuracy)


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
        return {
            "status": self.status.label,
            "height_type": self.height_type.label,
            "direction": self.direction,
            "speed_h": self.speed_h,
            "speed_v": self.speed_v,
            "lat": self.lat,
            "lon": self.lon,
            "alt_baro": self.alt_baro,
            "alt_geo": self.alt_geo,
            "height": self.height,
            "h_accuracy": HORIZONTAL_ACCURACY_M[self.h_accuracy],
            "v_accuracy": VERTICAL_ACCURACY_M[self.v_accuracy],
            "baro_accuracy": VERTICAL_ACCURACY_M[self.baro_accuracy],
            "speed_accuracy": SPEED_ACCURACY_MPS[self.speed_accuracy],
            "seconds_after_hour": self.seconds_after_hour,
            "timestamp_accuracy": self.timestamp_accuracy,
        }


def decode_speed_h(raw: int, multiplier: int) -> float | None:
    """Horizontal speed in m/s; None for the unknown value 255 m/s."""
    speed = raw * SPEED_STEP_FAST + SPEED_FAST_BASE if multiplier else raw * SPEED_STEP
    return None if speed == SPEED_UNKNOWN else speed


def decode_direction(raw: int, east_west: int) -> float | None:
    """Track direction in degrees; None for the unknown value 361 (or anything above 360)."""
    direction = raw + 180 if east_west else raw
    return None if direction > 360 else float(direction)


def time_of_location(seconds_after_hour: float, received: datetime) -> datetime:
    """The UTC time a location was measured: the hour that puts it nearest to `received`."""
    hour = received.replace(minute=0, second=0, microsecond=0)
    candidate = hour + timedelta(seconds=seconds_after_hour)
    if (candidate - received).total_seconds() > 1800:
        candidate -= timedelta(hours=1)
    elif (received - candidate).total_seconds() > 1800:
        candidate += timedelta(hours=1)
    return candidate


@register(1)
def decode_location(data: bytes, version: int) -> LocationMessage:
    """Decode one 25-byte Location/Vector message."""
    (_, flags, direction, speed_h, speed_v, lat_raw, lon_raw, alt_baro, alt_geo, height,
     acc_hv, acc_bs, timestamp, acc_t, _) = LAYOUT.unpack(data)  # fmt: skip
    lat, lon = decode_position(lat_raw, lon_raw)
    return LocationMessage(
        version=version,
        status=_STATUS[flags >> 4],
        height_type=_HEIGHT_TYPE[(flags >> 2) & 1],
        direction=decode_direction(direction, (flags >> 1) & 1),
        speed_h=decode_speed_h(speed_h, flags & 1),
        speed_v=None if speed_v * VSPEED_STEP == VSPEED_UNKNOWN else speed_v * VSPEED_STEP,
        lat=lat,
        lon=lon,
        alt_baro=decode_altitude(alt_baro),
        alt_geo=decode_altitude(alt_geo),
        height=decode_altitude(height),
        h_accuracy=_H_ACC[acc_hv & 0x0F],
        v_accuracy=_V_ACC[acc_hv >> 4],
        baro_accuracy=_V_ACC[acc_bs >> 4],
        speed_accuracy=_S_ACC[acc_bs & 0x0F],
        seconds_after_hour=None if timestamp > TIMESTAMP_MAX else timestamp / 10,
        timestamp_accuracy=(acc_t & 0x0F) / 10 if acc_t & 0x0F else None,
    )
