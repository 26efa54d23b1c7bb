"""Bluetooth LE Remote ID on the batch path: the kernel's records equal the streaming path's.

Frames of the three Bluetooth LE link types (251 link layer, 256 with the pseudo-header,
272 nRF Sniffer), in pcap and pcapng files, mix legacy advertisements of one message,
extended advertisements of a message pack (1M and Coded PHY), CRC errors, empty packs, a
single message where a pack is due and the reverse, AuxPtr, missing addresses, malformed AD
structures, other PDU types and advertisements that are not Remote ID. `BatchRecords` and
`rid decode` (each output format) give the records, bytes, counts and skip tally of the
streaming path; the kernel itself gathers the messages of the frames it can read (its rows
are counted) and hands the others over. Random advertising payloads and the shared Bluetooth
5 long-range capture (also rewritten as pcap) check the same.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from capture.capture_builders import (
    BEACON_FIXED,
    ble_ll,
    management,
    nordic,
    odid_beacon_element,
    odid_service_data,
    pcap_file,
    pcapng_enhanced,
    pcapng_interface,
    pcapng_section,
    radiotap,
)
from dronevet.broadcast.batch_records import BatchRecords
from dronevet.broadcast.fastpath import BatchDecoder
from dronevet.broadcast.run import DecodeRun
from dronevet.broadcast.transports import KERNEL_TRANSPORTS
from dronevet.capture import ble, linktypes
from dronevet.capture.files import open_capture
from dronevet.cli import app
from shared_files import shared_path

Outcome = tuple[list[dict[str, Any]], dict[str, dict[str, object]], tuple[int, int, int]]
"""Records, skip tally and (frames, frames with a broadcast, detections) of one path."""

runner = CliRunner()
LL, PHDR, NORDIC = (linktypes.BLUETOOTH_LE_LL, linktypes.BLUETOOTH_LE_LL_WITH_PHDR,
                    linktypes.NORDIC_BLE)  # fmt: skip
BLE_LINKTYPES = (LL, PHDR, NORDIC)
ADDRESS = bytes.fromhex("e07deaeb2f1c")  # as people write it; sent the other way round
T0 = 1_700_000_000_123_456_000  # 2023-11-14T22:13:20.123456Z
FORMATS = ("jsonl", "csv", "geojson", "kml")

# Basic ID, version 2, serial number (ID type 1), multirotor (UA type 2)
BASIC_ID = bytes([0x02, 0x12]) + b"1581F4ABCDEF0000TEST" + bytes(3)
# System, version 2: EU classification, live GNSS; category specific (2), class 3 (4)
SYSTEM_V2 = (bytes([0x42, (1 << 2) | 1]) + struct.pack("<iiHBHHBHI", 504_500_000, 305_200_000,
             3, 5, 2400, 2000, 0x24, 2300, 86_400) + bytes(1))  # fmt: skip
# Location, version 2, airborne: 90 degrees, 5 m/s, at 50.45 N 30.52 E, 150 m geodetic
LOCATION = (bytes([0x12, 0x20, 90, 20, 10]) + struct.pack("<iiHHH", 504_500_000, 305_200_000,
            2300, 2300, 2100) + bytes([0x4B, 0x04]) + struct.pack("<H", 12_000) + bytes(2))
UNKNOWN_TYPE = bytes([0x62]) + bytes(24)
FLAGS_AD = bytes([2, 0x01, 0x06])
IBEACON_AD = bytes([5, 0xFF, 0x4C, 0x00, 0x02, 0x15])  # manufacturer data, not Remote ID
EDDYSTONE_AD = bytes([5, 0x16, 0xAA, 0xFE, 0x10, 0x00])  # service data of another UUID
ADI = bytes([0x75, 0x0E])
AUX_PTR = bytes([0x05, 0x10, 0x02])


def _pack(*messages: bytes, version: int = 2) -> bytes:
    return bytes([0xF0 | version, 25, len(messages)]) + b"".join(messages)


def _legacy(*ads: bytes) -> bytes:
    """A legacy advertising payload: the advertiser address, then AD structures."""
    return ADDRESS[::-1] + b"".join(ads)


def _extended(*ads: bytes, address: bool = True, aux: bool = False) -> bytes:
    """An extended advertising payload: header (AdvA if asked, ADI, AuxPtr if asked), ADs."""
    flags = (1 if address else 0) | 0x08 | (0x10 if aux else 0)
    fields = (ADDRESS[::-1] if address else b"") + ADI + (AUX_PTR if aux else b"")
    return bytes([1 + len(fields), flags]) + fields + b"".join(ads)


@dataclass(frozen=True)
class Advert:
    """One frame's link-layer packet, what the sniffer says of it, and what the kernel does
    with it: `rows` (gathers its messages), `none` (settles it: no Remote ID), `handed`."""

    what: str
    packet: bytes
    kernel: str
    coded: bool = False
    crc_ok: bool = True

    @property
    def transport(self) -> str:
        """The transport of its records: extended advertising or legacy."""
        header = self.packet[5 if self.coded else 4]
        return "bt-extended" if header & 0x0F == ble.PDU_ADV_EXT else "bt-legacy"


def _pdu(pdu_type: int, payload: bytes, coded: bool = False) -> bytes:
    return ble_ll(pdu_type, payload, coded=coded)


EXT, NONCONN = ble.PDU_ADV_EXT, ble.PDU_ADV_NONCONN_IND
DATA_CHANNEL = struct.pack("<I", 0x50654C41) + bytes([0x01, 0x00]) + bytes(3)
ADVERTS = [
    Advert("legacy Basic ID", _pdu(NONCONN, _legacy(odid_service_data(1, BASIC_ID))), "rows"),
    Advert("ADV_IND: flags, then an unknown message type",
           _pdu(ble.PDU_ADV_IND, _legacy(FLAGS_AD, odid_service_data(2, UNKNOWN_TYPE))), "rows"),
    Advert("scan response: Location, then padding",
           _pdu(ble.PDU_SCAN_RSP, _legacy(odid_service_data(3, LOCATION), bytes(2))), "rows"),
    Advert("ADV_SCAN_IND System",
           _pdu(ble.PDU_ADV_SCAN_IND, _legacy(odid_service_data(4, SYSTEM_V2))), "rows"),
    Advert("extended pack on the Coded PHY", _pdu(EXT, _extended(FLAGS_AD, odid_service_data(
        5, _pack(BASIC_ID, SYSTEM_V2, LOCATION))), coded=True), "rows", coded=True),
    Advert("extended pack on 1M, an unknown type second", _pdu(EXT, _extended(odid_service_data(
        6, _pack(LOCATION, UNKNOWN_TYPE, BASIC_ID)))), "rows"),
    Advert("a pack of nine", _pdu(EXT, _extended(odid_service_data(7, _pack(*[LOCATION] * 9)))),
           "rows"),
    Advert("CRC error", _pdu(NONCONN, _legacy(odid_service_data(8, BASIC_ID))), "rows",
           crc_ok=False),
    Advert("CRC error on the Coded PHY", _pdu(EXT, _extended(odid_service_data(
        9, _pack(BASIC_ID))), coded=True), "rows", coded=True, crc_ok=False),
    Advert("empty pack", _pdu(EXT, _extended(odid_service_data(10, _pack()))), "handed"),
    Advert("a single message in an extended advertisement",
           _pdu(EXT, _extended(odid_service_data(11, BASIC_ID))), "handed"),
    Advert("a pack in a legacy advertisement",
           _pdu(NONCONN, _legacy(odid_service_data(12, _pack(BASIC_ID)))), "handed"),
    Advert("a short legacy message",
           _pdu(NONCONN, _legacy(odid_service_data(13, BASIC_ID[:24]))), "handed"),
    Advert("a long legacy message",
           _pdu(NONCONN, _legacy(odid_service_data(13, BASIC_ID + b"\0"))), "handed"),
    Advert("a version-0 pack announcing ten, holding nine", _pdu(EXT, _extended(
        odid_service_data(14, bytes([0xF0, 25, 10]) + BASIC_ID * 9))), "handed"),
    Advert("no Remote ID", _pdu(ble.PDU_ADV_IND, _legacy(FLAGS_AD, IBEACON_AD)), "none"),
    Advert("another service's data", _pdu(NONCONN, _legacy(EDDYSTONE_AD)), "none"),
    Advert("a data channel packet", DATA_CHANNEL, "none"),
    Advert("ADV_EXT_IND pointing to its data", _pdu(EXT, _extended(address=False, aux=True)),
           "none"),
    Advert("Remote ID with an AuxPtr", _pdu(EXT, _extended(odid_service_data(
        15, _pack(BASIC_ID)), aux=True)), "handed"),
    Advert("Remote ID without an address", _pdu(EXT, _extended(odid_service_data(
        16, _pack(BASIC_ID)), address=False)), "handed"),
    Advert("an AD structure past the data",
           _pdu(NONCONN, _legacy(FLAGS_AD, bytes([30, 0x16, 0xFA, 0xFF]))), "handed"),
    Advert("a SCAN_REQ", _pdu(3, ADDRESS[::-1] * 2), "handed"),
    Advert("service data without a counter",
           _pdu(NONCONN, _legacy(bytes([4, 0x16, 0xFA, 0xFF, 0x0D]))), "handed"),
    Advert("two Remote ID structures", _pdu(NONCONN, _legacy(
        odid_service_data(17, BASIC_ID), odid_service_data(18, UNKNOWN_TYPE))), "handed"),
    Advert("a PDU past its packet", _pdu(NONCONN, _legacy(odid_service_data(19, BASIC_ID)))[:-8],
           "handed"),
    Advert("extended header past the PDU", _pdu(EXT, bytes([9, 0x01]) + ADDRESS), "handed"),
]
NAMED = {advert.what: advert for advert in ADVERTS}


def _phdr(packet: bytes, *, crc_ok: bool = True, coded: bool = False) -> bytes:
    """LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR: channel, signal, noise, access address offenses,
    reference access address, flags (0x0400 CRC checked, 0x0800 CRC valid, PHY in bits
    14-15), then the packet."""
    flags = 0x0013 | 0x0400 | (0x0800 if crc_ok else 0) | (0x8000 if coded else 0)
    return bytes([37, 0xC4, 0x9C, 0]) + struct.pack("<IH", 0x8E89BED6, flags) + packet


def _frame(linktype: int, advert: Advert) -> bytes:
    """The advertisement as a frame of `linktype`; 251 says nothing of CRC or PHY, so there
    a Coded PHY packet goes without its coding indicator, as on the 1M PHY."""
    if linktype == NORDIC:
        return nordic(advert.packet, crc_ok=advert.crc_ok, coded=advert.coded)
    if linktype == PHDR:
        return _phdr(advert.packet, crc_ok=advert.crc_ok, coded=advert.coded)
    return advert.packet[:4] + advert.packet[5:] if advert.coded else advert.packet


def _kernel_reads(linktype: int, advert: Advert) -> str:
    """What the kernel does with `advert` as a frame of `linktype`."""
    return "handed" if not advert.crc_ok and linktype != LL else advert.kernel


def _write(path: Path, frames: Sequence[tuple[int, bytes]], kind: str, order: str = "<") -> Path:
    """`(link type, data)` frames, 1 ms apart, as a pcap file (one link type) or pcapng (an
    interface per link type, in microseconds)."""
    times = [T0 + i * 1_000_000 for i in range(len(frames))]
    if kind == "pcap":
        (linktype,) = {linktype for linktype, _ in frames}
        path.write_bytes(pcap_file(list(zip(times, [data for _, data in frames], strict=True)),
                                   linktype=linktype, order=order))  # fmt: skip
        return path
    interfaces = sorted({linktype for linktype, _ in frames})
    blocks = [pcapng_section(order), *(pcapng_interface(order, lt) for lt in interfaces)]
    blocks += [pcapng_enhanced(order, interfaces.index(linktype), time // 1000, data)
               for time, (linktype, data) in zip(times, frames, strict=True)]  # fmt: skip
    path.write_bytes(b"".join(blocks))
    return path


def _batched(path: Path, chunk_bytes: int = 4096, slice_rows: int = 3) -> Outcome:
    batch = BatchRecords(open_capture(path), chunk_bytes=chunk_bytes, slice_rows=slice_rows)
    records = [record for records in batch for record in records]
    return records, batch.skipped().as_dict(), (batch.frames, batch.frames_with_broadcast,
                                                batch.detections)  # fmt: skip


def _streamed(path: Path) -> Outcome:
    run = DecodeRun(path, stream=True)
    records = list(run)
    return records, run.skipped().as_dict(), (run.frames, run.frames_with_broadcast,
                                              run.detections)  # fmt: skip


def _lines(path: Path, fmt: str, stream: bool) -> bytes:
    run = DecodeRun(path, stream=stream)
    return b"".join(bytes(chunk) for chunk in run.lines(fmt))


@dataclass(frozen=True)
class KernelWork:
    """What the kernel did with a file: the frames of its rows, their transports, and how
    many frames it handed to the streaming path."""

    frames: list[int]
    transports: list[str]
    handed_over: int


def _kernel_work(path: Path, chunk_bytes: int = 4096) -> KernelWork:
    decoder = BatchDecoder(path, chunk_bytes)
    frames: list[int] = []
    transports: list[str] = []
    for batch in decoder.batches():
        frames += batch.frame.tolist()
        transports += [KERNEL_TRANSPORTS[code] for code in batch.transport.tolist()]
    return KernelWork(frames, transports, decoder.stream.frames)


def _compared(path: Path, chunk_bytes: int = 4096) -> Outcome:
    """The batch path's outcome, checked equal to the streaming path's, also as lines."""
    fast = _batched(path, chunk_bytes)
    assert fast == _streamed(path)
    assert _lines(path, "jsonl", stream=False) == _lines(path, "jsonl", stream=True)
    return fast


@pytest.mark.parametrize("chunk_bytes", [64, 4096, 1 << 23])
@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
@pytest.mark.parametrize("linktype", BLE_LINKTYPES)
def test_every_kind_of_advertisement_gives_the_streaming_paths_records_counts_and_skips(
    tmp_path: Path, linktype: int, kind: str, chunk_bytes: int
) -> None:
    frames = [(linktype, _frame(linktype, advert)) for advert in ADVERTS]
    path = _write(tmp_path / f"adverts.{kind}", frames, kind)
    records, skipped, counts = _compared(path, chunk_bytes)
    assert {r["transport"] for r in records} == {"bt-legacy", "bt-extended"}
    assert "bt-extended: message 2 of the pack: unknown message type 0x6" in skipped
    assert "bt-legacy: unknown message type 0x6" in skipped
    assert counts[0] == len(ADVERTS)
    if chunk_bytes == 64 and kind == "pcapng":
        return  # a 64-byte buffer leaves most blocks to the reader, which hands them over
    work = _kernel_work(path, chunk_bytes)
    reads = [_kernel_reads(linktype, advert) for advert in ADVERTS]
    rows = [(number, advert.transport) for number, (advert, read)
            in enumerate(zip(ADVERTS, reads, strict=True), 1) if read == "rows"]  # fmt: skip
    assert sorted(set(zip(work.frames, work.transports, strict=True))) == rows
    assert work.handed_over == reads.count("handed")


@pytest.mark.parametrize("order", ["<", ">"])
def test_the_kernel_rows_carry_each_frames_transport_and_address(
    tmp_path: Path, order: str
) -> None:
    adverts = [NAMED[what] for what in ("legacy Basic ID", "extended pack on the Coded PHY",
                                        "scan response: Location, then padding")]  # fmt: skip
    frames = [(NORDIC, _frame(NORDIC, advert)) for advert in adverts]
    path = _write(tmp_path / "three.pcap", frames, "pcap", order)
    work = _kernel_work(path)
    assert work.frames == [1, 2, 2, 2, 3] and work.handed_over == 0
    assert work.transports == ["bt-legacy", *["bt-extended"] * 3, "bt-legacy"]
    records, skipped, counts = _compared(path)
    assert {r["mac"] for r in records} == {"e0:7d:ea:eb:2f:1c"}
    assert [r["msg_type"] for r in records] == ["basic_id", "basic_id", "system", "location",
                                                "location"]  # fmt: skip
    assert skipped == {} and counts == (3, 3, 5)


@pytest.mark.parametrize("order", ["<", ">"])
def test_a_pcapng_file_reads_each_interface_by_its_own_link_type(
    tmp_path: Path, order: str
) -> None:
    beacon = radiotap() + management(8, ADDRESS, BEACON_FIXED + odid_beacon_element(
        3, _pack(BASIC_ID, LOCATION)))  # fmt: skip
    frames = [(linktypes.IEEE802_11_RADIOTAP, beacon)]
    frames += [(linktype, _frame(linktype, advert)) for advert in ADVERTS
               for linktype in BLE_LINKTYPES]  # fmt: skip
    path = _write(tmp_path / "mixed.pcapng", frames, "pcapng", order)
    records, _skipped, counts = _compared(path)
    assert counts[0] == len(frames)
    assert [r["transport"] for r in records[:2]] == ["wifi-beacon"] * 2
    work = _kernel_work(path)
    reads = [_kernel_reads(linktype, advert) for advert in ADVERTS for linktype in BLE_LINKTYPES]
    assert work.handed_over == reads.count("handed")


@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
@pytest.mark.parametrize("linktype", BLE_LINKTYPES)
def test_rid_decode_writes_the_same_bytes_with_and_without_stream(
    tmp_path: Path, linktype: int, kind: str
) -> None:
    frames = [(linktype, _frame(linktype, advert)) for advert in ADVERTS]
    path = str(_write(tmp_path / f"adverts.{kind}", frames, kind))
    for args in [["--format", fmt] for fmt in FORMATS] + [["--tracks", "--format", "jsonl"]]:
        batched = runner.invoke(app, ["rid", "decode", path, *args])
        streamed = runner.invoke(app, ["rid", "decode", path, *args, "--stream"])
        assert batched.exit_code == 0, batched.output
        assert (batched.stdout, batched.stderr) == (streamed.stdout, streamed.stderr), args
        assert "bt-extended" in batched.stdout, args


def test_a_second_remote_id_pack_in_a_beacon_is_numbered_from_one_again(tmp_path: Path) -> None:
    body = BEACON_FIXED + odid_beacon_element(1, _pack(BASIC_ID, BASIC_ID)) + (
        odid_beacon_element(2, _pack(UNKNOWN_TYPE)))
    beacon = radiotap() + management(8, ADDRESS, body)
    path = _write(tmp_path / "two.pcap", [(linktypes.IEEE802_11_RADIOTAP, beacon)], "pcap")
    _records, skipped, counts = _compared(path)
    assert list(skipped) == ["wifi-beacon: message 1 of the pack: unknown message type 0x6"]
    assert counts == (1, 1, 2)


def _as_pcap(path: Path) -> bytes:
    """A pcapng file of one link type rewritten as a nanosecond pcap file."""
    packets = list(open_capture(path))
    (linktype,) = {packet.linktype for packet in packets}
    return pcap_file([(packet.time_ns or 0, packet.data) for packet in packets],
                     linktype=linktype, nanoseconds=True)  # fmt: skip


@pytest.mark.parametrize("kind", ["pcapng", "pcap"])
def test_the_shared_long_range_capture_is_decoded_by_the_kernel_as_by_the_streaming_path(
    tmp_path: Path, kind: str
) -> None:
    path = shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng")
    if kind == "pcap":
        path = tmp_path / "odid_bt5_lr_sample.pcap"
        path.write_bytes(_as_pcap(shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng")))
    records, skipped, (frames, _with_broadcast, detections) = _compared(path)
    assert records and {r["transport"] for r in records} == {"bt-extended"}
    work = _kernel_work(path)
    # every message came out of the kernel; it handed over only the frames skipped for a
    # reason (CRC errors, empty packs), each once
    assert len(work.frames) == detections
    assert work.handed_over == sum(entry["count"] for entry in skipped.values()) < frames
    for fmt in FORMATS:
        assert _lines(path, fmt, stream=False) == _lines(path, fmt, stream=True), fmt


# Random advertisements: PDU types, extended headers, AD structures, Remote ID payloads,
# sniffer headers, cut packets; most of them well formed, so the kernel reads many.
MESSAGES = st.tuples(st.integers(0, 5) | st.integers(0, 15), st.sampled_from([0, 1, 2]),
                     st.binary(min_size=24, max_size=24)).map(
    lambda t: bytes([(t[0] << 4) | t[1]]) + t[2])  # fmt: skip
MOSTLY = st.integers(0, 5).map(bool)
"""True five times in six."""


@st.composite
def _packs(draw: st.DrawFn) -> bytes:
    """A message pack, its header sometimes at odds with what it holds."""
    messages = draw(st.lists(MESSAGES, max_size=7))  # with the rest, 255 bytes at most
    size = 25 if draw(MOSTLY) else draw(st.integers(0, 255))
    count = len(messages) if draw(MOSTLY) else draw(st.integers(0, 12))
    return bytes([0xF0 | draw(st.sampled_from([0, 2])), size, count]) + b"".join(messages)


KNOWN_ADS = st.sampled_from([FLAGS_AD, IBEACON_AD, EDDYSTONE_AD])
ODD_ADS = st.sampled_from([bytes(1), bytes([1, 0x09])]) | st.binary(max_size=8)
ODD_PAYLOADS = MESSAGES | _packs() | st.binary(max_size=30)


@st.composite
def _ads(draw: st.DrawFn, payloads: st.SearchStrategy[bytes]) -> bytes:
    """AD structures, mostly well formed, around at most one Remote ID service data whose
    payload is mostly of `payloads`."""

    def other() -> bytes:
        return draw(KNOWN_ADS if draw(MOSTLY) else ODD_ADS)

    before = [other() for _ in range(draw(st.integers(0, 2)))]
    if draw(MOSTLY):
        middle = odid_service_data(draw(st.integers(0, 255)),
                                   draw(payloads if draw(MOSTLY) else ODD_PAYLOADS))
    else:
        middle = other()
    after = [other() for _ in range(draw(st.integers(0, 1)))]
    return b"".join([*before, middle, *after])


@st.composite
def _frames(draw: st.DrawFn, linktype: int) -> tuple[int, bytes]:
    """A random advertising (or other) packet as a frame of `linktype`."""
    kind = draw(st.sampled_from(["legacy", "extended", "extended", "raw"]))
    if kind == "legacy":
        pdu_type = draw(st.sampled_from(sorted(ble.LEGACY_WITH_DATA)))
        payload = _legacy(draw(_ads(MESSAGES)))
    elif kind == "extended":
        pdu_type = ble.PDU_ADV_EXT
        payload = _extended(draw(_ads(_packs())), address=draw(MOSTLY),
                            aux=not draw(MOSTLY))  # fmt: skip
    else:
        pdu_type, payload = draw(st.integers(0, 15)), draw(st.binary(max_size=60))
    coded = linktype != LL and draw(st.booleans())
    packet = ble_ll(pdu_type, payload[:255], coded=coded)
    if not draw(MOSTLY):
        packet = packet[: len(packet) - draw(st.integers(0, 12))]
    if linktype == NORDIC:
        versions = [1, 2, 3] if len(packet) <= 245 else [2, 3]  # version 1: a length byte
        return linktype, nordic(packet, version=draw(st.sampled_from(versions)),
                                crc_ok=draw(MOSTLY), coded=coded)  # fmt: skip
    if linktype == PHDR:
        if draw(MOSTLY):
            return linktype, _phdr(packet, crc_ok=draw(MOSTLY), coded=coded)
        flags = draw(st.integers(0, 0xFFFF))
        return linktype, bytes(8) + struct.pack("<H", flags) + packet
    return linktype, packet


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["pcap", "pcapng"]), st.sampled_from([64, 4096]))
def test_random_advertisements_give_the_same_records_and_skips_on_both_paths(
    data: st.DataObject, kind: str, chunk_bytes: int
) -> None:
    linktypes_drawn = st.sampled_from(BLE_LINKTYPES)
    if kind == "pcap":
        linktypes_drawn = st.just(data.draw(linktypes_drawn))
    frames = data.draw(st.lists(linktypes_drawn.flatmap(_frames), min_size=1, max_size=8))
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder) / f"random.{kind}", frames, kind)
        _compared(path, chunk_bytes)
