"""The airspace page, `/airspace`: a live map of the drones and pilots the sensors hear,
the protected zones and flight authorisations, and the alerts beside it.

The server renders the tracks as a table (the map's text alternative, and what the page
shows without JavaScript), the alerts with an acknowledge button for those who may guard
the airspace, and a form to import zones. `static/airspace.js` draws the same tracks on a
Leaflet map over the offline basemap (`map_assets`), with the sensors where they said they
stand (those gone quiet marked so; the page lists them too), and keeps map and table up to
date from the event stream (`/api/v1/airspace/events`; the sensors every `SENSORS_EVERY`
seconds from `/api/v1/airspace/sensors`): the drones whose detections arrived in
the last hour (`airspace.live.LIVE_WINDOW`). A time window (`from`, `to`) replays what
was heard then, without live updates. `DRONEVET_TILE_URL` (read by the settings) names
a site's own tile server drawn under the basemap; the page's content security policy then
allows images from that server, and nothing else outside this one.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dronevet.access import Action
from dronevet.airspace.alert_store import list_alerts
from dronevet.airspace.detection_store import sensors as stored_sensors
from dronevet.airspace.site_store import load_authorisations, load_zones
from dronevet.store.db import transaction
from dronevet.store.models import now
from dronevet.web.app import CSP
from dronevet.web.auth import Caller, CallerDep, allowed
from dronevet.web.map_assets import basemap_geojson, leaflet_dir
from dronevet.web.pages_base import render, see_other
from dronevet.web.routes_airspace import (
    AlertNumber,
    acknowledge_alert,
    import_zones,
    live_tracks,
    parse_time,
    sent_file,
    window_tracks,
)

router = APIRouter()

Guard = Annotated[Caller, Depends(allowed(Action.guard_airspace))]
SENSORS_EVERY = 30
"""Seconds between two looks the live page takes at the sensors (for those gone quiet)."""


def _policy(tile_url: str | None) -> str:
    """The page's content security policy: this site's, plus the tile server's images."""
    if not tile_url:
        return CSP
    parts = urlsplit(tile_url.replace("{", "").replace("}", ""))
    return f"{CSP}; img-src 'self' data: {parts.scheme}://{parts.netloc}"


@router.get("/airspace")
def airspace(request: Request, who: CallerDep,
             frm: Annotated[str | None, Query(alias="from", max_length=40)] = None,
             to: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    start, end = parse_time(frm, "from"), parse_time(to, "to")
    replay = start is not None or end is not None
    found = window_tracks(request, who, start, end) if replay else []
    with transaction(who.register.sessions, read_only=True) as session:
        if not replay:
            found = live_tracks(request, session)
        zones, authorisations = load_zones(session), load_authorisations(session)
        alerts = list_alerts(session)
        sensors = [sensor.to_dict() for sensor in stored_sensors(session, now())]
    tile_url = request.app.state.settings.tile_url
    page = render(request, "airspace.html", who, title="Who is flying here?",
                  tracks=[item.to_dict() for item in found], zones=zones,
                  authorisations=authorisations, alerts=alerts, sensors=sensors,
                  sensors_every=SENSORS_EVERY,
                  may_guard=who.user.may(Action.guard_airspace),
                  replay=replay,
                  start=frm or "", end=to or "", tile_url=tile_url or "",
                  leaflet=leaflet_dir() is not None)  # fmt: skip
    page.headers["content-security-policy"] = _policy(tile_url)
    return page


@router.get("/airspace/basemap.geojson")
async def basemap() -> Response:
    data = await run_in_threadpool(basemap_geojson)
    return Response(data, media_type="application/geo+json",
                    headers={"Cache-Control": "max-age=86400"})


@router.post("/airspace/alerts/{number}/ack")
def ack(number: AlertNumber, who: Guard) -> RedirectResponse:
    acknowledge_alert(who, number)
    return see_other(f"/airspace#alert-{number}")


@router.post("/airspace/zones")
async def zones(request: Request, who: Guard,
                file: Annotated[UploadFile, File()]) -> RedirectResponse:  # fmt: skip
    data, name = await sent_file(request, file, "zones.geojson")
    await run_in_threadpool(import_zones, who, data, name)
    return see_other("/airspace#zones")
