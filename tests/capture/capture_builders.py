"""Build capture files and frames byte by byte, from the published layouts, for tests.

Each builder follows the layout documented in the module it feeds (pcap, pcapng,
radiotap, 802.11, nRF Sniffer, Bluetooth LE), written independently of the readers.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

BEACON_FIXED = bytes(8) + struct.pack("<HH", 100, 0x0401)  # timestamp, interval, capabilities


def pcap_file(
    records: Sequence[tuple[int, bytes]], *, linktype: int = 127, order: str = "<",
    nanoseconds: bool = False,
) -> bytes:
    """A pcap file of `(time_ns, data)` records."""
    magic = 0xA1B23C4D if nanoseconds else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)]
    for time_ns, data in records:
        seconds, rest = divmod(time_ns, 1_000_000_000)
        fraction = rest if nanoseconds else rest // 1000
        out.append(struct.pack(order + "IIII", seconds, fraction, len(data), len(data)) + data)
    return b"".join(out)


def _pad(data: bytes) -> bytes:
    return data + bytes(-len(data) % 4)


def _option(order: str, code: int, value: bytes) -> bytes:
    return struct.pack(order + "HH", code, len(value)) + _pad(value)


def pcapng_block(order: str, kind: int, body: bytes) -> bytes:
    """One pcapng block with its leading and trailing total lengths."""
    body = _pad(body)
    total = len(body) + 12
    return struct.pack(order + "II", kind, total) + body + struct.pack(order + "I", total)


def pcapng_section(order: str = "<", comment: str | None = None) -> bytes:
    """A Section Header Block (unknown section length)."""
    options = b""
    if comment:
        options = _option(order, 1, comment.encode()) + _option(order, 0, b"")
    body = struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1) + options
    return pcapng_block(order, 0x0A0D0D0A, body)


def pcapng_interface(order: str, linktype: int, tsresol: int | None = None) -> bytes:
    """An Interface Description Block, with if_tsresol when given."""
    options = b""
    if tsresol is not None:
        options = _option(order, 9, bytes([tsresol])) + _option(order, 0, b"")
    return pcapng_block(order, 1, struct.pack(order + "HHI", linktype, 0, 65535) + options)


def pcapng_enhanced(
    order: str, interface: int, ticks: int, data: bytes, comment: str | None = None
) -> bytes:
    """An Enhanced Packet Block at raw time stamp `ticks` of its interface's resolution."""
    body = struct.pack(order + "IIIII", interface, ticks >> 32, ticks & 0xFFFFFFFF,
                       len(data), len(data)) + _pad(data)
    if comment:
        body += _option(order, 1, comment.encode()) + _option(order, 0, b"")
    return pcapng_block(order, 6, body)


def radiotap(*, fcs: bool = False, bad_fcs: bool = False, tsft: bool = True,
             extended: bool = False) -> bytes:
    """A radiotap header with TSFT (optional), Flags and Rate; extra present word if asked."""
    present = 0b110 | (1 if tsft else 0) | ((1 << 31) if extended else 0)
    words = struct.pack("<I", present) + (struct.pack("<I", 0) if extended else b"")
    fields = b""
    position = 4 + len(words)
    if tsft:
        pad = -position % 8
        fields += bytes(pad) + struct.pack("<Q", 123456789)
        position += pad + 8
    flags = (0x10 if fcs else 0) | (0x40 if bad_fcs else 0)
    fields += bytes([flags, 2])
    length = 4 + len(words) + len(fields)
    return struct.pack("<BBH", 0, 0, length) + words + fields


def management(subtype: int, source: bytes, body: bytes, *, destination: bytes = b"\xff" * 6,
               flags: int = 0, ht_control: bytes = b"") -> bytes:
    """An 802.11 management frame; pass `ht_control` with the order flag 0x80."""
    control = bytes([subtype << 4, flags])
    return control + bytes(2) + destination + source + source + bytes(2) + ht_control + body


def element(tag: int, body: bytes) -> bytes:
    """An 802.11 tagged element."""
    return bytes([tag, len(body)]) + body


def odid_beacon_element(counter: int, pack: bytes) -> bytes:
    """Vendor element FA:0B:BC type 0x0D carrying a message pack."""
    return element(221, bytes.fromhex("fa0bbc0d") + bytes([counter]) + pack)


def nan_action(counter: int, pack: bytes, *, service_id: bytes = bytes.fromhex("8869199d9209"),
               control: int = 0x10, extra: bytes = b"") -> bytes:
    """Body of a NAN service discovery frame with one Service Descriptor Attribute."""
    info = bytes([counter]) + pack
    sda = service_id + bytes([1, 0, control]) + extra + bytes([len(info)]) + info
    attribute = bytes([0x03]) + struct.pack("<H", len(sda)) + sda
    return bytes.fromhex("0409506f9a13") + attribute


def ble_ll(pdu_type: int, payload: bytes, *, coded: bool = False) -> bytes:
    """A Bluetooth LE advertising-channel packet: access address, (CI), header, payload, CRC."""
    access = struct.pack("<I", 0x8E89BED6)
    header = bytes([pdu_type, len(payload)])
    return access + (b"\x00" if coded else b"") + header + payload + bytes(3)


def nordic(
    ll_packet: bytes, *, version: int = 3, crc_ok: bool = True, coded: bool = False
) -> bytes:
    """An nRF Sniffer (LINKTYPE_NORDIC_BLE) frame around a link-layer packet."""
    flags = (1 if crc_ok else 0) | ((2 << 4) if coded else 0)
    packet = bytes([10, flags, 37, 60]) + bytes(2) + struct.pack("<I", 1000) + ll_packet
    if version == 1:
        header = bytes([6, len(packet), 1]) + struct.pack("<H", 7) + b"\x06"
    else:
        header = struct.pack("<H", len(packet)) + bytes([version]) + struct.pack("<H", 7) + b"\x02"
    return b"\x03" + header + packet


def odid_service_data(counter: int, payload: bytes) -> bytes:
    """AD structure: service data, UUID 0xFFFA, application code 0x0D, counter, payload."""
    data = b"\x16\xfa\xff\x0d" + bytes([counter]) + payload
    return bytes([len(data)]) + data
