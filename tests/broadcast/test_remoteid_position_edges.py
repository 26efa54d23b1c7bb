"""Positions on the edges of the map: the equator, the prime meridian, the antimeridian, the poles.

F3411 encodes latitude and longitude as int32 * 1e-7 degrees and reserves "both 0" for an
unknown position; a single 0 is a real place (a drone over Lake Victoria is on the equator,
one at Greenwich on the prime meridian). Latitude +-90 and longitude +-180 are the last
valid values; one step beyond is out of range and decodes as unknown. Both decoders agree.
"""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest

from dronevet.broadcast.remoteid.batch import decode_messages
from dronevet.broadcast.remoteid.decode import decode_message


def location(lat_raw: int, lon_raw: int) -> bytes:
    """A version 2 Location message, airborne, at the raw position; other fields zero."""
    return bytes([0x12, 0x20, 0, 0, 0]) + struct.pack("<ii", lat_raw, lon_raw) + bytes(12)


def system(lat_raw: int, lon_raw: int) -> bytes:
    """A version 2 System message with the operator at the raw position."""
    return bytes([0x42, 0x01]) + struct.pack("<ii", lat_raw, lon_raw) + bytes(15)


def both_decoders(wire: bytes, lat: str, lon: str) -> list[tuple[float | None, float | None]]:
    """(lat, lon) from the scalar and from the batch decoder; None for unknown."""
    msg = decode_message(wire)
    cols = decode_messages(np.frombuffer(wire, np.uint8).reshape(1, 25))
    batch = tuple(None if math.isnan(cols[n][0]) else float(cols[n][0]) for n in (lat, lon))
    return [(getattr(msg, lat), getattr(msg, lon)), batch]  # type: ignore[list-item]


PLACES = [
    pytest.param(0, 325_800_000, (0.0, 32.58), id="equator-lake-victoria"),
    pytest.param(514_779_000, 0, (51.4779, 0.0), id="prime-meridian-greenwich"),
    pytest.param(-168_000_000, 1_800_000_000, (-16.8, 180.0), id="antimeridian-east-taveuni"),
    pytest.param(-168_000_000, -1_800_000_000, (-16.8, -180.0), id="antimeridian-west"),
    pytest.param(900_000_000, 0, (90.0, 0.0), id="north-pole"),
    pytest.param(-900_000_000, 1_234_500_000, (-90.0, 123.45), id="south-pole"),
]
OFF_THE_MAP = [
    pytest.param(0, 1_800_000_001, id="longitude-past-180"),
    pytest.param(0, -1_800_000_001, id="longitude-past-minus-180"),
    pytest.param(900_000_001, 10, id="latitude-past-90"),
    pytest.param(-900_000_001, 10, id="latitude-past-minus-90"),
    pytest.param(0, 0, id="both-zero-unknown"),
]


@pytest.mark.parametrize(("lat_raw", "lon_raw", "degrees"), PLACES)
def test_a_drone_at_an_edge_of_the_map_keeps_its_position(
    lat_raw: int, lon_raw: int, degrees: tuple[float, float]
) -> None:
    for got in both_decoders(location(lat_raw, lon_raw), "lat", "lon"):
        assert got == pytest.approx(degrees, abs=1e-9)


@pytest.mark.parametrize(("lat_raw", "lon_raw", "degrees"), PLACES)
def test_an_operator_at_an_edge_of_the_map_keeps_its_position(
    lat_raw: int, lon_raw: int, degrees: tuple[float, float]
) -> None:
    for got in both_decoders(system(lat_raw, lon_raw), "operator_lat", "operator_lon"):
        assert got == pytest.approx(degrees, abs=1e-9)


@pytest.mark.parametrize(("lat_raw", "lon_raw"), OFF_THE_MAP)
def test_a_position_off_the_map_or_both_zero_is_unknown(lat_raw: int, lon_raw: int) -> None:
    assert both_decoders(location(lat_raw, lon_raw), "lat", "lon") == [(None, None)] * 2
    assert both_decoders(system(lat_raw, lon_raw), "operator_lat", "operator_lon") == [
        (None, None)
    ] * 2
