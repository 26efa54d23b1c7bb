"""Drones seen by the sensor network: stored detections fused into tracks, with identity.

The broadcast tracker (`broadcast.tracker.Tracker`) does the fusion: detections from every
sensor are filed together, so one drone heard by several receivers is one track, keyed by
its serial, UAS ID or session ID (the Basic ID's, or the DJI serial), else its MAC address.
Here each track also gets the sensors that heard it, where it, its pilot (the Remote ID
operator or the DJI pilot) and its home point are, the protocols it was heard on, the
identity and covered status of its maker (`broadcast.identity.track_identity`), and where it
stands in its lifecycle as of `now`:

- `new`: first heard less than `NEW_FOR` ago;
- `active`: heard within `LOST_AFTER`;
- `lost`: silent for longer than `LOST_AFTER`, not yet `ENDED_AFTER`;
- `ended`: silent for longer than `ENDED_AFTER` (the tracker's own expiry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dronevet.airspace.messages import DJI_TRANSPORTS, detection_of
from dronevet.broadcast.detection import ALTITUDE_KEYS, Point
from dronevet.broadcast.identity import track_identity
from dronevet.broadcast.tracker import Fix, Track, Tracker
from dronevet.knowledge.base import KnowledgeBase

NEW_FOR = timedelta(seconds=30)
LOST_AFTER = timedelta(seconds=30)
ENDED_AFTER = timedelta(minutes=5)


def lifecycle(first_seen: datetime, last_seen: datetime, now: datetime) -> str:
    """`new`, `active`, `lost` or `ended` (see the module docstring)."""
    silent = now - last_seen
    if silent > ENDED_AFTER:
        return "ended"
    if silent > LOST_AFTER:
        return "lost"
    return "new" if now - first_seen < NEW_FOR else "active"


@dataclass(frozen=True, slots=True)
class AirspaceTrack:
    """One drone as the network saw it."""

    key: str
    uas_ids: tuple[str, ...]
    macs: tuple[str, ...]
    identity: dict[str, Any]
    covered_status: str
    covered_reason: str
    first_seen: datetime
    last_seen: datetime
    messages: int
    sensors: tuple[str, ...]
    transports: tuple[str, ...]
    position: Point | None
    pilot: Point | None
    home: Point | None
    fixes: tuple[Fix, ...]
    state: str

    @property
    def heard_on_droneid(self) -> bool:
        return any(transport in DJI_TRANSPORTS for transport in self.transports)

    @property
    def heard_on_remote_id(self) -> bool:
        return any(transport not in DJI_TRANSPORTS for transport in self.transports)


def _position(summary: dict[str, Any]) -> Point | None:
    if summary.get("lat") is None or summary.get("lon") is None:
        return None
    alt = next((summary[k] for k in ALTITUDE_KEYS if summary.get(k) is not None), None)
    return Point(summary["lat"], summary["lon"], alt)


def _track(
    kb: KnowledgeBase, track: Track, sensors: tuple[str, ...], now: datetime
) -> AirspaceTrack:
    summary = track_identity(kb, track.summary())
    return AirspaceTrack(
        key=track.key, uas_ids=track.uas_ids, macs=track.macs,
        identity=summary["identity"], covered_status=summary["covered_status"],
        covered_reason=summary["covered_reason"],
        first_seen=track.first_seen, last_seen=track.last_seen,
        messages=sum(count for _, count in track.messages), sensors=sensors,
        transports=tuple(name for name, _ in track.transports),
        position=_position(summary),
        pilot=Point(*track.operator) if track.operator else None,
        home=Point(*track.home) if track.home else None,
        fixes=track.history, state=lifecycle(track.first_seen, track.last_seen, now),
    )  # fmt: skip


class TrackFold:
    """Detections filed into tracks one by one, in time order, with the sensors that heard
    each name; `copy` gives an independent fold to file more into (`airspace.live`)."""

    def __init__(self) -> None:
        self.tracker = Tracker(max_age=ENDED_AFTER)
        self.heard_by: dict[str, set[str]] = {}

    def add(self, sensor: str, record: dict[str, Any]) -> None:
        """File the detection `record` heard by `sensor`."""
        detection = detection_of(record)
        self.tracker.update(detection)
        for name in (detection.uas_id, detection.source):
            if name:
                self.heard_by.setdefault(name, set()).add(sensor)

    def copy(self) -> TrackFold:
        twin = TrackFold()
        twin.tracker = self.tracker.copy()
        twin.heard_by = {name: set(sensors) for name, sensors in self.heard_by.items()}
        return twin

    def tracks(self, kb: KnowledgeBase, now: datetime) -> list[AirspaceTrack]:
        """The tracks so far, most recently heard first (the fold is left as it is)."""
        every = [*self.tracker.tracks(), *self.tracker.retired()]
        every.sort(key=lambda t: t.last_seen, reverse=True)
        found = []
        for track in every:
            names = (*track.uas_ids, *track.macs)
            sensors = set().union(*(self.heard_by.get(name, set()) for name in names))
            found.append(_track(kb, track, tuple(sorted(sensors)), now))
        return found


def build_tracks(
    kb: KnowledgeBase, records: Iterable[tuple[str, dict[str, Any]]], now: datetime
) -> list[AirspaceTrack]:
    """The tracks of (sensor id, detection record) pairs in time order, most recently heard
    first."""
    fold = TrackFold()
    for sensor, record in records:
        fold.add(sensor, record)
    return fold.tracks(kb, now)
