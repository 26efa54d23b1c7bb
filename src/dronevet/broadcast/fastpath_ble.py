"""Batch path, Bluetooth LE: the numba kernel that reads one frame's Remote ID messages.

`ble_frame` reads a Bluetooth LE frame of link type 251 (the link-layer packet alone), 256
(behind the 10-byte pseudo-header) or 272 (behind the nRF Sniffer's headers) exactly as the
streaming path does (`capture.ble`, `remoteid.transport_bluetooth`): the sniffer header, the
access address, the PDU header (after the coding indicator on the Coded PHY), the advertiser
address of a legacy PDU or the extended header's, the AD structures, and the service data
with UUID 0xFFFA and application code 0x0D. A legacy PDU's one 25-byte message (transport
`bt-legacy`) or an extended PDU's message pack (`bt-extended`) is gathered into the batch
arrays (`fastpath`), one row per message.

The kernel settles a frame only where the streaming path would decode every message of it
or find no Remote ID in it: a packet on a data channel, or an advertisement without the
service data. Everything else goes to the streaming path, which decodes or counts it: a CRC
error reported by the sniffer, a PDU type other than the advertising ones the streaming
path reads, a header or AD structure that runs past its end, an extended PDU without an
advertiser address or with an AuxPtr (the rest of its data is in a chain the kernel does not
follow), a second Remote ID structure, service data without a message counter, a legacy
payload that is not one message, an extended one that is not a pack of 1 to 9 messages.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid.common import MESSAGE_SIZE
from dronevet.broadcast.remoteid.message_pack import PACK_HEADER, PACK_MAX_MESSAGES, PACK_TYPE
from dronevet.broadcast.remoteid.transport_bluetooth import AD_SERVICE_DATA_16, APP_CODE, ODID_UUID
from dronevet.broadcast.transports import KERNEL_BT_EXTENDED, KERNEL_BT_LEGACY
from dronevet.capture import linktypes
from dronevet.capture.ble import (
    _EXT_FIELD_SIZES,
    ADVERTISING_ACCESS_ADDRESS,
    LEGACY_WITH_DATA,
    PDU_ADV_EXT,
    PHY_CODED,
)

_ACCESS = ADVERTISING_ACCESS_ADDRESS.to_bytes(4, "little")
_ACCESS_0, _ACCESS_1, _ACCESS_2, _ACCESS_3 = _ACCESS
_LEGACY_TYPES = sum(1 << pdu_type for pdu_type in LEGACY_WITH_DATA)
"""The legacy PDU types that carry an address and AD structures, one bit each."""
_UUID_0, _UUID_1 = ODID_UUID
(_APP,) = APP_CODE
_EXT_SIZES = np.array(_EXT_FIELD_SIZES, dtype=np.int64)
_EXT_ADV_A, _EXT_AUX_PTR = 1, 1 << 4
"""Extended header flags: the advertiser address, the pointer to an auxiliary packet."""
_PHDR_CRC_CHECKED, _PHDR_CRC_VALID = 0x0400, 0x0800


@numba.njit(cache=True)
def _link_layer(buf: npt.NDArray[np.uint8], start: int, end: int, linktype: int) -> int:
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
        flags = int(buf[start + 8]) | (int(buf[start + 9]) << 8)
        if flags & _PHDR_CRC_CHECKED and not flags & _PHDR_CRC_VALID:
            return -1
        coded = flags >> 14 == PHY_CODED
        packet = start + 10
    if end - packet < 6:
        return -1
    if (buf[packet] != _ACCESS_0 or buf[packet + 1] != _ACCESS_1
            or buf[packet + 2] != _ACCESS_2 or buf[packet + 3] != _ACCESS_3):  # fmt: skip
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
def ble_frame(
    buf: npt.NDArray[np.uint8], start: int, end: int, linktype: int, frame: int,
    time_ns: int, n: int,
    msgs: npt.NDArray[np.uint8], frames: npt.NDArray[np.int64], times: npt.NDArray[np.int64],
    macs: npt.NDArray[np.uint64], counters: npt.NDArray[np.uint8],
    transports: npt.NDArray[np.uint8],
) -> int:
    """Gather the Remote ID messages of the Bluetooth LE frame `buf[start:end]` from row
    `n`; the new count, or -1 for the streaming path."""
    at = _link_layer(buf, start, end, linktype)
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
