"""The alert rules: what about a correlated track a site must be told, with the evidence.

Five rules, each raised at most once per track (the store keeps one alert per track and
rule):

- `unknown_in_zone`: a drone that is not ours and not authorised was inside a protected
  zone (inside its area and altitude band);
- `covered_make_in_zone`: a drone whose maker is covered (screening's determination) was
  inside a protected zone;
- `droneid_without_remoteid`: a DJI drone was heard by its DroneID but never on Remote ID;
- `outside_authorisation`: an authorised aircraft flew outside its area or window;
- `pilot_in_zone`: the pilot's (operator's) position was inside a protected zone.

The rules are pure: they read the track, the zones and the correlation, and say why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dronevet.airspace.correlation import Correlated
from dronevet.airspace.zones import Zone
from dronevet.broadcast.detection import Point
from dronevet.broadcast.tracker import Fix

RULES = ("unknown_in_zone", "covered_make_in_zone", "droneid_without_remoteid",
         "outside_authorisation", "pilot_in_zone")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Alert:
    """One rule met by one track: what happened, in words, and the evidence for it."""

    track_key: str
    rule: str
    zone: str | None
    message: str
    evidence: dict[str, Any]


def _name(found: Correlated) -> str:
    track = found.track
    return ", ".join(track.uas_ids) if track.uas_ids else f"MAC {', '.join(track.macs)}"


def _where(point: Point) -> str:
    alt = "" if point.alt is None else f", altitude {point.alt:g} m"
    return f"{point.lat:.5f}, {point.lon:.5f}{alt}"


def _fix(fix: Fix) -> dict[str, Any]:
    return {"time": fix.time.isoformat(), "lat": fix.lat, "lon": fix.lon, "alt": fix.alt}


def _evidence(found: Correlated, **more: Any) -> dict[str, Any]:
    track = found.track
    return {
        "uas_ids": list(track.uas_ids), "macs": list(track.macs), "sensors": list(track.sensors),
        "transports": list(track.transports), "identity": track.identity,
        "covered_status": track.covered_status, "ours": found.ours,
        "authorised": found.authorised,
        "authorisations": [item.reference for item in found.authorisations], **more,
    }  # fmt: skip


def _first_inside(found: Correlated, zones: Sequence[Zone]) -> tuple[Zone, Fix] | None:
    for fix in found.track.fixes:
        point = Point(fix.lat, fix.lon, fix.alt)
        for zone in zones:
            if zone.contains(point):
                return zone, fix
    return None


def _in_zone(rule: str, found: Correlated, zones: Sequence[Zone], who: str) -> Alert | None:
    inside = _first_inside(found, zones)
    if inside is None:
        return None
    zone, fix = inside
    point = Point(fix.lat, fix.lon, fix.alt)
    return Alert(
        found.track.key, rule, zone.name,
        f"{who} ({_name(found)}) was inside the protected zone {zone.name} ({zone.band()}) "
        f"at {fix.time:%Y-%m-%d %H:%M:%S} UTC, at {_where(point)}.",
        _evidence(found, zone=zone.name, floor_m=zone.floor_m, ceiling_m=zone.ceiling_m,
                  position=_fix(fix)),
    )  # fmt: skip


def unknown_in_zone(found: Correlated, zones: Sequence[Zone]) -> Alert | None:
    if found.ours or found.authorised:
        return None
    return _in_zone("unknown_in_zone", found, zones,
                    "A drone that is neither ours nor authorised")  # fmt: skip


def covered_make_in_zone(found: Correlated, zones: Sequence[Zone]) -> Alert | None:
    if found.track.covered_status != "covered":
        return None
    maker = (found.track.identity.get("manufacturer") or {}).get("name") or "a covered maker"
    return _in_zone("covered_make_in_zone", found, zones,
                    f"A drone made by {maker}, a covered entity,")  # fmt: skip


def droneid_without_remoteid(found: Correlated, _zones: Sequence[Zone]) -> Alert | None:
    track = found.track
    if not track.heard_on_droneid or track.heard_on_remote_id:
        return None
    return Alert(
        track.key, "droneid_without_remoteid", None,
        f"The DJI drone {_name(found)} was heard by its DroneID broadcast but sent no Remote "
        f"ID, from {track.first_seen:%Y-%m-%d %H:%M:%S} to {track.last_seen:%H:%M:%S} UTC.",
        _evidence(found, first_seen=track.first_seen.isoformat(),
                  last_seen=track.last_seen.isoformat()),
    )  # fmt: skip


def outside_authorisation(found: Correlated, _zones: Sequence[Zone]) -> Alert | None:
    if found.authorised is not False:
        return None
    fix, track = found.outside, found.track
    references = ", ".join(item.reference for item in found.authorisations)
    if fix is None:
        where, position = f"at {track.last_seen:%Y-%m-%d %H:%M:%S} UTC", None
    else:
        point = Point(fix.lat, fix.lon, fix.alt)
        where = f"at {fix.time:%Y-%m-%d %H:%M:%S} UTC, at {_where(point)}"
        position = _fix(fix)
    return Alert(
        track.key, "outside_authorisation", None,
        f"The authorised aircraft {_name(found)} flew outside the area or time window of its "
        f"authorisation ({references}) {where}.",
        _evidence(found, position=position),
    )  # fmt: skip


def pilot_in_zone(found: Correlated, zones: Sequence[Zone]) -> Alert | None:
    pilot = found.track.pilot
    if pilot is None:
        return None
    where = Point(pilot.lat, pilot.lon)
    zone = next((zone for zone in zones if zone.contains(where)), None)
    if zone is None:
        return None
    return Alert(
        found.track.key, "pilot_in_zone", zone.name,
        f"The pilot of the drone {_name(found)} was inside the protected zone {zone.name}, "
        f"at {_where(where)} (last heard {found.track.last_seen:%Y-%m-%d %H:%M:%S} UTC).",
        _evidence(found, zone=zone.name, pilot={"lat": pilot.lat, "lon": pilot.lon}),
    )  # fmt: skip


CHECKS: tuple[Callable[[Correlated, Sequence[Zone]], Alert | None], ...] = (
    unknown_in_zone, covered_make_in_zone, droneid_without_remoteid, outside_authorisation,
    pilot_in_zone,
)  # fmt: skip


def alerts_for(found: Correlated, zones: Sequence[Zone]) -> list[Alert]:
    """Every rule the track meets, in the order of `RULES`."""
    return [alert for check in CHECKS if (alert := check(found, zones)) is not None]
