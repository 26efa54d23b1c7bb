"""Batch path for classic pcap files: flows counted with numpy, only naming packets read one by one.

The file is read in chunks (`CHUNK` bytes, memory independent of the file's size). A short
loop finds the records of a chunk; numpy then reads, for every frame at once, the link
header (Ethernet with at most one VLAN tag, Linux cooked v1/v2, raw IP), the IPv4 or
IPv6 header and the TCP or UDP ports, sequence number, flags and payload length. Frames it
cannot read that way (other link types, IPv6 extension headers, fragments, cut or
malformed headers) go whole to the streaming `Scanner.feed`, which counts or skips them.

Of the frames it reads, the ones that can name a destination are also handed, in frame
order, to the scanner's `Scanner.segment` or `Scanner.datagram` (their flow already
known, no second parse of their headers): TCP SYNs and TCP payload within the first
`LOOK_LIMIT` bytes of its direction, and UDP datagrams of flows not yet settled (DNS,
QUIC Initials, IoT greetings). Everything else (bulk data after a handshake) is only
counted: each chunk's frames are summed per direction of each flow (packets, bytes, first
and last time, bytes per minute) and added to the scanner's flows. Frame numbers, counts
and skips are those of the streaming path.
"""

from __future__ import annotations

import io
import struct
from typing import Protocol

import numpy as np
import numpy.typing as npt

from dronevet.capture import linktypes
from dronevet.capture.packets import LinkLayerError, Packet
from dronevet.capture.pcap import MAX_RECORD, PcapReader
from dronevet.capture.pcapng import PcapngReader
from dronevet.leaks.flows import MINUTE_NS, Flow, FlowKey
from dronevet.leaks.pcapng_batch import Blocks
from dronevet.leaks.scan import SERVER_PREFIX, Scanner, transport_key

CHUNK = 8 << 20
LOOK_LIMIT = SERVER_PREFIX
EARLY_LIMIT = 4096
"""TCP bytes of a direction read in a chunk's first pass (ClientHellos, HTTP heads, server
hellos); the rest up to `LOOK_LIMIT` (certificate chains) only for flows still unsettled."""
LINK_HEADERS = {linktypes.ETHERNET: 14, linktypes.LINUX_SLL: 16, linktypes.LINUX_SLL2: 20,
                linktypes.RAW: 0, linktypes.IPV4: 0, linktypes.IPV6: 0}
"""Link types the batch path reads, and their header length before any VLAN tag."""
Array = npt.NDArray[np.int64]
PADDING = 128
"""Bytes past a frame's start its header fields can be read at (link, IP and TCP headers)."""


def reads(reader: object) -> bool:
    """The batch path reads this capture: a classic pcap of a link type it knows, or any
    pcapng file (blocks it cannot read go to the streaming reader's methods)."""
    if isinstance(reader, PcapngReader):
        return True
    return isinstance(reader, PcapReader) and reader.linktype in LINK_HEADERS


def _u16(buf: npt.NDArray[np.uint8], at: Array) -> Array:
    return (buf[at].astype(np.int64) << 8) | buf[at + 1]


def _u32(buf: npt.NDArray[np.uint8], at: Array) -> Array:
    return (_u16(buf, at) << 16) | _u16(buf, at + 2)


class _Records:
    """The whole records at the start of a chunk: where their frames start, their lengths,
    times and frame numbers; `used` is where the first incomplete record starts."""

    def __init__(self, chunk: bytes, order: str, scale: int, first: int) -> None:
        length = struct.Struct(order + "I").unpack_from
        starts: list[int] = []
        append = starts.append
        position, end = 0, len(chunk) - 16
        self.bad_length: int | None = None
        while position <= end:
            (caplen,) = length(chunk, position + 8)
            following = position + 16 + caplen
            if following > end + 16 or caplen > MAX_RECORD:
                if caplen > MAX_RECORD:
                    self.bad_length = caplen
                break
            append(position)
            position = following
        self.used = position
        words = np.frombuffer(chunk, dtype=np.uint8, count=position)
        at = np.array(starts, dtype=np.int64)
        table = words[at[:, None] + np.arange(16)].copy().view(order + "u4").astype(np.int64)
        self.data, self.caplen, self.origlen = at + 16, table[:, 2], table[:, 3]
        self.time = table[:, 0] * 1_000_000_000 + table[:, 1] * scale
        self.frame = first + np.arange(len(starts), dtype=np.int64)
        self.foreign: dict[int, Packet] = {}


class Records(Protocol):
    """A chunk's frames as the batch path reads them (pcap records or pcapng blocks):
    where each frame starts in the chunk, its lengths, time and number; `foreign` holds,
    by row, frames the batch path does not read (their row has caplen 0), already made
    into packets for the streaming path."""

    data: Array
    caplen: Array
    origlen: Array
    time: Array
    frame: Array
    used: int
    foreign: dict[int, Packet]


def _padded(chunk: bytes, used: int) -> npt.NDArray[np.uint8]:
    """The chunk's bytes up to `used` and `PADDING` more: its following bytes where it has
    them (no copy), zeros past its end. Header fields are read at fixed offsets from each
    frame's start before its length is checked, so the last frame's may lie past `used`;
    the frames they do not fit are left out by those checks."""
    if len(chunk) >= used + PADDING:
        return np.frombuffer(chunk, dtype=np.uint8, count=used + PADDING)
    return np.concatenate([np.frombuffer(chunk, dtype=np.uint8, count=used),
                           np.zeros(PADDING, dtype=np.uint8)])


class _Headers:
    """Every frame's IP and transport fields, read at once; `ok` marks the frames read."""

    def __init__(self, padded: npt.NDArray[np.uint8], records: Records, linktype: int) -> None:
        data, caplen = records.data, records.caplen
        n = len(data)
        l3 = data + LINK_HEADERS[linktype]
        ok = caplen >= LINK_HEADERS[linktype] + 20
        if linktype == linktypes.ETHERNET:
            kind = _u16(padded, data + 12)
            tagged = (kind == 0x8100) | (kind == 0x88A8)
            kind = np.where(tagged, _u16(padded, data + 16), kind)
            l3 = l3 + np.where(tagged, 4, 0)
            ok &= (kind == 0x0800) | (kind == 0x86DD)
        elif linktype in (linktypes.LINUX_SLL, linktypes.LINUX_SLL2):
            kind = _u16(padded, data + (14 if linktype == linktypes.LINUX_SLL else 0))
            ok &= (kind == 0x0800) | (kind == 0x86DD)
        first = padded[l3].astype(np.int64)
        version = first >> 4
        v4, v6 = ok & (version == 4), ok & (version == 6)
        ihl = (first & 0x0F) * 4
        total = _u16(padded, l3 + 2)
        fragment = _u16(padded, l3 + 6) & 0x3FFF
        v4 &= (ihl >= 20) & (total >= ihl) & (l3 + total <= data + caplen) & (fragment == 0)
        length6 = _u16(padded, l3 + 4)
        v6 &= (l3 + 40 + length6 <= data + caplen)
        protocol = np.where(v4, padded[l3 + 9], padded[l3 + 6]).astype(np.int64)
        l4 = np.where(v4, l3 + ihl, l3 + 40)
        end = np.where(v4, l3 + total, l3 + 40 + length6)
        tcp, udp = protocol == 6, protocol == 17
        ok = (v4 | v6) & (tcp | udp)
        offset = (padded[l4 + 12].astype(np.int64) >> 4) * 4
        ok &= np.where(tcp, (offset >= 20) & (l4 + offset <= end), l4 + 8 <= end)
        self.ok, self.v4, self.tcp, self.n = ok, v4, tcp & ok, n
        self.l4, self.end, self.header = l4, end, offset
        self.flags = padded[l4 + 13].astype(np.int64)
        self.seq = _u32(padded, l4 + 4)
        self.payload = np.where(tcp, end - l4 - offset, end - l4 - 8)
        self.udp_first = padded[l4 + 8].astype(np.int64)
        self.dns = udp & ((_u16(padded, l4) == 53) | (_u16(padded, l4 + 2) == 53)
                          | (_u16(padded, l4) == 5353) | (_u16(padded, l4 + 2) == 5353)
                          | (_u16(padded, l4) == 5355) | (_u16(padded, l4 + 2) == 5355))
        rows = np.zeros((n, 38), dtype=np.uint8)
        rows[:, 0] = np.where(v4, 4, 6)
        rows[:, 1] = protocol
        four, sixteen = np.arange(4), np.arange(16)
        rows[:, 2:18] = np.where(v4[:, None], np.pad(padded[(l3 + 12)[:, None] + four],
                                                     ((0, 0), (0, 12))),
                                 padded[(l3 + 8)[:, None] + sixteen])
        rows[:, 20:36] = np.where(v4[:, None], np.pad(padded[(l3 + 16)[:, None] + four],
                                                      ((0, 0), (0, 12))),
                                  padded[(l3 + 24)[:, None] + sixteen])
        rows[:, 18:20] = padded[l4[:, None] + np.arange(2)]
        rows[:, 36:38] = padded[(l4 + 2)[:, None] + np.arange(2)]
        self.rows = rows
        self.mac, self.has_mac = None, np.ones(n, dtype=bool)
        if linktype in (linktypes.ETHERNET, linktypes.LINUX_SLL):
            self.mac = padded[(data + 6)[:, None] + np.arange(6)]
        elif linktype == linktypes.LINUX_SLL2:
            self.mac = padded[(data + 12)[:, None] + np.arange(6)]
        if linktype in (linktypes.LINUX_SLL, linktypes.LINUX_SLL2):
            self.has_mac = padded[data + (5 if linktype == linktypes.LINUX_SLL else 11)] == 6


class _Chunks:
    """A stream's successive chunks, each starting where the previous one's whole records
    ended. A file on disk is read again from there (`seek`, a few kilobytes read twice); any
    other stream carries the previous chunk's rest over (a copy of the chunk). A chunk with
    no whole record or block in it is followed by one twice as long."""

    def __init__(self, handle: io.BufferedReader, head: bytes) -> None:
        self.handle, self.rest, self.size = handle, head, CHUNK
        self.seeks = handle.seekable() and isinstance(handle.raw, io.FileIO)
        self.start = handle.tell() - len(head) if self.seeks else 0

    def next(self) -> tuple[bytes, bool]:
        """The next chunk and whether more of the stream follows it."""
        if self.seeks:
            self.handle.seek(self.start)
            chunk = self.handle.read(self.size)
            return chunk, len(chunk) == self.size
        more = self.handle.read(CHUNK)
        return self.rest + more, bool(more)

    def used(self, chunk: bytes, used: int) -> None:
        """The chunk just read was used up to `used`: the next one starts there."""
        self.start += used
        self.size = CHUNK if used else self.size * 2
        self.rest = b"" if self.seeks else chunk[used:]


def _key(row: bytes) -> FlowKey:
    """The scanner's flow key for a 38-byte row (version, protocol, source, port, ...)."""
    size = 4 if row[0] == 4 else 16
    return (row[1], row[2 : 2 + size], int.from_bytes(row[18:20]), row[20 : 20 + size],
            int.from_bytes(row[36:38]))


class BatchScan:
    """Runs the batch path over one pcap reader, feeding `scanner`."""

    def __init__(self, reader: PcapReader | PcapngReader, scanner: Scanner) -> None:
        self.reader, self.scanner = reader, scanner
        self.linktype = reader.linktype if isinstance(reader, PcapReader) else linktypes.ETHERNET
        self.bases: dict[FlowKey, int] = {}
        self.frames = 0

    def run(self) -> None:
        """Read the whole file, chunk by chunk, then close it."""
        if isinstance(self.reader, PcapngReader):
            self._run_pcapng(self.reader)
            return
        reader = self.reader
        with reader.handle as handle:
            chunks = _Chunks(handle, b"")
            while True:
                chunk, more = chunks.next()
                if not chunk:
                    break
                records = _Records(chunk, reader.byte_order, reader.ns_per_tick,
                                   self.frames + 1)
                if records.bad_length is not None:
                    self._chunk(chunk, records)
                    reader.skipped.add(f"corrupt record length {records.bad_length} (rest of "
                                       "file unreadable)", self.frames + 1)
                    return
                if not more:
                    self._chunk(chunk, records)
                    if records.used < len(chunk):
                        why = ("truncated record header at end of file"
                               if len(chunk) - records.used < 16
                               else "truncated record at end of file")
                        reader.skipped.add(why, self.frames + 1)
                    return
                self._chunk(chunk, records)
                chunks.used(chunk, records.used)

    def _run_pcapng(self, reader: PcapngReader) -> None:
        order, offset, chosen = "<", 0, None
        with reader.handle as handle:
            chunks = _Chunks(handle, reader.head)
            while True:
                chunk, more = chunks.next()
                if not chunk:
                    break
                blocks = Blocks(chunk, reader, order, offset, frozenset(LINK_HEADERS), chosen)
                if blocks.linktype is not None and chosen is None:
                    chosen = self.linktype = blocks.linktype
                self._chunk(chunk, blocks)
                if blocks.corrupt:
                    break
                if not more:
                    left = len(chunk) - blocks.used
                    if left:
                        why = ("truncated block header at end of file" if left < 8
                               else "truncated block at end of file")
                        reader.skipped.add(why, offset + blocks.used)
                    break
                order, offset = blocks.order, offset + blocks.used
                chunks.used(chunk, blocks.used)
        reader.finish()

    def _chunk(self, chunk: bytes, records: Records) -> None:
        n = len(records.data)
        if not n:
            return
        heads = _Headers(_padded(chunk, records.used), records, self.linktype)
        scanner = self.scanner
        scanner.packets += int(heads.ok.sum())  # the others are counted by `feed`
        if scanner.first_ns is None:
            scanner.first_ns = int(records.time[0])
        self.frames += n
        read = np.flatnonzero(heads.ok)
        keys_view = np.ascontiguousarray(heads.rows[read]).view("V38").ravel()
        unique, first_read, inverse_read = np.unique(keys_view, return_index=True,
                                                     return_inverse=True)
        first = read[first_read]
        inverse = np.zeros(n, dtype=np.int64)
        inverse[read] = inverse_read.ravel()
        keys = [_key(bytes(u)) for u in unique]
        self._open_flows(chunk, records, heads, keys, first)
        if not keys:  # nothing the batch path reads: every frame goes the streaming way
            self._read_one_by_one(chunk, records, heads, keys, inverse, ~heads.ok)
            scanner.last_ns, scanner.last_frame = int(records.time[-1]), int(records.frame[-1])
            return
        relative = self._relative(heads, keys, inverse)
        tcp_look = heads.tcp & (heads.payload > 0)
        syn = heads.tcp & ((heads.flags & 0x02) != 0)
        udp_look = heads.ok & ~heads.tcp & (heads.payload > 0)
        early = syn | (tcp_look & (relative < EARLY_LIMIT)) | udp_look
        late = tcp_look & (relative >= EARLY_LIMIT) & (relative < LOOK_LIMIT)
        self._read_one_by_one(chunk, records, heads, keys, inverse, early | ~heads.ok)
        self._read_one_by_one(chunk, records, heads, keys, inverse,
                              late & self._unsettled(keys)[inverse])
        self._count(records, heads, keys, first, inverse)
        scanner.last_ns, scanner.last_frame = int(records.time[-1]), int(records.frame[-1])

    def _open_flows(self, chunk: bytes, records: Records, heads: _Headers,
                    keys: list[FlowKey], first: Array) -> None:
        """A flow for every key new in this chunk, its client the sender of its first frame.

        Frames the streaming path will read whole (`~ok`) take part by their own key, so a
        flow they open first has their orientation, as in the streaming path."""
        flows = self.scanner.flows
        opening = [(int(at), key) for at, key in zip(first.tolist(), keys, strict=True)]
        for at in np.flatnonzero(~heads.ok).tolist():
            packet = records.foreign.get(at)
            if packet is None:
                start = int(records.data[at])
                data = chunk[start : start + int(records.caplen[at])]
                key = transport_key(self.linktype, data)
            else:
                key = transport_key(packet.linktype, packet.data)
            if key is not None:
                opening.append((at, key))
        macs, mac = self.scanner.macs, heads.mac
        with_mac = (heads.ok & heads.has_mac).tolist() if mac is not None else None
        times, frames = records.time.tolist(), records.frame.tolist()
        for at, key in sorted(opening, key=lambda item: item[0]):
            if with_mac is not None and mac is not None and with_mac[at] and key[1] not in macs:
                macs[key[1]] = mac[at].tobytes()
            if key in flows or (key[0], key[3], key[4], key[1], key[2]) in flows:
                continue
            flow = Flow("tcp" if key[0] == 6 else "udp", key[1], key[2], key[3], key[4],
                        times[at], frames[at])
            flow.protocols.add(flow.transport)
            flows[key] = flow

    def _relative(self, heads: _Headers, keys: list[FlowKey], inverse: Array) -> Array:
        """Each TCP frame's offset in its direction's stream. A direction starts, as in
        `StreamPrefix`, after its SYN, else at its first payload: a capture that opens on a
        bare ACK or FIN mid-connection takes its start from the next segment with data."""
        basing = np.flatnonzero(heads.tcp & ((heads.payload > 0) | ((heads.flags & 0x02) != 0)))
        keyed, where = np.unique(inverse[basing], return_index=True)
        first_basing = dict(zip(keyed.tolist(), basing[where].tolist(), strict=True))
        bases = np.zeros(len(keys), dtype=np.int64)
        for index, key in enumerate(keys):
            base = self.bases.get(key)
            if base is None:
                at = first_basing.get(index)
                if at is None:
                    continue  # no SYN nor data of this direction yet: none of its frames is read
                base = int(heads.seq[at]) + (1 if heads.flags[at] & 0x02 else 0)
                self.bases[key] = base
            bases[index] = base
        return (heads.seq - bases[inverse]) % (1 << 32)

    def _unsettled(self, keys: list[FlowKey]) -> npt.NDArray[np.bool_]:
        """Per key: its flow still has handshake bytes to read."""
        flows = self.scanner.flows
        out = np.zeros(len(keys), dtype=bool)
        for index, key in enumerate(keys):
            flow = flows.get(key) or flows.get((key[0], key[3], key[4], key[1], key[2]))
            out[index] = flow is not None and not flow.done
        return out

    def _read_one_by_one(self, chunk: bytes, records: Records, heads: _Headers,
                         keys: list[FlowKey], inverse: Array, look: npt.NDArray[np.bool_]
                         ) -> None:
        """Hand the frames marked in `look` to the scanner in frame order: the ones read
        here straight to its segment or datagram reader (their flow known, their counts
        made by `_count`), the others whole to `feed`."""
        scanner, flows, linktype = self.scanner, self.scanner.flows, self.linktype
        chosen = np.flatnonzero(look)
        columns = (heads.ok, heads.dns, heads.tcp, inverse, heads.l4, heads.end, heads.header,
                   records.frame, records.time)
        foreign = records.foreign
        for at, read, naming, tcp, index, l4, end, header, frame, time_ns in zip(
                chosen.tolist(), *(column[chosen].tolist() for column in columns), strict=True):
            if foreign and at in foreign:
                scanner.feed(foreign[at])
                continue
            if not read:
                start = int(records.data[at])
                scanner.feed(Packet(frame, time_ns, linktype,
                                    chunk[start : start + int(records.caplen[at])],
                                    int(records.origlen[at])))
                continue
            key = keys[index]
            flow = flows.get(key)
            upward = flow is not None
            if flow is None:
                flow = flows[(key[0], key[3], key[4], key[1], key[2])]
            if flow.done and not naming:
                continue
            try:
                if tcp:
                    scanner.segment(flow, upward, chunk[l4:end], header, frame, time_ns)
                else:
                    scanner.datagram(flow, upward, (key[2], key[4]), chunk[l4:end], frame,
                                     time_ns)
            except LinkLayerError as error:
                scanner.skipped.add(str(error), frame)

    def _count(self, records: Records, heads: _Headers, keys: list[FlowKey], starts: Array,
               inverse: Array) -> None:
        """Add the chunk's frames read here to their flows, per direction."""
        ok = heads.ok
        index = inverse[ok]
        size = records.origlen[ok]
        times = records.time[ok]
        count = len(keys)
        packets = np.bincount(index, minlength=count)
        sent = np.bincount(index, weights=size, minlength=count).astype(np.int64)
        last = np.full(count, np.iinfo(np.int64).min)
        np.maximum.at(last, index, times)
        minute = times // MINUTE_NS
        pair, pair_inverse = np.unique(index * (1 << 40) + minute, return_inverse=True)
        per_minute = np.bincount(pair_inverse, weights=size).astype(np.int64)
        minutes: dict[int, dict[int, int]] = {}
        for code, total in zip(pair.tolist(), per_minute.tolist(), strict=True):
            minutes.setdefault(code >> 40, {})[code & ((1 << 40) - 1)] = total
        flows, no_minutes = self.scanner.flows, dict[int, int]()
        columns = (packets, sent, records.time[starts], records.frame[starts], last)
        for k, (key, frames, size_sent, first_ns, first_frame, last_ns) in enumerate(
                zip(keys, *(column.tolist() for column in columns), strict=True)):
            flow = flows.get(key)
            upward = flow is not None
            if flow is None:
                flow = flows[(key[0], key[3], key[4], key[1], key[2])]
            flow.add_counts(upward, frames, size_sent, (first_ns, first_frame), last_ns,
                            minutes.get(k, no_minutes))


def scan_batch(reader: PcapReader | PcapngReader, scanner: Scanner) -> None:
    """Read a pcap file with the batch path into `scanner`."""
    BatchScan(reader, scanner).run()
