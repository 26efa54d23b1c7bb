"""The air picture over HTTP: tracks (as JSON, GeoJSON or KML), protected zones, flight
authorisations, alerts, and a stream of server-sent events as detections and alerts arrive.

Reading is `read`; importing zones or authorisations (a GeoJSON or CSV file, uploaded or as
the request's body) and acknowledging an alert is `guard-airspace` (`access.py`). The
airspace belongs to the site (the store), not to an organisation: the sensors, zones and
alerts have none, so every signed-in account sees the same picture.

`/airspace/events` is `text/event-stream` of the live picture, the tracks of the detections
received in the last `LIVE_WINDOW`: once a second it asks the store for its newest
detection and alert (two small queries); when either changed it sends a `track` event for
each track that changed since the last event it sent (at first, each track), and an
`alert` event for each alert raised or acknowledged since, each `data` the JSON the other
routes send. A comment line every `KEEPALIVE` seconds keeps proxies from closing a quiet
stream; it stops when the client goes. It is left out of the OpenAPI document, which
cannot describe an endless stream (and whose generated clients would wait for its end).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dronevet.access import Action
from dronevet.airspace.alert_store import StoredAlert, acknowledge, list_alerts
from dronevet.airspace.authorisations import Authorisation, authorisations_of
from dronevet.airspace.correlation import Correlated
from dronevet.airspace.export import tracks_geojson, tracks_kml
from dronevet.airspace.picture import correlated_tracks
from dronevet.airspace.site_store import (
    load_authorisations,
    load_zones,
    save_authorisations,
    save_zones,
)
from dronevet.airspace.zones import Zone, zones_of
from dronevet.errors import BadInputError
from dronevet.store.airspace_rows import AlertRow, DetectionRow
from dronevet.store.db import transaction
from dronevet.store.models import now
from dronevet.web.auth import Caller, allowed
from dronevet.web.pages_base import knowledge
from dronevet.web.responses import Json

router = APIRouter(prefix="/airspace", tags=["airspace"])

Guard = Annotated[Caller, Depends(allowed(Action.guard_airspace))]
Reader = Annotated[Caller, Depends(allowed(Action.read))]
MAX_UPLOAD = 20 * 1024 * 1024
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
POLL_EVERY = 1.0
"""Seconds between two looks at the store for new detections and alerts."""
KEEPALIVE = 15.0
LIVE_WINDOW = timedelta(hours=1)
"""The live picture: the tracks of the detections received this recently (received, not
heard: a replayed recording is live when it is replayed)."""


class TrackFormat(StrEnum):
    json = "json"
    geojson = "geojson"
    kml = "kml"


def parse_time(text: str | None, name: str) -> datetime | None:
    """An ISO 8601 time from a query (UTC when it names no zone); 422 naming it if not one."""
    if text is None or not text.strip():
        return None
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        raise HTTPException(422, f"{name} {text!r} is not an ISO 8601 time, for example "
                                 "2026-12-03T08:00:00Z") from None  # fmt: skip
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def window_tracks(request: Request, who: Caller, since: datetime | None,
                  until: datetime | None) -> list[Correlated]:  # fmt: skip
    """The tracks of the detections heard in the window, with their standing."""
    if since and until and until <= since:
        raise HTTPException(422, "the window's end must come after its start")
    with transaction(who.register.sessions, read_only=True) as session:
        return correlated_tracks(session, knowledge(request), now(), since=since, until=until)


def live_tracks(request: Request, session: Session) -> list[Correlated]:
    """The live picture's tracks (see `LIVE_WINDOW`)."""
    at = now()
    return correlated_tracks(session, knowledge(request), at, received_since=at - LIVE_WINDOW)


Since = Annotated[str | None, Query(max_length=40, description="only detections heard from "
                                    "this ISO 8601 time on")]  # fmt: skip
Until = Annotated[str | None, Query(max_length=40, description="only detections heard "
                                    "before this ISO 8601 time")]  # fmt: skip


@router.get("/tracks", summary="The drones heard, with identity and standing")
def tracks(request: Request, who: Reader, since: Since = None, until: Until = None,
           fmt: Annotated[TrackFormat, Query(alias="format")] = TrackFormat.json) -> Response:
    """`{"tracks": [...]}` as `dronevet airspace tracks --format json`; `format=geojson` or
    `kml` for a file of the same tracks."""
    found = window_tracks(request, who, parse_time(since, "since"), parse_time(until, "until"))
    if fmt is TrackFormat.geojson:
        return Response(tracks_geojson(found), media_type="application/geo+json", headers={
            "Content-Disposition": 'attachment; filename="tracks.geojson"'})  # fmt: skip
    if fmt is TrackFormat.kml:
        return Response(tracks_kml(found), media_type="application/vnd.google-earth.kml+xml",
                        headers={"Content-Disposition": 'attachment; filename="tracks.kml"'})
    return Json({"tracks": [item.to_dict() for item in found]})


async def sent_file(request: Request, file: UploadFile | None, default_name: str) -> tuple[
        bytes, str]:  # fmt: skip
    """The bytes of an uploaded file (a form's `file`) or else the request's body, and the
    file's name, which errors name."""
    if file is not None:
        data = await file.read(MAX_UPLOAD + 1)
        name = file.filename or default_name
    elif request.headers.get("content-type", "").startswith(FORMS):
        raise BadInputError("a form must send the file as its `file` field.", path=default_name)
    else:
        data = await request.body()
        name = request.headers.get("x-file-name") or default_name
    if len(data) > MAX_UPLOAD:
        raise BadInputError(f"is over {MAX_UPLOAD // (1024 * 1024)} MiB.", path=name)
    if not data.strip():
        raise BadInputError("is empty: send the file as the body or as the form's file.",
                            path=name)  # fmt: skip
    return data, name


def import_zones(who: Caller, data: bytes, name: str) -> list[Zone]:
    """Read a zones file and store it whole, or raise naming what is wrong."""
    found = zones_of(data, name)
    with transaction(who.register.sessions) as session:
        save_zones(session, found)
    return found


def import_authorisations(who: Caller, data: bytes, name: str) -> list[Authorisation]:
    """Read an authorisations file and store it whole, or raise naming what is wrong."""
    found = authorisations_of(data, name)
    with transaction(who.register.sessions) as session:
        save_authorisations(session, found)
    return found


@router.get("/zones", summary="The protected zones")
def zones(who: Reader) -> Json:
    with transaction(who.register.sessions, read_only=True) as session:
        return Json({"zones": [zone.to_dict() for zone in load_zones(session)]})


@router.post("/zones", summary="Import protected zones (GeoJSON)")
async def post_zones(request: Request, who: Guard, file: UploadFile | None = None) -> Json:
    """The body (or the form's `file`) is a GeoJSON FeatureCollection of polygons, each with
    a `name` and optionally `floor_m` and `ceiling_m`; zones of the same name are replaced.
    A bad feature is 422 naming it, and nothing is stored."""
    data, name = await sent_file(request, file, "zones.geojson")
    found = await run_in_threadpool(import_zones, who, data, name)
    return Json({"imported": [zone.name for zone in found]})


@router.get("/authorisations", summary="The flight authorisations")
def authorisations(who: Reader) -> Json:
    with transaction(who.register.sessions, read_only=True) as session:
        found = load_authorisations(session)
    return Json({"authorisations": [item.to_dict() for item in found]})


@router.post("/authorisations", summary="Import flight authorisations (CSV or GeoJSON)")
async def post_authorisations(request: Request, who: Guard,
                              file: UploadFile | None = None) -> Json:  # fmt: skip
    """A CSV file (name it with `X-File-Name: NAME.csv` when it is the body) or a GeoJSON
    FeatureCollection; a bad row or feature is 422 naming it, and nothing is stored."""
    kind = request.headers.get("content-type", "")
    default = "authorisations.csv" if "csv" in kind else "authorisations.geojson"
    data, name = await sent_file(request, file, default)
    found = await run_in_threadpool(import_authorisations, who, data, name)
    return Json({"imported": [item.reference for item in found]})


@router.get("/alerts", summary="The alerts raised, newest first")
def alerts(who: Reader, open_only: Annotated[bool, Query(alias="open")] = False) -> Json:
    with transaction(who.register.sessions, read_only=True) as session:
        found = list_alerts(session, open_only=open_only)
    return Json({"alerts": [item.to_dict() for item in found]})


def acknowledge_alert(who: Caller, number: int) -> StoredAlert:
    """Acknowledge alert `number` as the caller; the audit log records it."""
    with transaction(who.register.sessions) as session:
        if session.get(AlertRow, number) is None:
            raise HTTPException(404, f"no alert {number}")
        return acknowledge(session, number, who.user.name)


AlertNumber = Annotated[int, Path(ge=1, le=2**62, description="the alert's number")]


@router.post("/alerts/{number}/ack", summary="Acknowledge an alert (audited)")
def ack(number: AlertNumber, who: Guard) -> Json:
    return Json(acknowledge_alert(who, number).to_dict())


@dataclass
class _Watch:
    """What one event stream has sent: the newest detection and alert it saw, and the JSON
    of each track and alert as last sent."""

    mark: tuple[Any, ...] = ()
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: dict[int, dict[str, Any]] = field(default_factory=dict)


def _mark(session: Session) -> tuple[Any, ...]:
    detections = session.execute(select(func.max(DetectionRow.received_at),
                                        func.count())).one()  # fmt: skip
    alerts = session.execute(select(func.max(AlertRow.id),
                                    func.max(AlertRow.acknowledged_at))).one()  # fmt: skip
    return (*detections, *alerts)


def _changes(request: Request, who: Caller, watch: _Watch) -> list[str]:
    """The events of what changed since the stream last looked (none: nothing)."""
    with transaction(who.register.sessions, read_only=True) as session:
        mark = _mark(session)
        if mark == watch.mark:
            return []
        watch.mark = mark
        found = live_tracks(request, session)
        stored = list_alerts(session)
    events = []
    for item in reversed(found):  # oldest first: a page puts each newer one above

        entry = item.to_dict()
        if watch.tracks.get(entry["key"]) != entry:
            watch.tracks[entry["key"]] = entry
            events.append(_event("track", entry))
    for alert in reversed(stored):
        entry = alert.to_dict()
        if watch.alerts.get(alert.id) != entry:
            watch.alerts[alert.id] = entry
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
