"""The 91-byte flight-information payload: CRC-16, field layout, hostile bytes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.ocusync.payload import (
    LAYOUT,
    PAYLOAD_BYTES,
    crc16,
    parse_flight_info,
)
from dronevet.errors import CaptureFormatError

# Flight-info payload of the shared Mavic Air 2 recording, burst with sequence 591
# (decoded here with CRC-24 valid, and by DroneSecurity: CRC b048, lat 51.44633 with its
# rounded 174533 divisor).
SAMPLE = bytes.fromhex(
    "5810024f02f71f31574e4248333930303230314e310000915a13008b0289008d002a00feff02001a"
    "0011cc129ef84b80010000750289007d5a1300a95a13007e0289003a13313134333633353533323137"
    "313533343333360048b0"
)


def test_payload_crc16_of_the_real_frame_holds() -> None:
    assert len(SAMPLE) == PAYLOAD_BYTES
    assert crc16(SAMPLE[:89]) == int.from_bytes(SAMPLE[89:], "little") == 0xB048


def test_real_frame_fields_in_their_units() -> None:
    info = parse_flight_info(SAMPLE)
    assert info.crc_ok and info.sequence == 591 and info.serial == "1WNBH3900201N1"
    assert info.product == "Mavic Air 2" and info.uuid == "1143635532171534336"
    assert info.lat == pytest.approx(51.44635, abs=1e-4)
    assert info.home_lon == pytest.approx(7.26736, abs=1e-4)  # home longitude comes first
    assert info.yaw == pytest.approx(-132.95)
    assert info.gps_time is not None and info.gps_time.isoformat().startswith("2022-04-21")


def test_flipped_bit_breaks_the_crc16_but_not_the_parse() -> None:
    damaged = bytearray(SAMPLE)
    damaged[30] ^= 0x04
    assert not parse_flight_info(bytes(damaged)).crc_ok


def test_short_payload_names_the_file_and_burst() -> None:
    with pytest.raises(CaptureFormatError, match=r"rec\.fc32, frame 4: .*60 bytes"):
        parse_flight_info(SAMPLE[:60], path="rec.fc32", frame=4)


def test_other_message_type_is_refused() -> None:
    with pytest.raises(CaptureFormatError, match="0x11"):
        parse_flight_info(SAMPLE[:1] + b"\x11" + SAMPLE[2:])


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=PAYLOAD_BYTES, max_size=120))
def test_any_bytes_parse_or_fail_with_a_typed_error(data: bytes) -> None:
    try:
        info = parse_flight_info(data)
    except CaptureFormatError:
        assert data[1] != 0x10
        return
    fields = LAYOUT.unpack_from(data)
    assert info.crc_ok == (crc16(data[:89]) == fields[22])
    assert abs(info.yaw) <= 327.68 and abs(info.v_up) <= 327.68
