"""Drones from their broadcasts: detections merged per transmitter into tracks.

`Tracker.update` takes `Detection`s (`broadcast.detection`) one at a time, from any path:
Remote ID, DJI DroneID over Wi-Fi or OcuSync, the French beacon. A track is keyed by the
aircraft's identity (the Remote ID UAS ID, or the DJI serial number) when one has been
heard, else by the source (the MAC address); a source and an identity heard in the same
frame are merged into one track, so the Location messages a drone sent before its Basic
ID join the drone once the ID arrives. Tracks unheard for `max_age` expire: on
`expire(now)`, or when the drone is heard again after such a silence (the old track is
retired, kept for `summary()`, and a new one starts), so one drone flying twice in a
capture gives two tracks. A detection without a capture time (a pcapng Simple Packet
Block) cannot be placed in a flight: it is counted in `undated` and left out. The
tracker is pure state: no I/O, no clock of its own; detections are expected roughly in
time order.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dronevet.broadcast.detection import Detection

POSITION_FIELDS = ("lat", "lon", "alt_geo", "alt_baro", "height", "speed_h", "speed_v",
                   "direction", "status")  # fmt: skip
IDENTITY_FIELDS = ("id_type", "ua_type", "operator_id", "serial", "product_type", "product",
                   "uuid", "self_id")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fix:
    """One reported position of a drone."""

    time: datetime
    lat: float
    lon: float
    alt: float | None  # m: geodetic if known, else barometric, else DJI altitude


@dataclass(frozen=True, slots=True)
class Track:
    """What is known about one drone, as of its last message."""

    key: str
    uas_ids: tuple[str, ...]
    macs: tuple[str, ...]
    identity: tuple[tuple[str, Any], ...]  # id_type, ua_type, operator_id, serial, product...
    position: tuple[tuple[str, Any], ...]  # latest lat, lon, alt_geo, speed_h, status...
    operator: tuple[float, float, float | None] | None  # lat, lon, alt of operator / pilot
    home: tuple[float, float] | None  # lat, lon of the home / takeoff point
    first_seen: datetime
    last_seen: datetime
    messages: tuple[tuple[str, int], ...]  # count per message type
    transports: tuple[tuple[str, int], ...]  # count per transport
    history: tuple[Fix, ...]  # oldest first, bounded

    def summary(self) -> dict[str, Any]:
        """JSON-safe per-drone dict."""
        return {
            "key": self.key,
            "uas_ids": list(self.uas_ids),
            "macs": list(self.macs),
            **dict(self.identity),
            **dict(self.position),
            "operator_lat": self.operator[0] if self.operator else None,
            "operator_lon": self.operator[1] if self.operator else None,
            "operator_alt": self.operator[2] if self.operator else None,
            "home_lat": self.home[0] if self.home else None,
            "home_lon": self.home[1] if self.home else None,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "messages": dict(self.messages),
            "transports": dict(self.transports),
            "history": [[f.time.isoformat(), f.lat, f.lon, f.alt] for f in self.history],
        }


class _State:
    """The mutable side of one track while the tracker runs."""

    __slots__ = ("first_seen", "history", "home", "identity", "ids", "last_seen", "macs",
                 "messages", "operator", "position", "position_time", "transports")  # fmt: skip

    def __init__(self, time: datetime, history: int) -> None:
        self.ids: list[str] = []
        self.macs: list[str] = []
        self.identity: dict[str, Any] = {}
        self.position: dict[str, Any] = {}
        self.position_time: datetime | None = None
        self.operator: tuple[float, float, float | None] | None = None
        self.home: tuple[float, float] | None = None
        self.first_seen = time
        self.last_seen = time
        self.messages: Counter[str] = Counter()
        self.transports: Counter[str] = Counter()
        self.history: deque[Fix] = deque(maxlen=history)

    def absorb(self, other: _State) -> None:
        """Take in a track that turned out to be the same drone."""
        self.ids += [i for i in other.ids if i not in self.ids]
        self.macs += [m for m in other.macs if m not in self.macs]
        for mine, theirs in ((self.identity, other.identity), (self.position, other.position)):
            for name, value in theirs.items():
                mine.setdefault(name, value)
        newer = other.last_seen > self.last_seen
        if other.position_time and (
            self.position_time is None or other.position_time > self.position_time
        ):
            self.position.update(other.position)
            self.position_time = other.position_time
        if other.operator and (newer or self.operator is None):
            self.operator = other.operator
        self.home = self.home or other.home
        self.first_seen = min(self.first_seen, other.first_seen)
        self.last_seen = max(self.last_seen, other.last_seen)
        self.messages += other.messages
        self.transports += other.transports
        merged = sorted([*self.history, *other.history], key=lambda fix: fix.time)
        self.history.clear()
        self.history.extend(merged)  # the deque keeps the newest `maxlen`

    def copy(self) -> _State:
        """An independent state with the same contents."""
        twin = _State(self.first_seen, self.history.maxlen or 0)
        twin.ids, twin.macs = list(self.ids), list(self.macs)
        twin.identity, twin.position = dict(self.identity), dict(self.position)
        twin.position_time, twin.operator, twin.home = self.position_time, self.operator, self.home
        twin.last_seen = self.last_seen
        twin.messages, twin.transports = Counter(self.messages), Counter(self.transports)
        twin.history.extend(self.history)
        return twin

    def snapshot(self) -> Track:
        key = (self.ids or self.macs or ["unknown"])[0]
        return Track(
            key=key, uas_ids=tuple(self.ids), macs=tuple(self.macs),
            identity=tuple(sorted(self.identity.items())),
            position=tuple(sorted(self.position.items())),
            operator=self.operator, home=self.home,
            first_seen=self.first_seen, last_seen=self.last_seen,
            messages=tuple(sorted(self.messages.items())),
            transports=tuple(sorted(self.transports.items())),
            history=tuple(sorted(self.history, key=lambda fix: fix.time)),
        )  # fmt: skip


class Tracker:
    """Merges Remote ID and DJI DroneID detections into per-drone tracks."""

    def __init__(self, max_age: timedelta = timedelta(minutes=5), history: int = 256) -> None:
        self.max_age = max_age
        self.history = history
        self._tracks: dict[int, _State] = {}
        self._by_id: dict[str, int] = {}
        self._by_mac: dict[str, int] = {}
        self._next = 0
        self._retired: list[Track] = []
        self.undated = 0
        """Detections left out for want of a capture time."""

    def update(self, detection: Detection) -> None:
        """File one detection."""
        time = detection.time
        if time is None:
            self.undated += 1
            return
        mac = detection.source or None
        identity = detection.uas_id
        self._retire_stale(identity, mac, time)
        number = self._track_for(identity, mac, time)
        state = self._tracks[number]
        if identity and identity not in state.ids:
            state.ids.append(identity)
            self._by_id[identity] = number
        if mac and mac not in state.macs:
            state.macs.append(mac)
            self._by_mac[mac] = number
        state.first_seen = min(state.first_seen, time)
        state.last_seen = max(state.last_seen, time)
        state.messages[detection.kind] += 1
        state.transports[detection.transport] += 1
        self._apply(state, detection, time)

    def update_many(self, detections: Iterable[Detection]) -> None:
        """File detections in the order received."""
        for detection in detections:
            self.update(detection)

    def _retire_stale(self, identity: str | None, mac: str | None, time: datetime) -> None:
        """Retire the tracks this record would join if it lies over `max_age` outside them.

        Either side counts, so captures given out of time order still split into flights.
        """
        for number in {self._by_id.get(identity or ""), self._by_mac.get(mac or "")}:
            if number is None:
                continue
            state = self._tracks[number]
            if time - state.last_seen > self.max_age or state.first_seen - time > self.max_age:
                self._retired.append(self._drop(number))

    def _drop(self, number: int) -> Track:
        state = self._tracks.pop(number)
        for name in state.ids:
            self._by_id.pop(name, None)
        for mac in state.macs:
            self._by_mac.pop(mac, None)
        return state.snapshot()

    def copy(self) -> Tracker:
        """An independent tracker in the same state: updating one leaves the other as it was
        (the live air picture files its newest detections into a copy)."""
        twin = Tracker(self.max_age, self.history)
        twin._tracks = {number: state.copy() for number, state in self._tracks.items()}
        twin._by_id, twin._by_mac = dict(self._by_id), dict(self._by_mac)
        twin._next, twin._retired, twin.undated = self._next, list(self._retired), self.undated
        return twin

    def retired(self) -> list[Track]:
        """Tracks retired because their drone came back after a silence (kept)."""
        return list(self._retired)

    def take_retired(self) -> list[Track]:
        """Tracks retired because their drone came back after a silence; the list is emptied."""
        retired, self._retired = self._retired, []
        return retired

    def _track_for(self, identity: str | None, mac: str | None, time: datetime) -> int:
        by_id = self._by_id.get(identity) if identity else None
        by_mac = self._by_mac.get(mac) if mac else None
        if by_id is not None and by_mac is not None and by_id != by_mac:
            self._merge(into=by_id, other=by_mac)
        number = by_id if by_id is not None else by_mac
        if number is None:
            number, self._next = self._next, self._next + 1
            self._tracks[number] = _State(time, self.history)
        return number

    def _merge(self, into: int, other: int) -> None:
        absorbed = self._tracks.pop(other)
        self._tracks[into].absorb(absorbed)
        for name in absorbed.ids:
            self._by_id[name] = into
        for mac in absorbed.macs:
            self._by_mac[mac] = into

    def _apply(self, state: _State, detection: Detection, time: datetime) -> None:
        fields = detection.fields
        for name in IDENTITY_FIELDS:
            if fields.get(name) is not None:
                state.identity[name] = fields[name]
        aircraft = detection.aircraft
        if aircraft is not None:
            if state.position_time is None or time >= state.position_time:
                state.position.update(
                    (name, fields[name]) for name in (*POSITION_FIELDS, "alt") if name in fields
                )
                state.position_time = time
            state.history.append(Fix(time, aircraft.lat, aircraft.lon, aircraft.alt))
        if detection.operator is not None:
            operator = detection.operator
            state.operator = (operator.lat, operator.lon, operator.alt)
        if detection.home is not None:
            state.home = (detection.home.lat, detection.home.lon)

    def track_of(self, detection: Detection) -> Track | None:
        """The live track `detection` was filed in (by its identity, else its source)."""
        number = self._by_id.get(detection.uas_id or "")
        if number is None:
            number = self._by_mac.get(detection.source)
        return None if number is None else self._tracks[number].snapshot()

    def expire(self, now: datetime) -> list[Track]:
        """Drop tracks unheard for longer than `max_age`; the dropped ones."""
        stale = [n for n, s in self._tracks.items() if now - s.last_seen > self.max_age]
        return [self._drop(number) for number in stale]

    def tracks(self) -> list[Track]:
        """Every live track, most recently heard first."""
        states = sorted(self._tracks.values(), key=lambda s: s.last_seen, reverse=True)
        return [state.snapshot() for state in states]

    def summary(self) -> list[dict[str, Any]]:
        """JSON-safe per-track dicts, live and retired (not taken), most recently heard first."""
        every = [*self.tracks(), *self._retired]
        every.sort(key=lambda track: track.last_seen, reverse=True)
        return [track.summary() for track in every]
