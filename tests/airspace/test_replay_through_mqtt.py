"""A shared capture replayed by `rid live --replay --mqtt` into a broker reaches the store
through `airspace ingest`: its drone shows in `airspace tracks` with identity and pilot, and
a zone drawn around it raises alerts on MQTT and on a signed, retried webhook; a receiver
placed with `--sensor-position` shows where it stands in `airspace sensors`. A file given
to `ingest --replay` takes the same path."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from typer.testing import CliRunner

from airspace.servers import Mosquitto
from dronevet.airspace.delivery import SIGNATURE_HEADER
from dronevet.cli import app
from shared_files import shared_path

CAPTURE = "captures/remoteid/odid_wifi_bcn_sample.pcap"
SERIAL, MAC = "MFG1A0123456789", "84:cc:a8:60:43:24"
SECRET = "site-secret"
AROUND = {"type": "Polygon", "coordinates": [[[-122.98, 45.53], [-122.95, 45.53],
                                               [-122.95, 45.56], [-122.98, 45.56],
                                               [-122.98, 45.53]]]}  # fmt: skip


class Webhook:
    """A receiver that refuses the first request (503), then takes every alert."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.refused = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.refused == 0:
                    hook.refused += 1
                    self.send_response(503)
                else:
                    hook.received.append((self.headers[SIGNATURE_HEADER], body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def _airspace(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, ["airspace", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _zone(tmp_path: Path) -> Path:
    path = tmp_path / "zone.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": AROUND, "properties": {"name": "Test field"}}]}))
    return path


def test_a_capture_replayed_through_mqtt_gives_its_drone_and_the_zones_alerts(
    mosquitto: Mosquitto, database_url: str, webhook: Webhook, tmp_path: Path
) -> None:
    capture = shared_path(CAPTURE)
    broker = f"mqtt://127.0.0.1:{mosquitto.port}"
    _airspace("zones", "import", str(_zone(tmp_path)), "--database", database_url)
    worker = ["ingest", "--mqtt", f"{broker}/site", "--database", database_url,
              "--client-id", "test-worker"]  # fmt: skip
    _airspace(*worker, "--once-idle", "0.2")  # the worker's session and subscription, kept
    alerts: list[tuple[str, dict[str, Any]]] = []
    listener = mqtt.Client(CallbackAPIVersion.VERSION2)
    listener.on_message = lambda _c, _u, m: alerts.append((m.topic, json.loads(m.payload)))
    listener.connect("127.0.0.1", mosquitto.port)
    listener.subscribe("site/alerts/#", qos=1)
    listener.loop_start()
    replayed = CliRunner().invoke(app, ["rid", "live", "--replay", str(capture), "--quiet",
                                        "--mqtt", f"{broker}/site/detections"])  # fmt: skip
    assert replayed.exit_code == 0, replayed.output
    output = _airspace(*worker, "--once-idle", "1", "--webhook", webhook.url,
                       env={"DRONEVET_WEBHOOK_SECRET": SECRET})  # fmt: skip
    listener.loop_stop()
    listener.disconnect()
    assert "stored 105 new detections" in output and "2 alerts raised" in output

    [track] = json.loads(_airspace("tracks", "--database", database_url, "--format", "json"))[
        "tracks"]  # fmt: skip
    assert (track["key"], track["uas_ids"], track["sensors"]) == (SERIAL, [SERIAL], [MAC])
    assert track["messages"] == 105 and track["ours"] is False and track["authorised"] is None
    assert track["identity"]["basis"].startswith("The Basic ID declares no ID type")
    assert track["covered_status"] == "unknown"
    assert set(track["position"]) == {"lat", "lon", "alt"} and track["pilot"] is not None

    rules = {"unknown_in_zone", "pilot_in_zone"}
    assert {(topic, body["rule"]) for topic, body in alerts} == {
        ("site/alerts/Test field", rule) for rule in rules}  # fmt: skip
    assert webhook.refused == 1 and len(webhook.received) == 2  # the refused one was retried
    for signature, body in webhook.received:
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert signature == f"sha256={expected}"
        assert json.loads(body)["rule"] in rules
    listed = json.loads(_airspace("alerts", "list", "--database", database_url,
                                  "--format", "json"))["alerts"]  # fmt: skip
    assert {item["rule"] for item in listed} == rules
    _airspace("alerts", "ack", str(listed[0]["id"]), "--by", "duty.officer",
              "--database", database_url)  # fmt: skip
    still_open = _airspace("alerts", "list", "--open", "--database", database_url)
    assert f"alert {listed[0]['id']} " not in still_open
    assert f"alert {listed[1]['id']} " in still_open


def test_a_placed_sensor_is_listed_where_it_stands(
    mosquitto: Mosquitto, database_url: str
) -> None:
    broker = f"mqtt://127.0.0.1:{mosquitto.port}"
    worker = ["ingest", "--mqtt", f"{broker}/site", "--database", database_url,
              "--client-id", "test-worker"]  # fmt: skip
    _airspace(*worker, "--once-idle", "0.2")
    replayed = CliRunner().invoke(app, [
        "rid", "live", "--replay", str(shared_path(CAPTURE)), "--quiet", "--mqtt",
        f"{broker}/site/detections", "--sensor", "north-gate",
        "--sensor-position", "45.5401,-122.9602,31"])  # fmt: skip
    assert replayed.exit_code == 0, replayed.output
    assert "stored 105 new detections" in _airspace(*worker, "--once-idle", "1")
    [sensor] = json.loads(_airspace("sensors", "--database", database_url, "--format",
                                    "json"))["sensors"]  # fmt: skip
    assert sensor["id"] == "north-gate" and sensor["messages"] == 105
    assert sensor["position"] == {"lat": 45.5401, "lon": -122.9602, "alt": 31.0}
    assert sensor["health"] == "reporting"
    text = _airspace("sensors", "--database", database_url)
    assert "north-gate  reporting, at 45.54010, -122.96020, altitude 31 m" in text
    [track] = json.loads(_airspace("tracks", "--database", database_url, "--format", "json"))[
        "tracks"]  # fmt: skip
    assert track["key"] == SERIAL and track["messages"] == 105  # the drone, not the sensor


def test_ingest_replay_files_a_capture_under_one_sensor_once(database_url: str) -> None:
    capture = str(shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng"))
    replay = ["ingest", "--replay", capture, "--sensor", "gate", "--database", database_url]
    assert "stored 1069 new detections" in _airspace(*replay)
    assert "stored 0 new detections (1069 already stored)" in _airspace(*replay)
    [track] = json.loads(_airspace("tracks", "--database", database_url, "--format", "json"))[
        "tracks"]  # fmt: skip
    assert track["key"] == "SSEVTFG93700070" and track["sensors"] == ["gate"]
    assert track["messages"] == 1069 and track["state"] == "ended"
    assert "not in the ANSI/CTA-2063-A form" in track["identity"]["basis"]
    sensors = json.loads(_airspace("sensors", "--database", database_url, "--format", "json"))
    assert [(s["id"], s["messages"]) for s in sensors["sensors"]] == [("gate", 2138)]
    assert "No drones in the store heard since" in _airspace(
        "tracks", "--since", "2023-10-05T00:00:00Z", "--database", database_url)  # fmt: skip
    _airspace("prune", "--before", "2023-10-04", "--database", database_url)  # the day kept
    assert "SSEVTFG93700070" in _airspace("tracks", "--database", database_url)
    _airspace("prune", "--before", "2023-10-05", "--database", database_url)
    assert "No drones in the store." in _airspace("tracks", "--database", database_url)


def test_ingest_needs_a_broker_or_a_file(database_url: str) -> None:
    result = CliRunner().invoke(app, ["airspace", "ingest", "--database", database_url])
    assert result.exit_code == 2 and "either --mqtt URL" in result.output


def test_a_webhook_must_be_http_and_alerts_signed(database_url: str, tmp_path: Path) -> None:
    capture = tmp_path / "empty.jsonl"
    capture.write_text("")
    base = ["airspace", "ingest", "--replay", str(capture), "--database", database_url]
    unsigned = CliRunner().invoke(app, [*base, "--webhook", "http://127.0.0.1:9/x"], env={
        "DRONEVET_WEBHOOK_SECRET": ""})  # fmt: skip
    assert unsigned.exit_code == 2 and "DRONEVET_WEBHOOK_SECRET" in unsigned.output
    local = CliRunner().invoke(app, [*base, "--webhook", "file:///etc/passwd"],
                               env={"DRONEVET_WEBHOOK_SECRET": SECRET})  # fmt: skip
    assert local.exit_code == 3 and "http:// or https://" in local.output
