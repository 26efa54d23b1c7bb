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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from dronevet.capture import linktypes
from dronevet.capture.packets import Packet, SkipTally
from dronevet.errors import CaptureFormatError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

SHB = 0x0A0D0D0A
IDB = 1
OPB = 2
SPB = 3
EPB = 6
MAX_BLOCK = 1 << 24
"""A block longer than this (16 MiB) is corrupt."""
FIRST_NS = (datetime.min.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1) * 1000
END_NS = ((datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1) + 1) * 1000
"""Capture times from the start of year 1 to the end of 9999 can be written; a packet
stamped outside them (a damaged clock) is skipped."""

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


class Readable(Protocol):
    """A stream of bytes the block walk reads (`read` gives fewer bytes only at the end)."""

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
    """Iterate the packets of a pcapng file, holding one block in memory at a time.

    Iteration walks the blocks with `frame` (one block off the stream) and `block` (what it
    says), then calls `finish`. The batch path (`broadcast.fastpath`) walks most packet
    blocks itself and hands the reader the others through the same methods, so both paths
    give the same packets, frame numbers and skips.
    """

    def __init__(
        self,
        handle: io.BufferedReader,
        path: str | Path,
        *,
        supported: frozenset[int] = linktypes.SUPPORTED,
        reads: str = linktypes.BROADCAST_READS,
    ) -> None:
        self.path = Path(path)
        self.supported = supported
        self.reads = reads
        self.handle = handle
        self.skipped = SkipTally()
        self.section_comments: list[str] = []
        self.interfaces: list[Interface] = []
        """The interfaces the current section has described so far, in order."""
        self.number = 0
        """Packet blocks walked so far, skipped ones included: the last frame number."""
        self.delivered = 0
        """Packets handed out so far."""
        self._unsupported: set[int] = set()
        head = handle.read(12)
        self.head = head
        """The file's first 12 bytes, already read from `handle`; the walk starts with them."""
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
            stream = _Replayed(self.head, handle)
            order, offset = "<", 0
            while (framed := self.frame(stream, order, offset)) is not None:
                block_type, body, order, total = framed
                packet = self.block(block_type, body, order, offset)
                offset += total
                if packet is not None:
                    yield packet
        self.finish()

    def frame(
        self, stream: Readable, order: str, offset: int
    ) -> tuple[int, bytes, str, int] | None:
        """The block at file offset `offset` as (type, body, byte order, total length).

        `order` is the current section's byte order (a Section Header Block brings its own).
        None at the end of the file, and, with a counted skip, at a truncated or corrupt
        block: the walk ends there.
        """
        head = stream.read(8)
        if not head:
            return None
        if len(head) < 8:
            self.skipped.add("truncated block header at end of file", offset)
            return None
        if head[:4] == b"\x0a\x0d\x0d\x0a":
            magic = stream.read(4)
            order = _SECTION_ORDERS.get(magic, "")
            if not order:
                raise self._fail("Section Header Block without byte-order magic", offset)
            head += magic
        block_type, total = struct.unpack(order + "II", head[:8])
        if total < 12 or total % 4 or total > MAX_BLOCK:
            self.skipped.add(f"corrupt block length {total} (rest of file unreadable)", offset)
            return None
        rest = stream.read(total - len(head))
        if len(rest) < total - len(head):
            self.skipped.add("truncated block at end of file", offset)
            return None
        return block_type, (head + rest)[8:-4], order, total

    def block(self, block_type: int, body: bytes, order: str, offset: int) -> Packet | None:
        """Take in one framed block at file offset `offset`; the packet of a packet block.

        A section starts a new interface list, an interface joins it, a packet block gets
        the next frame number (`packet`), any other block is counted as skipped.
        """
        if block_type == SHB:
            self.interfaces = []
            if len(body) < 16:
                raise self._fail("Section Header Block too short", offset)
            comment = _comment(body, 16, order)
            if comment:
                self.section_comments.append(comment)
        elif block_type == IDB:
            interface = self._interface(body, order, offset)
            self.interfaces.append(interface)
            if interface.linktype not in self.supported:
                self._unsupported.add(interface.linktype)
        elif block_type in (EPB, OPB, SPB):
            self.number += 1
            return self.packet(block_type, body, order, self.number)
        else:
            self.skipped.add(f"pcapng block type {block_type:#x} not used", offset)
        return None

    def finish(self) -> None:
        """End of the walk: refuse a file whose only interfaces have link types dronevet
        does not read, when no packet was handed out."""
        if self._unsupported and not self.delivered:
            kinds = ", ".join(linktypes.name(kind) for kind in sorted(self._unsupported))
            raise CaptureFormatError(
                f"link type {kinds} is not one dronevet reads "
                f"(it reads {self.reads})",
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

    def packet(self, kind: int, body: bytes, order: str, number: int) -> Packet | None:
        """The packet of a packet block (body `body`) numbered `number`, on the current
        section's interfaces; None, with a counted skip, where it cannot be read."""
        if kind == SPB:
            if len(body) < 4:
                self.skipped.add("Simple Packet Block too short", number)
                return None
            (origlen,) = struct.unpack_from(order + "I", body)
            # The block holds min(original length, snaplen) bytes (snaplen 0: no limit).
            snaplen = self.interfaces[0].snaplen if self.interfaces else 0
            kept = min(origlen, snaplen) if snaplen else origlen
            iface_id, ticks, data, comment = 0, None, body[4 : 4 + kept], None
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
        if iface_id >= len(self.interfaces):
            self.skipped.add("packet on an interface not described", number)
            return None
        interface = self.interfaces[iface_id]
        if interface.linktype not in self.supported:
            self.skipped.add(
                f"link type {linktypes.name(interface.linktype)} not supported", number
            )
            return None
        time_ns = None if ticks is None else interface.to_ns(ticks)
        if time_ns is not None and not FIRST_NS <= time_ns < END_NS:
            self.skipped.add("time stamp outside the years 1 to 9999", number)
            return None
        self.delivered += 1
        return Packet(
            number=number,
            time_ns=time_ns,
            linktype=interface.linktype,
            data=data,
            orig_len=origlen,
            interface=iface_id,
            comment=comment,
        )
