"""Malformed Remote ID input: only MessageError escapes, with a reason; one bad message in a
pack does not lose the others; reserved codes still decode."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.remoteid.auth import AuthAssembler, AuthMessage
from dronevet.broadcast.remoteid.common import EPOCH_2019
from dronevet.broadcast.remoteid.decode import (
    MessageError,
    decode_message,
    decode_payload,
    message_record,
)
from dronevet.broadcast.remoteid.encode import encode_message, encode_pack
from dronevet.broadcast.remoteid.enums import AuthType
from dronevet.errors import BadInputError

packs = st.tuples(st.integers(0xF0, 0xFF), st.integers(20, 30), st.integers(0, 12), st.binary(
    max_size=260
)).map(lambda t: bytes(t[:3]) + t[3])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.binary(min_size=0, max_size=40) | packs)
def test_any_bytes_decode_or_raise_message_error_and_records_are_json(data):
    try:
        messages = decode_payload(data)
    except MessageError as error:
        assert error.reason
        return
    # a pack decodes whole (byte 2 = its message count) or not at all; else one message
    assert len(messages) == (data[2] if data[0] >> 4 == 0xF else 1)
    json.dumps([message_record(m) for m in messages])


# Operator ID message, version 2: byte 1 = 0 (operator ID), "OP-1" padded with NULs
OPERATOR_ID = bytes([0x52, 0x00]) + b"OP-1".ljust(20, b"\0") + bytes(3)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=25, max_size=25), st.integers(0, 2))
def test_a_random_message_in_a_pack_costs_only_itself(noise: bytes, position: int) -> None:
    parts = [OPERATOR_ID, OPERATOR_ID]
    parts.insert(position, noise)
    errors: list[MessageError] = []
    messages = decode_payload(bytes([0xF2, 25, 3]) + b"".join(parts), errors=errors)
    try:
        alone = [decode_message(noise)]
    except MessageError:
        alone = []
    expected = [decode_message(OPERATOR_ID)] * 2
    expected[position:position] = alone
    assert messages == expected  # both valid neighbours, in pack order
    if alone:
        assert errors == []
    else:
        (error,) = errors  # the bad one is counted with its place in the pack
        assert error.reason.startswith(f"message {position + 1} of the pack: ")


def test_message_error_is_a_bad_input_error_with_a_reason():
    with pytest.raises(BadInputError, match="shorter than 25"):
        decode_payload(bytes([0x12]) + bytes(10))


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (bytes([0xF2, 24, 1]), "messages of 24 bytes"),
        (bytes([0xF2, 25, 10]), "10 messages, more than 9"),
        (bytes([0xF2, 25, 2]), "announces 2 messages but holds 25 bytes"),
    ],
)
def test_malformed_pack_header_is_rejected(header, reason):
    with pytest.raises(MessageError, match=reason):
        decode_payload(header + bytes([0x02]) + bytes(24))


def test_bad_message_in_a_pack_keeps_the_good_ones_when_errors_are_collected():
    good = bytes([0x52, 0x00]) + b"OP-1".ljust(20, b"\0") + bytes(3)
    unknown_type = bytes([0x72]) + bytes(24)
    pack = bytes([0xF2, 25, 3]) + good + unknown_type + good
    errors: list[MessageError] = []
    messages = decode_payload(pack, errors=errors)
    assert [m.operator_id for m in messages] == ["OP-1", "OP-1"]
    assert len(errors) == 1 and "message 2 of the pack" in errors[0].reason
    with pytest.raises(MessageError, match="unknown message type 0x7"):
        decode_payload(pack)


def test_reserved_codes_decode_to_reserved_labels():
    # Basic ID byte 1 = 0x90: ID type 9 (reserved), UA type 0
    (msg,) = decode_payload(bytes([0x02, 0x90]) + b"X".ljust(23, b"\0"))
    assert message_record(msg)["id_type"] == "reserved_9"


def test_version_0_auth_page_zero_counts_pages_instead_of_indexing_the_last():
    # F3411-19 byte 2 = page count: 3 pages -> last page index 2; F3411-22 reads it as index
    page = bytes([0x20, 0x10, 3, 50]) + bytes(4) + bytes(17)
    (v0,) = decode_payload(page)
    (v2,) = decode_payload(bytes([0x22]) + page[1:])
    assert (v0.last_page, v2.last_page) == (2, 3)


def test_auth_length_that_does_not_fit_its_pages_is_rejected():
    # last page index 1: at most 17 + 23 = 40 bytes, 41 announced
    with pytest.raises(MessageError, match="length 41 does not fit"):
        decode_payload(bytes([0x22, 0x10, 1, 41]) + bytes(21))


def auth_pages(sender_data: bytes, last_page: int, extra: bytes = b"") -> list[AuthMessage]:
    joined = sender_data + (bytes([len(extra)]) + extra if extra else b"")
    joined = joined.ljust(17 + 23 * last_page, b"\0")
    stamp = EPOCH_2019 + timedelta(days=1500)
    first = AuthMessage(2, AuthType.MESSAGE_SET_SIGNATURE, 0, last_page, len(sender_data),
                        stamp, joined[:17])  # fmt: skip
    rest = [
        AuthMessage(2, AuthType.MESSAGE_SET_SIGNATURE, page, None, None, None,
                    joined[17 + 23 * (page - 1) : 17 + 23 * page])
        for page in range(1, last_page + 1)
    ]  # fmt: skip
    # through the wire, as a receiver gets them
    return [decode_payload(encode_message(m))[0] for m in [first, *rest]]


def test_auth_assembler_joins_pages_arriving_out_of_order_per_sender():
    signature = bytes(range(63))  # 17 + 23 + 23 bytes: pages 0..2 exactly
    pages = auth_pages(signature, 2)
    other = auth_pages(b"other sender data", 0)
    assembler = AuthAssembler()
    assert assembler.add("aa:bb", pages[2]) is None
    assert assembler.add("cc:dd", pages[0]) is None  # a page from another sender
    assert assembler.add("aa:bb", pages[0]) is None
    done = assembler.add("aa:bb", pages[1])
    assert done is not None and done.data == signature and done.extra == b""
    assert done.timestamp == EPOCH_2019 + timedelta(days=1500)
    single = assembler.add("ee:ff", other[0])
    assert single is not None and single.data == b"other sender data"


def test_auth_assembler_returns_forward_error_correction_bytes_as_extra():
    pages = auth_pages(bytes(range(30)), 1, extra=b"\xee" * 5)
    assembler = AuthAssembler()
    assembler.add(1, pages[1])
    done = assembler.add(1, pages[0])
    assert done is not None and done.data == bytes(range(30)) and done.extra == b"\xee" * 5


def test_auth_assembler_forgets_the_oldest_sender_beyond_its_bound():
    pages = auth_pages(bytes(50), 2)
    assembler = AuthAssembler(max_senders=2)
    assembler.add("a", pages[0])
    assembler.add("b", pages[0])
    assembler.add("c", pages[0])
    assert assembler.add("a", pages[1]) is None
    assert assembler.add("a", pages[2]) is None  # page 0 of "a" was dropped


def test_empty_pack_is_valid_and_holds_nothing():
    assert decode_payload(encode_pack([])) == []
