"""Streaming reader for classic pcap files (microsecond or nanosecond times, either byte order).

Layout (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): a 24-byte file
header `magic u32, major u16, minor u16, thiszone i32, sigfigs u32, snaplen u32,
linktype u32`, then records `ts_sec u32, ts_frac u32, caplen u32, origlen u32, data`.
The magic's byte order gives the file's; 0xA1B2C3D4 means microseconds, 0xA1B23C4D
nanoseconds. The link type is the low 16 bits of the last header word (the upper bits
carry FCS information).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path

from dronevet.capture import linktypes
from dronevet.capture.packets import Packet, SkipTally
from dronevet.errors import CaptureFormatError

MAX_RECORD = 1 << 18
"""A record longer than this (256 KiB) is corrupt: no link layer we read comes close."""

_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000),
    b"\xa1\xb2\xc3\xd4": (">", 1_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1),
    b"\xa1\xb2\x3c\x4d": (">", 1),
}


class PcapReader:
    """Iterate the packets of a pcap file, holding one record in memory at a time.

    The reader works on one open binary stream (`handle`, positioned at the file header),
    which it reads and closes; `path` names the file in messages.
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
        self.linktype = -1
        self.byte_order = "<"
        self.ns_per_tick = 1_000
        self.data_offset = 24
        self._read_header(handle.read(24))

    def close(self) -> None:
        self.handle.close()

    def _read_header(self, header: bytes) -> None:
        if len(header) < 24 or header[:4] not in _MAGICS:
            raise CaptureFormatError(
                "not a pcap file: the 24-byte file header is missing or has no pcap magic",
                path=str(self.path),
            )
        self.byte_order, self.ns_per_tick = _MAGICS[header[:4]]
        major, _minor, _zone, _sigfigs, _snaplen, network = struct.unpack(
            self.byte_order + "HHiIII", header[4:24]
        )
        if major != 2:
            raise CaptureFormatError(
                f"pcap major version {major} is not 2", path=str(self.path)
            )
        self.linktype = network & 0xFFFF
        if self.linktype not in self.supported:
            raise CaptureFormatError(
                f"link type {linktypes.name(self.linktype)} is not one dronevet reads "
                f"(it reads {self.reads})",
                path=str(self.path),
            )

    def __iter__(self) -> Iterator[Packet]:
        record = struct.Struct(self.byte_order + "IIII")
        linktype, scale = self.linktype, self.ns_per_tick
        number = 0
        with self.handle as handle:
            while True:
                head = handle.read(16)
                if not head:
                    return
                number += 1
                if len(head) < 16:
                    self.skipped.add("truncated record header at end of file", number)
                    return
                seconds, fraction, caplen, origlen = record.unpack(head)
                if caplen > MAX_RECORD:
                    self.skipped.add(
                        f"corrupt record length {caplen} (rest of file unreadable)", number
                    )
                    return
                data = handle.read(caplen)
                if len(data) < caplen:
                    self.skipped.add("truncated record at end of file", number)
                    return
                yield Packet(
                    number=number,
                    time_ns=seconds * 1_000_000_000 + fraction * scale,
                    linktype=linktype,
                    data=data,
                    orig_len=origlen,
                )
