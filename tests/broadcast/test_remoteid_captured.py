"""Remote ID messages from the shared real captures, checked against hand decoding of F3411.

Each expected value is worked out from the raw bytes with the specification's formulas
(comments show the arithmetic), not taken from the decoder.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from dronevet.broadcast.remoteid.basic_id import BasicIdMessage
from dronevet.broadcast.remoteid.decode import MessageError, decode_payload
from dronevet.broadcast.remoteid.enums import (
    CategoryEu,
    ClassEu,
    ClassificationType,
    HeightType,
    IdType,
    OperationalStatus,
    OperatorLocationType,
    SelfIdType,
    UaType,
)
from dronevet.broadcast.remoteid.location import LocationMessage, time_of_location
from dronevet.broadcast.remoteid.operator_id import OperatorIdMessage
from dronevet.broadcast.remoteid.self_id import SelfIdMessage
from dronevet.broadcast.remoteid.system import SystemMessage
from shared_files import shared_path

# Wi-Fi beacon vendor IE: DD len FA:0B:BC 0D counter, then the message pack.
BEACON_IE = re.compile(rb"\xdd(.)\xfa\x0b\xbc\x0d", re.DOTALL)
# Bluetooth service data: len 16 FA FF 0D counter, then a message pack (Bluetooth 5 LR).
BT_SERVICE_DATA = re.compile(rb"\x16\xfa\xff\x0d", re.DOTALL)


def first_beacon_pack() -> bytes:
    raw = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap").read_bytes()
    found = BEACON_IE.search(raw)
    assert found is not None
    length = found.group(1)[0]
    return raw[found.end() + 1 : found.start() + 2 + length]


def bluetooth_packs(raw: bytes) -> list[bytes]:
    # the advertising data is sized for a full pack: 3 + 9 * 25 bytes after the counter
    return [raw[f.end() + 1 : f.end() + 1 + 228] for f in BT_SERVICE_DATA.finditer(raw)]


@pytest.fixture(scope="module")
def beacon_messages() -> list[object]:
    return list(decode_payload(first_beacon_pack()))


def test_beacon_pack_holds_five_messages_of_protocol_version_0(beacon_messages):
    # pack header F0 19 05: type 0xF version 0, messages of 0x19 = 25 bytes, 5 of them
    assert [type(m) for m in beacon_messages] == [
        BasicIdMessage, LocationMessage, SelfIdMessage, SystemMessage, OperatorIdMessage,
    ]  # fmt: skip
    assert {m.version for m in beacon_messages} == {0}


def test_beacon_location_decodes_to_hand_computed_values(beacon_messages):
    # 10 00 5C 52 7E BCBA251B A88CB4B6 0000 AA09 9808 39 41 0000 0A 00
    loc = beacon_messages[1]
    assert loc.status == OperationalStatus.UNDECLARED  # flags 0x00: status 0
    assert loc.height_type == HeightType.ABOVE_TAKEOFF  # bit 2 clear
    assert loc.direction == 92.0  # 0x5C = 92, E/W bit clear
    assert loc.speed_h == 20.5  # 0x52 = 82, multiplier 0: 82 * 0.25
    assert loc.speed_v is None  # 0x7E = 126 -> 63 m/s, the "unknown" value
    assert loc.lat == pytest.approx(45.5457468, abs=1e-9)  # 0x1B25BABC = 455457468 * 1e-7
    assert loc.lon == pytest.approx(-122.9681496, abs=1e-9)  # 0xB6B48CA8 - 2**32 = -1229681496
    assert loc.alt_baro is None  # 0x0000: unknown
    assert loc.alt_geo == 237.0  # 0x09AA = 2474: 2474 * 0.5 - 1000
    assert loc.height == 100.0  # 0x0898 = 2200: 2200 * 0.5 - 1000
    record = loc.record()
    assert record["h_accuracy"] == 30.0  # 0x39 low nibble 9: < 30 m
    assert record["v_accuracy"] == 25.0  # 0x39 high nibble 3: < 25 m
    assert record["speed_accuracy"] == 10.0  # 0x41 low nibble 1: < 10 m/s
    assert record["baro_accuracy"] == 10.0  # 0x41 high nibble 4: < 10 m
    assert loc.seconds_after_hour == 0.0  # 0x0000 tenths
    assert loc.timestamp_accuracy == 1.0  # 0x0A = 10 tenths


def test_beacon_system_carries_operator_takeoff_point_and_eu_class(beacon_messages):
    # 40 04 A485251B 6EDBB3B6 0100 32 0000 0000 15 0000 ...
    sys_msg = beacon_messages[3]
    assert sys_msg.operator_location_type == OperatorLocationType.TAKEOFF  # 0x04 & 3 = 0
    assert sys_msg.classification_type == ClassificationType.EU  # (0x04 >> 2) & 7 = 1
    assert sys_msg.operator_lat == pytest.approx(45.5443876, abs=1e-9)  # 0x1B2585A4
    assert sys_msg.operator_lon == pytest.approx(-122.9726866, abs=1e-9)  # 0xB6B3DB6E - 2**32
    assert sys_msg.area_count == 1
    assert sys_msg.area_radius == 500.0  # 0x32 = 50 * 10 m
    assert sys_msg.area_ceiling is None and sys_msg.area_floor is None  # 0x0000
    assert sys_msg.category_eu == CategoryEu.OPEN  # 0x15 high nibble 1
    assert sys_msg.class_eu == ClassEu.CLASS_4  # 0x15 low nibble 5 = class 4
    assert sys_msg.operator_alt is None  # 0x0000
    assert sys_msg.timestamp is None  # version 0 has no System timestamp


def test_beacon_identity_messages_read_their_ascii_fields(beacon_messages):
    basic, self_id, operator = beacon_messages[0], beacon_messages[2], beacon_messages[4]
    assert basic.uas_id == "MFG1A0123456789"
    assert (basic.id_type, basic.ua_type) == (IdType.NONE, UaType.NONE)  # byte 1 = 0x00
    assert (self_id.desc_type, self_id.description) == (SelfIdType.TEXT, "Recreational")
    assert operator.operator_id == "GBR-OP-123ABCD"


def test_bluetooth_5_sample_basic_id_is_a_serial_number_of_a_multirotor():
    raw = shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng").read_bytes()
    messages = []
    errors: list[MessageError] = []
    for payload in bluetooth_packs(raw):
        try:
            messages.extend(decode_payload(payload, errors=errors))
        except MessageError as error:
            errors.append(error)
    basic = next(m for m in messages if isinstance(m, BasicIdMessage))
    # byte 1 = 0x12: ID type 1 (serial number), UA type 2 (helicopter or multirotor)
    assert (basic.id_type, basic.ua_type) == (IdType.SERIAL_NUMBER, UaType.HELICOPTER_OR_MULTIROTOR)
    assert basic.uas_id == "SSEVTFG93700070"


def test_bluetooth_sample_pack_with_a_corrupted_count_is_rejected_not_misread():
    raw = shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng").read_bytes()
    # one frame of the sample carries F0 19 46: 0x46 = 70 messages, over the maximum of 9
    corrupted = next(p for p in bluetooth_packs(raw) if p[:3] == b"\xf0\x19\x46")
    with pytest.raises(MessageError, match="70 messages"):
        decode_payload(corrupted)


def test_location_time_resolves_to_the_hour_nearest_the_capture_time():
    # 3599.0 s after the hour, received 2 s into the next hour: the previous hour's 59:59
    received = datetime(2024, 5, 1, 13, 0, 2, tzinfo=UTC)
    assert time_of_location(3599.0, received) == datetime(2024, 5, 1, 12, 59, 59, tzinfo=UTC)
    assert time_of_location(1.0, received) == datetime(2024, 5, 1, 13, 0, 1, tzinfo=UTC)
