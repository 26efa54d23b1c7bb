"""Where a decoded record puts a drone or its operator on a map, and at what altitude.

A record carries at most one position a map shows (`PLACES`, in order of preference): the
aircraft's (`lat`, `lon`: Remote ID Location, DJI DroneID, the French beacon), else the
operator's (`operator_lat`, `operator_lon`: the Remote ID System message). GeoJSON and KML
place the same records, whether written record by record or from the batch columns.

An altitude is given with a position only where its reference is fixed (`ALTITUDES`): the
Remote ID geodetic altitudes of the aircraft and of the operator (WGS-84 height above the
ellipsoid, ASTM F3411 Location and System messages) and the French beacon's altitude above
mean sea level. Barometric (pressure) altitude, height above takeoff and DJI's altitude
depend on the weather or the takeoff point, so a map keeps those positions on the ground.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

AIRCRAFT, OPERATOR = "aircraft", "operator"
PLACES = (("lat", "lon", AIRCRAFT), ("operator_lat", "operator_lon", OPERATOR))
"""(latitude key, longitude key, role) of the positions a record can carry."""
ALTITUDES = {
    ("location", AIRCRAFT): "alt_geo",
    ("system", OPERATOR): "operator_alt",
    ("fr_beacon", AIRCRAFT): "alt",
}
"""(message type, role) -> the key of an altitude with a fixed reference."""


@dataclass(frozen=True, slots=True)
class Position:
    """A record's place on a map: degrees, its role, and an altitude with a fixed reference."""

    lat: float
    lon: float
    role: str
    alt: float | None


def _number(value: Any) -> TypeGuard[float | int]:
    return isinstance(value, float | int) and not isinstance(value, bool)


def position(record: dict[str, Any]) -> Position | None:
    """The position a record shows on a map, or None when it carries none."""
    for lat_key, lon_key, role in PLACES:
        lat, lon = record.get(lat_key), record.get(lon_key)
        if _number(lat) and _number(lon):
            alt = record.get(ALTITUDES.get((str(record.get("msg_type")), role), ""))
            return Position(float(lat), float(lon), role, float(alt) if _number(alt) else None)
    return None
