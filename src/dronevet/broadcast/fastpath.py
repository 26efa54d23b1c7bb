"""Batch path: Remote ID Wi-Fi beacons and Bluetooth LE advertisements of a pcap or pcapng
file decoded to numpy columns.

The file is read in chunks into one reused buffer. A numba kernel walks the pcap records
(`_scan`) or the pcapng packet blocks (`_scan_blocks`) of a chunk and reads each frame by
its link type:
- 802.11 (`_beacon_frame`): the radiotap header (to its Flags field), the 802.11 header and
  the beacon's elements, gathering every message of the Remote ID message pack (the vendor
  elements the transport table, `broadcast.transports`, marks `in_kernel`: FA:0B:BC type
  0x0D). The table reaches the kernel as an argument (`TransportTable.kernel_rows`), so an
  entry added at run time is honoured by the compiled, cached code.
- Bluetooth LE of link types 251, 256 and 272 (`_ble_frame`), as the streaming path reads
  it (`capture.ble`, `remoteid.transport_bluetooth`): the sniffer header, the access
  address, the PDU header (after the coding indicator on the Coded PHY), the advertiser
  address of a legacy PDU or the extended header's, the AD structures, and the service
  data with UUID 0xFFFA and application code 0x0D: a legacy advertisement's one message
  (`bt-legacy`) or an extended one's message pack (`bt-extended`).
The messages go into an (N, 25) array with each message's frame number, capture time,
transmitter address, counter and transport (an index into `transports.KERNEL_TRANSPORTS`).
The vectorised decoder (`remoteid.batch.decode_messages`) turns that array into columns.
The kernels are one module because numba's cache does not see changes to a compiled
function it calls from another file.

Frames the kernel does not settle are handed, by offset, to the streaming path
(`pipeline.StreamDecoder`), which decodes or counts them exactly as it does for any
capture:
- 802.11: NAN action frames, beacons with an element of any other transport of the table
  (DJI DroneID, the French beacon, any entry added), single messages, empty or malformed
  packs, a second pack in one beacon, bad FCS, protected or truncated frames;
- Bluetooth LE: a CRC error the sniffer reports, PDU types other than the advertising ones
  the streaming path reads, a header or AD structure that runs past its end, Remote ID in
  an extended PDU without an advertiser address or with an AuxPtr (the rest of its data
  is in a chain the kernel does not follow), a second Remote ID structure, service data
  without a message counter, a legacy payload that is not one message, an extended one
  that is not a pack of 1 to 9 messages (data-channel packets and advertisements without
  Remote ID it settles: they carry nothing);
- in pcapng every frame of an interface of another link type (PPI), every Simple Packet
  Block (no time stamp) and every damaged packet block.
The pcapng kernel stops at every other block (sections, interfaces, unknown types, corrupt
lengths) and at blocks larger than the buffer; the pcapng reader takes those in itself
(`PcapngReader.frame` and `.block`), so frame numbers, times and skips are the streaming
reader's. Memory depends on the chunk size, not the file size.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numba
import numpy as np
import numpy.typing as npt

from dronevet.broadcast import transports
from dronevet.broadcast.detection import Detection
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.broadcast.remoteid.batch import decode_messages
from dronevet.broadcast.remoteid.common import MESSAGE_SIZE
from dronevet.broadcast.remoteid.message_pack import PACK_HEADER, PACK_MAX_MESSAGES, PACK_TYPE
from dronevet.broadcast.remoteid.transport_bluetooth import AD_SERVICE_DATA_16, APP_CODE, ODID_UUID
from dronevet.broadcast.transports import (
    KERNEL_BT_EXTENDED,
    KERNEL_BT_LEGACY,
    KERNEL_WIFI_BEACON,
    ROW_IN_KERNEL,
    ROW_MATCH,
    ROW_MATCH_LENGTH,
    ROW_OUI,
)
from dronevet.capture import linktypes
from dronevet.capture.ble import (
    _EXT_FIELD_SIZES,
    ADVERTISING_ACCESS_ADDRESS,
    LEGACY_WITH_DATA,
    PDU_ADV_EXT,
    PHY_CODED,
)
from dronevet.capture.files import open_capture
from dronevet.capture.packets import CaptureReader, Packet, SkipTally
from dronevet.capture.pcap import MAX_RECORD, PcapReader
from dronevet.capture.pcapng import EPB, MAX_BLOCK, OPB, SPB, Interface, PcapngReader

CHUNK_BYTES = 8 << 20
MESSAGE_CAPACITY = 1 << 16
SLOW_CAPACITY = 1 << 14
STREAMED_BATCH = 4096  # detections per batch from a capture the kernel cannot read

FAST_LINKTYPES = frozenset({
    linktypes.IEEE802_11_RADIOTAP, linktypes.IEEE802_11, linktypes.BLUETOOTH_LE_LL,
    linktypes.BLUETOOTH_LE_LL_WITH_PHDR, linktypes.NORDIC_BLE,
})  # fmt: skip
"""The link types the kernels read: 802.11 (`_beacon_frame`), Bluetooth LE (`_ble_frame`)."""
READ_STREAMED = -1
"""How the pcapng kernel reads an interface's frames: by its link type (one of
`FAST_LINKTYPES`), or not at all (this: the streaming path reads them)."""
CLOCK_TIMES, CLOCK_DIVIDED, CLOCK_SHIFTED = 0, 1, 2
"""A pcapng interface's ticks to nanoseconds: times 10^k, divided by 10^k, times 10^9 / 2^k."""
TIME_MAX = 1 << 62
"""Latest capture time (ns, early 2116) the kernel computes; later or negative ones, and
their frames, go to the streaming path, which holds any time stamp exactly."""
STOP_FULL, STOP_NEED, STOP_READER = 0, 1, 2
"""Why the pcapng kernel stopped: arrays full, block past the buffer's end, block for the reader."""

# Bluetooth LE, as `capture.ble` and `remoteid.transport_bluetooth` read it
_LEGACY_TYPES = sum(1 << pdu_type for pdu_type in LEGACY_WITH_DATA)
"""The legacy PDU types that carry an address and AD structures, one bit each."""
_UUID_0, _UUID_1 = ODID_UUID
(_APP,) = APP_CODE
_EXT_SIZES = np.array(_EXT_FIELD_SIZES, dtype=np.int64)
_EXT_AUX_PTR = 1 << 4
"""Extended header flag: a pointer to an auxiliary packet (bit 0 is the advertiser address)."""
_PHDR_CRC_CHECKED, _PHDR_CRC_VALID = 0x0400, 0x0800
"""Flags of the pseudo-header of link type 256."""


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
def _u16(buf: npt.NDArray[np.uint8], at: int, big: bool) -> int:
    if big:
        return (int(buf[at]) << 8) | int(buf[at + 1])
    return int(buf[at]) | (int(buf[at + 1]) << 8)


@numba.njit(cache=True, inline="always")
def _transport(
    buf: npt.NDArray[np.uint8], body: int, size: int, table: npt.NDArray[np.int64]
) -> int:
    """The row of `table` (`TransportTable.kernel_rows`) naming the vendor element whose body
    of `size` bytes starts at `body`, or -1 where it carries no broadcast."""
    oui = (int(buf[body]) << 16) | (int(buf[body + 1]) << 8) | int(buf[body + 2])
    for entry in range(table.shape[0]):
        length = table[entry, ROW_MATCH_LENGTH]
        if table[entry, ROW_OUI] != oui or 3 + length > size:
            continue
        same = True
        for i in range(length):
            if buf[body + 3 + i] != table[entry, ROW_MATCH + i]:
                same = False
                break
        if same:
            return entry
    return -1


@numba.njit(cache=True)
def _beacon_frame(  # noqa: C901 - a compiled kernel is one loop
    buf: npt.NDArray[np.uint8], start: int, end: int, radiotap: bool,
    table: npt.NDArray[np.int64], frame: int, time_ns: int, n: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    transports: npt.NDArray[np.uint8],
) -> int:
    """Gather one frame's Remote ID beacon messages; the new count, or -1 for the slow path
    (also for any element of a transport in `table` that the kernel does not decode, and for
    a second message pack, whose messages the decoders number from 1 again)."""
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
            entry = _transport(buf, body, size, table)
            if entry >= 0:
                if table[entry, ROW_IN_KERNEL] == 0 or found != n:
                    return -1  # DJI, French or an added transport, a second pack: streaming
                at = body + 3 + table[entry, ROW_MATCH_LENGTH]  # the message counter
                if at + 4 > body + size:
                    return -1
                pack = at + 1
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
                    counters[found] = buf[at]
                    transports[found] = KERNEL_WIFI_BEACON
                    found += 1
        pos = body + size
    return found


@numba.njit(cache=True)
def _ble_link_layer(buf: npt.NDArray[np.uint8], start: int, end: int, linktype: int) -> int:
    """Where the PDU header starts behind the sniffer header, access address and (on the
    Coded PHY) coding indicator; -1 for the streaming path, -2 off the advertising channels."""
    coded = False
    packet = start
    if linktype == linktypes.NORDIC_BLE:
        if end - start < 8:
            return -1
        version = int(buf[start + 3])
        header = int(buf[start + 7])
        if version < 1 or version > 3 or header < 10 or end - start < 7 + header:
            return -1
        flags = int(buf[start + 8])
        if not flags & 1:
            return -1  # CRC error
        coded = version >= 2 and (flags >> 4) & 7 == PHY_CODED
        packet = start + 7 + header
    elif linktype == linktypes.BLUETOOTH_LE_LL_WITH_PHDR:
        if end - start < 10:
            return -1
        flags = _u16le(buf, start + 8)
        if flags & _PHDR_CRC_CHECKED and not flags & _PHDR_CRC_VALID:
            return -1
        coded = flags >> 14 == PHY_CODED
        packet = start + 10
    if end - packet < 6:
        return -1
    if _u32(buf, packet, False) != ADVERTISING_ACCESS_ADDRESS:
        return -2
    header_at = packet + (5 if coded else 4)
    return header_at if end - header_at >= 2 else -1


@numba.njit(cache=True)
def _advertisement(
    buf: npt.NDArray[np.uint8], at: int, end: int
) -> tuple[int, int, int, bool]:
    """(advertiser address, first AD structure, end of the AD structures, extended) of the
    PDU whose header is at `at`; address -1 where the kernel leaves the PDU to the streaming
    path, -2 where it leaves a Remote ID structure in it there (an extended PDU without an
    address, or with an AuxPtr) but reads that it has none."""
    pdu_type = int(buf[at]) & 0x0F
    length = int(buf[at + 1])
    payload = at + 2
    stop = payload + length
    if stop > end:
        return -1, 0, 0, False
    if (_LEGACY_TYPES >> pdu_type) & 1:
        if length < 6:
            return -1, 0, 0, False
        return payload, payload + 6, stop, False
    if pdu_type != PDU_ADV_EXT or length == 0:
        return -1, 0, 0, False
    header = int(buf[payload]) & 0x3F
    if 1 + header > length:
        return -1, 0, 0, False
    address = -2
    if header:
        flags = int(buf[payload + 1])
        position = 2
        for bit in range(_EXT_SIZES.shape[0]):
            if flags & (1 << bit):
                if bit == 0:
                    address = payload + position
                position += _EXT_SIZES[bit]
        if position > 1 + header:
            return -1, 0, 0, False
        if flags & _EXT_AUX_PTR:
            address = -2
    return address, payload + 1 + header, stop, True


@numba.njit(cache=True)
def _service_data(buf: npt.NDArray[np.uint8], pos: int, stop: int) -> tuple[int, int]:
    """(start, size) of the one Remote ID service data body among the AD structures in
    `buf[pos:stop]`; (-1, 0) where there is none, (-2, 0) for the streaming path (an AD
    structure past the end, a second Remote ID structure)."""
    found, size = -1, 0
    while pos < stop:
        length = int(buf[pos])
        if length == 0:
            break  # padding ends the run
        if pos + 1 + length > stop:
            return -2, 0
        body = pos + 2
        if (buf[pos + 1] == AD_SERVICE_DATA_16 and length - 1 >= 3 and buf[body] == _UUID_0
                and buf[body + 1] == _UUID_1 and buf[body + 2] == _APP):  # fmt: skip
            if found >= 0:
                return -2, 0
            found, size = body, length - 1
        pos += 1 + length
    return found, size


@numba.njit(cache=True)
def _ble_frame(
    buf: npt.NDArray[np.uint8], start: int, end: int, linktype: int, frame: int,
    time_ns: int, n: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    transports: npt.NDArray[np.uint8],
) -> int:
    """Gather the Remote ID messages of the Bluetooth LE frame `buf[start:end]` from row
    `n`; the new count, or -1 for the streaming path (see the module's description)."""
    at = _ble_link_layer(buf, start, end, linktype)
    if at < 0:
        return n if at == -2 else -1
    address, data, stop, extended = _advertisement(buf, at, end)
    if address == -1:
        return -1
    body, size = _service_data(buf, data, stop)
    if body == -1:
        return n
    if body < 0 or address < 0 or size < 4:
        return -1
    payload, length = body + 4, size - 4
    count = 1
    if extended:
        if length < PACK_HEADER or buf[payload] >> 4 != PACK_TYPE or (
            buf[payload + 1] != MESSAGE_SIZE
        ):
            return -1
        count = int(buf[payload + 2])
        if count == 0 or count > PACK_MAX_MESSAGES or PACK_HEADER + MESSAGE_SIZE * count > length:
            return -1
        payload += PACK_HEADER
    elif length != MESSAGE_SIZE or buf[payload] >> 4 == PACK_TYPE:
        return -1
    mac = np.uint64(0)
    for i in range(5, -1, -1):  # sent least significant byte first
        mac = (mac << np.uint64(8)) | np.uint64(buf[address + i])
    for m in range(count):
        src = payload + MESSAGE_SIZE * m
        for b in range(MESSAGE_SIZE):
            msgs[n, b] = buf[src + b]
        frames[n] = frame
        times[n] = time_ns
        macs[n] = mac
        counters[n] = buf[body + 3]
        transports[n] = KERNEL_BT_EXTENDED if extended else KERNEL_BT_LEGACY
        n += 1
    return n


@numba.njit(cache=True)
def _scan(
    buf: npt.NDArray[np.uint8], pos: int, end: int, big: bool, ns_per_tick: int,
    linktype: int, table: npt.NDArray[np.int64], frame: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    transports: npt.NDArray[np.uint8], slow: npt.NDArray[np.int64], max_record: int,
) -> tuple[int, int, int, int, bool]:
    """Walk pcap records of `linktype` (one of `FAST_LINKTYPES`) from `pos`: (next position,
    last frame, messages, slow frames, corrupt).

    Stops before a record that does not fit in `buf[:end]`, when the message or slow
    arrays could overflow, or (corrupt true) at a record length over `max_record`.
    """
    n = 0
    n_slow = 0
    capacity = msgs.shape[0]
    radiotap = linktype == linktypes.IEEE802_11_RADIOTAP
    wifi = radiotap or linktype == linktypes.IEEE802_11  # decided once: twice as fast
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
        data, data_end = pos + 16, pos + 16 + caplen
        if wifi:
            got = _beacon_frame(buf, data, data_end, radiotap, table, frame, time_ns, n, msgs,
                                frames, times, macs, counters, transports)  # fmt: skip
        else:
            got = _ble_frame(buf, data, data_end, linktype, frame, time_ns, n, msgs, frames,
                             times, macs, counters, transports)  # fmt: skip
        if got < 0:
            slow[n_slow, 0] = pos
            slow[n_slow, 1] = frame
            slow[n_slow, 2] = time_ns
            n_slow += 1
        else:
            n = got
        pos += 16 + caplen
    return pos, frame, n, n_slow, False


@numba.njit(cache=True)
def _clock(clocks: npt.NDArray[np.int64], iface: int, high: int, low: int) -> int:
    """Capture time (ns) of raw time stamp `high:low` on interface `iface`, as
    `pcapng.Interface.to_ns` gives it; -1 where it is negative or after `TIME_MAX`."""
    if high >= 1 << 31:
        return -1
    ticks = (high << 32) | low
    mode, factor, offset = int(clocks[iface, 1]), int(clocks[iface, 2]), int(clocks[iface, 3])
    if mode == CLOCK_TIMES:
        if ticks > TIME_MAX // factor:
            return -1
        value = ticks * factor
    elif mode == CLOCK_DIVIDED:
        value = ticks // factor
    else:
        whole = ticks >> factor
        if whole > TIME_MAX // 1_000_000_000:
            return -1
        part = ((ticks & ((1 << factor) - 1)) * 1_000_000_000) >> factor
        value = whole * 1_000_000_000 + part
    if value > TIME_MAX:
        return -1
    value += offset
    if value < 0 or value > TIME_MAX:
        return -1
    return value


@numba.njit(cache=True)
def _packet_block(
    buf: npt.NDArray[np.uint8], pos: int, total: int, big: bool, obsolete: bool,
    clocks: npt.NDArray[np.int64], n_clocks: int, table: npt.NDArray[np.int64],
    frame: int, n: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    transports: npt.NDArray[np.uint8],
) -> int:
    """Gather the messages of one Enhanced (or obsolete) Packet Block; the new count, or -1
    for the streaming path (which also counts whatever is wrong with the block)."""
    body = pos + 8
    if total < 32:  # 12 bytes of framing, 20 of fixed fields
        return -1
    iface = _u16(buf, body, big) if obsolete else _u32(buf, body, big)
    caplen = _u32(buf, body + 12, big)
    if caplen > total - 32 or iface >= n_clocks or clocks[iface, 0] == READ_STREAMED:
        return -1
    time_ns = _clock(clocks, iface, _u32(buf, body + 4, big), _u32(buf, body + 8, big))
    if time_ns < 0:
        return -1
    data = body + 20
    reading = clocks[iface, 0]
    if reading == linktypes.IEEE802_11_RADIOTAP or reading == linktypes.IEEE802_11:
        return _beacon_frame(buf, data, data + caplen, reading == linktypes.IEEE802_11_RADIOTAP,
                             table, frame, time_ns, n, msgs, frames, times, macs, counters,
                             transports)  # fmt: skip
    return _ble_frame(buf, data, data + caplen, reading, frame, time_ns, n, msgs, frames, times,
                      macs, counters, transports)  # fmt: skip


@numba.njit(cache=True)
def _scan_blocks(
    buf: npt.NDArray[np.uint8], pos: int, end: int, big: bool,
    clocks: npt.NDArray[np.int64], n_clocks: int, table: npt.NDArray[np.int64],
    frame: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    transports: npt.NDArray[np.uint8], slow: npt.NDArray[np.int64],
) -> tuple[int, int, int, int, int, int]:
    """Walk pcapng packet blocks of one section from `pos`.

    Returns (next position, last frame number, frames settled here, messages, frames handed
    over, why it stopped): `STOP_NEED` before a block that does not end in `buf[:end]`,
    `STOP_FULL` when the message or handed-over arrays could overflow, `STOP_READER` at a
    block the reader takes in itself (a section, an interface, any other type, a corrupt
    length). Handed-over rows in `slow` are (offset in `buf`, frame number, block type).
    """
    n = 0
    n_slow = 0
    fast = 0
    capacity = msgs.shape[0]
    while pos + 8 <= end:
        if buf[pos] == 0x0A and buf[pos + 1] == 0x0D and buf[pos + 2] == 0x0D and (
            buf[pos + 3] == 0x0A
        ):
            return pos, frame, fast, n, n_slow, STOP_READER
        kind = _u32(buf, pos, big)
        total = _u32(buf, pos + 4, big)
        if (kind != EPB and kind != OPB and kind != SPB) or total < 12 or total % 4 or (
            total > MAX_BLOCK
        ):
            return pos, frame, fast, n, n_slow, STOP_READER
        if pos + total > end:
            break
        bound = total // 25 + 1  # at most this many messages in the block
        if n_slow == slow.shape[0] or (bound <= capacity and n + bound > capacity):
            return pos, frame, fast, n, n_slow, STOP_FULL
        frame += 1
        got = -1
        if kind != SPB and bound <= capacity:
            got = _packet_block(buf, pos, total, big, kind == OPB, clocks, n_clocks,
                                table, frame, n, msgs, frames, times, macs, counters,
                                transports)
        if got < 0:
            slow[n_slow, 0] = pos
            slow[n_slow, 1] = frame
            slow[n_slow, 2] = kind
            n_slow += 1
        else:
            n = got
            fast += 1
        pos += total
    return pos, frame, fast, n, n_slow, STOP_NEED


@dataclass(frozen=True, slots=True)
class BeaconBatch:
    """Decoded Remote ID messages of part of a capture, one numpy column per field.

    `frame`, `time_ns`, `mac` (48-bit address in an unsigned integer, first byte as people
    write it most significant), `counter`, `transport` (an index into
    `transports.KERNEL_TRANSPORTS`) and `messages` (the 25 bytes as received) are per
    message, aligned with `columns` (see `remoteid.batch.decode_messages`); frame numbers
    ascend. `others` holds what the streaming path decoded from the frames the kernel
    handed over.
    """

    frame: npt.NDArray[np.int64]
    time_ns: npt.NDArray[np.int64]
    mac: npt.NDArray[np.uint64]
    counter: npt.NDArray[np.uint8]
    transport: npt.NDArray[np.uint8]
    messages: npt.NDArray[np.uint8]
    columns: dict[str, npt.NDArray[np.generic]]
    others: list[Detection] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.frame.shape[0]) + len(self.others)


def _others_only(found: list[Detection]) -> BeaconBatch:
    """A batch of detections the streaming path made, without kernel rows."""
    empty, none = np.empty(0, dtype=np.int64), np.empty((0, 25), np.uint8)
    return BeaconBatch(empty, empty, empty.astype(np.uint64), none[:, 0], none[:, 0], none,
                       decode_messages(none), found)


@dataclass(slots=True)
class _Scratch:
    """The kernels' output arrays, allocated once per file and reused for every scan."""

    msgs: npt.NDArray[np.uint8] = field(
        default_factory=lambda: np.empty((MESSAGE_CAPACITY, 25), dtype=np.uint8))
    frames: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.empty(MESSAGE_CAPACITY, dtype=np.int64))
    times: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.empty(MESSAGE_CAPACITY, dtype=np.int64))
    macs: npt.NDArray[np.uint64] = field(
        default_factory=lambda: np.empty(MESSAGE_CAPACITY, dtype=np.uint64))
    counters: npt.NDArray[np.uint8] = field(
        default_factory=lambda: np.empty(MESSAGE_CAPACITY, dtype=np.uint8))
    transports: npt.NDArray[np.uint8] = field(
        default_factory=lambda: np.empty(MESSAGE_CAPACITY, dtype=np.uint8))
    slow: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.empty((SLOW_CAPACITY, 3), dtype=np.int64))
    """Frames handed to the streaming path: three numbers each, which the kernel defines."""

    def batch(self, n: int, others: list[Detection]) -> BeaconBatch:
        """The first `n` message rows, copied and decoded, with the handed-over detections."""
        return BeaconBatch(
            self.frames[:n].copy(), self.times[:n].copy(), self.macs[:n].copy(),
            self.counters[:n].copy(), self.transports[:n].copy(), self.msgs[:n].copy(),
            decode_messages(self.msgs[:n]),
            others,
        )


def _clock_row(interface: Interface) -> tuple[int, int, int, int]:
    """An interface as the pcapng kernel reads it: (reading, clock mode, factor, offset ns).

    An interface whose clock the kernel cannot follow exactly in 64 bits (a resolution
    finer than 2^-33 or 10^-27 s, an offset of more than a century) is read wholly by the
    streaming path.
    """
    exponent = interface.tsresol & 0x7F
    offset_ns = interface.tsoffset * 1_000_000_000
    if interface.tsresol & 0x80:
        mode, factor, exact = CLOCK_SHIFTED, exponent, exponent <= 33
    elif exponent <= 9:
        mode, factor, exact = CLOCK_TIMES, 10 ** (9 - exponent), True
    else:
        mode, factor, exact = CLOCK_DIVIDED, 10 ** (exponent - 9), exponent <= 27
    if not exact or abs(offset_ns) > TIME_MAX:
        return READ_STREAMED, CLOCK_TIMES, 1, 0
    reading = interface.linktype if interface.linktype in FAST_LINKTYPES else READ_STREAMED
    return reading, mode, factor, offset_ns


@dataclass(slots=True)
class _Clocks:
    """The current pcapng section's interfaces as kernel rows (`_clock_row`), in order."""

    rows: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((4, 4), np.int64))
    count: int = 0
    described: list[Interface] = field(default_factory=list)
    """The reader's interface list the rows follow (a new section brings a new list)."""

    def follow(self, interfaces: list[Interface]) -> None:
        """Catch up with the reader's interfaces after it took in a block."""
        if interfaces is not self.described:
            self.described, self.count = interfaces, 0
        while self.count < len(interfaces):
            if self.count == len(self.rows):
                self.rows = np.concatenate([self.rows, np.zeros_like(self.rows)])
            self.rows[self.count] = _clock_row(interfaces[self.count])
            self.count += 1


@dataclass(slots=True)
class _Chunks:
    """A pcapng file read in chunks into one reused buffer.

    `buf[pos:valid]` is read and not walked yet; `buf[0]` sits at file offset `base`. As a
    `pcapng.Readable` it gives the reader the bytes not walked, then the file's, so the
    reader can frame a block that starts in the buffer and ends past it.
    """

    handle: io.BufferedReader
    buf: npt.NDArray[np.uint8]
    valid: int = 0
    pos: int = 0
    base: int = 0
    eof: bool = False

    @property
    def offset(self) -> int:
        """File offset of the first byte not walked."""
        return self.base + self.pos

    def more(self) -> bool:
        """Move the bytes not walked to the front and read more after them; False when no
        more can come: the end of the file, or one block fills the buffer."""
        if self.eof or (self.pos == 0 and self.valid == len(self.buf)):
            return False
        rest = self.valid - self.pos
        self.buf[:rest] = self.buf[self.pos : self.valid]
        self.base += self.pos
        self.pos = 0
        got = self.handle.readinto(self.buf[rest:].data) or 0
        self.valid = rest + got
        self.eof = got == 0
        return got > 0

    def read(self, size: int) -> bytes:
        """`size` bytes from the first not walked (fewer at the end of the file)."""
        take = min(size, self.valid - self.pos)
        part = self.buf[self.pos : self.pos + take].tobytes()
        self.pos += take
        if take == size:
            return part
        further = self.handle.read(size - take)
        self.base += self.valid + len(further)
        self.pos = self.valid = 0
        return part + further


@dataclass(slots=True)
class BatchDecoder:
    """Decode a capture batch by batch; after iteration, counts and skips are complete.

    `source` is a path (opened once here) or a reader `open_capture` made. A pcap file of
    a link type the kernel reads (`FAST_LINKTYPES`) and every pcapng file go through a
    kernel; any other capture (a pcap file of PPI) wholly through the streaming path.
    `offset` is how far into the file the batches handed out so far reach (progress).
    """

    source: Path | CaptureReader
    chunk_bytes: int = CHUNK_BYTES
    frames: int = 0
    offset: int = 0
    skipped: SkipTally = field(default_factory=SkipTally)
    stream: StreamDecoder = field(default_factory=StreamDecoder)

    def batches(self) -> Iterator[BeaconBatch]:
        """Batches in file order; a pcap the kernel cannot read goes wholly through the
        streaming path."""
        source = self.source
        reader = source if not isinstance(source, Path) else open_capture(source)
        table = transports.current().kernel_rows()
        if isinstance(reader, PcapngReader):
            yield from self._blocks(reader, table)
            return
        if not isinstance(reader, PcapReader) or reader.linktype not in FAST_LINKTYPES:
            yield from self._streamed(reader)
            return
        self.offset = reader.data_offset
        yield from self._kernel(reader, table)

    def _kernel(self, reader: PcapReader, table: npt.NDArray[np.int64]) -> Iterator[BeaconBatch]:
        chunk = max(self.chunk_bytes, 2 * MAX_RECORD)
        buf = np.empty(chunk, dtype=np.uint8)
        out = _Scratch()
        big = reader.byte_order == ">"
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
                        buf, pos, valid, big, reader.ns_per_tick, reader.linktype, table, frame,
                        out.msgs, out.frames, out.times, out.macs, out.counters, out.transports,
                        out.slow, MAX_RECORD,
                    )
                    self.frames, self.offset = frame, base + new_pos
                    if n or n_slow:
                        yield out.batch(n, self._records(buf, reader, out.slow[:n_slow]))
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

    def _records(
        self, buf: npt.NDArray[np.uint8], reader: PcapReader, slow: npt.NDArray[np.int64]
    ) -> list[Detection]:
        """Detections of the pcap records handed over as (offset in `buf`, frame, time)."""
        others: list[Detection] = []
        for offset, number, time_ns in slow.tolist():
            caplen = int.from_bytes(buf[offset + 8 : offset + 12].tobytes(),
                                    "big" if reader.byte_order == ">" else "little")
            data = buf[offset + 16 : offset + 16 + caplen].tobytes()
            packet = Packet(number, time_ns, reader.linktype, data, caplen)
            others.extend(self.stream.packet(packet))
        return others

    def _blocks(
        self, reader: PcapngReader, table: npt.NDArray[np.int64]
    ) -> Iterator[BeaconBatch]:
        """The pcapng walk: the kernel over each chunk, the reader for each block it stops at."""
        out, clocks = _Scratch(), _Clocks()
        with reader.handle as handle:
            chunks = _Chunks(handle, np.empty(max(self.chunk_bytes, 64), dtype=np.uint8))
            chunks.buf[: len(reader.head)] = np.frombuffer(reader.head, dtype=np.uint8)
            chunks.valid = len(reader.head)
            order = "<"  # the current section's; the first block is a section header
            while True:
                pos, reader.number, fast, n, n_slow, stop = _scan_blocks(
                    chunks.buf, chunks.pos, chunks.valid, order == ">", clocks.rows,
                    clocks.count, table, reader.number, out.msgs, out.frames, out.times,
                    out.macs, out.counters, out.transports, out.slow,
                )
                reader.delivered += fast
                others = self._handed_over(reader, chunks.buf, order, out.slow[:n_slow])
                chunks.pos = pos
                self.frames, self.offset = reader.delivered, chunks.offset
                if n or n_slow:
                    yield out.batch(n, others)
                if stop == STOP_FULL or (stop == STOP_NEED and chunks.more()):
                    continue
                taken = self._reader_block(reader, chunks, order, clocks)
                if taken is None:
                    break
                order, found = taken
                if found:
                    yield _others_only(found)
        self.frames, self.offset = reader.delivered, chunks.offset
        self.skipped.merge(reader.skipped)
        reader.finish()

    def _handed_over(
        self, reader: PcapngReader, buf: npt.NDArray[np.uint8], order: str,
        slow: npt.NDArray[np.int64],
    ) -> list[Detection]:
        """Detections of the packet blocks handed over as (offset in `buf`, frame, type):
        the reader reads each (counting what it cannot), the streaming path decodes it."""
        others: list[Detection] = []
        endian: Literal["big", "little"] = "big" if order == ">" else "little"
        for offset, number, kind in slow.tolist():
            total = int.from_bytes(buf[offset + 4 : offset + 8].tobytes(), endian)
            body = buf[offset + 8 : offset + total - 4].tobytes()
            packet = reader.packet(kind, body, order, number)
            if packet is not None:
                others.extend(self.stream.packet(packet))
        return others

    def _reader_block(
        self, reader: PcapngReader, chunks: _Chunks, order: str, clocks: _Clocks
    ) -> tuple[str, list[Detection]] | None:
        """The reader frames and takes in the next block; (byte order after it, detections
        of its packet), or None where the walk ends."""
        offset = chunks.offset
        framed = reader.frame(chunks, order, offset)
        if framed is None:
            return None
        block_type, body, order, _total = framed
        packet = reader.block(block_type, body, order, offset)
        clocks.follow(reader.interfaces)
        return order, [] if packet is None else self.stream.packet(packet)

    def _streamed(self, reader: CaptureReader) -> Iterator[BeaconBatch]:
        found: list[Detection] = []
        for packet in reader:
            found.extend(self.stream.packet(packet))
            self.offset += 16 + len(packet.data)  # a pcap record header and its data
            if len(found) >= STREAMED_BATCH:
                yield _others_only(found)
                found = []
        if found:
            yield _others_only(found)
        self.frames = self.stream.frames
        self.skipped.merge(reader.skipped)
