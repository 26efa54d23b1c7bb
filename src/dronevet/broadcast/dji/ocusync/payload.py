"""The DroneID flight-information payload carried by an OcuSync burst (91 bytes).

Layout (little-endian, struct ``<BBBHH16siihhhhhhQiiiiBB20sH``; field order from
RUB-SysSec DroneSecurity, ``droneid_packet.py``, 2023, and proto17 dji_droneid)::

    off size field            raw unit                     decoded as
      0   1  length           88 (bytes after this one, CRC excluded)
      1   1  message type     0x10 = flight information
      2   1  version          2
      3   2  sequence number
      5   2  state bits
      7  16  serial number    ASCII, NUL padded
     23   4  longitude        radians x 1e7                degrees
     27   4  latitude         radians x 1e7                degrees
     31   2  altitude         m (above mean sea level)     m       (*)
     33   2  height           m (above take-off)           m       (*)
     35   2  velocity north   cm/s                         m/s     (**)
     37   2  velocity east    cm/s                         m/s     (**)
     39   2  velocity up      cm/s                         m/s     (**)
     41   2  yaw              centidegrees                 degrees (**)
     43   8  phone GPS time   ms since 1970-01-01 (UTC)
     51   4  pilot latitude   radians x 1e7                degrees
     55   4  pilot longitude  radians x 1e7                degrees
     59   4  home longitude   radians x 1e7                degrees
     63   4  home latitude    radians x 1e7                degrees
     67   1  product type     see PRODUCT_TYPES
     68   1  UUID length
     69  20  UUID             ASCII
     89   2  CRC-16           poly 0x1021 reflected, init 0x3692, over bytes 0..88

Confirmed by the shared Mavic Air 2 recording (decoded with CRC-24 and CRC-16 valid):
the field order, pilot latitude before longitude and home *longitude before latitude*
(values 51.4 N / 7.3 E are unambiguous), product type 58 = Mavic Air 2, GPS time
2022-04-21, the CRC-16 parameters.
(*) Sources disagree on the altitude unit: DroneSecurity divides by 3.281 (feet). The
sample reads altitude 141 at a place whose ground lies about 100 m above sea level
(Bochum; unverified against an elevation model): in feet the drone would be 43 m above sea
level, below ground, so metres are used here. Two frames of the sample read height 37 and
42 with the same altitude, which neither reading explains: the units stay unverified.
(**) cm/s and centidegrees follow the DJI Wi-Fi DroneID decoders (Kismet); the sample
(v = -2, 2, 26; yaw -13295) is consistent with them but does not prove them: unverified.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from dronevet.broadcast.dji.products import PRODUCT_TYPES
from dronevet.errors import CaptureFormatError

LAYOUT = struct.Struct("<BBBHH16siihhhhhhQiiiiBB20sH")
PAYLOAD_BYTES = LAYOUT.size
FLIGHT_INFO = 0x10
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


def _degrees(raw: int) -> float:
    return math.degrees(raw / 1e7)


@dataclass(frozen=True, slots=True)
class FlightInfo:
    """One DroneID flight-information message, in SI units and degrees."""

    sequence: int
    state_bits: int
    serial: str
    lat: float
    lon: float
    alt: float
    """Altitude above mean sea level, m."""
    height: float
    """Height above the take-off point, m."""
    v_north: float
    v_east: float
    v_up: float
    """Velocities, m/s."""
    yaw: float
    """Heading, degrees."""
    gps_time: datetime | None
    pilot_lat: float
    pilot_lon: float
    home_lat: float
    home_lon: float
    product_type: int
    uuid: str
    crc_ok: bool
    """The payload's own CRC-16 holds."""

    @property
    def product(self) -> str | None:
        """Product name of `product_type`, None when not in the sourced table."""
        return PRODUCT_TYPES.get(self.product_type)


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("ascii", errors="replace")


def _gps_time(milliseconds: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_flight_info(data: bytes, *, path: str | None = None, frame: int | None = None
                      ) -> FlightInfo:
    """Decode the 91-byte flight-information payload at the start of `data`.

    Raises `CaptureFormatError` (naming `path` and `frame`) when `data` is too short or is
    not a flight-information message; a CRC-16 mismatch is reported in `crc_ok` instead.
    """
    if len(data) < PAYLOAD_BYTES:
        raise CaptureFormatError(
            f"DroneID payload is {len(data)} bytes, a flight-information message needs "
            f"{PAYLOAD_BYTES}", path=path, frame=frame,
        )
    fields = LAYOUT.unpack_from(data)
    if fields[1] != FLIGHT_INFO:
        raise CaptureFormatError(
            f"DroneID message type 0x{fields[1]:02x} is not flight information (0x10)",
            path=path, frame=frame,
        )
    uuid_length = min(fields[20], 20)
    return FlightInfo(
        sequence=fields[3],
        state_bits=fields[4],
        serial=_text(fields[5]),
        lon=_degrees(fields[6]),
        lat=_degrees(fields[7]),
        alt=float(fields[8]),
        height=float(fields[9]),
        v_north=fields[10] / 100,
        v_east=fields[11] / 100,
        v_up=fields[12] / 100,
        yaw=fields[13] / 100,
        gps_time=_gps_time(fields[14]),
        pilot_lat=_degrees(fields[15]),
        pilot_lon=_degrees(fields[16]),
        home_lon=_degrees(fields[17]),
        home_lat=_degrees(fields[18]),
        product_type=fields[19],
        uuid=_text(fields[21][:uuid_length]),
        crc_ok=crc16(data[: PAYLOAD_BYTES - 2]) == fields[22],
    )


_SERIAL = re.compile(rb"[0-9A-Z]{10,20}")
"""A DJI serial as it shows in a payload: 10 to 20 upper-case letters and digits in a row."""


def visible_serial(data: bytes) -> str | None:
    """A serial number a payload of unknown layout carries as plain text, if any (the type
    0x11 frames of the shared Mavic Air 2 recording carry the aircraft's serial at byte 2)."""
    found = _SERIAL.search(data)
    return found.group(0).decode("ascii") if found else None


def build_flight_info(info: FlightInfo) -> bytes:
    """The 91 payload bytes (CRC-16 computed) that `parse_flight_info` reads back as `info`."""
    millis = 0 if info.gps_time is None else round(info.gps_time.timestamp() * 1000)
    uuid = info.uuid.encode("ascii")[:20]
    body = LAYOUT.pack(
        PAYLOAD_BYTES - 3, FLIGHT_INFO, 2, info.sequence, info.state_bits,
        info.serial.encode("ascii")[:16],
        round(math.radians(info.lon) * 1e7), round(math.radians(info.lat) * 1e7),
        round(info.alt), round(info.height),
        round(info.v_north * 100), round(info.v_east * 100), round(info.v_up * 100),
        round(info.yaw * 100), millis,
        round(math.radians(info.pilot_lat) * 1e7), round(math.radians(info.pilot_lon) * 1e7),
        round(math.radians(info.home_lon) * 1e7), round(math.radians(info.home_lat) * 1e7),
        info.product_type, len(uuid), uuid, 0,
    )
    return body[:-2] + crc16(body[:-2]).to_bytes(2, "little")
