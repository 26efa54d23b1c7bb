"""Cursor on Target (CoT) events for TAK (ATAK, WinTAK, iTAK, TAK Server) from drone tracks.

`CotFeed.update` files a detection with the tracker (`Tracker`) and, when the record
placed a drone or its pilot, returns CoT 2.0 events for that drone: one at the drone's
latest position and one at its pilot's or operator's, when the track knows it. Each event
is one line of XML: `<event version uid type time start stale how>`, a `<point lat lon hae
ce le>` and a `<detail>` with the callsign, course and speed, and remarks. A drone keeps
its `uid` (`dronevet-rid-<track key>`, the key being its UAS ID or serial number, else its
MAC address), its pilot `<uid>-pilot`, so TAK moves one marker each.

Types, from MITRE's CoT type table (CoTtypes.xml v1.80), which follows MIL-STD-2525:
- a drone is `a-u-A-M-H-Q` ("Air/Mil/Rotor/Drone,RPV,UAV"): multirotors, helicopters,
  gyroplanes, hybrid lift, and broadcasts that name no type (DJI DroneID, the French
  beacon, Remote ID "none" or "other"), since most drones flown are multirotors;
  `a-u-A-M-F-Q` ("Air/Mil/Fixed/Drone,RPV,UAV") for aeroplanes, gliders and ornithopters;
  `a-u-A-C-L` ("Air/Civ/Blimp") for balloons and airships; `a-u-A` (an air track) for
  kites, parachutes, rockets, tethered aircraft and ground obstacles. The table's only
  civil drone type, `a-.-A-C-F-q`, is a CoT extension for fixed wings that TAK draws without
  the drone symbol, so drone receivers for TAK use the military drone types as well
  (DroneCOT's default `a-u-A-M-H-Q`; uas-cot's `a-u-A-M-F-Q`).
- the affiliation is always `u`, unknown. A broadcast is not authenticated, and neither
  a compliant ID nor a maker on a covered list says whether a flight is friendly or
  hostile; that is the TAK user's call (TAK lets them retype a marker). The maker's
  covered status is in the remarks instead.
- a pilot or operator is `a-u-G`, an unknown ground track (DroneCOT's default for
  operators): the table has no civilian person, only military units such as infantry.
- `how` is `m-g`: a machine's GPS position (the drone's own fix, relayed).

Times: `time` and `start` are the capture time of the update, `stale` `STALE_AFTER` later.
Remote ID transmitters send a Location message about once a second (the shared captures:
every 0.7 s over Wi-Fi beacons, every 0.08 s over Bluetooth 5); ten seconds bridges the
gaps of a drone at the edge of reception, and a drone that landed or left goes stale soon
after its last fix.

Point: `hae` is the geodetic altitude (WGS-84 height above the ellipsoid, as in Remote ID);
`ce` and `le` are one-sigma errors (CoT Event.xsd), so the Remote ID accuracies, 95 %
bounds, are divided by 2.4477 (a circular normal error: P(r <= R) = 1 - exp(-R^2 / 2 sigma^2)
= 0.95) and 1.96. What is not known is 9999999.0, as CoT writes it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dronevet.broadcast.detection import Detection
from dronevet.broadcast.tracker import Track, Tracker
from dronevet.broadcast.xml_text import attribute, text

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase

STALE_AFTER = timedelta(seconds=10)
UNKNOWN = 9999999.0
CIRCULAR_95 = math.sqrt(-2 * math.log(0.05))  # 2.4477: 95 % radius over sigma
LINEAR_95 = 1.959964  # 95 % two-sided bound over sigma
DRONE = "a-u-A-M-H-Q"
UA_TYPES = {
    "aeroplane": "a-u-A-M-F-Q", "glider": "a-u-A-M-F-Q", "ornithopter": "a-u-A-M-F-Q",
    "free_balloon": "a-u-A-C-L", "captive_balloon": "a-u-A-C-L", "airship": "a-u-A-C-L",
    "kite": "a-u-A", "free_fall_parachute": "a-u-A", "rocket": "a-u-A",
    "tethered_powered_aircraft": "a-u-A", "ground_obstacle": "a-u-A",
}  # fmt: skip
"""Remote ID UA type -> CoT type where it is not a rotorcraft or unnamed (`DRONE`)."""
PILOT = "a-u-G"
UID_PREFIX = "dronevet-rid-"


def drone_type(ua_type: str | None) -> str:
    """The CoT type of a drone of this Remote ID UA type (None: not broadcast)."""
    return UA_TYPES.get(ua_type or "", DRONE)


def cot_time(moment: datetime) -> str:
    """ISO 8601 UTC to the millisecond, as CoT writes times: `2021-05-21T21:52:11.161Z`."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _number(value: float | None) -> str:
    return repr(float(value)) if value is not None else repr(UNKNOWN)


def _error(bound_95: Any, scale: float) -> str:
    if not isinstance(bound_95, float | int) or isinstance(bound_95, bool):
        return repr(UNKNOWN)
    return f"{bound_95 / scale:.1f}"


def _times(moment: datetime) -> str:
    """The `time`, `start` and `stale` attributes of an update at `moment`."""
    now = cot_time(moment)
    return f'time="{now}" start="{now}" stale="{cot_time(moment + STALE_AFTER)}"'


def _event(uid: str, kind: str, times: str, point: str, detail: str) -> str:
    return (f'<event version="2.0" uid="{attribute(uid)}" type="{kind}" {times} how="m-g">'
            f"{point}<detail>{detail}</detail></event>")  # fmt: skip


def _point(lat: float, lon: float, hae: float | None, ce: str, le: str) -> str:
    return (f'<point lat="{float(lat)!r}" lon="{float(lon)!r}" hae="{_number(hae)}" '
            f'ce="{ce}" le="{le}"/>')  # fmt: skip


def callsign(track: Track, identity: dict[str, Any]) -> str:
    """The drone's name on the map: maker and model where its identity names them, and key."""
    maker = (identity.get("manufacturer") or {}).get("name")
    return " ".join(part for part in (maker, identity.get("product"), track.key) if part)


def remarks(track: Track, identity: dict[str, Any], covered: str, reason: str) -> str:
    """What a TAK user reads about the drone: IDs, operator, Self-ID, maker's standing."""
    known = dict(track.identity)
    parts = [
        f"UAS ID {', '.join(track.uas_ids)}" if track.uas_ids else "no UAS ID heard",
        f"ID type {known['id_type']}" if known.get("id_type") else "",
        f"operator ID {known['operator_id']}" if known.get("operator_id") else "",
        f"Self-ID {known['self_id']}" if known.get("self_id") else "",
        f"transmitter {', '.join(track.macs)}" if track.macs else "",
        f"maker's covered status {covered}" + (f" ({reason})" if reason else ""),
        str(identity.get("basis") or ""),
    ]
    return "; ".join(part for part in parts if part)


def _drone(track: Track, times: str, accuracy: tuple[Any, Any], name: str,
           note: str) -> str | None:  # fmt: skip
    position = dict(track.position)
    if position.get("lat") is None or position.get("lon") is None:
        return None
    hae = position.get("alt_geo")
    le = _error(accuracy[1], LINEAR_95) if hae is not None else repr(UNKNOWN)
    point = _point(position["lat"], position["lon"], hae, _error(accuracy[0], CIRCULAR_95), le)
    course, speed = position.get("direction"), position.get("speed_h")
    motion = (f'<track course="{float(course)!r}" speed="{float(speed)!r}"/>'
              if course is not None and speed is not None else "")  # fmt: skip
    detail = f'<contact callsign="{attribute(name)}"/>{motion}<remarks>{text(note)}</remarks>'
    kind = drone_type(dict(track.identity).get("ua_type"))
    return _event(UID_PREFIX + track.key, kind, times, point, detail)


def _pilot(track: Track, times: str, name: str) -> str | None:
    if track.operator is None:
        return None
    lat, lon, alt = track.operator
    point = _point(lat, lon, alt, repr(UNKNOWN), repr(UNKNOWN))
    operator_id = dict(track.identity).get("operator_id")
    note = f"pilot or operator of {track.key}" + (
        f"; operator ID {operator_id}" if operator_id else ""
    )
    detail = f'<contact callsign="{attribute(name + " pilot")}"/><remarks>{text(note)}</remarks>'
    return _event(UID_PREFIX + track.key + "-pilot", PILOT, times, point, detail)


def events(track: Track, moment: datetime, accuracy: tuple[Any, Any], identity: dict[str, Any],
           covered: str = "unknown", reason: str = "") -> list[str]:  # fmt: skip
    """The drone's event and its pilot's (when the track knows where the pilot is) at
    `moment`; `accuracy` the drone's latest 95 % horizontal and vertical bounds (m)."""
    name, times = callsign(track, identity), _times(moment)
    note = remarks(track, identity, covered, reason)
    return [e for e in (_drone(track, times, accuracy, name, note), _pilot(track, times, name))
            if e is not None]  # fmt: skip


class CotFeed:
    """Files detections with a tracker and turns each update that placed a drone or its
    pilot into CoT events. Detections without a capture time are left out: CoT needs one."""

    def __init__(self, kb: KnowledgeBase, tracker: Tracker | None = None) -> None:
        self.kb = kb
        self.tracker = tracker or Tracker()
        self._accuracy: dict[str, tuple[Any, Any]] = {}
        self._identities: dict[tuple[Any, ...], tuple[dict[str, Any], str, str]] = {}
        self._sent: dict[str, tuple[str, ...]] = {}
        """Each track's last events: one the same as just sent is not sent again."""

    def update(self, detection: Detection) -> list[str]:
        """The events of filing `detection` (none if it placed nothing or changed nothing
        TAK would see: several messages of one frame often give the same event), one XML
        line each."""
        moment = detection.time
        if moment is None:
            return []
        self.tracker.update(detection)
        if detection.aircraft is None and detection.operator is None:
            return []
        track = self.tracker.track_of(detection)
        if track is None:
            return []
        if detection.aircraft is not None:
            fields = detection.fields
            self._accuracy[track.key] = (fields.get("h_accuracy"), fields.get("v_accuracy"))
        known = dict(track.identity)
        identity, covered, reason = self._identity(
            track.uas_ids, known.get("id_type"), known.get("serial"), known.get("product_type"),
            track.last_seen.date().isoformat(),
        )  # fmt: skip
        accuracy = self._accuracy.get(track.key, (None, None))
        found = events(track, moment, accuracy, identity, covered, reason)
        sent, self._sent[track.key] = self._sent.get(track.key, ()), tuple(found)
        return [event for event in found if event not in sent]

    def _identity(self, *facts: Any) -> tuple[dict[str, Any], str, str]:
        """(identity, covered status, reason) of (UAS IDs, ID type, serial, product type,
        day): judged once per drone and day."""
        if facts not in self._identities:
            from dronevet.broadcast.identity import track_identity

            uas_ids, id_type, serial, product_type, day = facts
            found = track_identity(self.kb, {"uas_ids": list(uas_ids), "id_type": id_type,
                                             "serial": serial, "product_type": product_type,
                                             "last_seen": day})  # fmt: skip
            self._identities[facts] = (found["identity"], found["covered_status"],
                                       found["covered_reason"])  # fmt: skip
        return self._identities[facts]
