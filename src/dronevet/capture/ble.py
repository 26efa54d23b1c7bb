"""Bluetooth LE advertising packets from nRF Sniffer, PHDR and plain link-layer captures.

Link layer (Bluetooth Core 5.3, Vol 6, Part B, 2.1 and 2.3): `access address u32 LE`
(0x8E89BED6 on advertising channels), on the LE Coded PHY a 1-byte coding indicator,
then the PDU header `u8 (type bits 0-3, ChSel 5, TxAdd 6, RxAdd 7), length u8`, the
payload and a 3-byte CRC.
- Legacy PDUs ADV_IND (0), ADV_NONCONN_IND (2), ADV_SCAN_IND (6), SCAN_RSP (4): `AdvA`
  (6 bytes, little-endian) then up to 31 bytes of AD structures.
- Extended PDUs ADV_EXT_IND / AUX_ADV_IND / AUX_CHAIN_IND (7): common extended header
  `length bits 0-5, mode bits 6-7`, flags byte (bit 0 AdvA, 1 TargetA, 2 CTEInfo, 3 ADI,
  4 AuxPtr, 5 SyncInfo, 6 TxPower), the present fields in that order (6, 6, 1, 2, 3, 18,
  1 bytes), then AD structures up to the PDU length.
AD structures (Core Supplement Part A, 1): `length u8, type u8, data[length - 1]`.

Sniffer headers:
- LINKTYPE_NORDIC_BLE (272), nRF Sniffer protocol versions 1-3 (Wireshark
  packet-nordic_ble.c): board id u8; header `payload length (v1: header length u8 +
  payload length u8; v2/v3: u16 LE), protocol version u8, packet counter u16, packet
  id u8`; packet header `length u8 (10), flags u8 (bit 0 CRC ok, bits 4-6 PHY: 0 1M,
  1 2M, 2 Coded), channel u8, RSSI u8 (negated dBm), event counter u16, time u32`;
  then the link-layer packet. Checked against the shared capture
  odid_bt5_lr_sample.pcapng (protocol version 3, Coded PHY: coding indicator byte after
  the access address).
- LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256): 10-byte pseudo-header `channel, signal,
  noise, access address offenses, reference access address u32, flags u16 LE` (flag
  0x0400: CRC checked, 0x0800: CRC valid; bits 14-15 PHY since the 2020 revision, 2 =
  Coded), then the link-layer packet. Coded-PHY layout after the access address is
  assumed to match the nRF sniffer's (coding indicator byte): unverified, no sample.
- LINKTYPE_BLUETOOTH_LE_LL (251): the link-layer packet alone.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from dronevet.capture import linktypes
from dronevet.capture.packets import LinkLayerError

ADVERTISING_ACCESS_ADDRESS = 0x8E89BED6
PDU_ADV_IND = 0
PDU_ADV_NONCONN_IND = 2
PDU_SCAN_RSP = 4
PDU_ADV_SCAN_IND = 6
PDU_ADV_EXT = 7
LEGACY_WITH_DATA = frozenset({PDU_ADV_IND, PDU_ADV_NONCONN_IND, PDU_SCAN_RSP, PDU_ADV_SCAN_IND})
PHY_CODED = 2
_EXT_FIELD_SIZES = (6, 6, 1, 2, 3, 18, 1)


@dataclass(frozen=True, slots=True)
class Advertisement:
    """A received advertising PDU: its type, advertiser address and AD structures' bytes."""

    pdu_type: int
    extended: bool
    address: bytes
    """Advertiser address as sent (little-endian); empty when the PDU carries none."""
    data: bytes
    """The advertising data: a run of AD structures."""

    @property
    def address_text(self) -> str:
        """The advertiser address as people write it: most significant byte first."""
        return self.address[::-1].hex(":")


def _nordic(data: bytes) -> tuple[bytes, bool]:
    """Link-layer packet and whether it is on the Coded PHY, from an nRF Sniffer frame."""
    if len(data) < 8:
        raise LinkLayerError("nRF Sniffer frame shorter than its header")
    version = data[3]
    if version not in (1, 2, 3):
        raise LinkLayerError(f"nRF Sniffer protocol version {version} not supported")
    packet_header = 7
    header_length = data[packet_header]
    if header_length < 10 or len(data) < packet_header + header_length:
        raise LinkLayerError(f"nRF Sniffer packet header length {header_length} invalid")
    flags = data[packet_header + 1]
    if not flags & 1:
        raise LinkLayerError("nRF Sniffer reports a CRC error")
    coded = version >= 2 and (flags >> 4) & 0b111 == PHY_CODED
    return data[packet_header + header_length :], coded


def _phdr(data: bytes) -> tuple[bytes, bool]:
    if len(data) < 10:
        raise LinkLayerError("Bluetooth LE pseudo-header shorter than 10 bytes")
    (flags,) = struct.unpack_from("<H", data, 8)
    if flags & 0x0400 and not flags & 0x0800:
        raise LinkLayerError("Bluetooth LE pseudo-header reports a CRC error")
    return data[10:], (flags >> 14) == PHY_CODED


def link_layer_packet(linktype: int, data: bytes) -> tuple[bytes, bool]:
    """The link-layer packet (from the access address) and whether it was sent on Coded PHY."""
    if linktype == linktypes.NORDIC_BLE:
        return _nordic(data)
    if linktype == linktypes.BLUETOOTH_LE_LL_WITH_PHDR:
        return _phdr(data)
    if linktype == linktypes.BLUETOOTH_LE_LL:
        return data, False
    raise LinkLayerError(f"link type {linktypes.name(linktype)} is not Bluetooth LE")


def advertisement(linktype: int, data: bytes) -> Advertisement | None:
    """The advertising PDU in a captured Bluetooth LE frame; None for data-channel packets."""
    packet, coded = link_layer_packet(linktype, data)
    if len(packet) < 6:
        raise LinkLayerError("Bluetooth LE packet shorter than access address and header")
    (access_address,) = struct.unpack_from("<I", packet)
    if access_address != ADVERTISING_ACCESS_ADDRESS:
        return None
    header = 5 if coded else 4
    if len(packet) < header + 2:
        raise LinkLayerError("Bluetooth LE packet shorter than its PDU header")
    pdu_type, length = packet[header] & 0x0F, packet[header + 1]
    payload = packet[header + 2 : header + 2 + length]
    if len(payload) < length:
        raise LinkLayerError(f"Bluetooth LE PDU length {length} runs past the packet")
    if pdu_type in LEGACY_WITH_DATA:
        if length < 6:
            raise LinkLayerError("legacy advertising PDU shorter than its address")
        return Advertisement(pdu_type, False, payload[:6], payload[6:])
    if pdu_type == PDU_ADV_EXT:
        return _extended(payload)
    return None


def _extended(payload: bytes) -> Advertisement:
    if not payload:
        raise LinkLayerError("extended advertising PDU without its extended header")
    header_length = payload[0] & 0x3F
    if 1 + header_length > len(payload):
        raise LinkLayerError("extended header runs past the PDU")
    address = b""
    if header_length:
        flags = payload[1]
        position = 2
        for bit, size in enumerate(_EXT_FIELD_SIZES):
            if flags & (1 << bit):
                if bit == 0:
                    address = payload[position : position + 6]
                position += size
        if position > 1 + header_length:
            raise LinkLayerError("extended header fields overrun its length")
    return Advertisement(PDU_ADV_EXT, True, address, payload[1 + header_length :])


def ad_structures(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Walk AD structures `(type, data)`; a zero length ends the run (padding)."""
    position = 0
    while position < len(data):
        length = data[position]
        if length == 0:
            return
        if position + 1 + length > len(data):
            raise LinkLayerError(f"AD structure at byte {position} runs past the data")
        yield data[position + 1], data[position + 2 : position + 1 + length]
        position += 1 + length
