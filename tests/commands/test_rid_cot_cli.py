"""Cursor on Target from the command line: `rid decode --tracks --format cot` writes the
events of every track update in time order, and `rid live --cot udp://HOST:PORT` sends the
same events to a real UDP socket (unicast and TAK-style multicast), one per datagram."""

from __future__ import annotations

import socket
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime

import pytest
from typer.testing import CliRunner

from dronevet.cli import app
from dronevet.errors import BadInputError
from dronevet.sinks.cot import CotAddress
from shared_files import shared_path

runner = CliRunner()
NAMES = ("odid_bt5_lr_sample.pcapng", "odid_wifi_bcn_sample.pcap", "odid_wifi_sample.pcap")
BEACONS = "captures/remoteid/odid_wifi_bcn_sample.pcap"


def _paths() -> list[str]:
    return [str(shared_path(f"captures/remoteid/{name}")) for name in NAMES]


def _run(*args: str) -> str:
    result = runner.invoke(app, ["rid", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_decode_writes_every_update_as_one_event_per_line_in_time_order() -> None:
    lines = _run("decode", *_paths(), "--tracks", "-f", "cot").splitlines()
    events = [ET.fromstring(line) for line in lines]
    times = [datetime.fromisoformat(e.get("time", "")) for e in events]
    assert times == sorted(times)
    # the two Wi-Fi drones and their pilots; the Bluetooth drone never had a position
    assert {e.get("uid") for e in events} == {
        "dronevet-rid-MFG1A0123456789", "dronevet-rid-MFG1A0123456789-pilot",
        "dronevet-rid-84:cc:a8:60:43:24", "dronevet-rid-84:cc:a8:60:43:24-pilot",
    }  # fmt: skip
    assert _run("decode", *reversed(_paths()), "--tracks", "-f", "cot").splitlines() == lines


def test_cot_of_messages_is_a_usage_error() -> None:
    result = runner.invoke(app, ["rid", "decode", *_paths(), "-f", "cot"])
    assert result.exit_code == 2 and "add --tracks" in result.output


def test_cot_url_gives_host_and_port_or_a_clear_error() -> None:
    assert CotAddress.parse("udp://239.2.3.1:6969") == CotAddress("239.2.3.1", 6969)
    assert CotAddress.parse("udp://tak.local") == CotAddress("tak.local", 6969)
    for wrong in ("tcp://tak:8087", "udp://:6969", "239.2.3.1:6969", "udp://tak:1/x"):
        with pytest.raises(BadInputError, match="not a UDP address for CoT"):
            CotAddress.parse(wrong)
    with pytest.raises(BadInputError, match="invalid port"):
        CotAddress.parse("udp://tak:70000")


def test_live_with_a_bad_cot_url_exits_naming_it() -> None:
    result = runner.invoke(app, ["rid", "live", "--replay", str(shared_path(BEACONS)),
                                 "--cot", "http://tak:6969", "-q"])  # fmt: skip
    assert result.exit_code != 0 and "http://tak:6969" in result.output


def _datagrams(receiver: socket.socket) -> Iterator[bytes]:
    receiver.settimeout(2)
    while True:
        try:
            yield receiver.recv(65535)
        except TimeoutError:
            return


def test_live_replay_sends_each_event_as_one_datagram() -> None:
    path = str(shared_path(BEACONS))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        port = receiver.getsockname()[1]
        _run("live", "--replay", path, "--cot", f"udp://127.0.0.1:{port}", "--quiet")
        received = list(_datagrams(receiver))
    expected = _run("decode", path, "--tracks", "-f", "cot").splitlines()
    assert len(expected) > 40
    assert [datagram.decode() for datagram in received] == expected


def test_live_replay_reaches_a_multicast_group_as_tak_clients_listen() -> None:
    path = str(shared_path(BEACONS))
    group = "239.2.3.1"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        receiver.bind((group, 0))
        membership = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton("0.0.0.0"))
        try:
            receiver.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        except OSError as error:
            pytest.skip(f"this machine cannot join a multicast group: {error}")
        port = receiver.getsockname()[1]
        _run("live", "--replay", path, "--cot", f"udp://{group}:{port}", "--quiet")
        received = list(_datagrams(receiver))
    assert received and all(ET.fromstring(d).get("version") == "2.0" for d in received)
