"""The blocks of a pcapng chunk as rows for the batch path (`leaks.batch`).

Enhanced Packet Blocks on an interface of the batch path's link type, with a time stamp
in a power of ten no finer than nanoseconds, become rows read with numpy. Every other
block goes through the pcapng reader's own methods (`PcapngReader.block`, `.packet`):
sections, interfaces, other packet blocks and link types, damaged blocks. The packets
those give ride along as `foreign` rows, so frame numbers, times and skips are the
streaming reader's.
"""

from __future__ import annotations

import struct

import numpy as np

from dronevet.capture.packets import Packet
from dronevet.capture.pcapng import (
    _SECTION_ORDERS,
    END_NS,
    EPB,
    FIRST_NS,
    MAX_BLOCK,
    PcapngReader,
)

SECTION = b"\x0a\x0d\x0d\x0a"
_EPB_HEAD = {order: struct.Struct(order + "IIIIIII") for order in "<>"}


class Blocks:
    """The whole blocks at the start of a chunk (`used` bytes of it), as batch rows."""

    def __init__(self, chunk: bytes, reader: PcapngReader, order: str, offset: int,
                 linktypes: frozenset[int], linktype: int | None) -> None:
        rows: list[tuple[int, int, int, int, int]] = []
        self.foreign: dict[int, Packet] = {}
        position, end = 0, len(chunk)
        self.corrupt = False
        self.linktype = linktype
        while position + 12 <= end:
            if chunk[position : position + 4] == SECTION:
                order = _SECTION_ORDERS.get(chunk[position + 8 : position + 12], "")
                if not order:
                    raise reader._fail("Section Header Block without byte-order magic",
                                       offset + position)
            kind, total = struct.unpack_from(order + "II", chunk, position)
            if total < 12 or total % 4 or total > MAX_BLOCK:
                reader.skipped.add(f"corrupt block length {total} (rest of file unreadable)",
                                   offset + position)
                self.corrupt = True
                break
            if position + total > end:
                break
            row = self._fast(chunk, reader, order, position, kind, total)
            if row is not None:
                rows.append(row)
            else:
                packet = reader.block(kind, chunk[position + 8 : position + total - 4], order,
                                      offset + position)
                if packet is not None:
                    if self.linktype is None and packet.linktype in linktypes:
                        self.linktype = packet.linktype
                    self.foreign[len(rows)] = packet
                    rows.append((0, 0, packet.orig_len, packet.time_ns or 0, packet.number))
            position += total
        self.used, self.order = position, order
        table = np.array(rows, dtype=np.int64).reshape(-1, 5)
        self.data, self.caplen, self.origlen = table[:, 0], table[:, 1], table[:, 2]
        self.time, self.frame = table[:, 3], table[:, 4]

    def _fast(self, chunk: bytes, reader: PcapngReader, order: str, position: int, kind: int,
              total: int) -> tuple[int, int, int, int, int] | None:
        """The row of an Enhanced Packet Block the batch path reads, else None."""
        if kind != EPB or total < 32 or self.linktype is None:
            return None
        _, _, iface, high, low, caplen, origlen = _EPB_HEAD[order].unpack_from(chunk, position)
        if iface >= len(reader.interfaces) or caplen > total - 32:
            return None
        interface = reader.interfaces[iface]
        if interface.linktype != self.linktype or interface.tsresol > 9:
            return None
        time_ns = (((high << 32) | low) * 10 ** (9 - interface.tsresol)
                   + interface.tsoffset * 1_000_000_000)
        if not FIRST_NS <= time_ns < END_NS:
            return None
        reader.number += 1
        reader.delivered += 1
        return position + 28, caplen, origlen, time_ns, reader.number
