"""The OcuSync DroneID frame: flight information between a length byte and a CRC-16.

Layout of the frame at the start of a decoded transport block (little-endian; RUB-SysSec
DroneSecurity, ``droneid_packet.py``, 2023, and proto17 dji_droneid)::

    off size field
      0   1  length: bytes after this one, CRC excluded (88 for version 2)
      1   1  message type: 0x10 = flight information
      2  87  flight information, version 2 (`dji.flight_info`: fields, units, sources)
     89   2  CRC-16: poly 0x1021 reflected, init 0x3692, over bytes 0..88

The shared Mavic Air 2 recording confirms the CRC-16 parameters (both CRCs valid). A frame
of another message type (the recording carries one of type 0x11) has no public layout;
`visible_serial` finds the serial number it carries as plain text.
"""

from __future__ import annotations

import re

from dronevet.broadcast.dji import flight_info
from dronevet.broadcast.dji.flight_info import DjiFlightInfo, FlightInfoError

CRC_INIT = 0x3692
_CRC_POLY_REFLECTED = 0x8408


def crc16(data: bytes, init: int = CRC_INIT) -> int:
    """CRC-16 with polynomial 0x1021 processed LSB first (reflected), no final XOR."""
    crc = init
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CRC_POLY_REFLECTED if crc & 1 else crc >> 1
    return crc


def parse_flight_info(data: bytes) -> DjiFlightInfo:
    """Decode the flight-information frame at the start of `data` (bytes after the CRC are
    ignored: a transport block is zero padded).

    Raises `FlightInfoError` when `data` is not a flight-information frame (another message
    type, a length byte running past `data`, an unknown version); a CRC-16 mismatch is
    reported in `crc_ok` instead.
    """
    if len(data) < 2 or data[1] != flight_info.MESSAGE_TYPE:
        kind = f"message type 0x{data[1]:02x}" if len(data) >= 2 else f"{len(data)} bytes"
        raise FlightInfoError(f"DroneID frame of {kind} is not flight information (0x10)")
    end = 1 + data[0]
    if len(data) < end + 2:
        raise FlightInfoError(
            f"DroneID frame is {len(data)} bytes, its length byte says {end + 2} with the CRC"
        )
    crc_ok = crc16(data[:end]) == int.from_bytes(data[end : end + 2], "little")
    return flight_info.decode(data[2:end], crc_ok=crc_ok)


def build_flight_info(info: DjiFlightInfo) -> bytes:
    """The frame (CRC-16 computed) that `parse_flight_info` reads back as `info`."""
    body = flight_info.encode(info)
    frame = bytes((len(body) + 1, flight_info.MESSAGE_TYPE)) + body
    return frame + crc16(frame).to_bytes(2, "little")


_SERIAL = re.compile(rb"[0-9A-Z]{10,20}")
"""A DJI serial as it shows in a payload: 10 to 20 upper-case letters and digits in a row."""


def visible_serial(data: bytes) -> str | None:
    """A serial number a payload of unknown layout carries as plain text, if any (the type
    0x11 frames of the shared Mavic Air 2 recording carry the aircraft's serial at byte 2)."""
    found = _SERIAL.search(data)
    return found.group(0).decode("ascii") if found else None
