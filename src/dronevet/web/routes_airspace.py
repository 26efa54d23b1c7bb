"""The air picture over HTTP: tracks (as JSON, GeoJSON or KML), the detections as they are
stored (a feed to follow with a cursor), the sensors, protected zones, flight authorisations
and alerts (their live stream is `routes_airspace_events`).

Reading is `read`; importing zones or authorisations (a GeoJSON or CSV file, uploaded or as
the request's body) and acknowledging an alert is `guard-airspace` (`access.py`). The
airspace belongs to the site (the store), not to an organisation: the sensors, zones and
alerts have none, so every signed-in account sees the same picture.

The live picture, `live_tracks`, is the tracks of the detections received in the last hour
(`airspace.live`: kept up to date from what the store adds, one for the application);
`routes_airspace_events` streams it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dronevet.access import Action
from dronevet.airspace.alert_store import StoredAlert, acknowledge, list_alerts
from dronevet.airspace.authorisations import Authorisation, authorisations_of
from dronevet.airspace.correlation import Correlated
from dronevet.airspace.detection_store import detections_after
from dronevet.airspace.detection_store import sensors as stored_sensors
from dronevet.airspace.export import tracks_geojson, tracks_kml
from dronevet.airspace.picture import correlated_tracks, live_picture
from dronevet.airspace.site_store import (
    load_authorisations,
    load_zones,
    save_authorisations,
    save_zones,
)
from dronevet.airspace.zones import Zone, zones_of
from dronevet.errors import BadInputError
from dronevet.store.airspace_rows import AlertRow
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
    """The live picture's tracks (`airspace.live`), from the application's `LiveTracks`."""
    return live_picture(session, knowledge(request), now(), request.app.state.live_tracks)


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


FEED_PAGE = 5000
"""The most detections one page of the feed holds."""


@router.get("/detections", summary="The detections stored after a cursor, in stored order")
def detections(
    who: Reader,
    after: Annotated[int, Query(ge=0, le=2**62, description="the cursor: `next` of the page "
                                "before (0: from the first detection kept)")] = 0,
    limit: Annotated[int, Query(ge=1, le=FEED_PAGE, description="the most to return")] = 1000,
) -> Json:
    """`{"detections": [{"seq", "key", "sensor_id", "heard_at", "received_at", "record"}],
    "next": cursor}`: the detections stored after `after`, oldest first. `key` is the
    detection key of `airspace.messages` (the digest of the sensor and the record), `record`
    the detection JSON the sensor sent. Ask again with `after=next` for what was stored
    since: no detection stored later can come before the cursor, so following it misses
    none and repeats none. A page of `limit` detections means more may be waiting."""
    with transaction(who.register.sessions, read_only=True) as session:
        found = detections_after(session, after, limit)
    return Json({"detections": [item.to_dict() for item in found],
                 "next": found[-1].seq if found else after})  # fmt: skip


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


@router.get("/sensors", summary="The sensors: where each stands, and whether it reports")
def sensors(who: Reader) -> Json:
    """`{"sensors": [...]}` as `dronevet airspace sensors --format json`: each sensor's id,
    position as it last sent it (null if it never did), transports, counts, and `health`:
    `reporting`, or `stale` once unheard for `STALE_AFTER`."""
    with transaction(who.register.sessions, read_only=True) as session:
        found = stored_sensors(session, now())
    return Json({"sensors": [item.to_dict() for item in found]})


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
