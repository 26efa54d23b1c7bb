"""IPv4 and IPv6 packets: addresses, transport protocol and payload; fragments put back together.

Layouts: IPv4 (RFC 791) `version/IHL u8, TOS u8, total length u16, id u16, flags/fragment
offset u16, TTL u8, protocol u8, checksum u16, source 4, destination 4, options`; IPv6
(RFC 8200) `version/class/flow u32, payload length u16, next header u8, hop limit u8,
source 16, destination 16`, then extension headers (hop-by-hop 0, routing 43, fragment
44, destination options 60: `next u8, length u8` in 8-byte units; fragment: 8 bytes,
`next u8, reserved u8, offset/flags u16, id u32`). The lengths in the header bound the
packet, so Ethernet padding and a trailing FCS are never read as payload.

A fragment is held by `Defragmenter` until its datagram is whole; the datagram then counts
as arriving in the frame that completed it (as Wireshark shows it). At most
`MAX_PENDING` datagrams wait at once (the oldest is dropped, counted), so memory stays
bounded on any capture.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from dronevet.capture.packets import LinkLayerError

TCP = 6
UDP = 17
_EXTENSIONS = frozenset({0, 43, 60})
FRAGMENT_HEADER = 44
MAX_PENDING = 1024
MAX_DATAGRAM = 65_535


@dataclass(frozen=True, slots=True)
class IpPacket:
    """An IP packet (or a reassembled datagram): who sent it to whom, and what it carries."""

    version: int
    source: bytes
    destination: bytes
    protocol: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class Fragment:
    """One fragment of a datagram: which datagram, where its bytes go, whether more follow."""

    key: tuple[bytes, bytes, int, int]
    version: int
    protocol: int
    offset: int
    more: bool
    data: bytes


def _ipv4(data: bytes, start: int) -> IpPacket | Fragment:
    if len(data) - start < 20:
        raise LinkLayerError("IPv4 header cut short")
    ihl = (data[start] & 0x0F) * 4
    total = int.from_bytes(data[start + 2 : start + 4])
    if ihl < 20 or total < ihl or start + total > len(data):
        raise LinkLayerError("IPv4 header or total length wrong")
    source, destination = data[start + 12 : start + 16], data[start + 16 : start + 20]
    protocol = data[start + 9]
    payload = data[start + ihl : start + total]
    flags = int.from_bytes(data[start + 6 : start + 8])
    if flags & 0x3FFF:  # more fragments, or an offset: part of a datagram
        ident = int.from_bytes(data[start + 4 : start + 6])
        return Fragment(
            (source, destination, ident, protocol), 4, protocol, (flags & 0x1FFF) * 8,
            bool(flags & 0x2000), payload,
        )
    return IpPacket(4, source, destination, protocol, payload)


def _ipv6(data: bytes, start: int) -> IpPacket | Fragment:
    if len(data) - start < 40:
        raise LinkLayerError("IPv6 header cut short")
    length = int.from_bytes(data[start + 4 : start + 6])
    end = start + 40 + length
    if end > len(data):
        raise LinkLayerError("IPv6 payload length runs past the frame")
    source, destination = data[start + 8 : start + 24], data[start + 24 : start + 40]
    header, position = data[start + 6], start + 40
    fragment: tuple[int, bool, int] | None = None
    while header in _EXTENSIONS or header == FRAGMENT_HEADER:
        if position + 8 > end:
            raise LinkLayerError("IPv6 extension header cut short")
        if header == FRAGMENT_HEADER:
            word = int.from_bytes(data[position + 2 : position + 4])
            ident = int.from_bytes(data[position + 4 : position + 8])
            fragment = (word & 0xFFF8, bool(word & 1), ident)
            header, position = data[position], position + 8
        else:
            header, position = data[position], position + (data[position + 1] + 1) * 8
    payload = data[position:end]
    if fragment is not None and (fragment[0] or fragment[1]):
        offset, more, ident = fragment
        return Fragment((source, destination, ident, header), 6, header, offset, more, payload)
    return IpPacket(6, source, destination, header, payload)


def parse(data: bytes, start: int) -> IpPacket | Fragment:
    """The IP packet or fragment at `start`; `LinkLayerError` when its header is malformed."""
    if len(data) <= start:
        raise LinkLayerError("no IP header after the link header")
    version = data[start] >> 4
    if version == 4:
        return _ipv4(data, start)
    if version == 6:
        return _ipv6(data, start)
    raise LinkLayerError("IP version is neither 4 nor 6")


@dataclass(slots=True)
class _Pending:
    parts: dict[int, bytes] = field(default_factory=dict)
    end: int | None = None


@dataclass(slots=True)
class Defragmenter:
    """Holds fragments until their datagram is complete (RFC 815 style, first copy wins)."""

    pending: OrderedDict[tuple[bytes, bytes, int, int], _Pending] = field(
        default_factory=OrderedDict
    )
    dropped: int = 0
    """Datagrams given up on because too many were waiting."""

    def add(self, fragment: Fragment) -> IpPacket | None:
        """Take in a fragment; the whole datagram once its last missing piece arrives."""
        entry = self.pending.get(fragment.key)
        if entry is None:
            if len(self.pending) >= MAX_PENDING:
                self.pending.popitem(last=False)
                self.dropped += 1
            entry = self.pending[fragment.key] = _Pending()
        if fragment.offset + len(fragment.data) > MAX_DATAGRAM:
            raise LinkLayerError("IP fragment reaches past 65,535 bytes")
        entry.parts.setdefault(fragment.offset, fragment.data)
        if not fragment.more:
            entry.end = fragment.offset + len(fragment.data)
        whole = _joined(entry)
        if whole is None:
            return None
        del self.pending[fragment.key]
        source, destination, _ident, protocol = fragment.key
        return IpPacket(fragment.version, source, destination, protocol, whole)


def _joined(entry: _Pending) -> bytes | None:
    if entry.end is None:
        return None
    out, reached = bytearray(), 0
    for offset in sorted(entry.parts):
        if offset > reached:
            return None
        piece = entry.parts[offset]
        out += piece[reached - offset :]
        reached = max(reached, offset + len(piece))
    return bytes(out[: entry.end]) if reached >= entry.end else None
