"""The live air picture as server-sent events: `GET /api/v1/airspace/events`.

A `text/event-stream` of the live picture (`routes_airspace.live_tracks`: the tracks of the
detections received in the last hour, `airspace.live`): once a second it asks the store for
its newest detection (the highest `seq` stored) and alert (two small queries); when either
changed, or `STATES_EVERY` seconds went by (a silent drone's state moves on), it sends a
`track` event for each track that changed since the last event it sent (at first, each
track), and an `alert` event for each alert raised or acknowledged since, each `data` the
JSON the other airspace routes send. A comment line every `KEEPALIVE` seconds keeps proxies
from closing a quiet stream; it stops when the client goes. It is left out of the OpenAPI
document, which cannot describe an endless stream (and whose generated clients would wait
for its end).

The picture is made once per change of the store, whatever the number of pages
watching: every stream reads it from the app's `LivePicture` and sends only what differs
from what it sent before. Making it reads only the detections stored since the last time
(`airspace.live.LiveTracks`), not the whole hour.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dronevet.airspace.alert_store import list_alerts
from dronevet.store.airspace_rows import AlertRow, DetectionRow
from dronevet.store.db import transaction
from dronevet.web.auth import Caller
from dronevet.web.routes_airspace import Reader, live_tracks

router = APIRouter(prefix="/airspace", tags=["airspace"])

POLL_EVERY = 1.0
"""Seconds between two looks at the store for new detections and alerts."""
KEEPALIVE = 15.0
STATES_EVERY = 10.0
"""Seconds after which the picture is made again even with nothing new stored: a drone that
falls silent turns `lost`, then `ended`, on the open pages without another detection."""


@dataclass
class _Watch:
    """What one event stream has sent: the newest detection and alert it saw, and the JSON
    of each track and alert as last sent."""

    mark: tuple[Any, ...] = ()
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class LivePicture:
    """The live picture as last built, shared by every event stream of the app: its tracks
    and alerts as JSON, oldest first, and the store's mark they were built at."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    mark: tuple[Any, ...] = ()
    tracks: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    builds: int = 0
    """How many times it was built (one per change of the store, not per stream)."""

    def at(self, request: Request, session: Session, mark: tuple[Any, ...]
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The picture at `mark`, built from `session` unless it already is."""
        with self.lock:
            if mark != self.mark:
                self.tracks = [item.to_dict() for item in reversed(live_tracks(request, session))]
                self.alerts = [alert.to_dict() for alert in reversed(list_alerts(session))]
                self.mark, self.builds = mark, self.builds + 1
            return self.tracks, self.alerts


def _mark(session: Session) -> tuple[Any, ...]:
    detections = session.execute(select(func.max(DetectionRow.seq))).one()
    alerts = session.execute(select(func.max(AlertRow.id),
                                    func.max(AlertRow.acknowledged_at))).one()  # fmt: skip
    return (*detections, *alerts)


def _changes(request: Request, who: Caller, watch: _Watch) -> list[str]:
    """The events of what changed since the stream last looked (none: nothing)."""
    with transaction(who.register.sessions, read_only=True) as session:
        mark = (*_mark(session), int(time.monotonic() // STATES_EVERY))
        if mark == watch.mark:
            return []
        watch.mark = mark
        tracks, alerts = request.app.state.live_picture.at(request, session, mark)
    events = []
    for entry in tracks:  # oldest first: a page puts each newer one above
        if watch.tracks.get(entry["key"]) != entry:
            watch.tracks[entry["key"]] = entry
            events.append(_event("track", entry))
    for entry in alerts:
        if watch.alerts.get(entry["id"]) != entry:
            watch.alerts[entry["id"]] = entry
            events.append(_event("alert", entry))
    return events


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {orjson.dumps(data).decode()}\n\n"


@router.get("/events", include_in_schema=False)
async def events(request: Request, who: Reader) -> StreamingResponse:
    """`text/event-stream` of `track` and `alert` events (see the module docstring); the
    first events are the live picture as it stands."""

    async def stream() -> AsyncIterator[str]:
        watch, quiet = _Watch(), 0.0
        yield ": the air picture follows\n\n"
        while not await request.is_disconnected():
            sent = await run_in_threadpool(_changes, request, who, watch)
            for item in sent:
                yield item
            quiet = 0.0 if sent else quiet + POLL_EVERY
            if quiet >= KEEPALIVE:
                quiet = 0.0
                yield ": still here\n\n"
            await asyncio.sleep(POLL_EVERY)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
