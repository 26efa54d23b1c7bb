"""DJI Wi-Fi DroneID elements built from the published layout decode to the fields that built
them; truncated or unknown elements raise MessageError. No public capture exists."""

from __future__ import annotations

import json
import math
import re
import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.wifi import (
    DjiFlightInfo,
    DjiFlightPurpose,
    decode_dji_ie,
    dji_record,
    encode_flight_info,
    encode_flight_purpose,
)
from dronevet.broadcast.remoteid.common import MessageError

# Kyiv: 50.4501 deg * pi / 180 * 1e7 = 8805203.5 -> raw 8805204 (radians * 1e7); the
# public decoders' 50.4501 * 174533 = 8805233 is their approximation, 2 m off
KYIV = (50.4501, 30.5234)


def test_version_2_element_from_the_layout_carries_drone_pilot_and_home():
    # assembled field by field from the published v2 layout, not with the encoder
    raw = lambda degrees: round(math.radians(degrees) * 1e7)  # noqa: E731
    body = b"\x58\x62\x13\x10" + struct.pack(
        "<BHH16siihhhhhhQiiiiBB20s",
        2, 513, 0x0FFF, b"1581F4XFC22B000B",
        raw(30.5234), raw(50.4501),  # drone longitude, latitude
        120, 85,  # altitude, height
        -350, 420, 100, 9000,  # velocity N, E, up in cm/s; yaw 90.00 deg
        1714566645123,  # 2024-05-01 12:30:45.123 UTC in ms
        raw(50.4431), raw(30.5301),  # pilot latitude, longitude
        raw(30.5300), raw(50.4430),  # home longitude, latitude
        68, 5, b"ABCDE",
    )  # fmt: skip
    msg = decode_dji_ie(body)
    assert isinstance(msg, DjiFlightInfo)
    assert (msg.version, msg.sequence, msg.serial) == (2, 513, "1581F4XFC22B000B")
    assert msg.lat == pytest.approx(50.4501, abs=1e-5)
    assert msg.lon == pytest.approx(30.5234, abs=1e-5)
    assert msg.pilot_lat == pytest.approx(50.4431, abs=1e-5)
    assert msg.pilot_lon == pytest.approx(30.5301, abs=1e-5)
    assert msg.home_lat == pytest.approx(50.4430, abs=1e-5)
    assert msg.home_lon == pytest.approx(30.5300, abs=1e-5)
    assert (msg.alt, msg.height, msg.yaw) == (120, 85, 90.0)
    assert (msg.v_north, msg.v_east, msg.v_up) == (-3.5, 4.2, 1.0)
    assert msg.time == datetime(2024, 5, 1, 12, 30, 45, 123000, tzinfo=UTC)
    assert msg.pitch is None and msg.roll is None
    assert (msg.product_type, msg.uuid) == (68, "ABCDE")
    assert dji_record(msg)["product"] == "DJI Mavic 3"  # DroneSecurity table: 68
    assert all(msg.flags.values())  # 0x0FFF: all twelve state bits set


def test_version_1_element_carries_attitude_and_home_but_no_pilot():
    body = encode_flight_info(
        version=1, sequence=7, state=0b0110_0101, serial="08QDE9N0021234", lat=KYIV[0],
        lon=KYIV[1], alt=50, height=-2, pitch=-1.5, roll=2.25, yaw=-179.99,
        home_lat=50.45, home_lon=30.52, product_type=16, uuid="",
    )  # fmt: skip
    assert len(body) == 4 + 75
    msg = decode_dji_ie(body)
    assert isinstance(msg, DjiFlightInfo)
    assert (msg.pitch, msg.roll, msg.yaw) == (-1.5, 2.25, -179.99)
    assert msg.pilot_lat is None and msg.time is None
    assert msg.home_lat == pytest.approx(50.45, abs=1e-5)
    flags = msg.flags
    assert flags["serial_valid"] and flags["home_set"] and flags["in_air"]
    assert not flags["uuid_set"] and not flags["motor_on"]


def test_unknown_position_is_null_not_null_island():
    msg = decode_dji_ie(encode_flight_info(version=2, serial="X"))
    record = dji_record(msg)
    assert record["lat"] is None and record["pilot_lat"] is None and record["home_lat"] is None
    json.dumps(record)


def test_flight_purpose_reads_its_length_prefixed_texts():
    msg = decode_dji_ie(encode_flight_purpose("0JXDE1234567890A", "SURVEY-12", "Bridge check"))
    assert msg == DjiFlightPurpose("0JXDE1234567890A", "SURVEY-12", "Bridge check")
    assert dji_record(msg)["msg_type"] == "dji_flight_purpose"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\x58\x62\x14\x10" + bytes(90), "not a DJI DroneID element"),
        (b"\x58\x62\x13\x12" + bytes(90), "unknown DJI DroneID subcommand 0x12"),
        (b"\x58\x62\x13\x10\x03" + bytes(90), "unknown DJI flight info version 3"),
        (encode_flight_info(version=2)[:60], "shorter than 87"),
    ],
)
def test_malformed_elements_are_rejected_with_a_reason(body, reason):
    with pytest.raises(MessageError, match=reason):
        decode_dji_ie(body)


positions = st.none() | st.tuples(
    st.floats(-89.9, 89.9).filter(lambda v: abs(v) > 1e-4),
    st.floats(-179.9, 179.9).filter(lambda v: abs(v) > 1e-4),
)
int16 = st.integers(-32768, 32767)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 2), positions, positions, positions, int16, int16, int16,
       st.integers(0, 255), st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", max_size=20))
def test_flight_info_round_trips_through_the_builder(version, drone, pilot, home, alt, v_up,
                                                     yaw, product, uuid):  # fmt: skip
    body = encode_flight_info(
        version=version, serial="SN1", lat=drone and drone[0], lon=drone and drone[1],
        alt=alt, v_up=v_up / 100, yaw=yaw / 100, pilot_lat=pilot and pilot[0],
        pilot_lon=pilot and pilot[1], home_lat=home and home[0], home_lon=home and home[1],
        product_type=product, uuid=uuid,
    )  # fmt: skip
    msg = decode_dji_ie(body)
    assert isinstance(msg, DjiFlightInfo)
    for got, want in ((msg.lat, drone and drone[0]), (msg.home_lon, home and home[1])):
        assert (got is None) == (want is None)
        if want is not None:
            assert got == pytest.approx(want, abs=1e-5)  # one raw step is 5.7e-6 degree
    if version == 2 and pilot:
        assert msg.pilot_lat == pytest.approx(pilot[0], abs=1e-5)
    assert (msg.alt, msg.v_up, msg.yaw, msg.product_type, msg.uuid) == (
        alt, v_up / 100, yaw / 100, product, uuid,
    )  # fmt: skip


def expected_rejection(body: bytes) -> str | None:
    """Why the published layout rejects `body`, or None when the layout fits it."""
    if len(body) < 5 or body[:3] != b"\x58\x62\x13":
        return "not a DJI DroneID element"
    subcommand, rest = body[3], body[4:]
    if subcommand == 0x10:
        # v1: 1 + 2 + 2 + 16 + 4 + 4 + 8 * 2 + 4 + 4 + 1 + 1 + 20 = 75 bytes;
        # v2: 1 + 2 + 2 + 16 + 4 + 4 + 6 * 2 + 8 + 4 * 4 + 1 + 1 + 20 = 87 bytes
        size = {1: 75, 2: 87}.get(rest[0])
        if size is None:
            return f"unknown DJI flight info version {rest[0]}"
        return None if len(rest) >= size else f"shorter than {size}"
    if subcommand == 0x11:  # serial 16, id length 1, id 10, purpose length 1
        return None if len(rest) >= 28 else "shorter than 28"
    return f"unknown DJI DroneID subcommand {subcommand:#04x}"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=100))
def test_random_bodies_are_rejected_with_their_reason_exactly_when_the_layout_does_not_fit(
    tail: bytes,
) -> None:
    prefix = b"\x58\x62\x13"
    for body in (tail, prefix + tail, prefix + b"\x10\x01" + tail, prefix + b"\x10\x02" + tail,
                 prefix + b"\x11" + tail):  # fmt: skip
        reason = expected_rejection(body)
        if reason is None:
            _decodes_with_fields_at_their_offsets(body)
        else:
            with pytest.raises(MessageError, match=re.escape(reason)):
                decode_dji_ie(body)


def _decodes_with_fields_at_their_offsets(body: bytes) -> None:
    record = dji_record(decode_dji_ie(body))  # a body the layout fits is never lost
    json.dumps(record)
    serial = body[4:20] if body[3] == 0x11 else body[9:25]
    assert record["serial"] == serial.split(b"\0")[0].decode("ascii", "backslashreplace")
    if body[3] == 0x10:  # sequence: u16 LE right after the version byte
        assert record["sequence"] == int.from_bytes(body[5:7], "little")
