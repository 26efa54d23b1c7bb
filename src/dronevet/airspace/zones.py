"""Protected zones: areas (GeoJSON polygons) with an altitude band, read from GeoJSON files.

A zone file is a FeatureCollection; each feature is a Polygon or MultiPolygon with the
properties `name` (required, unique in the file) and optionally `floor_m` and `ceiling_m`,
the band of altitudes it protects in metres above the WGS-84 ellipsoid (as Remote ID's
geodetic altitude; a drone reporting only barometric or DJI altitude is compared with that).
A drone whose altitude is unknown counts as inside the band: a zone is not left unguarded
for want of a number. A bad feature stops the import, naming the file and the feature.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from dronevet.airspace.geometry import AreaError, area_of, covers, features, features_of
from dronevet.broadcast.detection import Point
from dronevet.errors import BadInputError


@dataclass(frozen=True, slots=True)
class Zone:
    """A protected zone: its name, GeoJSON geometry (and shape), and altitude band."""

    name: str
    geometry: Mapping[str, Any]
    area: BaseGeometry
    floor_m: float | None = None
    ceiling_m: float | None = None

    @classmethod
    def of(
        cls, name: str, geometry: Any, floor_m: float | None = None,
        ceiling_m: float | None = None,
    ) -> Zone:  # fmt: skip
        """A zone from its GeoJSON geometry; AreaError when that is not an area."""
        if floor_m is not None and ceiling_m is not None and floor_m > ceiling_m:
            raise AreaError(f"its floor_m {floor_m} is above its ceiling_m {ceiling_m}")
        return cls(name, geometry, area_of(geometry), floor_m, ceiling_m)

    def contains(self, point: Point) -> bool:
        """Whether the position is inside the area and its altitude inside the band."""
        if not covers(self.area, point):
            return False
        if point.alt is None:
            return True
        above = self.floor_m is None or point.alt >= self.floor_m
        return above and (self.ceiling_m is None or point.alt <= self.ceiling_m)

    def band(self) -> str:
        """The altitude band in words."""
        if self.floor_m is None and self.ceiling_m is None:
            return "at any altitude"
        low = "the ground" if self.floor_m is None else f"{self.floor_m:g} m"
        high = "any height" if self.ceiling_m is None else f"{self.ceiling_m:g} m"
        return f"from {low} to {high}"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "geometry": dict(self.geometry), "floor_m": self.floor_m,
                "ceiling_m": self.ceiling_m}  # fmt: skip


def _metres(properties: Mapping[str, Any], name: str) -> float | None:
    value = properties.get(name)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise AreaError(f"its {name} is not a number of metres")
    return float(value)


def read_zones(path: Path) -> list[Zone]:
    """The zones of a GeoJSON file (see the module docstring)."""
    return _zones(features(path), str(path))


def zones_of(data: bytes, name: str) -> list[Zone]:
    """The zones of an uploaded GeoJSON file's bytes, errors naming the file `name`."""
    return _zones(features_of(data, name), name)


def _zones(found: Iterable[tuple[int, Mapping[str, Any]]], path: str) -> list[Zone]:
    zones: dict[str, Zone] = {}
    for number, feature in found:
        properties = feature.get("properties") or {}
        name = properties.get("name")
        try:
            if not isinstance(name, str) or not name.strip():
                raise AreaError("it has no name (a `name` property)")
            if name.strip() in zones:
                raise AreaError(f"its name {name.strip()!r} is already used by another zone")
            zone = Zone.of(name.strip(), feature.get("geometry"),
                           _metres(properties, "floor_m"), _metres(properties, "ceiling_m"))
        except AreaError as error:
            raise BadInputError(f"feature {number}: {error}.", path=path) from None
        zones[zone.name] = zone
    if not zones:
        raise BadInputError("holds no zones (the FeatureCollection is empty).", path=path)
    return list(zones.values())
