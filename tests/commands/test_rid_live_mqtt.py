"""`dronevet rid live --replay FILE --mqtt URL` publishes every detection to a real Mosquitto,
with the receiver's name and position where they are given."""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid

import paho.mqtt.client as mqtt
import pytest
from typer.testing import CliRunner

from dronevet.cli import app
from dronevet.errors import BadInputError
from dronevet.sinks.mqtt import BrokerAddress
from shared_files import shared_path

BROKER = ("127.0.0.1", 1883)


def _broker_listening() -> None:
    try:
        socket.create_connection(BROKER, timeout=1).close()
    except OSError:
        message = "no MQTT broker listens on 127.0.0.1:1883"
        if os.environ.get("DRONEVET_REQUIRE_SHARED") == "1":
            pytest.fail(message + "; DRONEVET_REQUIRE_SHARED=1 demands it")
        pytest.skip(message)


def test_mqtt_url_gives_host_port_and_base_topic() -> None:
    assert BrokerAddress.parse("mqtt://10.0.0.5:1884/site/a") == BrokerAddress(
        "10.0.0.5", 1884, "site/a"
    )
    assert BrokerAddress.parse("mqtt://broker").topic == "dronevet/detections"
    with pytest.raises(BadInputError, match="not an MQTT URL"):
        BrokerAddress.parse("http://broker/x")


def _published(*options: str) -> tuple[str, list[tuple[str, dict[str, object]]]]:
    """Replay the shared Remote ID capture through `rid live --mqtt` with `options`; the
    base topic used and every (topic, record) a subscriber received."""
    _broker_listening()
    path = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    base = f"dronevet-test/{uuid.uuid4().hex}"
    received: list[tuple[str, dict[str, object]]] = []
    subscribed, done = threading.Event(), threading.Event()

    def on_message(_c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        received.append((message.topic, json.loads(message.payload)))
        if len(received) == 105:
            done.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.on_subscribe = lambda *_args: subscribed.set()
    client.connect(*BROKER)
    client.subscribe(f"{base}/#", qos=1)
    client.loop_start()
    try:
        assert subscribed.wait(5)
        result = CliRunner().invoke(
            app, ["rid", "live", "--replay", str(path), "--quiet",
                  "--mqtt", f"mqtt://127.0.0.1:1883/{base}", *options]
        )
        assert result.exit_code == 0, result.output
        assert done.wait(10), f"{len(received)} of 105 messages arrived"
    finally:
        client.loop_stop()
        client.disconnect()
    return base, received


def test_replayed_capture_detections_arrive_on_the_broker() -> None:
    base, received = _published()
    topics = {topic for topic, _ in received}
    assert topics == {f"{base}/84:cc:a8:60:43:24"}
    assert sorted(r["frame"] for _, r in received)[::5] == list(range(1, 22))  # type: ignore[type-var]


def test_a_named_receiver_publishes_under_its_name() -> None:
    """`--sensor roof-north`: every detection on `<base>/roof-north`, the sensor id
    `airspace ingest` records; a name MQTT would read as a wildcard is refused."""
    base, received = _published("--sensor", "roof-north")
    assert {topic for topic, _ in received} == {f"{base}/roof-north"}
    path = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    for name in ("roof/north", "#", "", "a" * 65):
        refused = CliRunner().invoke(
            app, ["rid", "live", "--replay", str(path), "--quiet", "--sensor", name,
                  "--mqtt", f"mqtt://127.0.0.1:1883/{base}"])
        assert refused.exit_code == 3 and "--sensor" in refused.output, refused.output
    alone = CliRunner().invoke(app, ["rid", "live", "--replay", str(path), "--sensor", "x"])
    assert alone.exit_code == 2 and "give --mqtt too" in alone.output


def test_a_placed_receiver_sends_its_position_with_each_detection() -> None:
    """`--sensor-position LAT,LON[,ALT]`: each record carries `sensor.position`; a position
    off the globe is refused naming the option and what is wrong, before anything is sent."""
    _, received = _published("--sensor", "roof", "--sensor-position", "45.54,-122.96,30")
    assert {json.dumps(r["sensor"]) for _, r in received} == {
        '{"position": {"lat": 45.54, "lon": -122.96, "alt": 30.0}}'}  # fmt: skip
    assert {r["msg_type"] for _, r in received} >= {"basic_id", "location"}
    path = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    for text, reason in (("91,4", "the latitude 91 is not between -90 and 90"),
                         ("45,-200", "the longitude -200 is not between -180 and 180"),
                         ("45", "write LAT,LON or LAT,LON,ALT")):  # fmt: skip
        refused = CliRunner().invoke(
            app, ["rid", "live", "--replay", str(path), "--quiet", "--sensor-position", text,
                  "--mqtt", "mqtt://127.0.0.1:1/none"])  # fmt: skip
        assert refused.exit_code == 3, refused.output
        assert f"--sensor-position {text!r}: {reason}" in refused.output
    alone = CliRunner().invoke(app, ["rid", "live", "--replay", str(path),
                                     "--sensor-position", "45,4"])  # fmt: skip
    assert alone.exit_code == 2 and "give --mqtt too" in alone.output
