"""The 91-byte OcuSync flight-information frame: CRC-16, field layout, hostile bytes."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.flight_info import FlightInfoError
from dronevet.broadcast.dji.ocusync.payload import crc16, parse_flight_info

# Flight-info payload of the shared Mavic Air 2 recording, burst with sequence 591
# (decoded here with CRC-24 valid, and by DroneSecurity: CRC b048, lat 51.44633 with its
# rounded 174533 divisor).
SAMPLE = bytes.fromhex(
    "5810024f02f71f31574e4248333930303230314e310000915a13008b0289008d002a00feff02001a"
    "0011cc129ef84b80010000750289007d5a1300a95a13007e0289003a13313134333633353533323137"
    "313533343333360048b0"
)


# the published frame: length, type, version 2 flight information, CRC-16
FRAME = struct.Struct("<BBBHH16siihhhhhhQiiiiBB20sH")


def test_payload_crc16_of_the_real_frame_holds() -> None:
    assert len(SAMPLE) == FRAME.size == 91
    assert crc16(SAMPLE[:89]) == int.from_bytes(SAMPLE[89:], "little") == 0xB048


def test_real_frame_fields_in_their_units() -> None:
    info = parse_flight_info(SAMPLE)
    assert info.crc_ok and info.sequence == 591 and info.serial == "1WNBH3900201N1"
    assert info.product == "Mavic Air 2" and info.uuid == "1143635532171534336"
    assert info.lat == pytest.approx(51.44635, abs=1e-4)
    assert info.home_lon == pytest.approx(7.26736, abs=1e-4)  # home longitude comes first
    assert info.yaw == pytest.approx(-132.95)
    assert info.time is not None and info.time.isoformat().startswith("2022-04-21")


def test_flipped_bit_breaks_the_crc16_but_not_the_parse() -> None:
    damaged = bytearray(SAMPLE)
    damaged[30] ^= 0x04
    assert not parse_flight_info(bytes(damaged)).crc_ok


def test_frame_cut_before_its_crc_says_what_its_length_byte_promised() -> None:
    with pytest.raises(FlightInfoError, match="60 bytes, its length byte says 91"):
        parse_flight_info(SAMPLE[:60])


def test_other_message_type_and_version_are_refused() -> None:
    with pytest.raises(FlightInfoError, match="0x11"):
        parse_flight_info(SAMPLE[:1] + b"\x11" + SAMPLE[2:])
    with pytest.raises(FlightInfoError, match="version 3"):
        parse_flight_info(SAMPLE[:2] + b"\x03" + SAMPLE[3:])


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=91, max_size=120))
def test_version_2_frames_of_any_bytes_parse_with_their_crc_checked(tail: bytes) -> None:
    data = b"\x58\x10\x02" + tail[3:]
    info = parse_flight_info(data)
    fields = FRAME.unpack_from(data)
    assert info.crc_ok == (crc16(data[:89]) == fields[22])
    assert (info.sequence, info.state, info.product_type) == fields[3:5] + fields[19:20]
    assert abs(info.yaw) <= 327.68 and abs(info.v_up) <= 327.68
