"""Every coded field of Remote ID, code by code, as the F3411-22a tables define it.

The tables (ASTM F3411-22a, transcribed in opendroneid-core-c `opendroneid.h`: ODID_uatype,
ODID_idtype, ODID_status, ODID_Height_reference, ODID_Horizontal_accuracy,
ODID_Vertical_accuracy, ODID_Speed_accuracy, ODID_authtype, ODID_desctype,
ODID_operator_location_type, ODID_classification_type, ODID_category_EU, ODID_class_EU,
ODID_operatorIdType) are written out here code by code; each code is put on the wire in its
field and read back through the decoder, as a receiver meets it. A code the tables reserve
reads `reserved_<n>`, so a drone sending one is not lost.
"""

from __future__ import annotations

import struct

import pytest

from dronevet.broadcast.remoteid.decode import decode_message, message_record
from dronevet.broadcast.remoteid.enums import (
    HORIZONTAL_ACCURACY_M,
    SPEED_ACCURACY_MPS,
    VERTICAL_ACCURACY_M,
    HorizontalAccuracy,
    SpeedAccuracy,
    UaType,
    VerticalAccuracy,
)


def reserved_after(names: list[str], size: int) -> list[str]:
    """The table's names, then `reserved_<n>` up to `size` codes."""
    return names + [f"reserved_{code}" for code in range(len(names), size)]


UA_TYPES = [
    "none", "aeroplane", "helicopter_or_multirotor", "gyroplane", "hybrid_lift", "ornithopter",
    "glider", "kite", "free_balloon", "captive_balloon", "airship", "free_fall_parachute",
    "rocket", "tethered_powered_aircraft", "ground_obstacle", "other",
]  # fmt: skip
ID_TYPES = reserved_after(["none", "serial_number", "caa_registration_id", "utm_assigned_uuid",
                           "specific_session_id"], 16)  # fmt: skip
STATUSES = reserved_after(["undeclared", "ground", "airborne", "emergency",
                           "remote_id_system_failure"], 16)  # fmt: skip
H_ACCURACY = reserved_after(["unknown", "nm_10", "nm_4", "nm_2", "nm_1", "nm_0_5", "nm_0_3",
                             "nm_0_1", "nm_0_05", "m_30", "m_10", "m_3", "m_1"], 16)  # fmt: skip
V_ACCURACY = reserved_after(["unknown", "m_150", "m_45", "m_25", "m_10", "m_3", "m_1"], 16)
S_ACCURACY = reserved_after(["unknown", "mps_10", "mps_3", "mps_1", "mps_0_3"], 16)
AUTH_TYPES = reserved_after(["none", "uas_id_signature", "operator_id_signature",
                             "message_set_signature", "network_remote_id",
                             "specific_method"], 16)  # fmt: skip
SELF_ID_TYPES = reserved_after(["text", "emergency", "extended_status"], 256)
OPERATOR_LOCATION_TYPES = reserved_after(["takeoff", "live_gnss", "fixed"], 4)
CLASSIFICATION_TYPES = reserved_after(["undeclared", "eu"], 8)
CATEGORIES_EU = reserved_after(["undeclared", "open", "specific", "certified"], 16)
CLASSES_EU = reserved_after(["undeclared", "class_0", "class_1", "class_2", "class_3",
                             "class_4", "class_5", "class_6"], 16)  # fmt: skip
OPERATOR_ID_TYPES = reserved_after(["operator_id"], 256)


def basic_id(types: int) -> dict:
    return message_record(decode_message(bytes([0x02, types]) + b"ID".ljust(23, b"\0")))


def location(flags: int = 0, accuracy_hv: int = 0, accuracy_bs: int = 0) -> dict:
    wire = bytes([0x12, flags]) + bytes(17) + bytes([accuracy_hv, accuracy_bs]) + bytes(4)
    return message_record(decode_message(wire))


def system(flags: int, classification: int = 0) -> dict:
    wire = bytes([0x42, flags]) + bytes(15) + bytes([classification]) + bytes(7)
    return message_record(decode_message(wire))


def auth(type_page: int) -> dict:
    return message_record(decode_message(bytes([0x22, type_page, 0, 0]) + bytes(21)))


def self_id(desc_type: int) -> dict:
    return message_record(decode_message(bytes([0x32, desc_type]) + bytes(23)))


def operator_id(id_type: int) -> dict:
    return message_record(decode_message(bytes([0x52, id_type]) + bytes(23)))


def test_ua_types_read_from_the_low_nibble_of_basic_id_byte_1() -> None:
    assert [basic_id(code)["ua_type"] for code in range(16)] == UA_TYPES
    assert [UaType(code).label for code in range(16)] == UA_TYPES


def test_id_types_read_from_the_high_nibble_of_basic_id_byte_1() -> None:
    assert [basic_id(code << 4)["id_type"] for code in range(16)] == ID_TYPES


def test_operational_status_reads_from_the_high_nibble_of_location_byte_1() -> None:
    assert [location(flags=code << 4)["status"] for code in range(16)] == STATUSES


def test_height_type_reads_from_bit_2_of_location_byte_1() -> None:
    assert [location(flags=bit << 2)["height_type"] for bit in (0, 1)] == [
        "above_takeoff", "above_ground"
    ]  # fmt: skip


def test_location_accuracy_codes_and_their_bounds_in_metres() -> None:
    # byte 19: vertical (high nibble) | horizontal (low); byte 20: baro (high) | speed (low)
    horizontal = [location(accuracy_hv=code)["h_accuracy"] for code in range(16)]
    vertical = [location(accuracy_hv=code << 4)["v_accuracy"] for code in range(16)]
    baro = [location(accuracy_bs=code << 4)["baro_accuracy"] for code in range(16)]
    speed = [location(accuracy_bs=code)["speed_accuracy"] for code in range(16)]
    # 1 NM = 1852 m: < 10, 4, 2, 1, 0.5, 0.3, 0.1, 0.05 NM, then < 30, 10, 3, 1 m
    assert horizontal == [None, 18520.0, 7408.0, 3704.0, 1852.0, 926.0, 555.6, 185.2, 92.6,
                          30.0, 10.0, 3.0, 1.0, None, None, None]  # fmt: skip
    assert vertical == baro == [None, 150.0, 45.0, 25.0, 10.0, 3.0, 1.0] + [None] * 9
    assert speed == [None, 10.0, 3.0, 1.0, 0.3] + [None] * 11


def test_accuracy_tables_name_each_code_as_the_standard_does() -> None:
    assert [HorizontalAccuracy(code).label for code in range(16)] == H_ACCURACY
    assert [VerticalAccuracy(code).label for code in range(16)] == V_ACCURACY
    assert [SpeedAccuracy(code).label for code in range(16)] == S_ACCURACY
    assert len(HORIZONTAL_ACCURACY_M) == len(VERTICAL_ACCURACY_M) == len(SPEED_ACCURACY_MPS) == 16


def test_authentication_types_read_from_the_high_nibble_of_auth_byte_1() -> None:
    assert [auth(code << 4)["auth_type"] for code in range(16)] == AUTH_TYPES


def test_self_id_description_types_read_from_byte_1() -> None:
    assert [self_id(code)["self_id_type"] for code in range(256)] == SELF_ID_TYPES


def test_operator_location_type_reads_from_bits_0_and_1_of_system_byte_1() -> None:
    assert [system(code)["operator_location_type"] for code in range(4)] == (
        OPERATOR_LOCATION_TYPES
    )


def test_classification_type_reads_from_bits_2_to_4_of_system_byte_1() -> None:
    assert [system(code << 2)["classification_type"] for code in range(8)] == (
        CLASSIFICATION_TYPES
    )


def test_eu_category_and_class_read_from_the_nibbles_of_system_byte_17() -> None:
    eu = 1 << 2  # classification type EU
    assert [system(eu, code << 4)["category_eu"] for code in range(16)] == CATEGORIES_EU
    assert [system(eu, code)["class_eu"] for code in range(16)] == CLASSES_EU


def test_eu_category_and_class_are_absent_without_the_eu_classification() -> None:
    record = system(0, 0x13)  # undeclared classification: byte 17 means nothing
    assert (record["category_eu"], record["class_eu"]) == (None, None)


def test_operator_id_types_read_from_byte_1() -> None:
    assert [operator_id(code)["operator_id_type"] for code in range(256)] == OPERATOR_ID_TYPES


def test_a_negative_number_is_no_code() -> None:
    with pytest.raises(ValueError, match="-1"):
        UaType(-1)


def test_reserved_codes_keep_their_number_as_an_integer() -> None:
    code = UaType(struct.unpack("B", b"\x10")[0])
    assert (code, code.label) == (16, "reserved_16")
