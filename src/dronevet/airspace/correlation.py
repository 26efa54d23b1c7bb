"""A track joined with what the site knows: is it ours, is it authorised to be where it is.

- `ours`: one of the track's identities (serial, UAS ID) is an aircraft serial in the fleet
  register.
- `authorised`: None when no authorisation names the track's aircraft; True when every
  position it reported (or, with none, the time it was last heard) lies inside the area and
  window of one of its authorisations; False otherwise, with the first position that does
  not (`outside`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dronevet.airspace.authorisations import Authorisation
from dronevet.airspace.tracks import AirspaceTrack
from dronevet.broadcast.detection import Point
from dronevet.broadcast.tracker import Fix


@dataclass(frozen=True, slots=True)
class Correlated:
    """A track with its standing: ours, authorised, and the authorisations that name it."""

    track: AirspaceTrack
    ours: bool
    authorised: bool | None
    authorisations: tuple[Authorisation, ...]
    outside: Fix | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `airspace tracks --format json` contract for one track."""
        track = self.track
        position = track.position
        return {
            "key": track.key,
            "uas_ids": list(track.uas_ids),
            "macs": list(track.macs),
            "identity": track.identity,
            "covered_status": track.covered_status,
            "covered_reason": track.covered_reason,
            "state": track.state,
            "first_seen": track.first_seen.isoformat(),
            "last_seen": track.last_seen.isoformat(),
            "messages": track.messages,
            "sensors": list(track.sensors),
            "transports": list(track.transports),
            "position": _point(position, alt=True),
            "pilot": _point(track.pilot),
            "home": _point(track.home),
            "ours": self.ours,
            "authorised": self.authorised,
            "authorisations": [item.reference for item in self.authorisations],
        }


def _point(point: Point | None, *, alt: bool = False) -> dict[str, Any] | None:
    if point is None:
        return None
    found: dict[str, Any] = {"lat": point.lat, "lon": point.lon}
    if alt:
        found["alt"] = point.alt
    return found


def _outside(track: AirspaceTrack, mine: Sequence[Authorisation]) -> Fix | None:
    for fix in track.fixes:
        where = Point(fix.lat, fix.lon, fix.alt)
        if not any(item.covers(fix.time, where) for item in mine):
            return fix
    return None


def correlate(
    track: AirspaceTrack, fleet_serials: frozenset[str], authorisations: Iterable[Authorisation]
) -> Correlated:
    """The track's standing (see the module docstring); `fleet_serials` upper-cased."""
    ours = any(name.upper() in fleet_serials for name in track.uas_ids)
    mine = tuple(item for item in authorisations if item.names(track.uas_ids))
    if not mine:
        return Correlated(track, ours, None, ())
    if not track.fixes:
        inside = any(item.covers(track.last_seen, None) for item in mine)
        return Correlated(track, ours, inside, mine)
    outside = _outside(track, mine)
    return Correlated(track, ours, outside is None, mine, outside)
