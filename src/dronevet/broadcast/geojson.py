"""GeoJSON (RFC 7946) of drone broadcasts: a FeatureCollection, one feature per line.

Messages: a Point per record that carries a position (`positions.position`), coordinates
[longitude, latitude], properties the record itself plus its `role` (aircraft, operator).
`feature_line` writes one record; `template` writes the same bytes from the batch columns
in compiled code (`row_writer`: the JSON object of the record, with the geometry before it
and the role after it).

Tracks (`track_features`): per drone its latest position (role aircraft), its path (a
LineString of its history, role path), its operator and its home (Points); the drone's
first feature carries its whole summary, the others its key and role.

Each feature is written after a `SEPARATOR`, so features can be rendered by the million
without knowing which comes first: the writer drops the separator before the first one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import orjson

from dronevet.broadcast.positions import AIRCRAFT, OPERATOR, PLACES, position

if TYPE_CHECKING:
    from dronevet.broadcast.row_writer import Template

HEADER = '{"type":"FeatureCollection","features":[\n'
FOOTER = "\n]}\n"
SEPARATOR = b",\n"
_FEATURE = b'{"type":"Feature","geometry":{"type":"Point","coordinates":['


def _line(geometry: dict[str, Any], properties: dict[str, Any]) -> bytes:
    return SEPARATOR + orjson.dumps(
        {"type": "Feature", "geometry": geometry, "properties": properties}
    )


def feature_line(record: dict[str, Any]) -> bytes:
    """One record's feature after its separator; nothing for a record without a position."""
    at = position(record)
    if at is None:
        return b""
    return _line({"type": "Point", "coordinates": [at.lon, at.lat]}, {**record, "role": at.role})


@functools.cache
def template() -> Template:
    """The batch path's template: `feature_line` for each message type with a position."""
    from dronevet.broadcast import row_writer as rw
    from dronevet.broadcast.rid_fields import MESSAGE_FIELDS

    variants = []
    for code, (_, fields) in MESSAGE_FIELDS.items():
        decimals = {f.key: f.decimals for f in fields}
        for lat, lon, role in PLACES:
            if lat in decimals and lon in decimals:
                role_end = b',"role":' + orjson.dumps(role) + b"}}"
                pieces = [SEPARATOR + _FEATURE, rw.value(rw.FLOAT, lon, decimals[lon]), b",",
                          rw.value(rw.FLOAT, lat, decimals[lat]), b']},"properties":',
                          *rw.json_pieces(code), role_end]  # fmt: skip
                variants.append(rw.Variant(code, *rw.compose(pieces), known=(lat, lon)))
    return rw.Template(variants, b"null", False, rw.json_text)


def _point(lat: Any, lon: Any) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def track_features(summary: dict[str, Any]) -> bytes:
    """A drone's features (`Tracker.summary()` with its identity), each after its separator."""
    path = [[lon, lat] for _, lat, lon, _ in summary.get("history") or ()]
    geometries = [
        (AIRCRAFT, _point(summary.get("lat"), summary.get("lon"))),
        ("path", {"type": "LineString", "coordinates": path} if len(path) > 1 else None),
        (OPERATOR, _point(summary.get("operator_lat"), summary.get("operator_lon"))),
        ("home", _point(summary.get("home_lat"), summary.get("home_lon"))),
    ]
    placed = [(role, geometry) for role, geometry in geometries if geometry is not None]
    return b"".join(
        _line(geometry, {**summary, "role": role} if not index
              else {"key": summary.get("key"), "role": role})
        for index, (role, geometry) in enumerate(placed)
    )  # fmt: skip
