"""One flight-information decoder for DJI DroneID over Wi-Fi and over OcuSync.

The same message bytes, put behind the Wi-Fi element's header (58 62 13 10) and inside an
OcuSync frame (length, type 0x10, CRC-16), must decode to the same flight information and
the same JSON fields; any bytes either way decode or raise `FlightInfoError`, nothing else.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji import flight_info
from dronevet.broadcast.dji.flight_info import DjiFlightInfo, FlightInfoError
from dronevet.broadcast.dji.ocusync.payload import build_flight_info, parse_flight_info
from dronevet.broadcast.dji.ocusync.receiver import BurstResult
from dronevet.broadcast.dji.wifi import decode_dji_ie, dji_record, encode_flight_info

# The flight-information frame with sequence 591 of the shared Mavic Air 2 recording
# (both CRCs valid), as in test_ocusync_payload.
OCUSYNC_FRAME = bytes.fromhex(
    "5810024f02f71f31574e4248333930303230314e310000915a13008b0289008d002a00feff02001a"
    "0011cc129ef84b80010000750289007d5a1300a95a13007e0289003a13313134333633353533323137"
    "313533343333360048b0"
)
WIFI_HEADER = b"\x58\x62\x13\x10"


def _wifi(message: bytes) -> DjiFlightInfo:
    decoded = decode_dji_ie(WIFI_HEADER + message)
    assert isinstance(decoded, DjiFlightInfo)
    return decoded


def _burst(flight: DjiFlightInfo) -> BurstResult:
    return BurstResult(sample=0, time_s=0.0, snr_db=20.0, cfo_hz=0.0, crc24_ok=True,
                       iterations=0, block=b"", message_type=0x10, flight=flight,
                       failure=None)  # fmt: skip


def test_the_real_ocusync_message_reads_the_same_behind_the_wifi_header() -> None:
    message = OCUSYNC_FRAME[2:89]  # between the type byte and the CRC-16
    over_air = parse_flight_info(OCUSYNC_FRAME)
    over_wifi = _wifi(message)
    assert over_air.crc_ok is True and over_wifi.crc_ok is None  # Wi-Fi has no CRC
    assert over_air == DjiFlightInfo(**{**_fields(over_wifi), "crc_ok": True})
    assert (over_wifi.serial, over_wifi.product, over_wifi.sequence) == (
        "1WNBH3900201N1", "Mavic Air 2", 591,
    )  # fmt: skip
    assert over_wifi.time == datetime(2022, 4, 21, 11, 53, 46, 258000, tzinfo=UTC)


def _fields(info: DjiFlightInfo) -> dict[str, object]:
    return {field.name: getattr(info, field.name) for field in dataclasses.fields(info)}


def test_droneid_and_rid_records_share_the_keys_and_values_of_flight_information() -> None:
    info = parse_flight_info(OCUSYNC_FRAME)
    wifi = dji_record(_wifi(OCUSYNC_FRAME[2:89]))
    burst = _burst(info).to_dict()
    assert list(wifi) == ["msg_type", *flight_info.RECORD_KEYS]
    assert {key: burst[key] for key in flight_info.RECORD_KEYS} == {
        key: wifi[key] for key in flight_info.RECORD_KEYS
    }
    assert burst["flight_time"] == "2022-04-21T11:53:46.258000+00:00"
    assert burst["crc_ok"] is True and burst["alt"] == 141 and burst["state"]["in_air"]


def test_a_burst_without_flight_information_has_every_key_empty() -> None:
    undecoded = BurstResult(sample=0, time_s=0.0, snr_db=3.0, cfo_hz=0.0, crc24_ok=False,
                            iterations=8, block=None, message_type=None, flight=None,
                            failure="CRC-24 failed")  # fmt: skip
    record = undecoded.to_dict()
    assert all(record[key] is None for key in flight_info.RECORD_KEYS)
    assert record["error"] == "CRC-24 failed" and record["crc_ok"] is False


positions = st.none() | st.tuples(
    st.floats(-89.9, 89.9).filter(lambda v: abs(v) > 1e-4),
    st.floats(-179.9, 179.9).filter(lambda v: abs(v) > 1e-4),
)
centi = st.integers(-32767, 32767).map(lambda v: v / 100)  # negated too: not -32768
texts = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", max_size=16)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 2), st.integers(0, 65535), st.integers(0, 65535), texts, positions,
       positions, positions, st.integers(-32768, 32767), centi, centi, centi,
       st.integers(0, 255), texts)  # fmt: skip
def test_flight_information_round_trips_through_both_transports(
    version, sequence, state, serial, drone, pilot, home, alt, v_up, yaw, angle, product, uuid
) -> None:  # fmt: skip
    info = DjiFlightInfo(
        version=version, sequence=sequence, state=state, serial=serial,
        lat=drone and drone[0], lon=drone and drone[1], alt=alt, height=-alt // 2,
        v_north=-v_up, v_east=yaw, v_up=v_up, yaw=yaw,
        pitch=angle if version == 1 else None, roll=-angle if version == 1 else None,
        time=datetime(2024, 5, 1, 12, 30, 45, 123000, tzinfo=UTC) if version == 2 else None,
        pilot_lat=pilot and pilot[0] if version == 2 else None,
        pilot_lon=pilot and pilot[1] if version == 2 else None,
        home_lat=home and home[0], home_lon=home and home[1], product_type=product, uuid=uuid,
    )  # fmt: skip
    over_wifi = decode_dji_ie(encode_flight_info(**_fields(info)))
    over_air = parse_flight_info(build_flight_info(info))
    assert over_air == DjiFlightInfo(**{**_fields(over_wifi), "crc_ok": True})
    for name in ("lat", "lon", "pilot_lat", "pilot_lon", "home_lat", "home_lon"):
        got, want = getattr(over_air, name), getattr(info, name)
        assert (got is None) == (want is None), name
        assert got == pytest.approx(want, abs=1e-5), name  # one raw step: 5.7e-6 degree
    exact = ("version", "sequence", "state", "serial", "alt", "height", "v_north", "v_up",
             "yaw", "pitch", "roll", "time", "product_type", "uuid")  # fmt: skip
    assert {n: getattr(over_air, n) for n in exact} == {n: getattr(info, n) for n in exact}


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=91, max_size=91))
def test_random_91_byte_bodies_decode_or_raise_only_flight_info_error(data: bytes) -> None:
    for attempt in (
        lambda: flight_info.decode(data),
        lambda: flight_info.decode(bytes((2,)) + data[1:]),
        lambda: parse_flight_info(data),
        lambda: parse_flight_info(b"\x58\x10" + data[2:]),
        lambda: decode_dji_ie(WIFI_HEADER + data),
    ):
        try:
            decoded = attempt()
        except FlightInfoError as error:
            assert error.reason
            continue
        assert isinstance(decoded, DjiFlightInfo)
        json.dumps(flight_info.record(decoded))


def test_an_app_time_past_year_9999_is_no_time_not_a_crash() -> None:
    message = bytearray(flight_info.encode(DjiFlightInfo(serial="X")))
    struct.pack_into("<Q", message, 41, 2**50)  # about year 35,700
    assert flight_info.decode(bytes(message)).time is None
    struct.pack_into("<Q", message, 41, 253402300799999)  # 9999-12-31 23:59:59.999
    assert flight_info.decode(bytes(message)).time == datetime(
        9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (b"", "empty"),
        (b"\x03" + bytes(90), "unknown DJI flight info version 3"),
        (b"\x02" + bytes(60), "v2 of 61 bytes is shorter than 87"),
        (b"\x01" + bytes(60), "v1 of 61 bytes is shorter than 75"),
    ],
)
def test_bytes_that_are_no_flight_information_say_why(message: bytes, reason: str) -> None:
    with pytest.raises(FlightInfoError, match=reason):
        flight_info.decode(message)
