"""DJI DroneID flight information: one decoder for the Wi-Fi element and the OcuSync frame.

DJI drones send the same message two ways, behind different headers: in a Wi-Fi beacon
vendor element (`dji.wifi`: ``58 62 13``, subcommand 0x10, message) and in an OcuSync
radio burst (`dji.ocusync.payload`: length byte, message type 0x10, message, CRC-16). This
module reads and writes the message itself, from its version byte on, little-endian:

    version 1 (75 bytes)                    version 2 (87 bytes)
    0      u8   version (1)                 0      u8   version (2)
    1-2    u16  sequence number             1-2    u16  sequence number
    3-4    u16  state bits (below)          3-4    u16  state bits
    5-20   16 s serial number               5-20   16 s serial number
    21-24  i32  longitude  } radians * 1e7  21-24  i32  longitude
    25-28  i32  latitude   }                25-28  i32  latitude
    29-30  i16  altitude, m                 29-30  i16  altitude, m
    31-32  i16  height above home, m        31-32  i16  height above take-off, m
    33-38  i16  velocity N, E, up, cm/s     33-38  i16  velocity N, E, up, cm/s
    39-40  i16  pitch  } 0.01 degree        39-40  i16  yaw, 0.01 degree
    41-42  i16  roll   }                    41-48  u64  app GPS time, ms since 1970 UTC
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

Sources: Kismet `kaitai_definitions/dot11_ie_221_dji_droneid.ksy` (version 1, after Freek
van Tienen and Jan Dumon); llorencroma/DJIDroneIDspoofer (version 2 over Wi-Fi); RUB-SysSec
DroneSecurity `droneid_packet.py` (NDSS 2023) and proto17 dji_droneid (version 2 over
OcuSync): the same field order; all read 2025. The shared Mavic Air 2 recording (OcuSync,
both CRCs valid) confirms version 2's order, pilot latitude before longitude and home
*longitude before latitude* (51.4 N / 7.3 E are unambiguous), product type 58 and a GPS
time of 2022-04-21. No public Wi-Fi capture exists.

Units. Positions are radians * 1e7 and convert exactly (public decoders divide by
174533.0, 4e-7 relative off, about 2 m at 50 degrees); 0/0 means unknown and reads as no
position. Altitude and height are read as metres, as Kismet does; DroneSecurity reads feet,
but the sample's altitude 141 at a place whose ground lies about 100 m above sea level
(Bochum) would be 43 m in feet, below ground; its two frames read height 37 and 42 at the
same altitude, which neither unit explains: unverified. Velocities in cm/s and angles in
0.01 degree follow the Wi-Fi decoders (droneid-go, Kismet); the sample (v = -2, 2, 26;
yaw -13295) is consistent with them but does not prove them: unverified. Product names come
from `dji.products`.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from dronevet.broadcast.dji.products import product_name
from dronevet.broadcast.remoteid.common import MessageError

MESSAGE_TYPE = 0x10
"""Flight information: the Wi-Fi element's subcommand and the OcuSync frame's message type."""
POSITION_UNITS = 1e7  # per radian
ANGLE_UNITS = 100  # per degree
VELOCITY_UNITS = 100  # per m/s
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LAST_TIME_MS = (datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1)
"""The latest app time a datetime can hold (9999-12-31): later values read as no time."""

STATE_BITS = (
    "serial_valid", "private_mode_off", "home_set", "uuid_set", "motor_on", "in_air",
    "gps_valid", "altitude_valid", "height_valid", "horizontal_valid", "vertical_valid",
    "attitude_valid",
)  # fmt: skip


class Layout:
    """One version's fields declared once, `(name, struct code)` in wire order."""

    def __init__(self, *fields: tuple[str, str]) -> None:
        self.names = tuple(name for name, _ in fields)
        self.struct = struct.Struct("<" + "".join(code for _, code in fields))

    def unpack(self, data: bytes) -> dict[str, Any]:
        return dict(zip(self.names, self.struct.unpack_from(data), strict=True))

    def pack(self, raw: dict[str, Any]) -> bytes:
        return self.struct.pack(*(raw[name] for name in self.names))


_HEAD = (("version", "B"), ("sequence", "H"), ("state", "H"), ("serial", "16s"),
         ("lon", "i"), ("lat", "i"), ("alt", "h"), ("height", "h"),
         ("v_north", "h"), ("v_east", "h"), ("v_up", "h"))  # fmt: skip
_TAIL = (("product_type", "B"), ("uuid_length", "B"), ("uuid", "20s"))
LAYOUTS = {
    1: Layout(*_HEAD, ("pitch", "h"), ("roll", "h"), ("yaw", "h"),
              ("home_lon", "i"), ("home_lat", "i"), *_TAIL),
    2: Layout(*_HEAD, ("yaw", "h"), ("time", "Q"), ("pilot_lat", "i"), ("pilot_lon", "i"),
              ("home_lon", "i"), ("home_lat", "i"), *_TAIL),
}  # fmt: skip
"""Flight information layouts by version byte."""


class FlightInfoError(MessageError):
    """Bytes that are not DJI flight information of a known version; `reason` says why."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DjiFlightInfo:
    """Telemetry of one DJI drone: where it, its pilot (version 2) and its home point are.

    Fields a version does not carry, and positions sent as 0/0, are None."""

    version: int = 2
    sequence: int = 0
    state: int = 0
    """Bit field, see `STATE_BITS`."""
    serial: str = ""
    lat: float | None = None
    lon: float | None = None
    alt: int = 0
    """Altitude, m (above mean sea level; see the module docstring)."""
    height: int = 0
    """Height above the home (take-off) point, m."""
    v_north: float = 0.0
    v_east: float = 0.0
    v_up: float = 0.0
    """Velocities, m/s."""
    yaw: float = 0.0
    """Heading, degrees."""
    pitch: float | None = None
    roll: float | None = None
    """Attitude, degrees (version 1 only)."""
    time: datetime | None = None
    """GPS time of the pilot's app, UTC (version 2 only)."""
    pilot_lat: float | None = None
    pilot_lon: float | None = None
    home_lat: float | None = None
    home_lon: float | None = None
    product_type: int = 0
    uuid: str = ""
    crc_ok: bool | None = None
    """The carrying frame's own checksum holds (OcuSync CRC-16); None where there is none."""

    msg_type: ClassVar[str] = "dji_flight_info"

    @property
    def flags(self) -> dict[str, bool]:
        """Each named state bit."""
        return {name: bool(self.state >> bit & 1) for bit, name in enumerate(STATE_BITS)}

    @property
    def product(self) -> str | None:
        """Product name of `product_type`, None when not in the sourced table."""
        return product_name(self.product_type)


def _position(lat_raw: int, lon_raw: int) -> tuple[float | None, float | None]:
    if lat_raw == 0 and lon_raw == 0:
        return None, None
    lat, lon = math.degrees(lat_raw / POSITION_UNITS), math.degrees(lon_raw / POSITION_UNITS)
    if abs(lat) > 90.0 or abs(lon) > 180.0:
        return None, None
    return lat, lon


def _raw_position(degrees: float | None) -> int:
    return 0 if degrees is None else round(math.radians(degrees) * POSITION_UNITS)


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("ascii", "backslashreplace")


def _angle(raw: int | None) -> float | None:
    return None if raw is None else raw / ANGLE_UNITS


def decode(data: bytes, *, crc_ok: bool | None = None) -> DjiFlightInfo:
    """Decode flight information from its version byte on; bytes past the layout are ignored.

    Raises `FlightInfoError` for an unknown version or fewer bytes than the version's layout.
    """
    if not data:
        raise FlightInfoError("DJI flight info is empty")
    version = data[0]
    layout = LAYOUTS.get(version)
    if layout is None:
        raise FlightInfoError(f"unknown DJI flight info version {version}")
    if len(data) < layout.struct.size:
        raise FlightInfoError(
            f"DJI flight info v{version} of {len(data)} bytes is shorter than "
            f"{layout.struct.size}"
        )
    raw = layout.unpack(data)
    lat, lon = _position(raw["lat"], raw["lon"])
    pilot_lat, pilot_lon = _position(raw.get("pilot_lat", 0), raw.get("pilot_lon", 0))
    home_lat, home_lon = _position(raw["home_lat"], raw["home_lon"])
    time_ms = raw.get("time", 0)
    return DjiFlightInfo(
        version=version, sequence=raw["sequence"], state=raw["state"],
        serial=_text(raw["serial"]), lat=lat, lon=lon, alt=raw["alt"], height=raw["height"],
        v_north=raw["v_north"] / VELOCITY_UNITS, v_east=raw["v_east"] / VELOCITY_UNITS,
        v_up=raw["v_up"] / VELOCITY_UNITS, yaw=raw["yaw"] / ANGLE_UNITS,
        pitch=_angle(raw.get("pitch")), roll=_angle(raw.get("roll")),
        time=EPOCH + timedelta(milliseconds=time_ms) if 0 < time_ms <= LAST_TIME_MS else None,
        pilot_lat=pilot_lat, pilot_lon=pilot_lon, home_lat=home_lat, home_lon=home_lon,
        product_type=raw["product_type"], uuid=_text(raw["uuid"][: min(raw["uuid_length"], 20)]),
        crc_ok=crc_ok,
    )  # fmt: skip


def encode(info: DjiFlightInfo) -> bytes:
    """The flight information bytes (from the version byte on) that `decode` reads as `info`
    (but for `crc_ok`); ValueError for a version other than 1 or 2."""
    layout = LAYOUTS.get(info.version)
    if layout is None:
        raise ValueError(f"DJI flight info version {info.version} is not 1 or 2")
    uuid = info.uuid.encode("ascii")[:20]
    return layout.pack({
        "version": info.version, "sequence": info.sequence, "state": info.state,
        "serial": info.serial.encode("ascii")[:16],
        "lat": _raw_position(info.lat), "lon": _raw_position(info.lon),
        "alt": round(info.alt), "height": round(info.height),
        "v_north": round(info.v_north * VELOCITY_UNITS),
        "v_east": round(info.v_east * VELOCITY_UNITS), "v_up": round(info.v_up * VELOCITY_UNITS),
        "yaw": round(info.yaw * ANGLE_UNITS), "pitch": round((info.pitch or 0.0) * ANGLE_UNITS),
        "roll": round((info.roll or 0.0) * ANGLE_UNITS),
        "time": 0 if info.time is None else round(info.time.timestamp() * 1000),
        "pilot_lat": _raw_position(info.pilot_lat), "pilot_lon": _raw_position(info.pilot_lon),
        "home_lat": _raw_position(info.home_lat), "home_lon": _raw_position(info.home_lon),
        "product_type": info.product_type, "uuid_length": len(uuid), "uuid": uuid,
    })  # fmt: skip


RECORD_KEYS = (
    "version", "sequence", "serial", "lat", "lon", "alt", "height", "v_north", "v_east",
    "v_up", "yaw", "pitch", "roll", "flight_time", "pilot_lat", "pilot_lon", "home_lat",
    "home_lon", "product_type", "product", "uuid", "state",
)  # fmt: skip
"""The JSON keys of flight information, in the order `record` writes them (`flight_time`:
`time` in records is when a frame was captured)."""


def record(info: DjiFlightInfo) -> dict[str, Any]:
    """The JSON-safe fields of `info`, keyed by `RECORD_KEYS` (`state` as named flags)."""
    return dict(zip(RECORD_KEYS, (
        info.version, info.sequence, info.serial, info.lat, info.lon, info.alt, info.height,
        info.v_north, info.v_east, info.v_up, info.yaw, info.pitch, info.roll,
        info.time.isoformat() if info.time else None, info.pilot_lat, info.pilot_lon,
        info.home_lat, info.home_lon, info.product_type, info.product, info.uuid, info.flags,
    ), strict=True))  # fmt: skip
