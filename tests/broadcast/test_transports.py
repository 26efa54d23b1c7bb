"""The beacon transport table: what both decode paths read out of vendor elements.

A transport added to the table (here a made-up one, OUI 02:DE:AD - locally administered,
so no real vendor's - then 42 07 and an ASTM message pack without a counter) is decoded on
the batch path exactly as with `--stream`, in pcap and pcapng files where it sits among
ASTM packs and DJI elements: the kernel hands its frames over instead of dropping them. A
beacon with an ASTM pack and a DJI element gives both on both paths, and a vendor element
the table does not name is no broadcast on either.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from capture.capture_builders import (
    BEACON_FIXED,
    element,
    management,
    odid_beacon_element,
    pcap_file,
    pcapng_enhanced,
    pcapng_interface,
    pcapng_section,
    radiotap,
)
from dronevet.broadcast import transports
from dronevet.broadcast.batch_records import BatchRecords
from dronevet.broadcast.dji.wifi import encode_flight_info
from dronevet.broadcast.payload import ASTM, DJI, WIFI_BEACON
from dronevet.broadcast.remoteid.encode import encode_pack
from dronevet.broadcast.run import DecodeRun
from dronevet.broadcast.transports import BeaconTransport
from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.cli import app

Outcome = tuple[list[dict[str, Any]], dict[str, dict[str, object]], tuple[int, int, int]]
"""Records, skip tally and (frames, frames with a broadcast, detections) of one path."""

SOURCE = bytes.fromhex("0a1b2c3d4e5f")
T0 = 1_700_000_000_123_456_000  # 2023-11-14T22:13:20.123456Z
MADE_UP = BeaconTransport(
    "Test beacon", bytes.fromhex("02dead"), b"\x42\x07", ASTM, "test-beacon",
    "made up for these tests: a locally administered OUI, no vendor's",
)  # fmt: skip
OTHER_VENDOR = element(221, bytes.fromhex("0050f2") + b"\x01\x01\x00" + bytes(16))  # WPA


def basic_id(serial: str) -> bytes:
    """A Basic ID message, version 2, serial number (ID type 1) of a multirotor (UA type 2)."""
    return bytes([0x02, 0x12]) + serial.encode().ljust(20, b"\0") + bytes(3)


def made_up_element(*serials: str) -> bytes:
    return element(221, MADE_UP.oui + MADE_UP.match + encode_pack([basic_id(s) for s in serials]))


def astm_element(*serials: str) -> bytes:
    return odid_beacon_element(7, encode_pack([basic_id(s) for s in serials]))


def dji_element(serial: str) -> bytes:
    info = encode_flight_info(serial=serial, lat=50.45, lon=30.52)
    return element(221, bytes.fromhex("263712") + info)


def beacon(*elements: bytes) -> bytes:
    body = BEACON_FIXED + element(0, b"odid") + b"".join(elements)
    return radiotap() + management(8, SOURCE, body)


def write_capture(folder: Path, frames: Sequence[bytes], kind: str) -> Path:
    """`frames` as a radiotap pcap or pcapng file, a quarter of a second apart."""
    records = [(T0 + i * 250_000_000, frame) for i, frame in enumerate(frames)]
    if kind == "pcap":
        data = pcap_file(records)
    else:
        blocks = [pcapng_enhanced("<", 0, time_ns, frame) for time_ns, frame in records]
        head = pcapng_section() + pcapng_interface("<", linktypes.IEEE802_11_RADIOTAP, 9)
        data = head + b"".join(blocks)
    path = folder / f"built.{kind}"
    path.write_bytes(data)
    return path


def both_paths(path: Path) -> tuple[Outcome, int]:
    """The batch path's outcome, checked equal to the streaming path's, and how many frames
    the kernel settled itself (not handed to the streaming path)."""
    batch = BatchRecords(open_capture(path), chunk_bytes=4096, slice_rows=3)
    records = [record for records in batch for record in records]
    fast = (records, batch.skipped().as_dict(),
            (batch.frames, batch.frames_with_broadcast, batch.detections))  # fmt: skip
    run = DecodeRun(path, stream=True)
    streamed = list(run)
    assert fast == (streamed, run.skipped().as_dict(),
                    (run.frames, run.frames_with_broadcast, run.detections))  # fmt: skip
    return fast, batch.frames - batch.decoder.stream.frames


@pytest.fixture
def made_up() -> Iterator[None]:
    """The made-up transport in force for one test."""
    with transports.registered(MADE_UP):
        yield


MIXED = [
    beacon(astm_element("ASTM-1", "ASTM-2")),
    beacon(made_up_element("MADE-UP-1")),
    beacon(dji_element("DJI-1")),
    beacon(OTHER_VENDOR, made_up_element("MADE-UP-2", "MADE-UP-3"), astm_element("ASTM-3")),
    beacon(astm_element("ASTM-4"), OTHER_VENDOR),
    beacon(dji_element("DJI-2"), made_up_element("MADE-UP-4")),
]
"""Frames 1-6: the made-up transport alone (2), with an ASTM pack and another vendor's
element (4), after a DJI element (6); ASTM packs alone (1, 5) and DJI alone (3)."""


def _ids(records: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(r["frame"], r["transport"], r.get("uas_id") or r["serial"]) for r in records]


@pytest.mark.usefixtures("made_up")
@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_a_registered_transport_is_decoded_on_the_batch_path_as_with_stream(
    tmp_path: Path, kind: str
) -> None:
    path = write_capture(tmp_path, MIXED, kind)
    (records, skipped, counts), settled = both_paths(path)
    assert _ids(records) == [
        (1, "wifi-beacon", "ASTM-1"), (1, "wifi-beacon", "ASTM-2"),
        (2, "test-beacon", "MADE-UP-1"), (3, "dji-wifi", "DJI-1"),
        (4, "test-beacon", "MADE-UP-2"), (4, "test-beacon", "MADE-UP-3"),
        (4, "wifi-beacon", "ASTM-3"), (5, "wifi-beacon", "ASTM-4"),
        (6, "dji-wifi", "DJI-2"), (6, "test-beacon", "MADE-UP-4"),
    ]  # fmt: skip
    assert skipped == {} and counts == (6, 6, 10)
    assert settled == 2  # the kernel read frames 1 and 5, and handed the others over


def test_a_transport_is_decoded_only_while_it_is_registered(tmp_path: Path) -> None:
    path = write_capture(tmp_path, MIXED, "pcap")
    with transports.registered(MADE_UP) as table:
        assert transports.current() is table and MADE_UP in table.entries
        registered, _settled = both_paths(path)
    assert transports.current() is transports.BEACON_TRANSPORTS
    (records, _skipped, counts), settled = both_paths(path)
    assert [r for r in registered[0] if r["transport"] != "test-beacon"] == records
    assert counts == (6, 5, 6)
    assert settled == 4  # all but the DJI frames 3 and 6: frame 2 is no broadcast now


@pytest.mark.usefixtures("made_up")
@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_the_command_gives_the_same_lines_with_and_without_stream(
    tmp_path: Path, kind: str
) -> None:
    path = str(write_capture(tmp_path, MIXED, kind))
    runner = CliRunner()
    batch = runner.invoke(app, ["rid", "decode", path, "--format", "jsonl"])
    streamed = runner.invoke(app, ["rid", "decode", path, "--format", "jsonl", "--stream"])
    assert batch.exit_code == streamed.exit_code == 0, batch.output + streamed.output
    assert batch.stdout == streamed.stdout
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["uas_id"] for line in lines if line["transport"] == "test-beacon"] == [
        "MADE-UP-1", "MADE-UP-2", "MADE-UP-3", "MADE-UP-4"]  # fmt: skip


@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
@pytest.mark.parametrize("astm_first", [True, False], ids=["astm-first", "dji-first"])
def test_a_beacon_with_an_astm_pack_and_a_dji_element_gives_both_on_both_paths(
    tmp_path: Path, kind: str, astm_first: bool
) -> None:
    elements = [astm_element("ASTM-1", "ASTM-2"), dji_element("DJI-1")]
    frame = beacon(*(elements if astm_first else elements[::-1]))
    (records, skipped, counts), _settled = both_paths(write_capture(tmp_path, [frame], kind))
    ids = [(1, "wifi-beacon", "ASTM-1"), (1, "wifi-beacon", "ASTM-2"), (1, "dji-wifi", "DJI-1")]
    assert _ids(records) == (ids if astm_first else [ids[2], *ids[:2]])
    assert skipped == {} and counts == (1, 1, 3)


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(OTHER_VENDOR, id="wpa-element"),
        pytest.param(made_up_element("NOT-IN-TABLE"), id="unregistered-oui"),
        pytest.param(element(221, bytes.fromhex("60601f") + b"\x01\x02\x03\x04"),
                     id="dji-oui-without-droneid-magic"),
        pytest.param(element(221, bytes.fromhex("fa0bbc0e07") + encode_pack([basic_id("X")])),
                     id="asd-stan-oui-other-type"),
        pytest.param(element(221, bytes.fromhex("6a5c3502") + bytes(4)),
                     id="french-oui-other-type"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_a_vendor_element_not_in_the_table_is_no_broadcast_on_either_path(
    tmp_path: Path, kind: str, other: bytes
) -> None:
    path = write_capture(tmp_path, [beacon(other), beacon(other, astm_element("ASTM-1"))], kind)
    (records, skipped, counts), settled = both_paths(path)
    assert _ids(records) == [(2, "wifi-beacon", "ASTM-1")]
    assert skipped == {} and counts == (2, 1, 1)
    assert settled == 2  # the kernel passes over the element, as the streaming path does


def test_an_entry_that_would_claim_elements_of_another_is_refused() -> None:
    astm = transports.ASTM_BEACON
    clash = BeaconTransport("Clash", astm.oui, astm.match + b"\x01", ASTM, "clash", "none")
    with pytest.raises(ValueError, match="would claim the same elements"):
        transports.current().with_entry(clash)
    with pytest.raises(ValueError, match="would claim the same elements"), (
        transports.registered(clash)
    ):
        pass
    assert transports.current() is transports.BEACON_TRANSPORTS


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"protocol": "no-such-protocol"}, "no decoder for protocol"),
        ({"protocol": DJI, "in_kernel": True, "counter": True}, "kernel reads only ASTM packs"),
        ({"in_kernel": True}, "kernel reads only ASTM packs"),  # no counter
        ({"in_kernel": True, "counter": True}, "labels them wifi-beacon"),
        ({"oui": b"\x02\xde"}, "an OUI is 3 bytes"),
        ({"match": b""}, "needs bytes after it"),
    ],
)
def test_an_entry_neither_path_could_decode_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    fields = {"name": "Bad", "oui": MADE_UP.oui, "match": MADE_UP.match, "protocol": ASTM,
              "transport": "bad", "source": "none"} | changes  # fmt: skip
    with pytest.raises(ValueError, match=message):
        BeaconTransport(**fields)


def test_an_added_astm_entry_with_a_counter_can_be_read_by_the_kernel(tmp_path: Path) -> None:
    second = BeaconTransport("Second Remote ID", MADE_UP.oui, b"\x0d", ASTM, WIFI_BEACON,
                             "made up", counter=True, in_kernel=True)  # fmt: skip
    frame = beacon(element(221, second.oui + b"\x0d\x09" + encode_pack([basic_id("SECOND")])))
    with transports.registered(second):
        (records, _skipped, _counts), settled = both_paths(
            write_capture(tmp_path, [frame], "pcap"))
    assert _ids(records) == [(1, "wifi-beacon", "SECOND")] and settled == 1


NO_COUNTER = element(221, bytes.fromhex("fa0bbc0d"))
"""A Remote ID element that stops before its counter: the frame's later elements are lost."""
ELEMENTS = st.sampled_from([
    astm_element("ASTM-1"), astm_element("ASTM-2", "ASTM-3"), dji_element("DJI-1"),
    made_up_element("MADE-UP-1"), made_up_element("MADE-UP-2", "MADE-UP-3"), OTHER_VENDOR,
    element(221, MADE_UP.oui + MADE_UP.match),  # an empty payload
    element(221, MADE_UP.oui + MADE_UP.match + bytes([0xF2, 25, 2]) + bytes(25)),  # short pack
    element(221, MADE_UP.oui + b"\x42"),  # stops inside the match: no broadcast
    NO_COUNTER,
    element(221, bytes.fromhex("6a5c3501") + bytes([1, 1, 1])),  # French, no identifier
])  # fmt: skip
FRAMES = st.lists(st.lists(ELEMENTS, max_size=4).map(lambda parts: beacon(*parts)),
                  min_size=1, max_size=6)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES, st.sampled_from(["pcap", "pcapng"]))
def test_random_mixes_of_table_and_other_elements_give_the_same_outcome_on_both_paths(
    frames: list[bytes], kind: str
) -> None:
    with tempfile.TemporaryDirectory() as folder, transports.registered(MADE_UP):
        path = write_capture(Path(folder), frames, kind)
        (records, _skipped, _counts), _settled = both_paths(path)
    sent = sum(frame.count(b"MADE-UP-") for frame in frames if NO_COUNTER not in frame)
    got = {r["frame"] for r in records if r["transport"] == "test-beacon"}
    assert sum(r["transport"] == "test-beacon" for r in records
               if NO_COUNTER not in frames[r["frame"] - 1]) == sent
    assert got <= {n for n, frame in enumerate(frames, 1) if b"MADE-UP-" in frame}
