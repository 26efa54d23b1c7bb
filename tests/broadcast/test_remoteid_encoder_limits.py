"""The encoder at the edges of the wire ranges, as the Open Drone ID reference encoder does.

A transmitter simulation or a test frame may ask for more than a field can carry: a diving
drone faster than 62 m/s, an operating area wider than 2550 m. The reference encoder
(opendroneid-core-c `encodeSpeedVertical`, `encodeAreaRadius`) clamps to the largest value
that is not the "unknown" code, and so must ours: 63 m/s (raw 126) means unknown.
"""

from __future__ import annotations

from dronevet.broadcast.remoteid.decode import decode_message
from dronevet.broadcast.remoteid.encode import encode_message
from dronevet.broadcast.remoteid.enums import (
    ClassificationType,
    HeightType,
    HorizontalAccuracy,
    OperationalStatus,
    OperatorLocationType,
    SpeedAccuracy,
    VerticalAccuracy,
)
from dronevet.broadcast.remoteid.location import LocationMessage
from dronevet.broadcast.remoteid.system import SystemMessage


def location(speed_v: float | None) -> LocationMessage:
    return LocationMessage(2, OperationalStatus.AIRBORNE, HeightType.ABOVE_TAKEOFF, 0.0, 0.0,
                           speed_v, 48.1, 11.5, None, None, None, HorizontalAccuracy.UNKNOWN,
                           VerticalAccuracy.UNKNOWN, VerticalAccuracy.UNKNOWN,
                           SpeedAccuracy.UNKNOWN, None, None)  # fmt: skip


def system(area_radius: float) -> SystemMessage:
    return SystemMessage(2, OperatorLocationType.TAKEOFF, 48.1, 11.5, 1, area_radius, None,
                         None, ClassificationType.UNDECLARED, None, None, None, None)  # fmt: skip


def test_a_climb_faster_than_62_m_s_is_sent_as_62_m_s_not_as_unknown() -> None:
    wire = encode_message(location(80.0))
    assert wire[4] == 124  # int8 124 * 0.5 = 62 m/s; 126 would mean unknown
    assert decode_message(wire).speed_v == 62.0  # type: ignore[union-attr]


def test_a_dive_faster_than_62_m_s_is_sent_as_minus_62_m_s() -> None:
    wire = encode_message(location(-80.0))
    assert wire[4] == 0x84  # int8 -124 * 0.5 = -62 m/s
    assert decode_message(wire).speed_v == -62.0  # type: ignore[union-attr]


def test_a_vertical_speed_of_62_m_s_is_sent_exactly() -> None:
    assert encode_message(location(62.0))[4] == 124
    assert encode_message(location(-62.0))[4] == 0x84


def test_an_operating_area_wider_than_2550_m_is_sent_as_2550_m() -> None:
    wire = encode_message(system(5000.0))
    assert wire[12] == 255  # radius byte: 255 * 10 m
    assert decode_message(wire).area_radius == 2550.0  # type: ignore[union-attr]
