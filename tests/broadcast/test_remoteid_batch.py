"""The vectorised decoder agrees with the scalar one, message by message, on any bytes."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.remoteid.batch import decode_messages, unpack_packs
from dronevet.broadcast.remoteid.decode import MessageError, decode_message, decode_payload
from dronevet.broadcast.remoteid.message_pack import split_pack

MSG_TYPES = {"basic_id": 0, "location": 1, "auth": 2, "self_id": 3, "system": 4, "operator_id": 5}
# scalar field -> batch column, for fields whose values are the same on both sides
SAME = {
    "location": ["direction", "speed_h", "speed_v", "lat", "lon", "alt_baro", "alt_geo",
                 "height", "seconds_after_hour", "timestamp_accuracy"],
    "system": ["operator_lat", "operator_lon", "operator_alt", "area_count", "area_radius",
               "area_ceiling", "area_floor"],
}  # fmt: skip
CODES = {
    "basic_id": ["id_type", "ua_type"],
    "location": ["status", "height_type"],
    "system": ["operator_location_type", "classification_type", "category_eu", "class_eu"],
    "operator_id": ["operator_id_type"],
}
# messages with a type nibble 0-5 most of the time, any header otherwise
message_bytes = st.tuples(
    st.integers(0, 5) | st.integers(0, 15), st.integers(0, 15), st.binary(min_size=24, max_size=24)
).map(lambda t: bytes([(t[0] << 4) | t[1]]) + t[2])


def same(expected, got) -> bool:
    if expected is None:
        return math.isnan(got) if isinstance(got, float) else got == -1
    return float(expected) == float(got)


def check_row(cols, row: int, wire: bytes) -> None:
    try:
        msg = decode_message(wire)
    except MessageError:
        assert cols["msg_type"][row] == -1
        return
    kind = msg.msg_type
    assert cols["msg_type"][row] == MSG_TYPES[kind]
    assert cols["version"][row] == msg.version
    for name in SAME.get(kind, []) + CODES.get(kind, []):
        assert same(getattr(msg, name), cols[name][row]), name
    if kind == "location":
        record = msg.record()
        for name in ("h_accuracy", "v_accuracy", "baro_accuracy", "speed_accuracy"):
            assert same(record[name], cols[name][row]), name
    elif kind == "basic_id" and msg.id_type != 4:
        assert cols["uas_id"][row].decode("ascii", "backslashreplace") == msg.uas_id
    elif kind == "basic_id":
        assert cols["uas_id"][row].ljust(20, b"\0").hex() == msg.uas_id
    elif kind == "operator_id":
        assert cols["operator_id"][row].decode("ascii", "backslashreplace") == msg.operator_id
    elif kind == "self_id":
        assert cols["self_id"][row].decode("ascii", "backslashreplace") == msg.description
        assert cols["self_id_type"][row] == msg.desc_type
    elif kind == "system":
        stamp = msg.timestamp.timestamp() if msg.timestamp else None
        assert same(stamp, cols["system_timestamp"][row])
    elif kind == "auth":
        assert (cols["auth_type"][row], cols["auth_page"][row]) == (msg.auth_type, msg.page)
        assert same(msg.last_page, cols["auth_last_page"][row])
        assert same(msg.length, cols["auth_length"][row])
        stamp = msg.timestamp.timestamp() if msg.timestamp else None
        assert same(stamp, cols["auth_timestamp"][row])


@settings(max_examples=60, deadline=None)
@given(st.lists(message_bytes, min_size=1, max_size=40))
def test_batch_columns_equal_scalar_decoding(messages):
    cols = decode_messages(np.frombuffer(b"".join(messages), np.uint8).reshape(-1, 25))
    for row, wire in enumerate(messages):
        check_row(cols, row, wire)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(min_size=0, max_size=240), min_size=1, max_size=12))
def test_unpack_packs_cuts_the_same_messages_as_split_pack(payloads):
    # make most payloads look like packs, so the checks after the header are exercised
    shaped = [b"\xf2\x19" + p[2:] if p[:1] == b"\x00" and len(p) > 2 else p for p in payloads]
    buffer = np.frombuffer(b"".join(shaped), np.uint8)
    lengths = np.array([len(p) for p in shaped])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    out = unpack_packs(buffer, offsets, lengths)
    for index, payload in enumerate(shaped):
        mine = [bytes(m) for m in out.messages[out.source == index]]
        if payload[:1] and payload[0] >> 4 == 0xF:
            try:
                expected = split_pack(payload)
            except MessageError:
                assert out.status[index] != 0 and mine == []
                continue
            assert out.status[index] == 0
        elif len(payload) >= 25:
            expected = [payload[:25]]
            assert out.status[index] == 0
        else:
            expected = []
            assert out.status[index] == 1
        assert mine == expected


def test_batch_flags_a_pack_header_as_a_bad_single_message():
    pack_header = bytes([0xF2, 25, 0]) + bytes(22)
    cols = decode_messages(np.frombuffer(pack_header, np.uint8).reshape(1, 25))
    assert cols["msg_type"][0] == -1
    assert not decode_payload(pack_header)  # as a payload it is a valid, empty pack
