"""`rid decode` on pcap files: records built from batch columns equal the streaming path's.

Equality is checked record by record (keys, order and values), on the counts and on the
skip tally (reasons, counts, example frames), for the shared captures, for frames built
from the F3411 layouts that exercise every column conversion (specific-session IDs in hex,
authentication pages, EU classification, version-2 System timestamps, unknown types, NAN
and DJI frames the kernel hands over), and for random message packs.
"""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from capture.capture_builders import (
    BEACON_FIXED,
    element,
    management,
    nan_action,
    odid_beacon_element,
    pcap_file,
    radiotap,
)
from dronevet.broadcast.batch_records import BatchRecords
from dronevet.broadcast.dji.wifi import encode_flight_info
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.cli import app
from shared_files import shared_path

runner = CliRunner()
SOURCE = bytes.fromhex("0a1b2c3d4e5f")
T0 = 1_700_000_000_123_456_000  # 2023-11-14T22:13:20.123456Z

# Basic ID, version 2, ID type 4 (specific session ID), UA type 2: binary ID, trailing zeros
SESSION_ID = bytes([0x02, 0x42]) + bytes([1, 0xAB, 0, 0x7F]) + bytes(16) + bytes(3)
# Authentication page 0 (version 2): UAS ID signature, last page 1, 30 bytes, 2019 + 5 s
AUTH_0 = bytes([0x22, 0x10, 1, 30]) + struct.pack("<I", 5) + bytes(range(17))
AUTH_1 = bytes([0x22, 0x11]) + bytes(range(100, 123))
# page 0 announcing 60 bytes in pages 0-1 (40 bytes): malformed
AUTH_TOO_LONG = bytes([0x22, 0x10, 1, 60]) + bytes(21)
# System, version 2: EU classification, live GNSS; category specific (2), class 3 (4)
SYSTEM_V2 = (bytes([0x42, (1 << 2) | 1]) + struct.pack("<iiHBHHBHI", 504_500_000, 305_200_000,
             3, 5, 2400, 2000, 0x24, 2300, 86_400) + bytes(1))  # fmt: skip
UNKNOWN_TYPE = bytes([0x62]) + bytes(24)
# status airborne, E/W bit (181 + 180 = 361: unknown), multiplier (255 * 0.75 + 63.75 = 255)
LOCATION_UNKNOWNS = bytes([0x12, 0x23, 181, 255]) + bytes([126]) + bytes(20)


def _pack(*messages: bytes) -> bytes:
    return bytes([0xF2, 25, len(messages)]) + b"".join(messages)


def _beacon(pack: bytes, *, fcs_bad: bool = False) -> bytes:
    body = BEACON_FIXED + element(0, b"odid") + odid_beacon_element(7, pack)
    return radiotap(fcs=fcs_bad, bad_fcs=fcs_bad) + management(8, SOURCE, body) + (
        bytes(4) if fcs_bad else b""
    )


def _both(
    path: Path, slice_rows: int = 3
) -> tuple[tuple[list, dict, tuple], tuple[list, dict, tuple]]:
    batch = BatchRecords(path, chunk_bytes=4096, slice_rows=slice_rows)
    fast = [record for records in batch for record in records]
    reader = open_capture(path)
    decoder = StreamDecoder()
    slow = [detection.record() for detection in decoder.run(reader)]
    skipped = decoder.skipped
    skipped.merge(reader.skipped)
    return (
        (fast, batch.skipped().as_dict(),
         (batch.frames, batch.frames_with_broadcast, batch.detections)),
        (slow, skipped.as_dict(),
         (decoder.frames, decoder.frames_with_broadcast, decoder.detections)),
    )  # fmt: skip


def _built_capture(path: Path) -> None:
    dji = element(221, bytes.fromhex("263712") + encode_flight_info(
        serial="1581F4ABCDEF", lat=50.45, lon=30.52))  # fmt: skip
    nan = management(13, SOURCE, nan_action(3, _pack(SYSTEM_V2)),
                     destination=bytes.fromhex("516f9a010000"))  # fmt: skip
    frames = [
        _beacon(_pack(SESSION_ID, AUTH_0, AUTH_1)),
        radiotap() + nan,
        _beacon(_pack(UNKNOWN_TYPE, SYSTEM_V2, AUTH_TOO_LONG, LOCATION_UNKNOWNS)),
        radiotap() + management(8, SOURCE, BEACON_FIXED + dji),
        _beacon(bytes([0xF2, 25, 0])),  # empty pack: the streaming path names it
        _beacon(_pack(UNKNOWN_TYPE)),
        _beacon(_pack(SESSION_ID), fcs_bad=True),
    ]
    path.write_bytes(pcap_file([(T0 + i * 250_000_000, f) for i, f in enumerate(frames)]))


def test_built_frames_give_the_same_records_counts_and_skips_on_both_paths(
    tmp_path: Path,
) -> None:
    path = tmp_path / "built.pcap"
    _built_capture(path)
    fast, slow = _both(path)
    assert fast == slow
    records = fast[0]
    assert [r["transport"] for r in records if r["frame"] in (2, 4)] == ["wifi-nan", "dji-wifi"]
    session = records[0]
    assert session["uas_id"] == "01ab007f" + "00" * 16  # binary ID, hex as F3411 allows
    assert session["time"] == "2023-11-14T22:13:20.123456Z"
    page0, page1 = records[1], records[2]
    assert page0["auth_timestamp"] == "2019-01-01T00:00:05+00:00"
    assert page0["auth_data"] == bytes(range(17)).hex() and page1["auth_last_page"] is None
    system = next(r for r in records if r["frame"] == 3 and r["msg_type"] == "system")
    assert (system["category_eu"], system["class_eu"]) == ("specific", "class_3")
    assert system["system_timestamp"] == "2019-01-02T00:00:00+00:00"  # 86,400 s after 2019
    assert round(system["operator_lat"], 7) == 50.45 and system["area_radius"] == 50.0
    location = next(r for r in records if r["msg_type"] == "location")
    assert location["direction"] is None and location["speed_h"] is None  # 361 deg, 255 m/s
    reasons = fast[1]
    assert reasons["wifi-beacon: message 1 of the pack: unknown message type 0x6"] == {
        "count": 2, "examples": [3, 6]
    }
    assert any("authentication length 60" in reason for reason in reasons)


def test_records_before_a_corrupt_record_length_are_kept(tmp_path: Path) -> None:
    good = _beacon(_pack(SYSTEM_V2))
    raw = pcap_file([(T0, good), (T0 + 1000, good)])
    corrupt = struct.pack("<IIII", 1, 0, 1 << 30, 1 << 30) + bytes(8)
    path = tmp_path / "corrupt.pcap"
    path.write_bytes(raw + corrupt)
    fast, slow = _both(path)
    assert fast == slow
    assert len(fast[0]) == 2
    assert list(fast[1]) == ["corrupt record length 1073741824 (rest of file unreadable)"]


def test_a_short_record_header_at_the_end_is_named_as_the_reader_names_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "short.pcap"
    path.write_bytes(pcap_file([(T0, _beacon(_pack(SYSTEM_V2)))]) + bytes(10))
    fast, slow = _both(path)
    assert fast == slow
    assert list(fast[1]) == ["truncated record header at end of file"]


messages = st.tuples(st.integers(0, 5) | st.integers(0, 15), st.sampled_from([0, 1, 2, 3]),
                     st.binary(min_size=24, max_size=24)).map(
    lambda t: bytes([(t[0] << 4) | t[1]]) + t[2])  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(messages, min_size=1, max_size=9), min_size=1, max_size=12),
       st.integers(1, 20))
def test_random_packs_give_the_same_records_and_skips_on_both_paths(
    packs: list[list[bytes]], slice_rows: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.pcap"
        path.write_bytes(pcap_file(
            [(T0 + i * 1_000_000, _beacon(_pack(*pack))) for i, pack in enumerate(packs)]))
        fast, slow = _both(path, slice_rows=slice_rows)
    assert fast == slow


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["rid", "decode", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_output_is_identical_on_both_paths_for_every_shared_capture(tmp_path: Path) -> None:
    names = ["odid_wifi_bcn_sample.pcap", "odid_wifi_sample.pcap", "odid_bt5_lr_sample.pcapng"]
    built = tmp_path / "built.pcap"
    _built_capture(built)
    paths = [str(shared_path(f"captures/remoteid/{name}")) for name in names] + [str(built)]
    for fmt in ("jsonl", "csv", "geojson"):
        batched = _cli(*paths, "--format", fmt)
        streamed = _cli(*paths, "--format", fmt, "--stream")
        assert batched[0] == 0
        assert batched == streamed, fmt


def test_a_bluetooth_pcap_gives_the_streaming_paths_records(tmp_path: Path) -> None:
    from capture.capture_builders import ble_ll, nordic, odid_service_data

    advert = ble_ll(2, SOURCE[::-1] + odid_service_data(1, SYSTEM_V2))
    path = tmp_path / "ble.pcap"
    path.write_bytes(pcap_file([(T0, nordic(advert))] * 3, linktype=linktypes.NORDIC_BLE))
    fast, slow = _both(path)
    assert fast == slow
    assert [r["transport"] for r in fast[0]] == ["bt-legacy"] * 3
