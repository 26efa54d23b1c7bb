"""DJI DroneID over Wi-Fi: the vendor information element older DJI drones put in beacons.

The element is vendor-specific (ID 0xDD) with OUI 26:37:12 (some receivers also accept
60:60:1F, 48:1C:B9 and 34:D2:62). `decode_dji_ie` takes the body after the OUI:

    bytes 0-2    58 62 13
    byte  3      subcommand: 0x10 flight info, 0x11 flight purpose
    bytes 4-     the message

Flight info (0x10) is the message OcuSync bursts carry too, decoded by `dji.flight_info`
(layouts of versions 1 and 2, units, sources). Flight purpose (0x11): 16-byte serial, u8
drone ID length, 10-byte drone ID, u8 purpose length, purpose text to the end of the
element (the offsets read by llorencroma/DJIDroneIDspoofer, read 2025).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.dji import flight_info
from dronevet.broadcast.dji.flight_info import DjiFlightInfo
from dronevet.broadcast.remoteid.common import MessageError

__all__ = [
    "DjiFlightInfo",
    "DjiFlightPurpose",
    "decode_dji_ie",
    "dji_record",
    "encode_flight_info",
    "encode_flight_purpose",
]

PREFIX = b"\x58\x62\x13"
FLIGHT_PURPOSE = 0x11
PURPOSE_HEAD = struct.Struct("<16sB10sB")


@dataclass(frozen=True, slots=True)
class DjiFlightPurpose:
    """What the pilot typed in the app about the flight."""

    serial: str
    drone_id: str
    purpose: str

    msg_type: ClassVar[str] = "dji_flight_purpose"


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("ascii", "backslashreplace")


def decode_dji_ie(body: bytes) -> DjiFlightInfo | DjiFlightPurpose:
    """Decode a DJI DroneID vendor element body (the bytes after the OUI)."""
    if len(body) < 5 or body[:3] != PREFIX:
        raise MessageError("not a DJI DroneID element (expected 58 62 13 after the OUI)")
    subcommand, rest = body[3], body[4:]
    if subcommand == flight_info.MESSAGE_TYPE:
        return flight_info.decode(rest)
    if subcommand == FLIGHT_PURPOSE:
        return _flight_purpose(rest)
    raise MessageError(f"unknown DJI DroneID subcommand {subcommand:#04x}")


def _flight_purpose(data: bytes) -> DjiFlightPurpose:
    if len(data) < PURPOSE_HEAD.size:
        raise MessageError(f"DJI flight purpose of {len(data)} bytes is shorter than 28")
    serial, id_len, drone_id, purpose_len = PURPOSE_HEAD.unpack_from(data)
    purpose = data[PURPOSE_HEAD.size : PURPOSE_HEAD.size + purpose_len]
    return DjiFlightPurpose(_text(serial), _text(drone_id[:id_len]), _text(purpose))


def dji_record(msg: DjiFlightInfo | DjiFlightPurpose) -> dict[str, Any]:
    """The JSON-safe dict of one DJI DroneID message."""
    if isinstance(msg, DjiFlightPurpose):
        return {"msg_type": msg.msg_type, "serial": msg.serial, "drone_id": msg.drone_id,
                "purpose": msg.purpose}  # fmt: skip
    return {"msg_type": msg.msg_type, **flight_info.record(msg)}


def encode_flight_info(**fields: Any) -> bytes:
    """A flight info element body (from 58 62 13 on) with `DjiFlightInfo` fields (unnamed
    ones at their defaults); the decoder's inverse."""
    return PREFIX + bytes((flight_info.MESSAGE_TYPE,)) + flight_info.encode(DjiFlightInfo(**fields))


def encode_flight_purpose(serial: str, drone_id: str, purpose: str) -> bytes:
    """A flight purpose element body (from 58 62 13 on)."""
    drone_raw = drone_id.encode("ascii")[:10]
    purpose_raw = purpose.encode("ascii")[:255]
    head = PURPOSE_HEAD.pack(serial.encode("ascii")[:16], len(drone_raw), drone_raw,
                             len(purpose_raw))  # fmt: skip
    return PREFIX + bytes((FLIGHT_PURPOSE,)) + head + purpose_raw
