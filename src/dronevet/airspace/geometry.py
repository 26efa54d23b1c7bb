"""GeoJSON areas read with shapely: polygons checked, and the features of an uploaded file.

Positions are WGS-84 degrees, GeoJSON order (longitude, latitude); a shape must be a
valid Polygon or MultiPolygon inside the globe's bounds. Containment is `covers`: a point
on the boundary is inside.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from shapely import Point as ShapelyPoint
from shapely.errors import GEOSException, ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dronevet.broadcast.detection import Point
from dronevet.errors import BadInputError

AREA_TYPES = ("Polygon", "MultiPolygon")


class AreaError(ValueError):
    """Why a geometry is not a usable area (one sentence)."""


def area_of(geometry: Any) -> BaseGeometry:
    """The shapely shape of a GeoJSON Polygon or MultiPolygon; AreaError saying why not."""
    if not isinstance(geometry, Mapping) or geometry.get("type") not in AREA_TYPES:
        raise AreaError("its geometry is not a GeoJSON Polygon or MultiPolygon")
    try:
        found = shape(geometry)
    except (ShapelyError, GEOSException, ValueError, TypeError, IndexError, KeyError) as error:
        raise AreaError(f"its coordinates do not make a polygon ({error})") from None
    if found.is_empty or not found.is_valid:
        raise AreaError("its polygon is empty or crosses itself")
    west, south, east, north = found.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise AreaError("its coordinates are not longitude, latitude in degrees")
    return found


def covers(area: BaseGeometry, point: Point) -> bool:
    """Whether the position lies inside the area or on its edge."""
    return bool(area.covers(ShapelyPoint(point.lon, point.lat)))


def features(path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(number from 1, feature) of a GeoJSON FeatureCollection file; BadInputError naming the
    file when it is not one."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot read it ({error.strerror}).", path=str(path)) from None
    return features_of(data, str(path))


def features_of(data: bytes, name: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(number from 1, feature) of a GeoJSON FeatureCollection's bytes (an upload), errors
    naming the file `name`."""
    try:
        found = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadInputError(f"is not JSON ({error}).", path=name) from None
    if not isinstance(found, dict) or found.get("type") != "FeatureCollection" or not isinstance(
        found.get("features"), list
    ):
        raise BadInputError("is not a GeoJSON FeatureCollection.", path=name)
    return _numbered(found["features"], name)


def _numbered(items: list[Any], name: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for number, feature in enumerate(items, 1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            raise BadInputError(f"feature {number} is not a GeoJSON Feature.", path=name)
        yield number, feature
