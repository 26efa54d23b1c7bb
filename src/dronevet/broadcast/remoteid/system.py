"""ASTM F3411 System message (type 4): the operator's position and the operating area.

    byte  0      header: type 4 (bits 7-4), protocol version (bits 3-0)
    byte  1      reserved (bits 7-5) | classification type (bits 4-2) |
                 operator location type (bits 1-0: takeoff, live GNSS, fixed)
    bytes 2-5    operator latitude  int32 * 1e-7 degrees  } both 0 = unknown
    bytes 6-9    operator longitude int32 * 1e-7 degrees  }
    bytes 10-11  area count (number of aircraft)
    byte  12     area radius * 10 m
    bytes 13-14  area ceiling  uint16 * 0.5 - 1000 m } 0 = unknown
    bytes 15-16  area floor    uint16 * 0.5 - 1000 m }
    byte  17     EU category (bits 7-4) | EU class (bits 3-0)     (EU classification only)
    bytes 18-19  operator geodetic altitude uint16 * 0.5 - 1000 m
    bytes 20-23  timestamp, seconds since 2019-01-01 00:00 UTC       (version 2 on)
    byte  24     reserved

Classification (added for ASD-STAN, 2020) and operator altitude (F3411 v1.1, 2021) decode
in every version: transmitters built on opendroneid-core-c between 2020-06 and 2021-08 send
them with protocol version 0 (the shared Wi-Fi sample does), and a true F3411-19 sender
zeroes those bytes, which decode to "undeclared" and unknown. The timestamp, added together
with protocol version 2 (core-c commits 22fe11c and 14a7cc6, 2022-03-16), is read from
version 2 on only: older senders left those bytes reserved and not always zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import (
    Layout,
    decode_altitude,
    decode_position,
    decode_time_2019,
    effective_version,
    register,
)
from dronevet.broadcast.remoteid.enums import (
    CategoryEu,
    ClassEu,
    ClassificationType,
    OperatorLocationType,
    lookup,
)

LAYOUT = Layout(
    ("header", "u1"),
    ("flags", "u1"),
    ("operator_lat", "<i4"),
    ("operator_lon", "<i4"),
    ("area_count", "<u2"),
    ("area_radius", "u1"),
    ("area_ceiling", "<u2"),
    ("area_floor", "<u2"),
    ("classification", "u1"),
    ("operator_alt", "<u2"),
    ("timestamp", "<u4"),
    ("reserved", "u1"),
)

AREA_RADIUS_STEP = 10.0

_CLASSIFICATION = lookup(ClassificationType, 8)
_LOCATION_TYPE = lookup(OperatorLocationType, 4)
_CATEGORY = lookup(CategoryEu)
_CLASS = lookup(ClassEu)


@dataclass(frozen=True, slots=True)
class SystemMessage:
    """Operator position, operating area, classification; None where absent or unknown."""

    version: int
    operator_location_type: OperatorLocationType
    operator_lat: float | None
    operator_lon: float | None
    area_count: int
    area_radius: float  # m
    area_ceiling: float | None  # m
    area_floor: float | None  # m
    classification_type: ClassificationType
    category_eu: CategoryEu | None
    class_eu: ClassEu | None
    operator_alt: float | None  # m, WGS-84 height above ellipsoid
    timestamp: datetime | None  # UTC

    msg_type: ClassVar[str] = "system"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return {
            "operator_lat": self.operator_lat,
            "operator_lon": self.operator_lon,
            "operator_alt": self.operator_alt,
            "operator_location_type": self.operator_location_type.label,
            "area_count": self.area_count,
            "area_radius": self.area_radius,
            "area_ceiling": self.area_ceiling,
            "area_floor": self.area_floor,
            "classification_type": self.classification_type.label,
            "category_eu": _label(self.category_eu),
            "class_eu": _label(self.class_eu),
            "system_timestamp": self.timestamp.isoformat() if self.timestamp else None,
        }


def _label(value: CategoryEu | ClassEu | None) -> str | None:
    return None if value is None else value.label


@register(4)
def decode_system(data: bytes, version: int) -> SystemMessage:
    """Decode one 25-byte System message."""
    (_, flags, lat_raw, lon_raw, area_count, radius, ceiling, floor, classification,
     operator_alt, timestamp, _) = LAYOUT.unpack(data)  # fmt: skip
    lat, lon = decode_position(lat_raw, lon_raw)
    classification_type = _CLASSIFICATION[(flags >> 2) & 0x07]
    is_eu = classification_type == ClassificationType.EU
    return SystemMessage(
        version=version,
        operator_location_type=_LOCATION_TYPE[flags & 0x03],
        operator_lat=lat,
        operator_lon=lon,
        area_count=area_count,
        area_radius=radius * AREA_RADIUS_STEP,
        area_ceiling=decode_altitude(ceiling),
        area_floor=decode_altitude(floor),
        classification_type=classification_type,
        category_eu=_CATEGORY[classification >> 4] if is_eu else None,
        class_eu=_CLASS[classification & 0x0F] if is_eu else None,
        operator_alt=decode_altitude(operator_alt),
        timestamp=decode_time_2019(timestamp) if effective_version(version) >= 2 else None,
    )
