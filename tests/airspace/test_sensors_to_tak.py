"""The air picture reaches TAK through the broadcast CoT writer: `airspace tracks --cot`
sends each drone and pilot once, at its latest position, and `airspace ingest --cot` sends
the updates as it stores them; and `droneid live --mqtt` is a sensor like `rid live --mqtt`,
its DJI drone stored by `airspace ingest` and flagged as heard on DroneID only."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from typer.testing import CliRunner

from airspace.servers import Mosquitto
from commands.test_droneid_live import RECORDING, PlaybackRadio
from dronevet.capture import soapy
from dronevet.capture.soapy import SoapySource
from dronevet.cli import app
from shared_files import shared_path

CAPTURE = "captures/remoteid/odid_wifi_bcn_sample.pcap"
SERIAL = "MFG1A0123456789"


def _run(*args: str, said: bool = False) -> str:
    """What the command printed (`said`: with what it told on standard error)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output if said else result.stdout


@pytest.fixture
def tak() -> Iterator[socket.socket]:
    """A UDP receiver standing in for TAK's input, on a free loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(2)
        yield receiver


def _received(receiver: socket.socket) -> list[ElementTree.Element]:
    found = []
    try:
        while True:
            found.append(ElementTree.fromstring(receiver.recv(65_536)))
    except TimeoutError:
        return found


def _address(receiver: socket.socket) -> str:
    return f"udp://127.0.0.1:{receiver.getsockname()[1]}"


def test_tracks_cot_sends_each_drone_and_its_pilot_once_where_last_heard(
    database_url: str, tak: socket.socket
) -> None:
    _run("airspace", "ingest", "--replay", str(shared_path(CAPTURE)), "--database", database_url)
    [track] = json.loads(_run("airspace", "tracks", "--database", database_url, "--format",
                              "json", "--cot", _address(tak)))["tracks"]  # fmt: skip
    events = {event.get("uid"): event for event in _received(tak)}
    assert set(events) == {f"dronevet-rid-{SERIAL}", f"dronevet-rid-{SERIAL}-pilot"}
    drone = events[f"dronevet-rid-{SERIAL}"].find("point")
    assert drone is not None
    assert (float(drone.get("lat", "")), float(drone.get("lon", ""))) == (
        track["position"]["lat"], track["position"]["lon"])
    pilot = events[f"dronevet-rid-{SERIAL}-pilot"].find("point")
    assert pilot is not None and float(pilot.get("lat", "")) == track["pilot"]["lat"]


def test_ingest_cot_sends_the_updates_as_they_are_stored(
    database_url: str, tak: socket.socket
) -> None:
    _run("airspace", "ingest", "--replay", str(shared_path(CAPTURE)), "--database",
         database_url, "--cot", _address(tak))  # fmt: skip
    events = _received(tak)
    drones = [e for e in events if e.get("uid") == f"dronevet-rid-{SERIAL}"]
    assert len(drones) > 1  # the flight, update after update
    times = [e.get("time", "") for e in drones]
    assert times == sorted(times)


def test_droneid_live_publishes_to_mqtt_as_a_sensor_for_ingest(
    mosquitto: Mosquitto, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    samples = np.fromfile(shared_path(RECORDING), dtype=np.complex64)

    def playback(args: str, *, sample_rate: float, centre_freq: float,
                 gain: float | None = None) -> SoapySource:  # fmt: skip
        return SoapySource(PlaybackRadio(samples), args=args, sample_rate=sample_rate,
                           centre_freq=centre_freq, gain=gain)  # fmt: skip

    monkeypatch.setattr(soapy, "open_soapy", playback)
    broker = f"mqtt://127.0.0.1:{mosquitto.port}"
    worker = ["airspace", "ingest", "--mqtt", f"{broker}/site", "--database", database_url,
              "--client-id", "droneid-worker"]  # fmt: skip
    _run(*worker, "--once-idle", "0.2")  # the worker's session and subscription, kept
    _run("droneid", "live", "-d", "driver=playback", "-c", "2.4e9", "-r", "50e6",
         "--seconds", str(len(samples) / 50e6), "--mqtt", f"{broker}/site/detections")
    output = _run(*worker, "--once-idle", "1", said=True)
    assert "stored 3 new detections" in output
    [track] = json.loads(_run("airspace", "tracks", "--database", database_url, "--format",
                              "json"))["tracks"]  # fmt: skip
    assert track["uas_ids"] == ["1WNBH3900201N1"] and track["transports"] == ["ocusync"]
    alerts = json.loads(_run("airspace", "alerts", "list", "--database", database_url,
                             "--format", "json"))["alerts"]  # fmt: skip
    assert [a["rule"] for a in alerts] == ["droneid_without_remoteid"]
