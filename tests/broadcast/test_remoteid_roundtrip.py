"""Encode -> decode round trips over every message type and protocol version 0-2.

Values are drawn on the wire grid (1e-7 degrees, as raw / 1e7; 0.5 m, 0.25/0.75 m/s, 0.1 s),
so a decoder that reads a field from the wrong offset, scale or sign gives them back changed.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.remoteid.auth import AuthMessage
from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.common import EPOCH_2019
from dronevet.broadcast.remoteid.decode import decode_payload
from dronevet.broadcast.remoteid.encode import encode_message, encode_pack
from dronevet.broadcast.remoteid.enums import (
    AuthType,
    CategoryEu,
    ClassEu,
    ClassificationType,
    HeightType,
    HorizontalAccuracy,
    IdType,
    OperationalStatus,
    OperatorIdType,
    OperatorLocationType,
    SelfIdType,
    SpeedAccuracy,
    UaType,
    VerticalAccuracy,
)
from dronevet.broadcast.remoteid.location import LocationMessage
from dronevet.broadcast.remoteid.operator_id import OperatorIdMessage
from dronevet.broadcast.remoteid.self_id import SelfIdMessage
from dronevet.broadcast.remoteid.system import SystemMessage

versions = st.integers(0, 2)
ascii_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20)


def nibble(enum):
    return st.integers(0, 15).map(enum)


def optional(strategy):
    return st.none() | strategy


altitudes = optional(st.integers(1, 0xFFFF).map(lambda raw: raw * 0.5 - 1000))
lats = st.integers(-900_000_000, 900_000_000).filter(bool).map(lambda raw: raw / 10_000_000)
lons = st.integers(-1_800_000_000, 1_800_000_000).filter(bool).map(lambda raw: raw / 10_000_000)
slow = st.integers(0, 255).map(lambda raw: raw * 0.25)
fast = st.integers(1, 254).map(lambda raw: raw * 0.75 + 63.75)
times_2019 = st.integers(0, 2**32 - 1).map(lambda s: EPOCH_2019 + timedelta(seconds=s))


@st.composite
def locations(draw):
    lat_lon = draw(st.none() | st.tuples(lats, lons))
    return LocationMessage(
        version=draw(versions),
        status=draw(nibble(OperationalStatus)),
        height_type=draw(st.sampled_from(HeightType)),
        direction=draw(optional(st.integers(0, 359).map(float))),
        speed_h=draw(optional(slow | fast)),
        speed_v=draw(optional(st.integers(-124, 124).map(lambda raw: raw * 0.5))),
        lat=lat_lon[0] if lat_lon else None,
        lon=lat_lon[1] if lat_lon else None,
        alt_baro=draw(altitudes),
        alt_geo=draw(altitudes),
        height=draw(altitudes),
        h_accuracy=draw(nibble(HorizontalAccuracy)),
        v_accuracy=draw(nibble(VerticalAccuracy)),
        baro_accuracy=draw(nibble(VerticalAccuracy)),
        speed_accuracy=draw(nibble(SpeedAccuracy)),
        seconds_after_hour=draw(optional(st.integers(0, 36000).map(lambda t: t / 10))),
        timestamp_accuracy=draw(optional(st.integers(1, 15).map(lambda t: t / 10))),
    )


@st.composite
def systems(draw):
    version = draw(versions)
    classification = draw(st.integers(0, 7).map(ClassificationType))
    eu = classification == ClassificationType.EU
    lat_lon = draw(st.none() | st.tuples(lats, lons))
    return SystemMessage(
        version=version,
        operator_location_type=draw(st.integers(0, 3).map(OperatorLocationType)),
        operator_lat=lat_lon[0] if lat_lon else None,
        operator_lon=lat_lon[1] if lat_lon else None,
        area_count=draw(st.integers(0, 0xFFFF)),
        area_radius=draw(st.integers(0, 255).map(lambda r: r * 10.0)),
        area_ceiling=draw(altitudes),
        area_floor=draw(altitudes),
        classification_type=classification,
        category_eu=draw(nibble(CategoryEu)) if eu else None,
        class_eu=draw(nibble(ClassEu)) if eu else None,
        operator_alt=draw(altitudes),
        timestamp=draw(times_2019) if version == 2 else None,
    )


@st.composite
def auth_pages(draw):
    version = draw(versions)
    page = draw(st.integers(0, 15))
    if page:
        data = draw(st.binary(min_size=23, max_size=23))
        return AuthMessage(version, draw(nibble(AuthType)), page, None, None, None, data)
    last_page = draw(st.integers(0, 15))
    length = draw(st.integers(0, min(255, 17 + 23 * last_page)))
    data = draw(st.binary(min_size=17, max_size=17))
    return AuthMessage(
        version, draw(nibble(AuthType)), 0, last_page, length, draw(times_2019), data
    )


basic_ids = st.builds(
    BasicIdMessage,
    version=versions,
    id_type=st.sampled_from([t for t in range(16) if t != 4]).map(IdType),
    ua_type=nibble(UaType),
    uas_id=ascii_text,
)
session_ids = st.builds(
    BasicIdMessage,
    version=versions,
    id_type=st.just(IdType.SPECIFIC_SESSION_ID),
    ua_type=nibble(UaType),
    uas_id=st.binary(min_size=20, max_size=20).map(bytes.hex),
)
self_ids = st.builds(
    SelfIdMessage,
    version=versions,
    desc_type=st.integers(0, 255).map(SelfIdType),
    description=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=23)
    .map(str.rstrip)
    .filter(lambda text: not text.endswith(" ")),
)
operator_ids = st.builds(
    OperatorIdMessage,
    version=versions,
    operator_id_type=st.integers(0, 255).map(OperatorIdType),
    operator_id=ascii_text,
)
any_message = (
    basic_ids | session_ids | locations() | auth_pages() | self_ids | systems() | operator_ids
)


@settings(max_examples=300, deadline=None)
@given(any_message)
def test_every_message_survives_encode_then_decode(message):
    wire = encode_message(message)
    assert len(wire) == 25
    assert decode_payload(wire) == [message]


@settings(max_examples=100, deadline=None)
@given(st.lists(any_message, max_size=9), versions)
def test_message_pack_returns_its_messages_in_order(messages, version):
    pack = encode_pack([encode_message(m) for m in messages], version)
    assert decode_payload(pack) == messages


def test_speed_over_the_slow_range_switches_to_the_multiplier():
    # 100 m/s > 63.75: raw = (100 - 63.75) / 0.75 = 48.33 -> 48 -> 48 * 0.75 + 63.75 = 99.75
    base = LocationMessage(2, OperationalStatus.AIRBORNE, HeightType.ABOVE_GROUND, 270.0,
                           100.0, -3.5, 48.1, 11.5, None, 510.5, 30.0,
                           HorizontalAccuracy.M_3, VerticalAccuracy.M_10, VerticalAccuracy.M_3,
                           SpeedAccuracy.MPS_1, 1234.5, 0.2)  # fmt: skip
    wire = encode_message(base)
    assert wire[1] & 1 == 1 and wire[3] == 48
    assert wire[1] & 2 == 2 and wire[2] == 90  # 270 deg = 90 + 180 with the E/W bit
    (decoded,) = decode_payload(wire)
    assert decoded.speed_h == 99.75
    assert decoded.direction == 270.0
