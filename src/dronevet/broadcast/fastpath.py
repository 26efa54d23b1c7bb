"""Batch path: Remote ID Wi-Fi beacons of a pcap file decoded to numpy columns, in fixed memory.

The file is read in chunks into one reused buffer. A numba kernel walks the pcap records
of a chunk (radiotap or plain 802.11), the radiotap header (to its Flags field), the
802.11 header and the beacon's elements, and gathers every message of every Remote ID
message pack (vendor element FA:0B:BC type 0x0D) into an (N, 25) array with each
message's frame number, capture time, transmitter address and counter. The vectorised
decoder (`remoteid.batch.decode_messages`) turns that array into columns.

Frames the kernel does not settle - NAN action frames, DJI and French beacon elements,
single messages, empty or malformed packs, bad FCS, protected or truncated frames - are
handed, by offset, to the streaming path (`pipeline.StreamDecoder`), which decodes or counts them
exactly as it does for any capture. Memory depends on the chunk size, not the file size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numba
import numpy as np
import numpy.typing as npt

from dronevet.broadcast.pipeline import Detection, StreamDecoder
from dronevet.broadcast.remoteid.batch import decode_messages
from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.capture.packets import CaptureReader, Packet, SkipTally
from dronevet.capture.pcap import MAX_RECORD, PcapReader

CHUNK_BYTES = 8 << 20
MESSAGE_CAPACITY = 1 << 16
SLOW_CAPACITY = 1 << 14
STREAMED_BATCH = 4096  # detections per batch from a capture the kernel cannot read

FAST_LINKTYPES = frozenset({linktypes.IEEE802_11_RADIOTAP, linktypes.IEEE802_11})


@numba.njit(cache=True)
def _u16le(buf: npt.NDArray[np.uint8], at: int) -> int:
    return int(buf[at]) | (int(buf[at + 1]) << 8)


@numba.njit(cache=True)
def _u32(buf: npt.NDArray[np.uint8], at: int, big: bool) -> int:
    if big:
        return (int(buf[at]) << 24) | (int(buf[at + 1]) << 16) | (int(buf[at + 2]) << 8) | int(
            buf[at + 3]
        )
    return int(buf[at]) | (int(buf[at + 1]) << 8) | (int(buf[at + 2]) << 16) | (
        int(buf[at + 3]) << 24
    )


@numba.njit(cache=True)
def _beacon_frame(  # noqa: C901 - a compiled kernel is one loop
    buf: npt.NDArray[np.uint8], start: int, end: int, radiotap: bool,
    frame: int, time_ns: int, n: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
) -> int:
    """Gather one frame's Remote ID beacon messages; the new count, or -1 for the slow path."""
    f = start
    if radiotap:
        if end - start < 8 or buf[start] != 0:
            return -1
        length = _u16le(buf, start + 2)
        if length < 8 or start + length > end:
            return -1
        first = _u32(buf, start + 4, False)
        pos = start + 8
        word = first
        while word & 0x80000000:
            if pos + 4 > start + length:
                return -1
            word = _u32(buf, pos, False)
            pos += 4
        if first & 2:
            if first & 1:
                pos = start + (((pos - start) + 7) & ~7) + 8
            if pos >= start + length:
                return -1
            flags = buf[pos]
            if flags & 0x40:
                return -1
            if flags & 0x10:
                end -= 4
        f = start + length
    if end - f < 24:
        return -1
    control = buf[f]
    if control & 3:
        return -1
    if (control >> 2) & 3 != 0:
        return n
    subtype = control >> 4
    fc_flags = buf[f + 1]
    if subtype == 13 or subtype == 14:
        return -1  # action frames: NAN goes through the streaming path
    if subtype != 8 and subtype != 5:
        return n
    if fc_flags & 0x40:
        return -1
    header = 28 if fc_flags & 0x80 else 24
    pos = f + header + 12
    if pos > end:
        return -1
    mac = np.uint64(0)
    for i in range(6):
        mac = (mac << np.uint64(8)) | np.uint64(buf[f + 10 + i])
    found = n
    while pos < end:
        if pos + 2 > end:
            return -1
        tag = buf[pos]
        size = int(buf[pos + 1])
        body = pos + 2
        if body + size > end:
            return -1
        if tag == 221 and size >= 3:
            o0, o1, o2 = buf[body], buf[body + 1], buf[body + 2]
            if o0 == 0xFA and o1 == 0x0B and o2 == 0xBC and size >= 4 and buf[body + 3] == 0x0D:
                if size < 8:
                    return -1
                pack = body + 5
                count = int(buf[pack + 2])
                if buf[pack] >> 4 != 0xF or buf[pack + 1] != 25 or count == 0 or count > 9:
                    return -1
                if pack + 3 + 25 * count > body + size:
                    return -1
                for m in range(count):
                    src = pack + 3 + 25 * m
                    for b in range(25):
                        msgs[found, b] = buf[src + b]
                    frames[found] = frame
                    times[found] = time_ns
                    macs[found] = mac
                    counters[found] = buf[body + 4]
                    found += 1
            elif (o0 == 0x26 and o1 == 0x37 and o2 == 0x12) or (
                o0 == 0x60 and o1 == 0x60 and o2 == 0x1F) or (
                o0 == 0x48 and o1 == 0x1C and o2 == 0xB9) or (
                o0 == 0x34 and o1 == 0xD2 and o2 == 0x62) or (
                o0 == 0x6A and o1 == 0x5C and o2 == 0x35
            ):
                return -1  # possible DJI DroneID or French beacon: streaming path
        pos = body + size
    return found


@numba.njit(cache=True)
def _scan(
    buf: npt.NDArray[np.uint8], pos: int, end: int, big: bool, ns_per_tick: int,
    radiotap: bool, frame: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    slow: npt.NDArray[np.int64], max_record: int,
) -> tuple[int, int, int, int, bool]:
    """Walk pcap records from `pos`: (next position, last frame, messages, slow frames, corrupt).

    Stops before a record that does not fit in `buf[:end]`, when the message or slow
    arrays could overflow, or (corrupt true) at a record length over `max_record`.
    """
    n = 0
    n_slow = 0
    capacity = msgs.shape[0]
    while pos + 16 <= end:
        caplen = _u32(buf, pos + 8, big)
        if caplen > max_record:
            return pos, frame, n, n_slow, True
        if pos + 16 + caplen > end:
            break
        if n + caplen // 25 + 1 > capacity or n_slow >= slow.shape[0]:
            break
        frame += 1
        seconds = _u32(buf, pos, big)
        fraction = _u32(buf, pos + 4, big)
        time_ns = seconds * 1_000_000_000 + fraction * ns_per_tick
        got = _beacon_frame(buf, pos + 16, pos + 16 + caplen, radiotap, frame, time_ns, n,
                            msgs, frames, times, macs, counters)
        if got < 0:
            slow[n_slow, 0] = pos
            slow[n_slow, 1] = frame
            slow[n_slow, 2] = time_ns
            n_slow += 1
        else:
            n = got
        pos += 16 + caplen
    return pos, frame, n, n_slow, False


@dataclass(frozen=True, slots=True)
class BeaconBatch:
    """Decoded Remote ID beacon messages of part of a capture, one numpy column per field.

    `frame`, `time_ns`, `mac` (48-bit address in an unsigned integer, first byte most
    significant), `counter` and `messages` (the 25 bytes as received) are per message,
    aligned with `columns` (see `remoteid.batch.decode_messages`); frame numbers ascend.
    `others` holds what the streaming path decoded from the frames the kernel handed over.
    """

    frame: npt.NDArray[np.int64]
    time_ns: npt.NDArray[np.int64]
    mac: npt.NDArray[np.uint64]
    counter: npt.NDArray[np.uint8]
    messages: npt.NDArray[np.uint8]
    columns: dict[str, npt.NDArray[np.generic]]
    others: list[Detection] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.frame.shape[0]) + len(self.others)


@dataclass(slots=True)
class BatchDecoder:
    """Decode a capture batch by batch; after iteration, counts and skips are complete.

    `source` is a path (opened once here) or a reader `open_capture` made. A pcap file of
    802.11 frames goes through the kernel; any other capture wholly through the streaming
    path. `offset` is how far into the file the batches handed out so far reach (progress).
    """

    source: Path | CaptureReader
    chunk_bytes: int = CHUNK_BYTES
    frames: int = 0
    offset: int = 0
    skipped: SkipTally = field(default_factory=SkipTally)
    stream: StreamDecoder = field(default_factory=StreamDecoder)

    def batches(self) -> Iterator[BeaconBatch]:
        """Batches in file order; a non-802.11 capture goes wholly through the streaming path."""
        source = self.source
        reader = source if not isinstance(source, Path) else open_capture(source)
        if not isinstance(reader, PcapReader) or reader.linktype not in FAST_LINKTYPES:
            yield from self._streamed(reader)
            return
        self.offset = reader.data_offset
        yield from self._kernel(reader)

    def _kernel(self, reader: PcapReader) -> Iterator[BeaconBatch]:
        chunk = max(self.chunk_bytes, 2 * MAX_RECORD)
        buf = np.empty(chunk, dtype=np.uint8)
        msgs = np.empty((MESSAGE_CAPACITY, 25), dtype=np.uint8)
        frames = np.empty(MESSAGE_CAPACITY, dtype=np.int64)
        times = np.empty(MESSAGE_CAPACITY, dtype=np.int64)
        macs = np.empty(MESSAGE_CAPACITY, dtype=np.uint64)
        counters = np.empty(MESSAGE_CAPACITY, dtype=np.uint8)
        slow = np.empty((SLOW_CAPACITY, 3), dtype=np.int64)
        big = reader.byte_order == ">"
        radiotap = reader.linktype == linktypes.IEEE802_11_RADIOTAP
        frame, valid, eof, base = 0, 0, False, 24  # base: file offset of buf[0]
        with reader.handle as handle:
            while True:
                if not eof:
                    got = handle.readinto(buf[valid:].data)
                    eof = got == 0 or got is None
                    valid += got or 0
                pos = 0
                while True:
                    new_pos, frame, n, n_slow, corrupt = _scan(
                        buf, pos, valid, big, reader.ns_per_tick, radiotap, frame,
                        msgs, frames, times, macs, counters, slow, MAX_RECORD,
                    )
                    self.frames, self.offset = frame, base + new_pos
                    if n or n_slow:
                        yield self._batch(buf, reader, msgs, frames, times, macs, counters,
                                          slow, n, n_slow)
                    if corrupt:
                        caplen = int.from_bytes(buf[new_pos + 8 : new_pos + 12].tobytes(),
                                                "big" if big else "little")
                        self.skipped.add(f"corrupt record length {caplen} (rest of file "
                                         "unreadable)", frame + 1)
                        return
                    if new_pos == pos:
                        break
                    pos = new_pos
                rest = valid - pos
                if eof:
                    if rest:
                        what = "record header" if rest < 16 else "record"
                        self.skipped.add(f"truncated {what} at end of file", frame + 1)
                    break
                buf[:rest] = buf[pos:valid]
                valid = rest
                base += pos
        self.frames = frame

    def _batch(
        self, buf: npt.NDArray[np.uint8], reader: PcapReader,
        msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64],
        times: npt.NDArray[np.int64], macs: npt.NDArray[np.uint64],
        counters: npt.NDArray[np.uint8], slow: npt.NDArray[np.int64], n: int, n_slow: int,
    ) -> BeaconBatch:
        others: list[Detection] = []
        for offset, number, time_ns in slow[:n_slow].tolist():
            caplen = int.from_bytes(buf[offset + 8 : offset + 12].tobytes(),
                                    "big" if reader.byte_order == ">" else "little")
            data = buf[offset + 16 : offset + 16 + caplen].tobytes()
            packet = Packet(number, time_ns, reader.linktype, data, caplen)
            others.extend(self.stream.packet(packet))
        return BeaconBatch(
            frames[:n].copy(), times[:n].copy(), macs[:n].copy(), counters[:n].copy(),
            msgs[:n].copy(), decode_messages(msgs[:n]), others,
        )

    def _streamed(self, reader: CaptureReader) -> Iterator[BeaconBatch]:
        empty, none = np.empty(0, dtype=np.int64), np.empty((0, 25), np.uint8)
        columns = decode_messages(none)
        found: list[Detection] = []
        for packet in reader:
            found.extend(self.stream.packet(packet))
            self.offset += 16 + len(packet.data)  # close enough for pcapng too
            if len(found) >= STREAMED_BATCH:
                yield BeaconBatch(empty, empty, empty.astype(np.uint64), none[:, 0], none,
                                  columns, found)
                found = []
        if found:
            yield BeaconBatch(empty, empty, empty.astype(np.uint64), none[:, 0], none,
                              columns, found)
        self.frames = self.stream.frames
        self.skipped.merge(reader.skipped)
