"""The air picture as files: the tracks a map shows, as GeoJSON or KML.

Both use the broadcast writers' track layouts (`broadcast.geojson.track_features`,
`broadcast.kml.track_folder`): per drone its latest position, its path, its pilot and its
home, the drone's first feature carrying its summary, here with its standing (ours,
authorised) and the sensors that heard it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dronevet.airspace.correlation import Correlated
from dronevet.broadcast import geojson, kml


def summary(found: Correlated) -> dict[str, Any]:
    """A track in the broadcast writers' summary form, with its standing."""
    entry = found.to_dict()
    position, pilot, home = entry.pop("position"), entry.pop("pilot"), entry.pop("home")
    track = found.track
    entry.update(
        lat=position and position["lat"], lon=position and position["lon"],
        alt_geo=position and position["alt"],
        operator_lat=pilot and pilot["lat"], operator_lon=pilot and pilot["lon"],
        home_lat=home and home["lat"], home_lon=home and home["lon"],
        history=[[fix.time.isoformat(), fix.lat, fix.lon, fix.alt] for fix in track.fixes],
    )  # fmt: skip
    return entry


def tracks_geojson(found: Sequence[Correlated]) -> bytes:
    """A GeoJSON FeatureCollection of the tracks."""
    body = b"".join(geojson.track_features(summary(item)) for item in found)
    return geojson.HEADER.encode() + body.removeprefix(geojson.SEPARATOR) + geojson.FOOTER.encode()


def tracks_kml(found: Sequence[Correlated]) -> bytes:
    """A KML document of the tracks, a Folder per drone."""
    body = b"".join(kml.track_folder(summary(item)) for item in found)
    return kml.HEADER.encode() + body + kml.FOOTER.encode()
