"""Flight authorisations: an aircraft (by serial) and its pilot may fly inside an area
during a time window; read from CSV or GeoJSON.

- CSV: a header row with `reference`, `serial`, `pilot`, `start`, `end`, `area`; `area` is
  the polygon as WKT (`POLYGON ((lon lat, ...))`, longitude first as in GeoJSON).
- GeoJSON: a FeatureCollection whose features are the areas, with the other fields as
  properties.

Times are ISO 8601 with a time zone (`2026-12-03T08:00:00Z`); the window runs from `start`
up to `end`. A bad row or feature stops the import, naming the file and the line or feature.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any

from shapely import wkt
from shapely.errors import GEOSException, ShapelyError
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from dronevet.airspace.geometry import AreaError, area_of, covers, features_of
from dronevet.broadcast.detection import Point
from dronevet.errors import BadInputError

COLUMNS = ("reference", "serial", "pilot", "start", "end", "area")


@dataclass(frozen=True, slots=True)
class Authorisation:
    """Aircraft `serial`, flown by `pilot`, may be inside `area` from `starts_at` to `ends_at`."""

    reference: str
    serial: str
    pilot: str | None
    geometry: Mapping[str, Any]
    area: BaseGeometry
    starts_at: datetime
    ends_at: datetime

    def names(self, serials: tuple[str, ...]) -> bool:
        """Whether it is for one of these aircraft serials (case does not matter)."""
        return self.serial.upper() in {serial.upper() for serial in serials}

    def covers(self, at: datetime, point: Point | None) -> bool:
        """Whether flying at `at`, at `point` (if known), is inside its window and area."""
        inside_window = self.starts_at <= at < self.ends_at
        return inside_window and (point is None or covers(self.area, point))

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference, "serial": self.serial, "pilot": self.pilot,
            "start": self.starts_at.isoformat(), "end": self.ends_at.isoformat(),
            "area": dict(self.geometry),
        }  # fmt: skip


def _time(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise AreaError(f"its {name} is missing")
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        raise AreaError(f"its {name} {value!r} is not an ISO 8601 time") from None
    if found.tzinfo is None:
        raise AreaError(f"its {name} {value!r} has no time zone (add Z for UTC)")
    return found.astimezone(UTC)


def authorisation(fields: Mapping[str, Any], geometry: Any) -> Authorisation:
    """An authorisation from its fields and GeoJSON area; AreaError saying what is wrong."""
    reference, serial = fields.get("reference"), fields.get("serial")
    for name, value in (("reference", reference), ("serial", serial)):
        if not isinstance(value, str) or not value.strip():
            raise AreaError(f"its {name} is missing")
    starts, ends = _time(fields.get("start"), "start"), _time(fields.get("end"), "end")
    if ends <= starts:
        raise AreaError("its end is not after its start")
    pilot = fields.get("pilot")
    return Authorisation(
        str(reference).strip(), str(serial).strip(),
        pilot.strip() or None if isinstance(pilot, str) else None,
        geometry, area_of(geometry), starts, ends,
    )  # fmt: skip


def _from_csv(data: bytes, path: str) -> list[Authorisation]:
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        header = rows[0].keys() if rows else ()
    except (UnicodeDecodeError, csv.Error) as error:
        raise BadInputError(f"cannot be read as CSV ({error}).", path=path) from None
    missing = [name for name in COLUMNS if name not in header and name != "pilot"]
    if missing:
        raise BadInputError(f"the header lacks {', '.join(missing)} (it needs "
                            f"{', '.join(COLUMNS)}).", path=path, line=1)  # fmt: skip
    found = []
    for line, row in enumerate(rows, 2):
        try:
            try:
                shape = wkt.loads(row.get("area") or "")
            except (ShapelyError, GEOSException, ValueError):
                raise AreaError("its area is not a WKT polygon") from None
            found.append(authorisation(row, mapping(shape)))
        except AreaError as error:
            raise BadInputError(f"{error}.", path=path, line=line) from None
    return found


def _from_geojson(data: bytes, path: str) -> list[Authorisation]:
    found = []
    for number, feature in features_of(data, path):
        try:
            found.append(authorisation(feature.get("properties") or {}, feature.get("geometry")))
        except AreaError as error:
            raise BadInputError(f"feature {number}: {error}.", path=path) from None
    return found


def read_authorisations(path: Path) -> list[Authorisation]:
    """The authorisations of a CSV or GeoJSON file (by its extension; see the docstring)."""
    _kind(path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot read it ({error.strerror}).", path=str(path)) from None
    return authorisations_of(data, str(path))


def _kind(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in (".csv", ".geojson", ".json"):
        raise BadInputError("is neither CSV (.csv) nor GeoJSON (.geojson).", path=name)
    return suffix


def authorisations_of(data: bytes, name: str) -> list[Authorisation]:
    """The authorisations of a file's bytes (an upload), read by the extension of its `name`,
    errors naming it."""
    suffix = _kind(name)
    found = _from_csv(data, name) if suffix == ".csv" else _from_geojson(data, name)
    counts = Counter(item.reference for item in found)
    twice = sorted(ref for ref, count in counts.items() if count > 1)
    if twice:
        raise BadInputError(f"uses the reference {twice[0]!r} twice.", path=name)
    if not found:
        raise BadInputError("holds no authorisations.", path=name)
    return found
