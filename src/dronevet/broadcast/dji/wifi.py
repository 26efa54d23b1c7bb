"""DJI DroneID over Wi-Fi: the vendor information element older DJI drones put in beacons.

The element is vendor-specific (ID 0xDD) with OUI 26:37:12 (some receivers also accept
60:60:1F, 48:1C:B9 and 34:D2:62). `decode_dji_ie` takes the body after the OUI:

    bytes 0-2    58 62 13
    byte  3      subcommand: 0x10 flight info, 0x11 flight purpose

Flight info (0x10), little-endian, offsets from byte 4:

    version 1                               version 2
    0      u8   version (1)                 0      u8   version (2)
    1-2    u16  sequence number             1-2    u16  sequence number
    3-4    u16  state bits (below)          3-4    u16  state bits
    5-20   16 s serial number               5-20   16 s serial number
    21-24  i32  longitude  } radians * 1e7  21-24  i32  longitude
    25-28  i32  latitude   }                25-28  i32  latitude
    29-30  i16  altitude, m                 29-30  i16  altitude, m
    31-32  i16  height above home, m        31-32  i16  height above home, m
    33-38  i16  velocity N, E, up, cm/s     33-38  i16  velocity N, E, up, cm/s
    39-40  i16  pitch  } 0.01 degree        39-40  i16  yaw, 0.01 degree
    41-42  i16  roll   }                    41-48  u64  time, ms since 1970 UTC
    43-44  i16  yaw    }                    49-52  i32  pilot latitude  } radians * 1e7
    45-48  i32  home longitude              53-56  i32  pilot longitude }
    49-52  i32  home latitude               57-60  i32  home longitude
    53     u8   product type                61-64  i32  home latitude
    54     u8   UUID length                 65     u8   product type
    55-74  20 s UUID                        66     u8   UUID length
                                            67-86  20 s UUID

State bits: 0 serial valid, 1 private mode off, 2 home point set, 3 UUID set, 4 motors on,
5 in air, 6 GPS valid, 7 altitude valid, 8 height valid, 9 horizontal velocity valid,
10 vertical velocity valid, 11 pitch/roll/yaw valid (bits 6-11 are guesses in Kismet's
`dot11_ie_221_dji_droneid.ksy`).

Flight purpose (0x11): 16-byte serial, u8 drone ID length, 10-byte drone ID, u8 purpose
length, purpose text to the end of the element.

Sources: Kismet `kaitai_definitions/dot11_ie_221_dji_droneid.ksy` (version 1 layout, after
Freek van Tienen and Jan Dumon), the offsets read by llorencroma/DJIDroneIDspoofer
(version 2 layout and flight purpose), both read 2025. Positions are radians * 1e7 and
convert exactly (public decoders divide by 174533.0, which differs by 4e-7 relative, about
2 m at 50 degrees; the same conversion as `dji.ocusync.payload`). Altitude and height are
metres as Kismet reads them; decoders of the same structure sent over OcuSync read feet
(unverified, no public Wi-Fi capture). Velocities are read as cm/s and angles as 0.01
degree, as the Wi-Fi decoders do (droneid-go, Kismet's angles); unverified. Product names
come from `dji.products`.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from dronevet.broadcast.dji.products import product_name
from dronevet.broadcast.remoteid.common import MessageError

PREFIX = b"\x58\x62\x13"
FLIGHT_INFO = 0x10
FLIGHT_PURPOSE = 0x11
POSITION_UNITS = 1e7  # per radian
ANGLE_UNITS = 100  # per degree
VELOCITY_UNITS = 100  # per m/s

# fields after the subcommand byte, as named below
FLIGHT_INFO_V1 = struct.Struct("<BHH16siihhhhhhhhiiBB20s")
FLIGHT_INFO_V2 = struct.Struct("<BHH16siihhhhhhQiiiiBB20s")
PURPOSE_HEAD = struct.Struct("<16sB10sB")

STATE_BITS = (
    "serial_valid", "private_mode_off", "home_set", "uuid_set", "motor_on", "in_air",
    "gps_valid", "altitude_valid", "height_valid", "horizontal_valid", "vertical_valid",
    "attitude_valid",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DjiFlightInfo:
    """Telemetry of one DJI drone: where it, its pilot (v2) and its home point are."""

    version: int
    sequence: int
    state: int  # bit field, see STATE_BITS
    serial: str
    lat: float | None
    lon: float | None
    alt: int  # m
    height: int  # m above the home point
    v_north: float  # m/s
    v_east: float
    v_up: float
    yaw: float  # degrees
    pitch: float | None  # degrees, version 1 only
    roll: float | None  # degrees, version 1 only
    time: datetime | None  # version 2 only (GPS time of the app), UTC
    pilot_lat: float | None  # version 2 only
    pilot_lon: float | None
    home_lat: float | None
    home_lon: float | None
    product_type: int
    uuid: str

    msg_type: ClassVar[str] = "dji_flight_info"

    @property
    def flags(self) -> dict[str, bool]:
        """Each named state bit."""
        return {name: bool(self.state >> bit & 1) for bit, name in enumerate(STATE_BITS)}


@dataclass(frozen=True, slots=True)
class DjiFlightPurpose:
    """What the pilot typed in the app about the flight."""

    serial: str
    drone_id: str
    purpose: str

    msg_type: ClassVar[str] = "dji_flight_purpose"


def _position(lat_raw: int, lon_raw: int) -> tuple[float | None, float | None]:
    if lat_raw == 0 and lon_raw == 0:
        return None, None
    lat, lon = math.degrees(lat_raw / POSITION_UNITS), math.degrees(lon_raw / POSITION_UNITS)
    if abs(lat) > 90.0 or abs(lon) > 180.0:
        return None, None
    return lat, lon


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("ascii", "backslashreplace")


def decode_dji_ie(body: bytes) -> DjiFlightInfo | DjiFlightPurpose:
    """Decode a DJI DroneID vendor element body (the bytes after the OUI)."""
    if len(body) < 5 or body[:3] != PREFIX:
        raise MessageError("not a DJI DroneID element (expected 58 62 13 after the OUI)")
    subcommand, rest = body[3], body[4:]
    if subcommand == FLIGHT_INFO:
        return _flight_info(rest)
    if subcommand == FLIGHT_PURPOSE:
        return _flight_purpose(rest)
    raise MessageError(f"unknown DJI DroneID subcommand {subcommand:#04x}")


def _flight_info(data: bytes) -> DjiFlightInfo:
    version = data[0]
    layout = {1: FLIGHT_INFO_V1, 2: FLIGHT_INFO_V2}.get(version)
    if layout is None:
        raise MessageError(f"unknown DJI flight info version {version}")
    if len(data) < layout.size:
        raise MessageError(
            f"DJI flight info v{version} of {len(data)} bytes is shorter than {layout.size}"
        )
    if version == 1:
        (_, seq, state, serial, lon, lat, alt, height, vn, ve, vu, pitch, roll, yaw,
         home_lon, home_lat, product, uuid_len, uuid) = layout.unpack_from(data)  # fmt: skip
        pilot_lat_raw = pilot_lon_raw = time_ms = 0
        attitude: tuple[float | None, float | None] = (pitch / ANGLE_UNITS, roll / ANGLE_UNITS)
    else:
        (_, seq, state, serial, lon, lat, alt, height, vn, ve, vu, yaw, time_ms,
         pilot_lat_raw, pilot_lon_raw, home_lon, home_lat, product, uuid_len,
         uuid) = layout.unpack_from(data)  # fmt: skip
        attitude = (None, None)
    drone_lat, drone_lon = _position(lat, lon)
    pilot_lat, pilot_lon = _position(pilot_lat_raw, pilot_lon_raw)
    home = _position(home_lat, home_lon)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return DjiFlightInfo(
        version=version, sequence=seq, state=state, serial=_text(serial),
        lat=drone_lat, lon=drone_lon, alt=alt, height=height, v_north=vn / VELOCITY_UNITS,
        v_east=ve / VELOCITY_UNITS, v_up=vu / VELOCITY_UNITS,
        yaw=yaw / ANGLE_UNITS, pitch=attitude[0], roll=attitude[1],
        time=epoch + timedelta(milliseconds=time_ms) if 0 < time_ms < 2**53 else None,
        pilot_lat=pilot_lat, pilot_lon=pilot_lon, home_lat=home[0], home_lon=home[1],
        product_type=product, uuid=_text(uuid[: min(uuid_len, 20)]),
    )  # fmt: skip


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
    return {
        "msg_type": msg.msg_type, "version": msg.version, "sequence": msg.sequence,
        "serial": msg.serial, "lat": msg.lat, "lon": msg.lon, "alt": msg.alt,
        "height": msg.height, "v_north": msg.v_north, "v_east": msg.v_east, "v_up": msg.v_up,
        "yaw": msg.yaw, "pitch": msg.pitch, "roll": msg.roll,
        "flight_time": msg.time.isoformat() if msg.time else None,  # "time" is capture time
        "pilot_lat": msg.pilot_lat, "pilot_lon": msg.pilot_lon,
        "home_lat": msg.home_lat, "home_lon": msg.home_lon,
        "product_type": msg.product_type, "product": product_name(msg.product_type),
        "uuid": msg.uuid, "state": msg.flags,
    }  # fmt: skip


def _raw_position(degrees: float | None) -> int:
    return 0 if degrees is None else round(math.radians(degrees) * POSITION_UNITS)


def encode_flight_info(
    *,
    version: int = 2,
    sequence: int = 0,
    state: int = 0,
    serial: str = "",
    lat: float | None = None,
    lon: float | None = None,
    alt: int = 0,
    height: int = 0,
    v_north: float = 0.0,
    v_east: float = 0.0,
    v_up: float = 0.0,
    yaw: float = 0.0,
    pitch: float = 0.0,
    roll: float = 0.0,
    time: datetime | None = None,
    pilot_lat: float | None = None,
    pilot_lon: float | None = None,
    home_lat: float | None = None,
    home_lon: float | None = None,
    product_type: int = 0,
    uuid: str = "",
) -> bytes:
    """A flight info element body (from 58 62 13 on) built from fields; the decoder's inverse."""
    head = PREFIX + bytes((FLIGHT_INFO,))
    position = (_raw_position(lon), _raw_position(lat))
    velocity = (round(v * VELOCITY_UNITS) for v in (v_north, v_east, v_up))
    common = (sequence, state, serial.encode("ascii")[:16], *position, alt, height, *velocity)
    uuid_raw = uuid.encode("ascii")[:20]
    home = (_raw_position(home_lon), _raw_position(home_lat), product_type, len(uuid_raw), uuid_raw)
    if version == 1:
        attitude = (round(pitch * ANGLE_UNITS), round(roll * ANGLE_UNITS), round(yaw * ANGLE_UNITS))
        return head + FLIGHT_INFO_V1.pack(1, *common, *attitude, *home)
    if version != 2:
        raise ValueError(f"DJI flight info version {version} is not 1 or 2")
    time_ms = 0 if time is None else round(time.timestamp() * 1000)
    pilot = (_raw_position(pilot_lat), _raw_position(pilot_lon))
    return head + FLIGHT_INFO_V2.pack(2, *common, round(yaw * ANGLE_UNITS), time_ms, *pilot, *home)


def encode_flight_purpose(serial: str, drone_id: str, purpose: str) -> bytes:
    """A flight purpose element body (from 58 62 13 on)."""
    drone_raw = drone_id.encode("ascii")[:10]
    purpose_raw = purpose.encode("ascii")[:255]
    head = PURPOSE_HEAD.pack(serial.encode("ascii")[:16], len(drone_raw), drone_raw,
                             len(purpose_raw))  # fmt: skip
    return PREFIX + bytes((FLIGHT_PURPOSE,)) + head + purpose_raw
