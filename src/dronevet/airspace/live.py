"""The live air picture, kept up to date from what the store adds instead of rebuilt each time.

The live picture is the tracks of the detections received since `window_start(now)`: the
last `LIVE_WINDOW`, its start moved on in steps of `STEP` (so between two steps the set of
detections only grows). It is exactly what `picture.correlated_tracks(received_since=
window_start(now))` builds from the whole window, in the same order (heard, then key), but
each look files only the detections stored since the last one (`detection_store.
detections_after`, by their commit-ordered numbers).

Sensors' clocks and links differ, so detections do not arrive in the order they were heard.
`LiveTracks` files into its kept fold (`tracks.TrackFold`) only the detections heard more
than `SETTLE` before the newest one (or before now, should a sensor's clock run ahead); the
newer ones wait in a tail, filed into a copy of the fold at each look. A detection that
arrives after others heard later than it were filed (later than `SETTLE`), and each new
step of the window, make it build the fold again from the whole window: the answer never
differs from the whole window's, only its cost does.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from dronevet.airspace.detection_store import (
    StoredDetection,
    detections_after,
    newest_heard,
    received_since,
)
from dronevet.airspace.tracks import AirspaceTrack, TrackFold
from dronevet.knowledge.base import KnowledgeBase

LIVE_WINDOW = timedelta(hours=1)
"""The live picture: the tracks of the detections received this recently (received, not
heard: a replayed recording is live when it is replayed), from `window_start`."""
STEP = timedelta(minutes=5)
"""The window's start moves on in steps this long: the picture holds the last 60 to 65
minutes."""
SETTLE = timedelta(seconds=2)
"""How much later than the newest detection another may arrive and still be filed in order."""
PAGE = 5000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def window_start(now: datetime) -> datetime:
    """The live window's start at `now`: `LIVE_WINDOW` before it, down to a whole `STEP`."""
    return _EPOCH + (now - LIVE_WINDOW - _EPOCH) // STEP * STEP


def _order(item: StoredDetection) -> tuple[datetime, str]:
    return item.heard_at, item.key


class LiveTracks:
    """The live picture's tracks, kept between looks (one per application, shared by its
    threads): the fold of the settled detections, the tail of newer ones, and how far the
    store's numbers have been read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.start: datetime | None = None
        self.mark = 0
        self.settled = TrackFold()
        self.last: tuple[datetime, str] | None = None
        """The place (heard, key) of the last detection in `settled`."""
        self.tail: list[StoredDetection] = []
        self.newest: datetime | None = None
        self.rebuilds = 0
        """How many times the fold was built from the whole window."""

    def tracks(self, session: Session, kb: KnowledgeBase, now: datetime) -> list[AirspaceTrack]:
        """The live picture at `now`, most recently heard first, from `session`'s store."""
        with self._lock:
            start = window_start(now)
            if start != self.start or not self._advance(session, now):
                self._rebuild(session, start, now)
            fold = self.settled.copy()
            for item in sorted(self.tail, key=_order):
                fold.add(item.sensor_id, item.record)
        return fold.tracks(kb, now)

    def _boundary(self, now: datetime) -> datetime | None:
        """Detections heard before this are filed for good: `SETTLE` before the newest one
        heard (or before `now`, should a sensor's clock run ahead)."""
        return None if self.newest is None else min(self.newest, now) - SETTLE

    def _rebuild(self, session: Session, start: datetime, now: datetime) -> None:
        self.start, self.settled, self.last, self.tail = start, TrackFold(), None, []
        self.rebuilds += 1
        self.newest = newest_heard(session, start)
        boundary = self._boundary(now)
        for item in received_since(session, start):
            self.mark = max(self.mark, item.seq)
            if boundary is not None and item.heard_at < boundary:
                self.settled.add(item.sensor_id, item.record)
                self.last = _order(item)
            else:
                self.tail.append(item)
                self.newest = max(self.newest or item.heard_at, item.heard_at)

    def _advance(self, session: Session, now: datetime) -> bool:
        """File what the store added since the last look; False when a detection arrived
        too late to be filed in order (the fold must be built again)."""
        assert self.start is not None
        while True:
            page = detections_after(session, self.mark, PAGE)
            for item in page:
                self.mark = item.seq
                if item.received_at < self.start:
                    continue  # received before the window: the whole window leaves it out too
                if self.last is not None and _order(item) < self.last:
                    return False
                self.tail.append(item)
                self.newest = max(self.newest or item.heard_at, item.heard_at)
            if len(page) < PAGE:
                break
        boundary = self._boundary(now)
        if boundary is not None:
            ready = sorted((i for i in self.tail if i.heard_at < boundary), key=_order)
            self.tail = [i for i in self.tail if i.heard_at >= boundary]
            for item in ready:
                self.settled.add(item.sensor_id, item.record)
                self.last = _order(item)
        return True
