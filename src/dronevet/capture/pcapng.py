"""Streaming reader for pcapng files: sections, interfaces, enhanced/simple/obsolete packets.

Layout (IETF draft-ietf-opsawg-pcapng, https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html):
every block is `type u32, total_length u32, body, total_length u32`, padded to 4 bytes.

- Section Header Block (0x0A0D0D0A): byte-order magic 0x1A2B3C4D, version, section length;
  each section restarts the interface list and may switch byte order.
- Interface Description Block (1): `linktype u16, reserved u16, snaplen u32, options`;
  option 9 `if_tsresol` (high bit clear: 10^-n s, set: 2^-n s; default 10^-6),
  option 14 `if_tsoffset` (seconds added to every time stamp).
- Enhanced Packet Block (6): `interface u32, ts_high u32, ts_low u32, caplen u32,
  origlen u32, data, options` (option 1 = comment).
- Simple Packet Block (3): `origlen u32, data` on interface 0, without a time stamp.
- Packet Block (2, obsolete): `interface u16, drops u16, ts_high, ts_low, caplen, origlen, data`.
Other block types are skipped.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from dronevet.capture import linktypes
from dronevet.capture.packets import Packet, SkipTally
from dronevet.errors import CaptureFormatError

SHB = 0x0A0D0D0A
IDB = 1
OPB = 2
SPB = 3
EPB = 6
MAX_BLOCK = 1 << 24
"""A block longer than this (16 MiB) is corrupt."""

_SECTION_ORDERS = {b"\x4d\x3c\x2b\x1a": "<", b"\x1a\x2b\x3c\x4d": ">"}
"""Byte-order magic of a Section Header Block -> struct byte order."""

OPT_END = 0
OPT_COMMENT = 1
IF_TSRESOL = 9
IF_TSOFFSET = 14


@dataclass(frozen=True, slots=True)
class Interface:
    """What an Interface Description Block says about the packets captured on it."""

    linktype: int
    snaplen: int
    tsresol: int = 6
    """Exponent of the time stamp unit; high bit set: power of two, clear: power of ten."""
    tsoffset: int = 0

    def to_ns(self, ticks: int) -> int:
        """Convert a raw time stamp to nanoseconds since the epoch."""
        exponent = self.tsresol & 0x7F
        if self.tsresol & 0x80:
            value = (ticks * 1_000_000_000) >> exponent
        elif exponent <= 9:
            value = ticks * 10 ** (9 - exponent)
        else:
            value = ticks // 10 ** (exponent - 9)
        return value + self.tsoffset * 1_000_000_000


def _options(body: bytes, start: int, order: str) -> Iterator[tuple[int, bytes]]:
    """Walk `code u16, length u16, value (padded to 4)` options until opt_endofopt or the end."""
    pos = start
    while pos + 4 <= len(body):
        code, length = struct.unpack_from(order + "HH", body, pos)
        if code == OPT_END:
            return
        value = body[pos + 4 : pos + 4 + length]
        if len(value) < length:
            return
        yield code, value
        pos += 4 + ((length + 3) & ~3)


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Replayed:
    """A stream whose first bytes were read already (to check the file type): they are read
    again first, so the block walk starts at offset 0 without seeking."""

    def __init__(self, head: bytes, handle: io.BufferedReader) -> None:
        self._head = head
        self._handle = handle

    def read(self, size: int) -> bytes:
        if not self._head:
            return self._handle.read(size)
        part, self._head = self._head[:size], self._head[size:]
        if len(part) < size:
            part += self._handle.read(size - len(part))
        return part


def _comment(body: bytes, start: int, order: str) -> str | None:
    for code, value in _options(body, start, order):
        if code == OPT_COMMENT:
            return value.decode("utf-8", "replace")
    return None


class PcapngReader:
    """Iterate the packets of a pcapng file, holding one block in memory at a time."""

    def __init__(self, handle: io.BufferedReader, path: str | Path) -> None:
        self.path = Path(path)
        self.handle = handle
        self.skipped = SkipTally()
        self.section_comments: list[str] = []
        head = handle.read(12)
        self._head = head
        if len(head) < 12 or struct.unpack("<I", head[:4])[0] != SHB:
            raise CaptureFormatError(
                "not a pcapng file: it does not start with a Section Header Block",
                path=str(self.path),
            )
        if head[8:12] not in (b"\x4d\x3c\x2b\x1a", b"\x1a\x2b\x3c\x4d"):
            raise CaptureFormatError(
                "pcapng Section Header Block has no byte-order magic", path=str(self.path)
            )

    def _fail(self, message: str, offset: int) -> CaptureFormatError:
        return CaptureFormatError(f"{message} at byte offset {offset}", path=str(self.path))

    def close(self) -> None:
        self.handle.close()

    def __iter__(self) -> Iterator[Packet]:
        with self.handle as handle:
            yield from self._blocks(_Replayed(self._head, handle))

    def _framed(self, handle: _Readable) -> Iterator[tuple[int, bytes, str, int]]:
        """Each block as (type, body, byte order, offset); a truncated or corrupt block
        ends the walk with a counted skip."""
        order = "<"
        offset = 0
        while True:
            head = handle.read(8)
            if not head:
                return
            if len(head) < 8:
                self.skipped.add("truncated block header at end of file", offset)
                return
            if head[:4] == b"\x0a\x0d\x0d\x0a":
                magic = handle.read(4)
                order = _SECTION_ORDERS.get(magic, "")
                if not order:
                    raise self._fail("Section Header Block without byte-order magic", offset)
                head += magic
            block_type, total = struct.unpack(order + "II", head[:8])
            if total < 12 or total % 4 or total > MAX_BLOCK:
                self.skipped.add(f"corrupt block length {total} (rest of file unreadable)", offset)
                return
            rest = handle.read(total - len(head))
            if len(rest) < total - len(head):
                self.skipped.add("truncated block at end of file", offset)
                return
            yield block_type, (head + rest)[8:-4], order, offset
            offset += total

    def _blocks(self, handle: _Readable) -> Iterator[Packet]:
        interfaces: list[Interface] = []
        number = yielded = 0
        unsupported: set[int] = set()
        for block_type, body, order, offset in self._framed(handle):
            if block_type == SHB:
                interfaces = []
                if len(body) < 16:
                    raise self._fail("Section Header Block too short", offset)
                comment = _comment(body, 16, order)
                if comment:
                    self.section_comments.append(comment)
            elif block_type == IDB:
                interface = self._interface(body, order, offset)
                interfaces.append(interface)
                if interface.linktype not in linktypes.SUPPORTED:
                    unsupported.add(interface.linktype)
            elif block_type in (EPB, OPB, SPB):
                number += 1
                packet = self._packet(block_type, body, order, interfaces, number)
                if packet is not None:
                    yielded += 1
                    yield packet
            else:
                self.skipped.add(f"pcapng block type {block_type:#x} not used", offset)
        if unsupported and not yielded:
            kinds = ", ".join(linktypes.name(kind) for kind in sorted(unsupported))
            raise CaptureFormatError(
                f"link type {kinds} is not one dronevet reads "
                "(it reads 802.11 with or without radiotap or PPI, and Bluetooth LE)",
                path=str(self.path),
            )

    def _interface(self, body: bytes, order: str, offset: int) -> Interface:
        if len(body) < 8:
            raise self._fail("Interface Description Block too short", offset)
        linktype, _reserved, snaplen = struct.unpack_from(order + "HHI", body)
        tsresol, tsoffset = 6, 0
        for code, value in _options(body, 8, order):
            if code == IF_TSRESOL and len(value) >= 1:
                tsresol = value[0]
            elif code == IF_TSOFFSET and len(value) >= 8:
                tsoffset = struct.unpack(order + "q", value[:8])[0]
        if (tsresol & 0x7F) > 63:
            raise self._fail(f"if_tsresol {tsresol:#x} out of range", offset)
        return Interface(linktype, snaplen, tsresol, tsoffset)

    def _packet(
        self, kind: int, body: bytes, order: str, interfaces: list[Interface], number: int
    ) -> Packet | None:
        if kind == SPB:
            if len(body) < 4:
                self.skipped.add("Simple Packet Block too short", number)
                return None
            (origlen,) = struct.unpack_from(order + "I", body)
            iface_id, ticks, data, comment = 0, None, body[4 : 4 + origlen], None
        else:
            fixed = 20
            if len(body) < fixed:
                self.skipped.add("packet block too short", number)
                return None
            if kind == EPB:
                iface_id, high, low, caplen, origlen = struct.unpack_from(order + "IIIII", body)
            else:
                iface_id, _drops, high, low, caplen, origlen = struct.unpack_from(
                    order + "HHIIII", body
                )
            data = body[fixed : fixed + caplen]
            if len(data) < caplen:
                self.skipped.add("captured length exceeds its block", number)
                return None
            ticks = (high << 32) | low
            comment = _comment(body, fixed + ((caplen + 3) & ~3), order)
        if iface_id >= len(interfaces):
            self.skipped.add("packet on an interface not described", number)
            return None
        interface = interfaces[iface_id]
        if interface.linktype not in linktypes.SUPPORTED:
            self.skipped.add(
                f"link type {linktypes.name(interface.linktype)} not supported", number
            )
            return None
        return Packet(
            number=number,
            time_ns=None if ticks is None else interface.to_ns(ticks),
            linktype=interface.linktype,
            data=data,
            orig_len=origlen,
            interface=iface_id,
            comment=comment,
        )
