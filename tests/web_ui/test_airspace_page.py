"""The airspace page in Chromium, offline: a security officer draws a protected zone around the
field of a shared Remote ID capture, the capture is replayed through an MQTT broker (`rid
live --replay --mqtt`) to an ingest worker, and its drone appears on the open page by the
event stream, map and table, with its identity, and the sensor where it stands; the zone's
alert is acknowledged from the page; a replayed time window shows that flight and an earlier
one none; the tracks download as GeoJSON and KML. Every request the browser tries to send
off this machine is refused and counted: there must be none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from airspace.servers import Mosquitto
from dronevet.cli import app
from shared_files import require_tool, shared_path
from web_ui.agency import PASSWORD, Agency
from web_ui.page_checks import check_page

CAPTURE = "captures/remoteid/odid_wifi_bcn_sample.pcap"
SERIAL = "MFG1A0123456789"
AROUND = {"type": "Polygon", "coordinates": [[[-122.98, 45.53], [-122.95, 45.53],
                                               [-122.95, 45.56], [-122.98, 45.56],
                                               [-122.98, 45.53]]]}  # fmt: skip
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _offline_officer(browser: Any, server: str, refused: list[str]) -> Any:
    """A page signed in as the security officer, in a context that refuses (and notes)
    every request to anywhere but this machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(server + "/login")
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page


def _run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


def _replay(agency: Agency) -> None:
    """The capture straight into the store, as the sensor `north-gate`."""
    _run("airspace", "ingest", "--replay", str(shared_path(CAPTURE)), "--sensor",
         "north-gate", "--database", agency.settings.database_url)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """A Mosquitto broker of the test's own; its URL."""
    binary = "/usr/sbin/mosquitto"
    server = Mosquitto(binary if Path(binary).exists() else require_tool("mosquitto"), tmp_path)
    server.start()
    yield f"mqtt://127.0.0.1:{server.port}"
    server.stop()
    server.log.close()


def _through_mqtt(agency: Agency, broker: str) -> None:
    """The capture published by a sensor and stored by a worker, as at a site."""
    worker = ["airspace", "ingest", "--mqtt", f"{broker}/site", "--database",
              agency.settings.database_url, "--client-id", "page-worker"]  # fmt: skip
    _run(*worker, "--once-idle", "0.2")  # the worker's session and subscription, kept
    _run("rid", "live", "--replay", str(shared_path(CAPTURE)), "--quiet", "--mqtt",
         f"{broker}/site/detections", "--sensor-position", "45.5401,-122.9602,31")
    _run(*worker, "--once-idle", "1")


def test_a_replayed_drone_shows_live_raises_the_zones_alert_and_is_acknowledged(
    browser: Any, server: str, agency: Agency, artifacts: Path, tmp_path: Path, broker: str
) -> None:
    refused: list[str] = []
    page = _offline_officer(browser, server, refused)
    page.get_by_role("link", name="Airspace").click()
    page.wait_for_selector("#map[data-loaded=yes]")
    zone = tmp_path / "field.geojson"
    zone.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": AROUND, "properties": {"name": "Test field"}}]}))
    page.get_by_label("Import protected zones", exact=False).set_input_files(str(zone))
    page.get_by_role("button", name="Import the zones").click()
    page.wait_for_selector("#map[data-loaded=yes]")
    assert "Test field, at any altitude" in page.inner_text("#zones")

    _through_mqtt(agency, broker)
    row = page.wait_for_selector(f'#tracks tr[data-key="{SERIAL}"]', timeout=15_000)
    text = " ".join(row.inner_text().split())
    assert "The Basic ID declares no ID type" in text
    assert "84:cc:a8:60:43:24" in text  # the sensor: `rid live` publishes under the MAC
    assert "not ours, not authorised" in text
    assert page.locator("#map .leaflet-interactive").count() >= 4  # zone, drone, pilot, line
    page.wait_for_selector("#new-alerts:not([hidden])", timeout=15_000)
    page.wait_for_selector("#map[data-basemap=yes]", timeout=15_000)  # from this machine
    check_page(page, artifacts, "airspace-live")

    page.reload()
    page.wait_for_selector("#map[data-loaded=yes]")
    sensor = page.locator("#map .sensor-marker")
    assert sensor.count() == 1 and sensor.get_attribute("title") == "Sensor 84:cc:a8:60:43:24"
    assert "reporting, at 45.54010, -122.96020, 31 m" in page.inner_text("#sensor-list")
    check_page(page, artifacts, "airspace-sensor")
    alerts = page.locator("#alert-list li")
    assert "unknown in zone in Test field" in " ".join(alerts.all_inner_texts())
    button = page.get_by_role("button", name="Acknowledge alert").first
    button.click()
    page.wait_for_load_state()
    assert "Acknowledged by officer" in page.inner_text("#alert-list")
    waiting = page.request.get(server + "/api/v1/airspace/alerts?open=true").json()["alerts"]
    [other] = [a["id"] for a in waiting if a["zone"] == "Test field"]
    _run("airspace", "alerts", "ack", str(other), "--by", "duty.officer", "--database",
         agency.settings.database_url)  # acknowledged elsewhere: the open page follows
    page.wait_for_selector(f"#alert-{other}.done", timeout=15_000)
    assert "Acknowledged by duty.officer" in page.inner_text(f"#alert-{other}")
    assert not refused, f"the page tried to reach the network: {refused}"


def test_a_time_window_replays_that_flight_and_exports_it(
    browser: Any, server: str, agency: Agency, artifacts: Path
) -> None:
    _replay(agency)
    refused: list[str] = []
    page = _offline_officer(browser, server, refused)
    tracks = page.request.get(server + "/api/v1/airspace/tracks").json()["tracks"]
    track = next(t for t in tracks if t["key"] == SERIAL)
    first = datetime.fromisoformat(track["first_seen"])
    start = (first - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    end = (first + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S")
    page.goto(server + "/airspace")
    page.get_by_label("Replay from").fill(start)
    page.get_by_label("to", exact=True).fill(end)
    page.get_by_role("button", name="Replay this window (UTC)").click()
    page.wait_for_selector("#map[data-loaded=yes]")
    assert "live updates are off" in page.inner_text("#live-state")
    assert page.locator(f'#tracks tr[data-key="{SERIAL}"]').count() == 1
    page.wait_for_selector("#map[data-basemap=yes]", timeout=15_000)
    check_page(page, artifacts, "airspace-replay")

    geojson = page.request.get(server + (page.get_attribute("#export-geojson", "href") or ""),
                               fail_on_status_code=True).json()  # fmt: skip
    assert SERIAL in {f["properties"].get("key") for f in geojson["features"]}
    kml = page.request.get(server + (page.get_attribute("#export-kml", "href") or "")).text()
    assert f"<name>{SERIAL}</name>" in kml

    earlier = (first - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    page.goto(f"{server}/airspace?from={earlier}&to={start}")
    assert page.locator("#tracks tbody tr").count() == 0
    assert "No drone was heard in this window." in page.inner_text("main")
    assert not refused, f"the page tried to reach the network: {refused}"
