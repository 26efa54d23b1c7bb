"""Encode Remote ID messages to their 25-byte wire form: the inverse of the decoders.

Used to build test frames and transmitter simulations. Values are rounded to the wire
resolution and clamped to its range the way the Open Drone ID reference encoder does
(speeds over 254.25 m/s become 254.25, vertical speeds beyond +-62 m/s become +-62);
None becomes the specification's "unknown" code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from dronevet.broadcast.remoteid import auth, basic_id, location, operator_id, self_id, system
from dronevet.broadcast.remoteid.common import (
    ALT_OFFSET,
    ALT_SCALE,
    EPOCH_2019,
    LATLON_UNITS,
    MESSAGE_SIZE,
)
from dronevet.broadcast.remoteid.decode import RemoteIdMessage
from dronevet.broadcast.remoteid.enums import IdType
from dronevet.broadcast.remoteid.message_pack import PACK_TYPE, max_messages


def _header(msg_type: int, version: int) -> int:
    return (msg_type << 4) | (version & 0x0F)


def _altitude(value: float | None) -> int:
    if value is None:
        return 0
    return min(max(round((value - ALT_OFFSET) / ALT_SCALE), 0), 0xFFFF)


def _position(lat: float | None, lon: float | None) -> tuple[int, int]:
    if lat is None or lon is None:
        return 0, 0
    return round(lat * LATLON_UNITS), round(lon * LATLON_UNITS)


def _text(value: str, size: int) -> bytes:
    return value.encode("ascii", "replace")[:size]


def _seconds_2019(value: datetime | None) -> int:
    return 0 if value is None else round((value - EPOCH_2019).total_seconds())


def encode_basic_id(msg: basic_id.BasicIdMessage) -> bytes:
    """25 bytes of a Basic ID message."""
    if msg.id_type == IdType.SPECIFIC_SESSION_ID:
        uas_id = bytes.fromhex(msg.uas_id)[:20]
    else:
        uas_id = _text(msg.uas_id, 20)
    return basic_id.LAYOUT.struct.pack(
        _header(0, msg.version), (msg.id_type << 4) | (msg.ua_type & 0x0F), uas_id, b""
    )


def _speed_h(speed: float | None) -> tuple[int, int]:
    """(raw, multiplier bit) of a horizontal speed."""
    if speed is None:
        return 255, 1
    if speed <= location.SPEED_FAST_BASE:
        return round(speed / location.SPEED_STEP), 0
    return min(round((speed - location.SPEED_FAST_BASE) / location.SPEED_STEP_FAST), 254), 1


def _direction(direction: float | None) -> tuple[int, int]:
    """(raw, east/west bit) of a direction."""
    if direction is None:
        return location.DIRECTION_UNKNOWN - 180, 1
    degrees = round(direction)
    return (degrees, 0) if degrees < 180 else (degrees - 180, 1)


def encode_location(msg: location.LocationMessage) -> bytes:
    """25 bytes of a Location/Vector message."""
    speed, multiplier = _speed_h(msg.speed_h)
    direction, east_west = _direction(msg.direction)
    if msg.speed_v is None:
        speed_v = round(location.VSPEED_UNKNOWN / location.VSPEED_STEP)
    else:
        speed_v = min(max(round(msg.speed_v / location.VSPEED_STEP), -124), 124)
    lat, lon = _position(msg.lat, msg.lon)
    flags = (msg.status << 4) | (msg.height_type << 2) | (east_west << 1) | multiplier
    if msg.seconds_after_hour is None:
        timestamp = location.TIMESTAMP_UNKNOWN
    else:
        timestamp = round(msg.seconds_after_hour * 10)
    accuracy_t = round(msg.timestamp_accuracy * 10) if msg.timestamp_accuracy else 0
    return location.LAYOUT.struct.pack(
        _header(1, msg.version), flags, direction, speed, speed_v, lat, lon,
        _altitude(msg.alt_baro), _altitude(msg.alt_geo), _altitude(msg.height),
        (msg.v_accuracy << 4) | msg.h_accuracy, (msg.baro_accuracy << 4) | msg.speed_accuracy,
        timestamp, accuracy_t, 0,
    )  # fmt: skip


def encode_auth(msg: auth.AuthMessage) -> bytes:
    """25 bytes of one Authentication page."""
    header = bytes((_header(2, msg.version), (msg.auth_type << 4) | (msg.page & 0x0F)))
    if msg.page:
        return header + msg.data[: auth.PAGE_DATA].ljust(auth.PAGE_DATA, b"\0")
    last_page = msg.last_page or 0
    last_raw = last_page + 1 if msg.version == 0 else last_page
    return auth.PAGE_ZERO.struct.pack(
        header[0], header[1], last_raw, msg.length or 0, _seconds_2019(msg.timestamp),
        msg.data[: auth.PAGE_ZERO_DATA],
    )  # fmt: skip


def encode_self_id(msg: self_id.SelfIdMessage) -> bytes:
    """25 bytes of a Self-ID message."""
    return self_id.LAYOUT.struct.pack(
        _header(3, msg.version), msg.desc_type, _text(msg.description, 23)
    )


def encode_system(msg: system.SystemMessage) -> bytes:
    """25 bytes of a System message."""
    lat, lon = _position(msg.operator_lat, msg.operator_lon)
    flags = (msg.classification_type & 0x07) << 2 | (msg.operator_location_type & 0x03)
    classification = ((msg.category_eu or 0) << 4) | (msg.class_eu or 0)
    return system.LAYOUT.struct.pack(
        _header(4, msg.version), flags, lat, lon, msg.area_count,
        min(round(msg.area_radius / system.AREA_RADIUS_STEP), 255),
        _altitude(msg.area_ceiling), _altitude(msg.area_floor), classification,
        _altitude(msg.operator_alt), _seconds_2019(msg.timestamp), 0,
    )  # fmt: skip


def encode_operator_id(msg: operator_id.OperatorIdMessage) -> bytes:
    """25 bytes of an Operator ID message."""
    return operator_id.LAYOUT.struct.pack(
        _header(5, msg.version), msg.operator_id_type, _text(msg.operator_id, 20), b""
    )


_ENCODERS: dict[type, Callable[[Any], bytes]] = {
    basic_id.BasicIdMessage: encode_basic_id,
    location.LocationMessage: encode_location,
    auth.AuthMessage: encode_auth,
    self_id.SelfIdMessage: encode_self_id,
    system.SystemMessage: encode_system,
    operator_id.OperatorIdMessage: encode_operator_id,
}


def encode_message(msg: RemoteIdMessage) -> bytes:
    """25 bytes of any message."""
    return _ENCODERS[type(msg)](msg)


def encode_pack(messages: Sequence[bytes], version: int = 2) -> bytes:
    """A message pack around up to 9 encoded messages (10 at protocol version 0)."""
    header = _header(PACK_TYPE, version)
    limit = max_messages(header)
    if len(messages) > limit or any(len(m) != MESSAGE_SIZE for m in messages):
        raise ValueError(
            f"a version {version} message pack holds at most {limit} messages of 25 bytes"
        )
    return bytes((header, MESSAGE_SIZE, len(messages))) + b"".join(messages)
