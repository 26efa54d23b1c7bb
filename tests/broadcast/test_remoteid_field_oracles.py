"""Every field of hand-built broadcasts against values worked out from the published layouts.

The encoder, the scalar decoder and the batch decoder of Remote ID share one set of scale
constants, so a round trip through them cannot catch a wrong constant. Here each message is
written byte by byte as hex, with what each raw value means by ASTM F3411-22a (as
transcribed by opendroneid-core-c, `opendroneid.h`, and the shared broadcast-formats notes),
and every decoded field is compared with a literal computed by hand from that definition:

- latitude/longitude int32 * 1e-7 degrees; altitudes and heights uint16 * 0.5 - 1000 m;
- horizontal speed raw * 0.25 m/s, or raw * 0.75 + 63.75 m/s with the multiplier bit;
  vertical speed int8 * 0.5 m/s; direction raw (+ 180 with the E/W bit), 361 = unknown;
- Location timestamp: tenths of a second since the full hour, 0xFFFF unknown;
- Authentication and System timestamps: seconds since 2019-01-01 00:00:00 UTC
  (Unix time 1546300800);
- System area radius raw * 10 m; EU category in the high nibble, class in the low nibble.

The same bytes are checked three ways: the scalar decoder, the batch (numpy) decoder, and
the encoder, which must produce exactly these bytes from the same field values. DJI's Wi-Fi
DroneID flight information and the OcuSync 91-byte payload get one hand-built frame each.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from dronevet.broadcast.dji.ocusync.payload import build_flight_info, parse_flight_info
from dronevet.broadcast.dji.wifi import DjiFlightInfo, decode_dji_ie, encode_flight_info
from dronevet.broadcast.remoteid.auth import AuthMessage
from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.batch import decode_messages, unpack_packs
from dronevet.broadcast.remoteid.common import MessageError
from dronevet.broadcast.remoteid.decode import decode_message, decode_payload
from dronevet.broadcast.remoteid.encode import encode_message, encode_pack
from dronevet.broadcast.remoteid.location import LocationMessage
from dronevet.broadcast.remoteid.operator_id import OperatorIdMessage
from dronevet.broadcast.remoteid.self_id import SelfIdMessage
from dronevet.broadcast.remoteid.system import SystemMessage
from shared_files import shared_path

# --- Basic ID (type 0) ---------------------------------------------------------------------
BASIC_ID = bytes.fromhex(
    "02"  # header: type 0 (Basic ID) | protocol version 2 (F3411-22)
    "12"  # ID type 1 (serial number, ANSI/CTA-2063-A) | UA type 2 (helicopter or multirotor)
    "31353936463335304d30303030303031"  # UAS ID "1596F350M0000001", 16 ASCII characters
    "00000000"  # NUL padding to 20 characters
    "000000"  # bytes 22-24 reserved
)

# --- Location/Vector (type 1) --------------------------------------------------------------
LOCATION_FAST_WEST = bytes.fromhex(
    "12"  # header: type 1 (Location/Vector) | version 2
    "27"  # status 2 (airborne) | reserved 0 | height type 1 (above ground) | E/W 1 | mult 1
    "5a"  # direction 90, E/W bit set: 90 + 180 = 270 degrees (flying west)
    "30"  # horizontal speed 48 with the multiplier: 48 * 0.75 + 63.75 = 99.75 m/s
    "f9"  # vertical speed int8 -7: -7 * 0.5 = -3.5 m/s (descending)
    "f0ec1e1d"  # latitude 0x1D1EECF0 = 488566000: 48.8566 degrees (Paris)
    "d0ea6601"  # longitude 0x0166EAD0 = 23522000: 2.3522 degrees
    "c108"  # pressure altitude 0x08C1 = 2241: 2241 * 0.5 - 1000 = 120.5 m
    "fc08"  # geodetic altitude 0x08FC = 2300: 2300 * 0.5 - 1000 = 150.0 m
    "1708"  # height 0x0817 = 2071: 2071 * 0.5 - 1000 = 35.5 m (above ground)
    "4b"  # vertical accuracy 4 (< 10 m) | horizontal accuracy 11 (< 3 m)
    "33"  # barometric altitude accuracy 3 (< 25 m) | speed accuracy 3 (< 1 m/s)
    "791d"  # timestamp 0x1D79 = 7545 tenths: 754.5 s (12 min 34.5 s) after the hour
    "02"  # reserved | timestamp accuracy 2: 0.2 s
    "00"  # reserved
)
LOCATION_SLOW_SOUTH = bytes.fromhex(
    "12"  # header: type 1 | version 2
    "10"  # status 1 (ground) | height type 0 (above takeoff) | E/W 0 | multiplier 0
    "2d"  # direction 45 degrees, E/W bit clear
    "52"  # horizontal speed 82 without the multiplier: 82 * 0.25 = 20.5 m/s
    "7e"  # vertical speed 126: 126 * 0.5 = 63 m/s, the "unknown" value
    "0008d0eb"  # latitude 0xEBD00800 - 2**32 = -338688000: -33.8688 degrees (Sydney)
    "48b5205a"  # longitude 0x5A20B548 = 1512093000: 151.2093 degrees
    "0000"  # pressure altitude 0 (= -1000 m): unknown
    "0000"  # geodetic altitude 0: unknown
    "0000"  # height 0: unknown
    "00"  # vertical and horizontal accuracy 0: unknown
    "00"  # barometric and speed accuracy 0: unknown
    "ffff"  # timestamp 0xFFFF: unknown
    "00"  # timestamp accuracy 0: unknown
    "00"  # reserved
)
LOCATION_UNKNOWN_TRACK = bytes.fromhex(
    "12"  # header: type 1 | version 2
    "33"  # status 3 (emergency) | height type 0 | E/W 1 | multiplier 1
    "b5"  # direction 181 with E/W: 181 + 180 = 361, the "unknown" value
    "ff"  # horizontal speed 255 with the multiplier: 255 * 0.75 + 63.75 = 255 m/s, unknown
    "04"  # vertical speed int8 4: 2.0 m/s (climbing)
    "08fe8316"  # latitude 0x1683FE08 = 377749000: 37.7749 degrees (San Francisco)
    "304808b7"  # longitude 0xB7084830 - 2**32 = -1224194000: -122.4194 degrees
    "d007"  # pressure altitude 0x07D0 = 2000: 2000 * 0.5 - 1000 = 0.0 m (sea level, known)
    "0100"  # geodetic altitude 1: 1 * 0.5 - 1000 = -999.5 m (lowest known value)
    "ffff"  # height 0xFFFF = 65535: 65535 * 0.5 - 1000 = 31767.5 m (highest value)
    "c1"  # vertical accuracy 12 (reserved) | horizontal accuracy 1 (< 10 NM = 18520 m)
    "64"  # barometric accuracy 6 (< 1 m) | speed accuracy 4 (< 0.3 m/s)
    "a08c"  # timestamp 0x8CA0 = 36000 tenths: 3600.0 s, the last value in range
    "0f"  # timestamp accuracy 15: 1.5 s
    "00"  # reserved
)

# --- Authentication (type 2) ---------------------------------------------------------------
AUTH_PAGE_0 = bytes.fromhex(
    "22"  # header: type 2 (Authentication) | version 2
    "10"  # authentication type 1 (UAS ID signature) | page 0
    "01"  # last page index 1 (version 1 on): pages 0 and 1
    "1e"  # length 30 bytes of authentication data over all pages
    "4081070a"  # timestamp 0x0A078140 = 168264000 s after 2019-01-01: 2024-05-01 12:00:00 UTC
    "0102030405060708090a0b0c0d0e0f1011"  # the first 17 data bytes
)
AUTH_PAGE_1 = bytes.fromhex(
    "22"  # header: type 2 | version 2
    "11"  # authentication type 1 | page 1
    "12131415161718191a1b1c1d1e1f202122232425262728"  # the next 23 data bytes
)

# --- Self-ID (type 3) ----------------------------------------------------------------------
SELF_ID = bytes.fromhex(
    "32"  # header: type 3 (Self-ID) | version 2
    "00"  # description type 0: text
    "42726964676520696e7370656374696f6e"  # "Bridge inspection", 17 ASCII characters
    "000000000000"  # NUL padding to 23 characters
)

# --- System (type 4) -----------------------------------------------------------------------
SYSTEM_EU = bytes.fromhex(
    "42"  # header: type 4 (System) | version 2
    "05"  # reserved | classification type 1 (EU), bits 4-2 | operator location 1 (live GNSS)
    "90fc1e1d"  # operator latitude 0x1D1EFC90 = 488570000: 48.857 degrees
    "100a6701"  # operator longitude 0x01670A10 = 23530000: 2.353 degrees
    "0300"  # area count 3 aircraft
    "05"  # area radius 5: 5 * 10 = 50 m
    "280a"  # area ceiling 0x0A28 = 2600: 2600 * 0.5 - 1000 = 300.0 m
    "d007"  # area floor 0x07D0 = 2000: 2000 * 0.5 - 1000 = 0.0 m
    "13"  # EU category 1 (open) | EU class 3 (class C2; 1 is class C0)
    "1608"  # operator geodetic altitude 0x0816 = 2070: 2070 * 0.5 - 1000 = 35.0 m
    "4581070a"  # timestamp 0x0A078145 = 168264005 s after 2019-01-01: 2024-05-01 12:00:05 UTC
    "00"  # reserved
)
SYSTEM_VERSION_0 = bytes.fromhex(
    "40"  # header: type 4 | version 0 (F3411-19), which has no System timestamp
    "02"  # classification type 0 (undeclared) | operator location type 2 (fixed)
    "00000000"  # operator latitude 0 } both 0: unknown position
    "00000000"  # operator longitude 0 }
    "0000"  # area count 0
    "ff"  # area radius 255: 2550 m
    "0000"  # area ceiling 0: unknown
    "0000"  # area floor 0: unknown
    "37"  # category/class bytes 3 and 7, meaningless without the EU classification
    "0000"  # operator altitude 0: unknown
    "11223344"  # bytes 20-23 reserved in F3411-19: not a timestamp
    "00"  # reserved
)

# --- Operator ID (type 5) ------------------------------------------------------------------
OPERATOR_ID = bytes.fromhex(
    "52"  # header: type 5 (Operator ID) | version 2
    "00"  # operator ID type 0: operator ID
    "46494e3837617374726467653132"  # "FIN87astrdge12" ...
    "6b38"  # ... "k8": the 16-character EU operator registration number
    "00000000"  # NUL padding to 20 characters
    "000000"  # bytes 22-24 reserved
)

# --- Message Pack (type 0xF) ---------------------------------------------------------------
PACK = (
    bytes.fromhex(
        "f2"  # header: type 0xF (Message Pack) | version 2
        "19"  # each message is 0x19 = 25 bytes
        "02"  # two messages follow
    )
    + BASIC_ID
    + LOCATION_FAST_WEST
)

T_2024_05_01_NOON = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
UNIX_2024_05_01_NOON = 1714564800.0  # 1546300800 + 168264000

# What the scalar decoder must give: every field of the message's dataclass, as the standard
# defines it (codes as their numbers, comments say what they mean).
SCALAR: dict[str, tuple[bytes, type, dict[str, Any]]] = {
    "basic_id": (BASIC_ID, BasicIdMessage, {
        "version": 2, "id_type": 1, "ua_type": 2, "uas_id": "1596F350M0000001",
    }),
    "location_fast_west": (LOCATION_FAST_WEST, LocationMessage, {
        "version": 2, "status": 2, "height_type": 1, "direction": 270.0, "speed_h": 99.75,
        "speed_v": -3.5, "lat": 48.8566, "lon": 2.3522, "alt_baro": 120.5, "alt_geo": 150.0,
        "height": 35.5, "h_accuracy": 11, "v_accuracy": 4, "baro_accuracy": 3,
        "speed_accuracy": 3, "seconds_after_hour": 754.5, "timestamp_accuracy": 0.2,
    }),
    "location_slow_south": (LOCATION_SLOW_SOUTH, LocationMessage, {
        "version": 2, "status": 1, "height_type": 0, "direction": 45.0, "speed_h": 20.5,
        "speed_v": None, "lat": -33.8688, "lon": 151.2093, "alt_baro": None, "alt_geo": None,
        "height": None, "h_accuracy": 0, "v_accuracy": 0, "baro_accuracy": 0,
        "speed_accuracy": 0, "seconds_after_hour": None, "timestamp_accuracy": None,
    }),
    "location_unknown_track": (LOCATION_UNKNOWN_TRACK, LocationMessage, {
        "version": 2, "status": 3, "height_type": 0, "direction": None, "speed_h": None,
        "speed_v": 2.0, "lat": 37.7749, "lon": -122.4194, "alt_baro": 0.0, "alt_geo": -999.5,
        "height": 31767.5, "h_accuracy": 1, "v_accuracy": 12, "baro_accuracy": 6,
        "speed_accuracy": 4, "seconds_after_hour": 3600.0, "timestamp_accuracy": 1.5,
    }),
    "auth_page_0": (AUTH_PAGE_0, AuthMessage, {
        "version": 2, "auth_type": 1, "page": 0, "last_page": 1, "length": 30,
        "timestamp": T_2024_05_01_NOON, "data": bytes(range(1, 18)),
    }),
    "auth_page_1": (AUTH_PAGE_1, AuthMessage, {
        "version": 2, "auth_type": 1, "page": 1, "last_page": None, "length": None,
        "timestamp": None, "data": bytes(range(0x12, 0x29)),
    }),
    "self_id": (SELF_ID, SelfIdMessage, {
        "version": 2, "desc_type": 0, "description": "Bridge inspection",
    }),
    "system_eu": (SYSTEM_EU, SystemMessage, {
        "version": 2, "operator_location_type": 1, "operator_lat": 48.857,
        "operator_lon": 2.353, "area_count": 3, "area_radius": 50.0, "area_ceiling": 300.0,
        "area_floor": 0.0, "classification_type": 1, "category_eu": 1, "class_eu": 3,
        "operator_alt": 35.0, "timestamp": datetime(2024, 5, 1, 12, 0, 5, tzinfo=UTC),
    }),
    "system_version_0": (SYSTEM_VERSION_0, SystemMessage, {
        "version": 0, "operator_location_type": 2, "operator_lat": None, "operator_lon": None,
        "area_count": 0, "area_radius": 2550.0, "area_ceiling": None, "area_floor": None,
        "classification_type": 0, "category_eu": None, "class_eu": None, "operator_alt": None,
        "timestamp": None,
    }),
    "operator_id": (OPERATOR_ID, OperatorIdMessage, {
        "version": 2, "operator_id_type": 0, "operator_id": "FIN87astrdge12k8",
    }),
}  # fmt: skip

# What the batch decoder must give: the columns this message fills; every other column must
# stay at its "absent" value (NaN, -1 or empty). Accuracies in metres and m/s, times in Unix s.
BATCH: dict[str, dict[str, Any]] = {
    "basic_id": {"msg_type": 0, "version": 2, "id_type": 1, "ua_type": 2,
                 "uas_id": b"1596F350M0000001"},
    "location_fast_west": {
        "msg_type": 1, "version": 2, "status": 2, "height_type": 1, "direction": 270.0,
        "speed_h": 99.75, "speed_v": -3.5, "lat": 48.8566, "lon": 2.3522, "alt_baro": 120.5,
        "alt_geo": 150.0, "height": 35.5, "h_accuracy": 3.0, "v_accuracy": 10.0,
        "baro_accuracy": 25.0, "speed_accuracy": 1.0, "seconds_after_hour": 754.5,
        "timestamp_accuracy": 0.2,
    },
    "location_slow_south": {
        "msg_type": 1, "version": 2, "status": 1, "height_type": 0, "direction": 45.0,
        "speed_h": 20.5, "lat": -33.8688, "lon": 151.2093,
    },
    "location_unknown_track": {
        "msg_type": 1, "version": 2, "status": 3, "height_type": 0, "speed_v": 2.0,
        "lat": 37.7749, "lon": -122.4194, "alt_baro": 0.0, "alt_geo": -999.5,
        "height": 31767.5, "h_accuracy": 18520.0, "baro_accuracy": 1.0,
        "speed_accuracy": 0.3, "seconds_after_hour": 3600.0, "timestamp_accuracy": 1.5,
    },
    "auth_page_0": {"msg_type": 2, "version": 2, "auth_type": 1, "auth_page": 0,
                    "auth_last_page": 1, "auth_length": 30,
                    "auth_timestamp": UNIX_2024_05_01_NOON},
    "auth_page_1": {"msg_type": 2, "version": 2, "auth_type": 1, "auth_page": 1},
    "self_id": {"msg_type": 3, "version": 2, "self_id_type": 0, "self_id": b"Bridge inspection"},
    "system_eu": {
        "msg_type": 4, "version": 2, "operator_location_type": 1, "classification_type": 1,
        "category_eu": 1, "class_eu": 3, "operator_lat": 48.857, "operator_lon": 2.353,
        "operator_alt": 35.0, "area_count": 3, "area_radius": 50.0, "area_ceiling": 300.0,
        "area_floor": 0.0, "system_timestamp": UNIX_2024_05_01_NOON + 5,
    },
    "system_version_0": {"msg_type": 4, "version": 0, "operator_location_type": 2,
                         "classification_type": 0, "area_count": 0, "area_radius": 2550.0},
    "operator_id": {"msg_type": 5, "version": 2, "operator_id_type": 0,
                    "operator_id": b"FIN87astrdge12k8"},
}  # fmt: skip

# Encodable: the field values above give back exactly the hand-written bytes. The version 0
# System message is left out: its bytes 20-23 are reserved and the encoder writes zeros there.
ENCODABLE = sorted(set(SCALAR) - {"system_version_0"})


def assert_equal_fields(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Each field equal to its literal; floats to 1e-9 (a hundredth of the 1e-7 wire step)."""
    for name, expected in want.items():
        value = got[name]
        if isinstance(expected, float):
            assert value == pytest.approx(expected, abs=1e-9, rel=0), name
        else:
            assert value == expected, name


def batch_row(cols: dict[str, np.ndarray], row: int) -> dict[str, Any]:
    """One row of the batch columns as Python values; absent values as None."""
    out: dict[str, Any] = {}
    for name, column in cols.items():
        value = column[row].item()
        absent = (
            (isinstance(value, float) and math.isnan(value))
            or (isinstance(value, int) and value == -1 and name not in ("msg_type", "version"))
            or value == b""
        )
        out[name] = None if absent else value
    return out


def test_every_message_type_has_a_hand_built_message() -> None:
    types = {wire[0] >> 4 for wire, _, _ in SCALAR.values()} | {PACK[0] >> 4}
    assert types == {0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0xF}
    assert all(len(wire) == 25 for wire, _, _ in SCALAR.values())
    assert len(PACK) == 3 + 2 * 25


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_scalar_decoder_gives_the_standards_value_for_every_field(name: str) -> None:
    wire, kind, expected = SCALAR[name]
    msg = decode_message(wire)
    assert isinstance(msg, kind)
    assert set(expected) == {field.name for field in dataclasses.fields(msg)}  # all fields
    assert_equal_fields({n: getattr(msg, n) for n in expected}, expected)


@pytest.mark.parametrize("name", sorted(BATCH))
def test_batch_decoder_gives_the_standards_value_for_every_column(name: str) -> None:
    wire = SCALAR[name][0]
    # the message between two others, so a row mix-up shows
    rows = np.frombuffer(BASIC_ID + wire + SELF_ID, np.uint8).reshape(3, 25)
    row = batch_row(decode_messages(rows), 1)
    expected = BATCH[name]
    assert_equal_fields(row, expected)
    filled = {column for column, value in row.items() if value is not None}
    assert filled <= set(expected) | {"msg_type", "version"}, "columns of another type filled"


@pytest.mark.parametrize("name", ENCODABLE)
def test_encoder_writes_the_hand_built_bytes_from_the_field_values(name: str) -> None:
    wire, kind, expected = SCALAR[name]
    assert encode_message(kind(**expected)) == wire


def test_location_accuracy_codes_mean_the_standards_bounds() -> None:
    # byte 19 = 0x4B: vertical code 4 (< 10 m), horizontal code 11 (< 3 m);
    # byte 20 = 0x33: barometric code 3 (< 25 m), speed code 3 (< 1 m/s)
    record = decode_message(LOCATION_FAST_WEST).record()
    assert (record["h_accuracy"], record["v_accuracy"]) == (3.0, 10.0)
    assert (record["baro_accuracy"], record["speed_accuracy"]) == (25.0, 1.0)


def test_system_eu_codes_are_labelled_as_the_standard_names_them() -> None:
    record = decode_message(SYSTEM_EU).record()
    assert (record["classification_type"], record["category_eu"], record["class_eu"]) == (
        "eu", "open", "class_2"
    )
    assert record["operator_location_type"] == "live_gnss"
    assert record["system_timestamp"] == "2024-05-01T12:00:05+00:00"


def test_message_pack_gives_its_messages_on_the_scalar_path() -> None:
    basic, location = decode_payload(PACK)
    assert_equal_fields({n: getattr(basic, n) for n in SCALAR["basic_id"][2]},
                        SCALAR["basic_id"][2])  # fmt: skip
    expected = SCALAR["location_fast_west"][2]
    assert_equal_fields({n: getattr(location, n) for n in expected}, expected)


def test_message_pack_is_cut_into_its_messages_on_the_batch_path() -> None:
    # the pack at offset 0, a single Self-ID message right after it
    buffer = np.frombuffer(PACK + SELF_ID, np.uint8)
    out = unpack_packs(buffer, [0, len(PACK)], [len(PACK), 25])
    assert out.status.tolist() == [0, 0]
    assert out.source.tolist() == [0, 0, 1]
    assert [bytes(m) for m in out.messages] == [BASIC_ID, LOCATION_FAST_WEST, SELF_ID]
    cols = decode_messages(out.messages)
    assert_equal_fields(batch_row(cols, 1), BATCH["location_fast_west"])


def test_encoder_writes_the_hand_built_message_pack() -> None:
    assert encode_pack([BASIC_ID, LOCATION_FAST_WEST], version=2) == PACK


# F3411-19 (protocol version 0) allowed up to 10 messages in a pack; F3411-22 lowered it to 9
# (opendroneid-core-c `opendroneid.h` at protocol version 0: ODID_PACK_MAX_MESSAGES 10; the
# MAVLink OPEN_DRONE_ID_MESSAGE_PACK of that time: "Allowed range is 1 - 10"). A decoder
# that refused 10 for every version would lose the beacon of a version 0 transmitter that
# fills its pack.
BASIC_ID_VERSION_0 = bytes([0x00]) + BASIC_ID[1:]  # the Basic ID above, protocol version 0
PACK_OF_TEN_VERSION_0 = bytes.fromhex(
    "f0"  # header: type 0xF | protocol version 0 (F3411-19)
    "19"  # messages of 25 bytes
    "0a"  # ten messages: the F3411-19 maximum
) + BASIC_ID_VERSION_0 * 10
PACK_OF_ELEVEN_VERSION_0 = bytes.fromhex("f0190b") + BASIC_ID_VERSION_0 * 11
PACK_OF_TEN_VERSION_2 = bytes.fromhex("f2190a") + BASIC_ID * 10


def test_a_version_0_pack_of_ten_messages_decodes_on_the_scalar_path() -> None:
    assert len(decode_payload(PACK_OF_TEN_VERSION_0)) == 10
    with pytest.raises(MessageError, match="more than 10"):
        decode_payload(PACK_OF_ELEVEN_VERSION_0)
    with pytest.raises(MessageError, match="more than 9"):
        decode_payload(PACK_OF_TEN_VERSION_2)


def test_a_version_0_pack_of_ten_messages_is_cut_on_the_batch_path() -> None:
    packs = [PACK_OF_TEN_VERSION_0, PACK_OF_ELEVEN_VERSION_0, PACK_OF_TEN_VERSION_2]
    lengths = [len(p) for p in packs]
    offsets = np.cumsum([0, *lengths[:-1]])
    out = unpack_packs(np.frombuffer(b"".join(packs), np.uint8), offsets, lengths)
    assert (out.status.tolist(), len(out.messages)) == ([0, 3, 3], 10)


def test_the_encoder_writes_ten_messages_only_at_version_0() -> None:
    assert encode_pack([BASIC_ID_VERSION_0] * 10, version=0) == PACK_OF_TEN_VERSION_0
    with pytest.raises(ValueError, match="at most 9"):
        encode_pack([BASIC_ID] * 10, version=2)


def test_batch_decoder_reads_the_shared_beacon_location_as_the_standard_defines_it() -> None:
    raw = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap").read_bytes()
    found = re.search(rb"\xdd.\xfa\x0b\xbc\x0d.\xf0\x19", raw, re.DOTALL)
    assert found is not None
    pack = raw[found.end() - 2 :]  # from the pack header F0 19
    location = pack[3 + 25 : 3 + 50]  # the second message of the pack
    assert location.hex() == "10005c527ebcba251ba88cb4b60000aa099808394100000a00"
    row = batch_row(decode_messages(np.frombuffer(location, np.uint8).reshape(1, 25)), 0)
    assert_equal_fields(row, {
        "msg_type": 1, "version": 0, "status": 0, "height_type": 0,
        "direction": 92.0,  # 0x5C, E/W clear
        "speed_h": 20.5,  # 0x52 = 82 * 0.25
        "speed_v": None,  # 0x7E = 126 -> 63 m/s, unknown
        "lat": 45.5457468,  # 0x1B25BABC = 455457468 * 1e-7
        "lon": -122.9681496,  # 0xB6B48CA8 - 2**32 = -1229681496 * 1e-7
        "alt_baro": None,  # 0x0000
        "alt_geo": 237.0,  # 0x09AA = 2474 * 0.5 - 1000
        "height": 100.0,  # 0x0898 = 2200 * 0.5 - 1000
        "h_accuracy": 30.0, "v_accuracy": 25.0,  # 0x39: codes 9 and 3
        "speed_accuracy": 10.0, "baro_accuracy": 10.0,  # 0x41: codes 1 and 4
        "seconds_after_hour": 0.0, "timestamp_accuracy": 1.0,  # 0x0000, 0x0A = 10 tenths
    })  # fmt: skip


# --- DJI DroneID over Wi-Fi: flight information, version 2 ---------------------------------
# Positions are radians * 1e7: degrees = raw / 1e7 * 180 / pi (public decoders divide by
# 174533.0 instead, which is 4e-7 relative too small: about 2 m at these latitudes).
DJI_FLIGHT_INFO_V2 = bytes.fromhex(
    "586213"  # DJI DroneID magic after the OUI
    "10"  # subcommand 0x10: flight information
    "02"  # version 2
    "0102"  # sequence number 0x0201 = 513
    "3502"  # state 0x0235: bits 0 serial valid, 2 home set, 4 motor on, 5 in air, 9 h. vel.
    "31353831463458464332324230303042"  # serial "1581F4XFC22B000B" (16 characters)
    "ea495100"  # longitude 0x005149EA = 5327338: 30.523398343966 degrees
    "545b8600"  # latitude 0x00865B54 = 8805204: 50.450102695171 degrees
    "7800"  # altitude 120 m
    "f4ff"  # height -12 m (below the home point)
    "a2fe"  # velocity north -350 cm/s = -3.5 m/s
    "a401"  # velocity east 420 cm/s = 4.2 m/s
    "6400"  # velocity up 100 cm/s = 1.0 m/s
    "11cc"  # yaw 0xCC11 - 2**16 = -13295: -132.95 degrees
    "83c522348f010000"  # time 0x18F3422C583 = 1714566645123 ms: 2024-05-01 12:30:45.123 UTC
    "8e568600"  # pilot latitude 8803982: 50.443101150915 degrees
    "7c4e5100"  # pilot longitude 5328508: 30.530101950170 degrees
    "6a4e5100"  # home longitude 5328490 (longitude first): 30.529998817766 degrees
    "7c568600"  # home latitude 8803964: 50.442998018511 degrees
    "44"  # product type 68
    "05"  # UUID length 5
    "4142434445" + "00" * 15  # UUID "ABCDE", NUL padded to 20
)
DJI_FIELDS: dict[str, Any] = {
    "version": 2, "sequence": 513, "state": 0x0235, "serial": "1581F4XFC22B000B",
    "lat": 50.450102695171, "lon": 30.523398343966, "alt": 120, "height": -12,
    "v_north": -3.5, "v_east": 4.2, "v_up": 1.0, "yaw": -132.95, "pitch": None, "roll": None,
    "time": datetime(2024, 5, 1, 12, 30, 45, 123000, tzinfo=UTC),
    "pilot_lat": 50.443101150915, "pilot_lon": 30.530101950170,
    "home_lat": 50.442998018511, "home_lon": 30.529998817766,
    "product_type": 68, "uuid": "ABCDE", "crc_ok": None,
}  # fmt: skip


def _close_degrees(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Like `assert_equal_fields`, floats to 1e-11 degrees (literals carry 12 decimals)."""
    for name, expected in want.items():
        if isinstance(expected, float):
            assert got[name] == pytest.approx(expected, abs=1e-11, rel=0), name
        else:
            assert got[name] == expected, name


def test_dji_wifi_flight_info_fields_are_the_published_layouts_values() -> None:
    msg = decode_dji_ie(DJI_FLIGHT_INFO_V2)
    assert isinstance(msg, DjiFlightInfo)
    assert set(DJI_FIELDS) == {field.name for field in dataclasses.fields(msg)}
    _close_degrees({n: getattr(msg, n) for n in DJI_FIELDS}, DJI_FIELDS)


def test_dji_wifi_state_bits_name_what_the_drone_reports() -> None:
    flags = decode_dji_ie(DJI_FLIGHT_INFO_V2).flags  # type: ignore[union-attr]
    assert sorted(name for name, on in flags.items() if on) == [
        "home_set", "horizontal_valid", "in_air", "motor_on", "serial_valid",
    ]  # fmt: skip


def test_dji_wifi_encoder_writes_the_hand_built_flight_info() -> None:
    fields = {k: v for k, v in DJI_FIELDS.items() if k not in ("version", "pitch", "roll")}
    assert encode_flight_info(version=2, **fields) == DJI_FLIGHT_INFO_V2


# --- DJI OcuSync DroneID payload: 91 bytes, `<BBBHH16siihhhhhhQiiiiBB20sH` ----------------
OCUSYNC_FLIGHT_INFO = bytes.fromhex(
    "58"  # length 88: bytes after this one, CRC excluded
    "10"  # message type 0x10: flight information
    "02"  # version 2
    "e803"  # sequence number 1000
    "771f"  # state bits 0x1F77
    "31574e4248333930303230314e310000"  # serial "1WNBH3900201N1", NUL padded to 16
    "d2d31e00"  # longitude 2020306 (radians * 1e7): 11.575500712496 degrees (Munich)
    "99328000"  # latitude 8401561: 48.137398662171 degrees
    "0802"  # altitude 520 m
    "3c00"  # height 60 m above take-off
    "6aff"  # velocity north -150 cm/s = -1.5 m/s
    "1301"  # velocity east 275 cm/s = 2.75 m/s
    "ceff"  # velocity up -50 cm/s = -0.5 m/s
    "9411"  # yaw 4500 centidegrees = 45.0 degrees
    "83c522348f010000"  # phone GPS time 1714566645123 ms: 2024-05-01 12:30:45.123 UTC
    "53328000"  # pilot (app) latitude 8401491: 48.136997591715 degrees
    "29d41e00"  # pilot longitude 2020393: 11.575999185777 degrees
    "06d41e00"  # home longitude 2020358 (longitude before latitude): 11.575798650549 degrees
    "76328000"  # home latitude 8401526: 48.137198126943 degrees
    "3a"  # product type 58 (Mavic Air 2)
    "13"  # UUID length 19
    "31313433363335353332313731353334333336" + "00"  # UUID "1143635532171534336"
    "0c11"  # CRC-16 0x110C: poly 0x1021 reflected, init 0x3692, over bytes 0-88
)
OCUSYNC_FIELDS: dict[str, Any] = {
    "version": 2, "sequence": 1000, "state": 0x1F77, "serial": "1WNBH3900201N1",
    "lat": 48.137398662171, "lon": 11.575500712496, "alt": 520, "height": 60,
    "v_north": -1.5, "v_east": 2.75, "v_up": -0.5, "yaw": 45.0, "pitch": None, "roll": None,
    "time": datetime(2024, 5, 1, 12, 30, 45, 123000, tzinfo=UTC),
    "pilot_lat": 48.136997591715, "pilot_lon": 11.575999185777,
    "home_lat": 48.137198126943, "home_lon": 11.575798650549,
    "product_type": 58, "uuid": "1143635532171534336", "crc_ok": True,
}  # fmt: skip


def _crc16_reference(data: bytes) -> int:
    """CRC-16, polynomial 0x1021 taken LSB first (0x8408), init 0x3692: bit by bit."""
    crc = 0x3692
    for byte in data:
        for bit in range(8):
            feedback = (crc ^ (byte >> bit)) & 1
            crc >>= 1
            if feedback:
                crc ^= 0x8408
    return crc


def test_ocusync_payload_crc_is_the_published_crc16() -> None:
    assert len(OCUSYNC_FLIGHT_INFO) == 91
    assert _crc16_reference(OCUSYNC_FLIGHT_INFO[:89]) == 0x110C


def test_ocusync_payload_fields_are_the_published_layouts_values() -> None:
    info = parse_flight_info(OCUSYNC_FLIGHT_INFO)
    assert set(OCUSYNC_FIELDS) == {field.name for field in dataclasses.fields(info)}
    _close_degrees({n: getattr(info, n) for n in OCUSYNC_FIELDS}, OCUSYNC_FIELDS)
    assert info.product == "Mavic Air 2"


def test_ocusync_payload_builder_writes_the_hand_built_bytes() -> None:
    assert build_flight_info(DjiFlightInfo(**OCUSYNC_FIELDS)) == OCUSYNC_FLIGHT_INFO
