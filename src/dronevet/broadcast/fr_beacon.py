"""The French national drone beacon ("signalement électronique") in Wi-Fi beacons.

France requires drones of 800 g and more to broadcast an identification beacon (décret
2019-1114, arrêté du 27 décembre 2019: one unencrypted Wi-Fi frame, WGS-84 degrees, SI
units, fields as TLV (type, length, value) from the decree's annex table). It travels in a
beacon's vendor-specific element (id 221), OUI 6A:5C:35, vendor type 0x01; `decode_fr_beacon`
takes the element body after those four bytes, a run of TLVs, big-endian values:

    type  length  value
    1     1       protocol version (1)
    2     30      French ID: maker trigram (3), model (3), serial (24), ASCII
    3     <= 20   ANSI/CTA-2063-A serial number (off-the-shelf drones, instead of type 2)
    4     4       latitude  } int32, degrees * 1e5 (WGS-84)
    5     4       longitude }
    6     2       altitude above mean sea level, int16 m   } one of the two
    7     2       height above the take-off point, int16 m }
    8     4       take-off latitude  } int32, degrees * 1e5
    9     4       take-off longitude }
    10    1       ground speed, uint8 m/s
    11    2       true route (track), uint16 degrees from north, 0-359

Sources: the type list and units as published descriptions of the decree's annex give
them (skyinnov.fr / signal-drone.com, "Informations codées transmises par le signalement
électronique", 2020-06-26); widths, byte order and the 1e5 scale from the reference
implementation khancyr/droneID_FR (`droneID_FR.h`, 2020-06-12, "implémentation de
référence"), which independent receivers (ESP32 sniffers, Android receivers) decode the
same way; read 2026-11-23. The decree defines no "unknown" value: a latitude and longitude
both 0, which receivers take as "no fix", are reported as unknown here. Types outside 1-11
are skipped (reserved for later versions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Final

from dronevet.broadcast.remoteid.common import MessageError

LATLON_UNITS: Final = 100_000
"""Positions are int32 counts of 1e-5 degree (divided, so the decimal prints exactly)."""
WIDTHS: Final = {1: 1, 2: 30, 4: 4, 5: 4, 6: 2, 7: 2, 8: 4, 9: 4, 10: 1, 11: 2}
"""Fixed value lengths by type (type 3, the ANSI/CTA serial, is variable)."""
ANSI_MAX = 20
SIGNED: Final = frozenset({4, 5, 6, 7, 8, 9})


@dataclass(frozen=True, slots=True)
class FrBeacon:
    """One French beacon: identity, position, take-off point, speed and route."""

    version: int | None
    fr_id: str | None  # maker trigram + model + serial, 30 characters
    ansi_id: str | None  # ANSI/CTA-2063-A serial number
    lat: float | None  # degrees, WGS-84
    lon: float | None
    alt: int | None  # m above mean sea level
    height: int | None  # m above the take-off point
    home_lat: float | None  # take-off point, degrees
    home_lon: float | None
    speed_h: int | None  # m/s over ground
    direction: int | None  # true route, degrees from north

    msg_type: ClassVar[str] = "fr_beacon"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields; `uas_id` is the French ID, else the ANSI/CTA serial."""
        return {
            "msg_type": self.msg_type, "version": self.version,
            "uas_id": self.fr_id or self.ansi_id, "fr_id": self.fr_id, "ansi_id": self.ansi_id,
            "lat": self.lat, "lon": self.lon, "alt": self.alt, "height": self.height,
            "home_lat": self.home_lat, "home_lon": self.home_lon,
            "speed_h": self.speed_h, "direction": self.direction,
        }  # fmt: skip


def _position(values: dict[int, Any], lat_type: int) -> tuple[float | None, float | None]:
    lat_raw, lon_raw = values.get(lat_type), values.get(lat_type + 1)
    if lat_raw is None or lon_raw is None or (lat_raw == 0 and lon_raw == 0):
        return None, None
    lat, lon = lat_raw / LATLON_UNITS, lon_raw / LATLON_UNITS
    if abs(lat) > 90 or abs(lon) > 180:
        raise MessageError(f"French beacon position {lat}, {lon} is off the globe")
    return lat, lon


def _text(raw: bytes) -> str:
    return raw.rstrip(b"\0").decode("ascii", "backslashreplace")


def decode_fr_beacon(body: bytes) -> FrBeacon:
    """Decode the TLVs after OUI 6A:5C:35 and vendor type 0x01; MessageError if malformed."""
    values: dict[int, Any] = {}
    pos = 0
    while pos < len(body):
        if pos + 2 > len(body):
            raise MessageError(f"French beacon TLV header cut at byte {pos}")
        kind, size = body[pos], body[pos + 1]
        value = body[pos + 2 : pos + 2 + size]
        if len(value) < size:
            raise MessageError(f"French beacon type {kind} runs past the element")
        pos += 2 + size
        width = WIDTHS.get(kind)
        if kind == 3:
            if size > ANSI_MAX:
                raise MessageError(f"French beacon ANSI/CTA serial of {size} bytes (max 20)")
            values[kind] = _text(value)
        elif width is None:
            continue
        elif size != width:
            raise MessageError(f"French beacon type {kind} has {size} bytes, not {width}")
        elif kind == 2:
            values[kind] = _text(value)
        else:
            values[kind] = int.from_bytes(value, "big", signed=kind in SIGNED)
    if 2 not in values and 3 not in values:
        raise MessageError("French beacon without an identifier (type 2 or 3)")
    lat, lon = _position(values, 4)
    home_lat, home_lon = _position(values, 8)
    return FrBeacon(
        version=values.get(1), fr_id=values.get(2), ansi_id=values.get(3), lat=lat, lon=lon,
        alt=values.get(6), height=values.get(7), home_lat=home_lat, home_lon=home_lon,
        speed_h=values.get(10), direction=values.get(11),
    )  # fmt: skip
