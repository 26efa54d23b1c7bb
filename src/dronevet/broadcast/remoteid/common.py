"""What every ASTM F3411 message decoder shares: the header, layouts, field codecs, registry.

Every message is 25 bytes, little-endian. Byte 0 is the header:

    bit  7 6 5 4 | 3 2 1 0
         type    | protocol version (0 = F3411-19, 1 = ASD-STAN prEN 4709-002 P1 /
                 |   F3411 v1.1 draft, 2 = F3411-22; 3-14 future, decoded as 2; 15 private)

A layout is declared once as `(field, numpy type)` pairs; it yields both the `struct.Struct`
the scalar decoders unpack and the numpy structured dtype the batch decoder views arrays as.

Field encodings (F3411-22a; opendroneid-core-c `opendroneid.c`):
- latitude/longitude: int32 * 1e-7 degrees; both 0 = unknown.
- altitudes and heights: uint16 * 0.5 - 1000 m; 0 (= -1000 m) = unknown.
- timestamps in Authentication and System: uint32 seconds since 2019-01-01 00:00:00 UTC.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np

from dronevet.errors import BadInputError

MESSAGE_SIZE = 25
NEWEST_VERSION = 2
EPOCH_2019 = datetime(2019, 1, 1, tzinfo=UTC)
EPOCH_2019_UNIX = 1546300800  # seconds from 1970-01-01 to 2019-01-01 UTC
LATLON_UNITS = 10_000_000
"""Latitude and longitude are int32 counts of 1e-7 degree. Dividing by this (not multiplying
by 1e-7) gives the double nearest the exact decimal, so 455457468 prints as 45.5457468."""
ALT_SCALE = 0.5
ALT_OFFSET = -1000.0

_STRUCT_CODES = {"u1": "B", "i1": "b", "<u2": "H", "<i2": "h", "<u4": "I", "<i4": "i"}


class MessageError(BadInputError):
    """A Remote ID message (or message pack) that cannot be decoded; `reason` says why."""

    @property
    def reason(self) -> str:
        """Why the message was rejected, in one phrase."""
        return self.message


class Layout:
    """A 25-byte message layout declared once: `(name, numpy type)` pairs in wire order."""

    def __init__(self, *fields: tuple[str, str]) -> None:
        self.fields = fields
        self.dtype = np.dtype(list(fields))
        if self.dtype.itemsize != MESSAGE_SIZE:
            raise ValueError(f"layout is {self.dtype.itemsize} bytes, not {MESSAGE_SIZE}")
        codes = []
        for _, kind in fields:
            codes.append(f"{kind[1:]}s" if kind[0] in "SV" else _STRUCT_CODES[kind])
        self.struct = struct.Struct("<" + "".join(codes))

    def unpack(self, data: bytes) -> tuple[Any, ...]:
        """The field values of one message, in declaration order."""
        return self.struct.unpack_from(data)


def effective_version(version: int) -> int:
    """The layout a version uses: future and private versions decode as the newest known."""
    return version if version <= NEWEST_VERSION else NEWEST_VERSION


def decode_altitude(raw: int) -> float | None:
    """Metres from the uint16 altitude encoding; None for the unknown value 0."""
    return None if raw == 0 else raw * ALT_SCALE + ALT_OFFSET


def decode_position(lat_raw: int, lon_raw: int) -> tuple[float | None, float | None]:
    """Degrees from int32 1e-7 degree units; (None, None) when unknown (0, 0) or out of range."""
    lat = lat_raw / LATLON_UNITS
    lon = lon_raw / LATLON_UNITS
    if (lat_raw == 0 and lon_raw == 0) or abs(lat) > 90.0 or abs(lon) > 180.0:
        return None, None
    return lat, lon


def decode_text(raw: bytes) -> str:
    """An ASCII field padded with NULs; bytes outside ASCII are kept as `\\xNN` escapes."""
    return raw.rstrip(b"\0").decode("ascii", "backslashreplace")


def decode_time_2019(raw: int) -> datetime:
    """UTC time from seconds since 2019-01-01 00:00:00 UTC."""
    return EPOCH_2019 + timedelta(seconds=raw)


Decoder = Callable[[bytes, int], Any]
DECODERS: dict[int, Decoder] = {}
D = TypeVar("D", bound=Decoder)


def register(msg_type: int) -> Callable[[D], D]:
    """Declare `decoder(data, version)` as the decoder of one message type."""

    def bind(decoder: D) -> D:
        DECODERS[msg_type] = decoder
        return decoder

    return bind
