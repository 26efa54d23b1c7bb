"""The batch path on pcapng files: records, counts and skips equal the streaming path's.

`BatchRecords` over a `PcapngReader` (the compiled block walk of `broadcast.fastpath`) is
checked against `DecodeRun(..., stream=True)` (the streaming reader, frame by frame)
record by record, on the counts and on the skip tally (reasons, counts, examples), for the
shared captures, for the shared pcap files rewritten as pcapng, for files built block by
block from the pcapng layout (interfaces with their own link types and clocks, Simple and
obsolete Packet Blocks, a second section in the other byte order, damaged, corrupt and
truncated blocks) and for random damage to a valid file. Small chunk sizes put block
boundaries at every place in the buffer and make blocks larger than it.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capture.capture_builders import (
    BEACON_FIXED,
    ble_ll,
    element,
    management,
    nan_action,
    nordic,
    odid_beacon_element,
    odid_service_data,
    pcapng_block,
    pcapng_enhanced,
    pcapng_section,
    radiotap,
)
from dronevet.broadcast.batch_records import BatchRecords
from dronevet.broadcast.dji.wifi import encode_flight_info
from dronevet.broadcast.run import DecodeRun
from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.errors import CaptureFormatError
from shared_files import shared_path

Outcome = tuple[list[dict[str, Any]], dict[str, dict[str, object]], tuple[int, int, int]]
"""Records, skip tally and (frames, frames with a broadcast, detections) of one path."""

ETHERNET = 1
RADIOTAP, PLAIN, BLE = linktypes.IEEE802_11_RADIOTAP, linktypes.IEEE802_11, linktypes.NORDIC_BLE
SOURCE = bytes.fromhex("0a1b2c3d4e5f")
T0_S = 1_700_000_000
T0 = T0_S * 1_000_000_000 + 123_456_789  # 2023-11-14T22:13:20.123456789Z
CHUNKS = (64, 4096, 1 << 23)

# Basic ID, version 2, serial number (ID type 1), multirotor (UA type 2)
BASIC_ID = bytes([0x02, 0x12]) + b"1581F4ABCDEF0000TEST" + bytes(3)
# System, version 2: EU classification, live GNSS; category specific (2), class 3 (4)
SYSTEM_V2 = (bytes([0x42, (1 << 2) | 1]) + struct.pack("<iiHBHHBHI", 504_500_000, 305_200_000,
             3, 5, 2400, 2000, 0x24, 2300, 86_400) + bytes(1))  # fmt: skip
# status airborne, E/W bit (181 + 180 = 361: unknown), multiplier (255 * 0.75 + 63.75 = 255)
LOCATION = bytes([0x12, 0x23, 181, 255]) + bytes([126]) + bytes(20)
UNKNOWN_TYPE = bytes([0x62]) + bytes(24)


def _beacon(*messages: bytes, plain: bool = False, padding: int = 0) -> bytes:
    """A beacon with one Remote ID message pack (radiotap unless `plain`), SSID elements
    of `padding` bytes after it."""
    pack = bytes([0xF2, 25, len(messages)]) + b"".join(messages)
    body = BEACON_FIXED + element(0, b"odid") + odid_beacon_element(7, pack)
    while padding > 0:
        body += element(0, bytes(min(padding, 255)))
        padding -= 255
    frame = management(8, SOURCE, body)
    return frame if plain else radiotap() + frame


def _nan() -> bytes:
    pack = bytes([0xF2, 25, 1]) + SYSTEM_V2
    return radiotap() + management(13, SOURCE, nan_action(3, pack),
                                   destination=bytes.fromhex("516f9a010000"))  # fmt: skip


def _dji() -> bytes:
    info = encode_flight_info(serial="1581F4ABCDEF", lat=50.45, lon=30.52)
    return radiotap() + management(8, SOURCE, BEACON_FIXED + element(221, bytes.fromhex(
        "263712") + info))  # fmt: skip


def _bluetooth() -> bytes:
    return nordic(ble_ll(2, SOURCE[::-1] + odid_service_data(1, SYSTEM_V2)))


def _interface(
    order: str, linktype: int, tsresol: int | None = None, tsoffset: int | None = None
) -> bytes:
    """An Interface Description Block with if_tsresol and if_tsoffset when given."""
    options = b""
    if tsresol is not None:
        options += struct.pack(order + "HHB3x", 9, 1, tsresol)
    if tsoffset is not None:
        options += struct.pack(order + "HHq", 14, 8, tsoffset)
    if options:
        options += struct.pack(order + "HH", 0, 0)
    return pcapng_block(order, 1, struct.pack(order + "HHI", linktype, 0, 65535) + options)


def _simple(order: str, data: bytes) -> bytes:
    """A Simple Packet Block (interface 0, no time stamp)."""
    return pcapng_block(order, 3, struct.pack(order + "I", len(data)) + data)


def _obsolete(order: str, interface: int, ticks: int, data: bytes) -> bytes:
    """An obsolete Packet Block (type 2): 16-bit interface, drops, time stamp, lengths."""
    fixed = struct.pack(order + "HHIIII", interface, 0, ticks >> 32, ticks & 0xFFFFFFFF,
                        len(data), len(data))  # fmt: skip
    return pcapng_block(order, 2, fixed + data)


def _as_pcapng(pcap: bytes) -> bytes:
    """A pcap file rewritten as pcapng: one section, one interface of the pcap's link type
    and time resolution, an Enhanced Packet Block per record."""
    magic = pcap[:4]
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nanoseconds = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack_from(order + "I", pcap, 20)[0] & 0xFFFF
    scale = 1_000_000_000 if nanoseconds else 1_000_000
    blocks = [pcapng_section(order), _interface(order, linktype, 9 if nanoseconds else 6)]
    pos = 24
    while pos + 16 <= len(pcap):
        seconds, fraction, caplen, _ = struct.unpack_from(order + "IIII", pcap, pos)
        data = pcap[pos + 16 : pos + 16 + caplen]
        blocks.append(pcapng_enhanced(order, 0, seconds * scale + fraction, data))
        pos += 16 + caplen
    return b"".join(blocks)


def _batched(path: Path, chunk_bytes: int) -> tuple[Outcome, BatchRecords]:
    batch = BatchRecords(open_capture(path), chunk_bytes=chunk_bytes, slice_rows=3)
    records = [record for records in batch for record in records]
    counts = (batch.frames, batch.frames_with_broadcast, batch.detections)
    return (records, batch.skipped().as_dict(), counts), batch


def _streamed(path: Path) -> Outcome:
    run = DecodeRun(path, stream=True)
    records = list(run)
    return records, run.skipped().as_dict(), (run.frames, run.frames_with_broadcast,
                                              run.detections)  # fmt: skip


def _compared(path: Path, chunk_bytes: int = 4096) -> tuple[Outcome, int]:
    """The batch path's outcome, checked equal to the streaming path's, and how many frames
    the kernel settled itself."""
    fast, batch = _batched(path, chunk_bytes)
    assert fast == _streamed(path)
    assert batch.offset <= path.stat().st_size
    return fast, batch.frames - batch.decoder.stream.frames


def _write(folder: Path, blocks: list[bytes], name: str = "built.pcapng") -> Path:
    path = folder / name
    path.write_bytes(b"".join(blocks))
    return path


@pytest.mark.parametrize("chunk_bytes", CHUNKS)
def test_shared_pcapng_captures_give_the_same_records_on_both_paths(chunk_bytes: int) -> None:
    folder = shared_path("captures/remoteid")
    paths = sorted(folder.glob("*.pcapng"))
    assert paths
    for path in paths:
        outcome, _settled = _compared(path, chunk_bytes)
        assert outcome[0], path.name


@pytest.mark.parametrize("chunk_bytes", CHUNKS)
def test_shared_pcap_files_rewritten_as_pcapng_give_the_records_of_the_pcap(
    tmp_path: Path, chunk_bytes: int
) -> None:
    paths = sorted(shared_path("captures/remoteid").glob("*.pcap"))
    assert paths
    for pcap in paths:
        path = tmp_path / f"{pcap.stem}.pcapng"
        path.write_bytes(_as_pcapng(pcap.read_bytes()))
        outcome, settled = _compared(path, chunk_bytes)
        assert outcome == _batched(pcap, chunk_bytes)[0], pcap.name
        if chunk_bytes > 64:  # blocks larger than the buffer go through the reader
            assert settled > 0, pcap.name  # the kernel read its beacons


def test_interfaces_keep_their_own_link_type_and_clock(tmp_path: Path) -> None:
    # interface 0: radiotap in ns; 1: plain 802.11 in 2^-20 s from 100 s; 2: nRF BLE in us
    half_past = ((T0_S - 100) << 20) + (1 << 19)  # T0_S + 0.5 s
    path = _write(tmp_path, [
        pcapng_section(), _interface("<", RADIOTAP, tsresol=9),
        _interface("<", PLAIN, tsresol=0x94, tsoffset=100), _interface("<", BLE),
        pcapng_enhanced("<", 0, T0, _beacon(BASIC_ID, SYSTEM_V2)),
        pcapng_enhanced("<", 1, half_past, _beacon(LOCATION, plain=True)),
        pcapng_enhanced("<", 2, T0_S * 1_000_000 + 250_000, _bluetooth()),
        pcapng_enhanced("<", 1, half_past + 3, _beacon(SYSTEM_V2, plain=True)),
        pcapng_enhanced("<", 0, T0 + 1, _beacon(UNKNOWN_TYPE, BASIC_ID)),
    ])  # fmt: skip
    (records, skipped, counts), settled = _compared(path)
    assert [(r["frame"], r["time"], r["transport"]) for r in records] == [
        (1, "2023-11-14T22:13:20.123456Z", "wifi-beacon"),
        (1, "2023-11-14T22:13:20.123456Z", "wifi-beacon"),
        (2, "2023-11-14T22:13:20.500000Z", "wifi-beacon"),
        (3, "2023-11-14T22:13:20.250000Z", "bt-legacy"),
        (4, "2023-11-14T22:13:20.500002Z", "wifi-beacon"),  # 3 / 2^20 s = 2.86 us
        (5, "2023-11-14T22:13:20.123456Z", "wifi-beacon"),
    ]
    assert counts == (5, 5, 6) and settled == 5  # the BLE frame too
    assert list(skipped) == ["wifi-beacon: message 1 of the pack: unknown message type 0x6"]


@pytest.mark.parametrize("chunk_bytes", CHUNKS)
def test_the_offset_handed_out_reaches_the_end_of_the_file(
    tmp_path: Path, chunk_bytes: int
) -> None:
    path = _write(tmp_path, [pcapng_section(), _interface("<", RADIOTAP)] + [
        pcapng_enhanced("<", 0, i, _beacon(BASIC_ID, padding=i * 40)) for i in range(20)])
    batch = BatchRecords(open_capture(path), chunk_bytes=chunk_bytes)
    seen = [batch.offset for _records in batch]
    assert seen == sorted(seen) and batch.offset == path.stat().st_size


def test_simple_and_obsolete_packet_blocks_read_as_the_streaming_reader_reads_them(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, [
        pcapng_section(), _interface("<", RADIOTAP),
        _simple("<", _beacon(SYSTEM_V2)),
        _obsolete("<", 0, T0_S * 1_000_000, _beacon(BASIC_ID)),
        pcapng_enhanced("<", 0, T0_S * 1_000_000 + 1, _beacon(LOCATION)),
    ])  # fmt: skip
    (records, _skipped, counts), settled = _compared(path)
    assert [(r["frame"], r["time"]) for r in records] == [
        (1, None), (2, "2023-11-14T22:13:20.000000Z"), (3, "2023-11-14T22:13:20.000001Z")
    ]
    assert counts == (3, 3, 3) and settled == 2  # a Simple Packet Block has no time stamp


def test_a_second_section_in_the_other_byte_order_starts_its_own_interfaces(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, [
        pcapng_section("<"), _interface("<", PLAIN), _interface("<", RADIOTAP),
        pcapng_enhanced("<", 1, 1_000_000, _beacon(BASIC_ID)),
        pcapng_section(">", comment="second"), _interface(">", RADIOTAP, tsresol=9),
        pcapng_enhanced(">", 0, T0, _beacon(SYSTEM_V2)),
        pcapng_enhanced(">", 1, T0, _beacon(SYSTEM_V2)),  # interface 1 of the first section
        _obsolete(">", 0, T0 + 1000, _beacon(LOCATION)),
    ])  # fmt: skip
    (records, skipped, counts), settled = _compared(path, chunk_bytes=1 << 20)
    assert [r["frame"] for r in records] == [1, 2, 4]
    assert skipped == {"packet on an interface not described": {"count": 1, "examples": [3]}}
    assert counts == (3, 3, 3) and settled == 3


@pytest.mark.parametrize(
    ("cut", "reason"),
    [(6, "truncated block at end of file"), (len(_beacon(BASIC_ID)) + 30,
     "truncated block header at end of file"), (3, "truncated block at end of file")],
)  # fmt: skip
@pytest.mark.parametrize("chunk_bytes", CHUNKS)
def test_a_truncated_last_block_is_counted_as_the_streaming_reader_counts_it(
    tmp_path: Path, cut: int, reason: str, chunk_bytes: int
) -> None:
    blocks = [pcapng_section(), _interface("<", RADIOTAP),
              pcapng_enhanced("<", 0, 1, _beacon(BASIC_ID)),
              pcapng_enhanced("<", 0, 2, _beacon(SYSTEM_V2))]  # fmt: skip
    whole = b"".join(blocks)
    path = tmp_path / "cut.pcapng"
    path.write_bytes(whole[:-cut])
    (records, skipped, counts), _settled = _compared(path, chunk_bytes)
    assert [r["frame"] for r in records] == [1] and counts == (1, 1, 1)
    assert skipped == {reason: {"count": 1, "examples": [len(whole) - len(blocks[-1])]}}


@pytest.mark.parametrize("length", [30, 8, (1 << 24) + 4, 0xFFFFFFFC])
@pytest.mark.parametrize("chunk_bytes", CHUNKS)
def test_a_corrupt_block_length_ends_the_walk_and_keeps_the_blocks_before_it(
    tmp_path: Path, length: int, chunk_bytes: int
) -> None:
    good = pcapng_enhanced("<", 0, 1, _beacon(BASIC_ID))
    corrupt = bytearray(pcapng_enhanced("<", 0, 2, _beacon(SYSTEM_V2)))
    corrupt[4:8] = struct.pack("<I", length)
    head = pcapng_section() + _interface("<", RADIOTAP)
    path = _write(tmp_path, [head, good, good, bytes(corrupt), good])
    (records, skipped, counts), _settled = _compared(path, chunk_bytes)
    assert [r["frame"] for r in records] == [1, 2] and counts == (2, 2, 2)
    where = len(head) + 2 * len(good)
    assert skipped == {f"corrupt block length {length} (rest of file unreadable)":
                       {"count": 1, "examples": [where]}}  # fmt: skip


def test_damaged_blocks_are_counted_by_the_reader_and_the_rest_decoded(tmp_path: Path) -> None:
    beacon = _beacon(BASIC_ID)
    long_caplen = bytearray(pcapng_enhanced("<", 0, 5, beacon))
    long_caplen[20:24] = struct.pack("<I", len(beacon) + 4)  # past the end of its block
    path = _write(tmp_path, [
        pcapng_section(), _interface("<", RADIOTAP), _interface("<", ETHERNET),
        pcapng_enhanced("<", 0, 1, beacon),
        pcapng_enhanced("<", 2, 2, beacon),  # interface 2 is not described
        pcapng_enhanced("<", 1, 3, b"ethernet"),
        pcapng_block("<", 6, bytes(16)),  # shorter than the fixed fields
        bytes(long_caplen),
        pcapng_block("<", 3, b""),  # Simple Packet Block without its length
        pcapng_block("<", 0x0BAD, bytes(4)),
        pcapng_enhanced("<", 0, 9, _nan()), pcapng_enhanced("<", 0, 10, _dji()),
        pcapng_enhanced("<", 0, 11, _beacon()),  # an empty pack
    ])  # fmt: skip
    (records, skipped, counts), settled = _compared(path)
    assert [(r["frame"], r["transport"]) for r in records] == [
        (1, "wifi-beacon"), (7, "wifi-nan"), (8, "dji-wifi")
    ]
    assert {reason: entry["count"] for reason, entry in skipped.items()} == {
        "packet on an interface not described": 1, "link type Ethernet (1) not supported": 1,
        "packet block too short": 1, "captured length exceeds its block": 1,
        "Simple Packet Block too short": 1, "pcapng block type 0xbad not used": 1,
        "wifi-beacon: empty message pack": 1,
    }
    assert counts == (4, 4, 3) and settled == 1


@pytest.mark.parametrize("chunk_bytes", [64, 4096])
def test_a_block_larger_than_the_buffer_is_framed_by_the_reader(
    tmp_path: Path, chunk_bytes: int
) -> None:
    big = _beacon(SYSTEM_V2, padding=9000)
    path = _write(tmp_path, [
        pcapng_section(), _interface("<", RADIOTAP),
        pcapng_enhanced("<", 0, 1, _beacon(BASIC_ID)), pcapng_enhanced("<", 0, 2, big),
        pcapng_enhanced("<", 0, 3, _beacon(LOCATION)), pcapng_enhanced("<", 0, 4, big),
    ])  # fmt: skip
    (records, _skipped, counts), _settled = _compared(path, chunk_bytes)
    assert [r["frame"] for r in records] == [1, 2, 3, 4] and counts == (4, 4, 4)


def test_time_stamps_the_kernel_cannot_hold_are_left_to_the_streaming_path(
    tmp_path: Path,
) -> None:
    year_2200 = 7_258_118_400 * 1_000_000  # us: after the kernel's latest time (2116)
    path = _write(tmp_path, [
        pcapng_section(),
        _interface("<", RADIOTAP, tsresol=0xA8),  # 2^-40 s: finer than the kernel follows
        _interface("<", RADIOTAP, tsoffset=-2_000_000_000),  # before 1970
        _interface("<", RADIOTAP, tsresol=30),  # 10^-30 s
        _interface("<", RADIOTAP),
        pcapng_enhanced("<", 0, (1 << 40) + (1 << 20), _beacon(BASIC_ID)),
        pcapng_enhanced("<", 1, 1_000_000, _beacon(BASIC_ID)),
        pcapng_enhanced("<", 2, 1 << 63, _beacon(BASIC_ID)),  # 9.2e-12 s
        pcapng_enhanced("<", 3, year_2200, _beacon(BASIC_ID)),
        pcapng_enhanced("<", 3, T0_S * 1_000_000, _beacon(BASIC_ID)),
    ])  # fmt: skip
    (records, _skipped, _counts), settled = _compared(path)
    assert [r["time"] for r in records] == [
        "1970-01-01T00:00:01.000000Z", "1906-08-16T20:26:41.000000Z",
        "1970-01-01T00:00:00.000000Z", "2200-01-01T00:00:00.000000Z",
        "2023-11-14T22:13:20.000000Z",
    ]
    assert settled == 1


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([pcapng_section(), bytes.fromhex("0a0d0d0a") + struct.pack("<I", 28) + bytes(20)],
         "Section Header Block without byte-order magic at byte offset 28"),
        ([pcapng_section(), pcapng_block("<", 1, bytes(4))],
         "Interface Description Block too short at byte offset 28"),
        ([pcapng_section(), _interface("<", RADIOTAP, tsresol=64)],
         "if_tsresol 0x40 out of range at byte offset 28"),
        ([pcapng_section(), _interface("<", ETHERNET),
          pcapng_enhanced("<", 0, 1, b"ethernet")], "link type Ethernet (1) is not one"),
        ([pcapng_section(), pcapng_block("<", 0x0A0D0D0A, struct.pack("<I", 0x1A2B3C4D))],
         "Section Header Block too short at byte offset 28"),
    ],
)  # fmt: skip
def test_a_damaged_file_header_fails_as_the_streaming_reader_fails(
    tmp_path: Path, blocks: list[bytes], message: str
) -> None:
    path = _write(tmp_path, blocks)
    with pytest.raises(CaptureFormatError) as streamed:
        _streamed(path)
    with pytest.raises(CaptureFormatError) as batched:
        _batched(path, 4096)
    assert message in str(streamed.value)
    assert str(batched.value) == str(streamed.value)


def _fuzz_base() -> tuple[bytes, list[int]]:
    """A valid file with every kind of block and frame, and where each block starts."""
    blocks = [
        pcapng_section("<", comment="fuzz"),
        _interface("<", RADIOTAP, tsresol=9),
        _interface("<", PLAIN, tsresol=0x94, tsoffset=100),
        _interface("<", BLE),
        pcapng_enhanced("<", 0, T0, _beacon(BASIC_ID, SYSTEM_V2)),
        pcapng_enhanced("<", 1, (T0_S - 100) << 20, _beacon(LOCATION, plain=True)),
        pcapng_enhanced("<", 2, T0_S * 1_000_000, _bluetooth()),
        _simple("<", _beacon(SYSTEM_V2)),
        pcapng_block("<", 5, bytes(8)),
        _obsolete("<", 0, T0 + 5, _beacon(BASIC_ID)),
        pcapng_enhanced("<", 0, T0 + 6, _nan()),
        pcapng_enhanced("<", 0, T0 + 7, _beacon(UNKNOWN_TYPE, LOCATION, SYSTEM_V2)),
        pcapng_section(">"),
        _interface(">", RADIOTAP),
        pcapng_enhanced(">", 0, T0_S * 1_000_000, _beacon(SYSTEM_V2, BASIC_ID)),
        pcapng_enhanced(">", 0, T0_S * 1_000_000 + 1, _dji()),
    ]
    starts = [0, *accumulate(len(block) for block in blocks)][:-1]
    return b"".join(blocks), starts


BASE, STARTS = _fuzz_base()
WORDS = st.sampled_from([0, 1, 2, 3, 6, 8, 12, 13, 28, 0x80, 0xFFFF, 1 << 24, (1 << 24) + 4,
                         1 << 31, 0xFFFFFFFF, 0x0A0D0D0A]) | st.integers(0, 0xFFFFFFFF)
MUTATIONS = st.lists(st.tuples(st.integers(0, len(STARTS) - 1),
                               st.integers(0, 40) | st.integers(0, 400),
                               st.booleans(), WORDS), max_size=4)  # fmt: skip


def _mutated(mutations: list[tuple[int, int, bool, int]], cut: int | None) -> bytes:
    """`BASE` with bytes or 32-bit words (little-endian) written at offsets from the starts
    of its blocks, then cut to `cut` bytes."""
    raw = bytearray(BASE)
    for block, offset, word, value in mutations:
        at = (STARTS[block] + offset) % len(raw)
        if word:
            raw[at : at + 4] = struct.pack("<I", value)[: len(raw) - at]
        else:
            raw[at] = value & 0xFF
    return bytes(raw if cut is None else raw[:cut])


def _outcome(read: Callable[[], Outcome]) -> Outcome | str:
    """A path's outcome, or the message of the `CaptureFormatError` it stops with (a
    damaged clock is a counted skip, never an error)."""
    try:
        return read()
    except CaptureFormatError as error:
        return f"{type(error).__name__}: {error}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS, st.none() | st.integers(0, len(BASE)), st.sampled_from([64, 100, 4096]))
def test_random_damage_gives_the_same_records_skips_and_errors_on_both_paths(
    mutations: list[tuple[int, int, bool, int]], cut: int | None, chunk_bytes: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.pcapng"
        path.write_bytes(_mutated(mutations, cut))
        streamed = _outcome(lambda: _streamed(path))
        batched = _outcome(lambda: _batched(path, chunk_bytes)[0])
    assert batched == streamed


def test_the_undamaged_fuzz_base_is_read_mostly_by_the_kernel(tmp_path: Path) -> None:
    path = tmp_path / "base.pcapng"
    path.write_bytes(BASE)
    (records, skipped, counts), settled = _compared(path)
    assert len(records) == 12 and counts == (9, 9, 12) and settled == 6
    assert list(skipped) == ["wifi-beacon: message 1 of the pack: unknown message type 0x6",
                             "pcapng block type 0x5 not used"]
