"""The airspace API: every signed-in role reads the air picture and follows the detections as
they are stored and the sensors where they stand (those gone quiet marked), only a security
officer or an admin imports zones and authorisations or acknowledges an alert (the audit log
records it), a bad file is refused naming the feature or line and stores nothing, the tracks
export as GeoJSON and KML, and the event stream pushes a track as soon as its detection is
stored (read over a real uvicorn server)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
import uvicorn

from airspace.records import START, record
from dronevet.access import Role
from dronevet.airspace.detection_store import (
    STALE_AFTER,
    SensorTally,
    count_sensors,
    store_batch,
)
from dronevet.airspace.messages import parse_message
from dronevet.airspace.picture import evaluate
from dronevet.airspace.tracks import LOST_AFTER
from dronevet.knowledge import load_builtin
from dronevet.store.db import transaction
from dronevet.store.models import now
from dronevet.web.routes_airspace_events import STATES_EVERY
from web.conftest import Api, user_name

SERIAL = "MFG1A0TESTDRONE"
AROUND = {"type": "Polygon", "coordinates": [[[-123.0, 45.5], [-122.9, 45.5], [-122.9, 45.6],
                                               [-123.0, 45.6], [-123.0, 45.5]]]}  # fmt: skip
ZONES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "Prison", "ceiling_m": 400}, "geometry": AROUND},
]}  # fmt: skip
OFFICER = user_name("Sheriff", Role.security_officer)
VIEWER = user_name("Sheriff", Role.viewer)
MANAGER = user_name("Sheriff", Role.program_manager)


def _store(api: Api, *records: dict[str, Any], sensor: str = "gate") -> None:
    messages = [parse_message(f"site/detections/{sensor}", orjson.dumps(r)) for r in records]
    with transaction(api.register.sessions) as session:
        store_batch(session, messages, now())


def _drone(api: Api, serial: str = SERIAL, second: float = 0.0) -> None:
    """A drone heard inside the zone: its Basic ID, then a Location with its pilot."""
    _store(api, record(serial, second),
           record(serial, second + 0.5, lat=45.55, lon=-122.95, frame=2, operator_lat=45.551,
                  operator_lon=-122.951))  # fmt: skip


def _zones(api: Api, user: str = OFFICER, body: Any = ZONES) -> Any:
    return api.send("POST", "/api/v1/airspace/zones", user, content=json.dumps(body),
                    headers={"Content-Type": "application/geo+json"})


def test_a_viewer_reads_the_drones_as_the_cli_shows_them(api: Api) -> None:
    _drone(api)
    found = api.get("/api/v1/airspace/tracks", VIEWER).json()["tracks"]
    assert [t["key"] for t in found] == [SERIAL]
    track = found[0]
    assert track["position"] == {"lat": 45.55, "lon": -122.95, "alt": 120.0}
    assert track["pilot"] == {"lat": 45.551, "lon": -122.951}
    assert track["ours"] is False and track["authorised"] is None
    assert track["sensors"] == ["gate"]


def test_the_detection_feed_follows_the_store_from_a_cursor(api: Api) -> None:
    first = [record(SERIAL, n) for n in range(3)]
    _store(api, *first)
    assert api.get("/api/v1/airspace/detections").status_code == 401
    page = api.get("/api/v1/airspace/detections", VIEWER, params={"limit": 2}).json()
    keys = [parse_message("site/detections/gate", orjson.dumps(r)).key for r in first]
    assert [d["key"] for d in page["detections"]] == keys[:2]
    assert page["detections"][0]["record"] == first[0]
    assert page["detections"][0]["sensor_id"] == "gate"
    assert page["detections"][0]["heard_at"] == START.isoformat()
    _store(api, record(SERIAL, 9), sensor="roof")
    rest = api.get("/api/v1/airspace/detections", VIEWER, params={"after": page["next"]}).json()
    assert [(d["key"] == keys[2], d["sensor_id"]) for d in rest["detections"]] == [
        (True, "gate"), (False, "roof")]  # fmt: skip
    quiet = api.get("/api/v1/airspace/detections", VIEWER, params={"after": rest["next"]})
    assert quiet.json() == {"detections": [], "next": rest["next"]}
    too_many = api.get("/api/v1/airspace/detections", VIEWER, params={"limit": 5001})
    assert too_many.status_code == 422
    assert "/api/v1/airspace/detections" in api.get("/api/v1/openapi.json").json()["paths"]


def _sensors(api: Api) -> None:
    """`gate` placed and heard just now; `roof` heard long ago, its position never sent."""
    placed = {**record(SERIAL, 0), "sensor": {"position": {"lat": 45.5401, "lon": -122.9602,
                                                            "alt": 31}}}  # fmt: skip
    for sensor, payload, at in (("gate", placed, now()),
                                ("roof", record(SERIAL, 1), now() - 2 * STALE_AFTER)):  # fmt: skip
        tally = SensorTally()
        tally.add([parse_message(f"site/detections/{sensor}", orjson.dumps(payload))], {})
        with transaction(api.register.sessions) as session:
            count_sensors(session, tally, at)


def test_the_sensors_say_where_they_stand_and_which_went_quiet(api: Api) -> None:
    _sensors(api)
    assert api.get("/api/v1/airspace/sensors").status_code == 401
    found = {s["id"]: s for s in api.get("/api/v1/airspace/sensors", VIEWER).json()["sensors"]}
    assert found["gate"]["position"] == {"lat": 45.5401, "lon": -122.9602, "alt": 31.0}
    assert found["gate"]["health"] == "reporting" and found["gate"]["messages"] == 1
    assert found["roof"]["position"] is None and found["roof"]["health"] == "stale"
    page = api.get("/airspace", VIEWER).text
    assert ('<li data-sensor="gate" class="reporting"><strong>gate</strong>: reporting, at '
            "45.54010, -122.96020, 31 m;") in page  # fmt: skip
    assert ('<li data-sensor="roof" class="stale"><strong>roof</strong>: gone quiet, position '
            "not sent;") in page  # fmt: skip
    assert "sensor gone quiet" in page  # the map's legend


def test_a_time_window_holds_only_what_was_heard_in_it(api: Api) -> None:
    _drone(api)
    _drone(api, "MFG1A0LATERDRONE", second=600)
    window = {"since": START.isoformat(), "until": (START + timedelta(minutes=5)).isoformat()}
    found = api.get("/api/v1/airspace/tracks", VIEWER, params=window).json()["tracks"]
    assert [t["key"] for t in found] == [SERIAL]
    backwards = {"since": window["until"], "until": window["since"]}
    assert api.get("/api/v1/airspace/tracks", VIEWER, params=backwards).status_code == 422


def test_the_tracks_export_as_geojson_and_kml(api: Api) -> None:
    _drone(api)
    answer = api.get("/api/v1/airspace/tracks", VIEWER, params={"format": "geojson"})
    assert answer.headers["content-type"].startswith("application/geo+json")
    features = answer.json()["features"]
    roles = {f["properties"]["role"]: f["geometry"]["coordinates"] for f in features}
    assert roles["aircraft"] == [-122.95, 45.55] and roles["operator"] == [-122.951, 45.551]
    assert features[0]["properties"]["ours"] is False
    kml = api.get("/api/v1/airspace/tracks", VIEWER, params={"format": "kml"}).text
    assert kml.startswith("<?xml") and f"<name>{SERIAL}</name>" in kml


@pytest.mark.parametrize("role", list(Role))
def test_only_a_security_officer_or_admin_imports_zones(api: Api, role: Role) -> None:
    answer = _zones(api, user_name("Sheriff", role))
    if role in (Role.security_officer, Role.admin):
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"imported": ["Prison"]}
    else:
        assert answer.status_code == 403
    assert api.get("/api/v1/airspace/zones", VIEWER).status_code == 200


def test_a_bad_zone_is_refused_naming_its_feature_and_nothing_is_stored(api: Api) -> None:
    bad = {"type": "FeatureCollection", "features": [
        *ZONES["features"], {"type": "Feature", "properties": {}, "geometry": AROUND}]}
    answer = _zones(api, body=bad)
    assert answer.status_code == 422
    assert "feature 2: it has no name" in answer.json()["detail"]
    assert api.get("/api/v1/airspace/zones", VIEWER).json() == {"zones": []}


def test_a_bad_authorisation_row_is_refused_naming_its_line(api: Api) -> None:
    csv = ("reference,serial,pilot,start,end,area\n"
           "A-1,S1,Jo,2026-12-03T08:00:00Z,2026-12-03T18:00:00Z,"
           '"POLYGON ((-123 45.5, -122.9 45.5, -122.9 45.6, -123 45.5))"\n'
           "A-2,S2,Al,2026-12-03T08:00:00,2026-12-03T18:00:00Z,"
           '"POLYGON ((-123 45.5, -122.9 45.5, -122.9 45.6, -123 45.5))"\n')  # fmt: skip
    files = {"file": ("permits.csv", csv.encode(), "text/csv")}
    answer = api.send("POST", "/api/v1/airspace/authorisations", OFFICER, files=files)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("permits.csv, line 3:")
    assert "has no time zone" in answer.json()["detail"]
    assert api.get("/api/v1/airspace/authorisations", VIEWER).json() == {"authorisations": []}
    good = {"file": ("permits.csv", csv.split("A-2")[0].encode(), "text/csv")}
    answer = api.send("POST", "/api/v1/airspace/authorisations", OFFICER, files=good)
    assert answer.json() == {"imported": ["A-1"]}


def test_an_alert_is_acknowledged_once_and_the_audit_log_says_who(api: Api) -> None:
    assert _zones(api).status_code == 200
    _drone(api)
    with transaction(api.register.sessions) as session:
        raised = evaluate(session, load_builtin(), now())
    unknown = next(a for a in raised if a.alert.rule == "unknown_in_zone")
    listed = api.get("/api/v1/airspace/alerts", VIEWER, params={"open": "true"}).json()
    assert unknown.id in [a["id"] for a in listed["alerts"]]
    path = f"/api/v1/airspace/alerts/{unknown.id}/ack"
    assert api.send("POST", path, MANAGER).status_code == 403
    answer = api.send("POST", path, OFFICER)
    assert answer.status_code == 200 and answer.json()["acknowledged_by"] == OFFICER
    again = api.send("POST", path, OFFICER)
    assert again.status_code == 422 and "already acknowledged" in again.json()["detail"]
    assert api.send("POST", "/api/v1/airspace/alerts/999999/ack", OFFICER).status_code == 404
    entry = api.register.audit_entries(before=None, limit=1)[0]
    assert (entry.actor, entry.action, entry.record_type, entry.record_id) == (
        OFFICER, "acknowledge", "alert", str(unknown.id))


@pytest.fixture
def served(api: Api) -> Iterator[str]:
    """The same application on a real uvicorn server on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(api.client.app, host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _events(lines: Iterator[str], wanted: str, within: float) -> dict[str, Any]:
    """The data of the first `wanted` event read from the stream within `within` seconds."""
    deadline, name = time.monotonic() + within, None
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == wanted:
            found: dict[str, Any] = json.loads(line.removeprefix("data: "))
            return found
        assert time.monotonic() < deadline, f"no {wanted} event within {within} s"
    raise AssertionError("the stream ended")


def test_the_event_stream_pushes_a_track_once_its_detection_is_stored(
    api: Api, served: str
) -> None:
    headers = api.auth(VIEWER)
    with httpx.Client(base_url=served, timeout=10) as client, client.stream(
        "GET", "/api/v1/airspace/events", headers=headers
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines).startswith(":")
        _drone(api)
        track = _events(lines, "track", within=8)
        assert track["key"] == SERIAL and track["pilot"] == {"lat": 45.551, "lon": -122.951}
    assert api.client.get("/api/v1/airspace/events").status_code == 401


def test_two_pages_watching_share_one_build_of_the_picture(api: Api, served: str) -> None:
    """Each change of the store builds the live picture once, however many streams watch."""
    headers = api.auth(VIEWER)
    picture = api.client.app.state.live_picture
    with httpx.Client(base_url=served, timeout=10) as client, client.stream(
        "GET", "/api/v1/airspace/events", headers=headers
    ) as first, client.stream("GET", "/api/v1/airspace/events", headers=headers) as second:
        streams = [first.iter_lines(), second.iter_lines()]
        for lines in streams:
            assert next(lines).startswith(":")
        time.sleep(2.5)  # both have looked at the empty store
        _drone(api)
        for lines in streams:
            assert _events(lines, "track", within=8)["key"] == SERIAL
    # the empty store, then the drone (and a third where the state clock ticked between):
    # never once per stream, which would be four at least
    assert picture.builds in (2, 3)


def test_a_drone_that_falls_silent_turns_lost_on_the_stream(api: Api, served: str) -> None:
    """Nothing more is stored, yet the stream sends the track again once it is lost."""
    _drone(api, second=(now() - START - LOST_AFTER).total_seconds() + 8)  # lost in 8.5 s
    headers = api.auth(VIEWER)
    with httpx.Client(base_url=served, timeout=30) as client, client.stream(
        "GET", "/api/v1/airspace/events", headers=headers
    ) as stream:
        lines = stream.iter_lines()
        seen = [_events(lines, "track", within=8)["state"]]
        deadline = time.monotonic() + 2 * STATES_EVERY + 12
        while seen[-1] != "lost" and time.monotonic() < deadline:
            seen.append(_events(lines, "track", within=STATES_EVERY + 12)["state"])
        assert seen[0] in ("new", "active") and seen[-1] == "lost", seen


def test_the_page_offers_acknowledging_only_to_who_may(api: Api) -> None:
    assert _zones(api).status_code == 200
    _drone(api)
    with transaction(api.register.sessions) as session:
        evaluate(session, load_builtin(), now())
    officer = api.get("/airspace", OFFICER).text
    viewer = api.get("/airspace", VIEWER).text
    assert "Acknowledge alert" in officer and "Import the zones" in officer
    assert "Acknowledge alert" not in viewer and "Import the zones" not in viewer
    assert "a security officer acknowledges it" in viewer
    assert f'<tr data-key="{SERIAL}">' in viewer


def test_a_sites_tile_server_is_the_one_outside_source_the_page_allows(api: Api) -> None:
    plain = api.get("/airspace", VIEWER).headers["content-security-policy"]
    assert plain.startswith("default-src 'self'") and "img-src" not in plain
    settings = api.client.app.state.settings
    api.client.app.state.settings = replace(settings,
                                            tile_url="https://tiles.site.example/{z}/{x}/{y}.png")
    answer = api.get("/airspace", VIEWER)
    assert answer.headers.get_list("content-security-policy") == [
        f"{plain}; img-src 'self' data: https://tiles.site.example"]
    assert 'data-tile-url="https://tiles.site.example/{z}/{x}/{y}.png"' in answer.text
