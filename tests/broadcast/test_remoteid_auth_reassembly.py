"""Authentication pages as a receiver gets them: repeated, interleaved, of a new signature.

A transmitter repeats its authentication pages in a loop (F3411-22a 5.4.5.7: the receiver
collects pages 0..last per sender). Real reception repeats pages, misses some, and sees a
new signature start (new timestamp, sometimes a new authentication type) while the old one
is half collected. The assembler must never return a set that mixes two signatures.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from dronevet.broadcast.remoteid.auth import AuthAssembler, AuthMessage
from dronevet.broadcast.remoteid.batch import decode_messages
from dronevet.broadcast.remoteid.common import EPOCH_2019
from dronevet.broadcast.remoteid.decode import MessageError, decode_message, decode_payload
from dronevet.broadcast.remoteid.encode import encode_message
from dronevet.broadcast.remoteid.enums import AuthType

SENDER = "e0:7d:ea:eb:2f:1c"


def signature(data: bytes, last_page: int, *, days: int = 1500,
              auth_type: AuthType = AuthType.UAS_ID_SIGNATURE) -> list[AuthMessage]:  # fmt: skip
    """Pages 0..last_page carrying `data`, sent and received over the wire."""
    joined = data.ljust(17 + 23 * last_page, b"\0")
    first = AuthMessage(2, auth_type, 0, last_page, len(data),
                        EPOCH_2019 + timedelta(days=days), joined[:17])  # fmt: skip
    rest = [AuthMessage(2, auth_type, page, None, None, None,
                        joined[17 + 23 * (page - 1) : 17 + 23 * page])
            for page in range(1, last_page + 1)]  # fmt: skip
    return [decode_message(encode_message(page)) for page in [first, *rest]]  # type: ignore[misc]


OLD = signature(bytes(range(60)), 2, days=1500)
NEW = signature(bytes(range(100, 160)), 2, days=1501)


def test_a_set_is_not_returned_before_its_last_page_arrives() -> None:
    assembler = AuthAssembler()
    assert assembler.add(SENDER, OLD[0]) is None
    assert assembler.add(SENDER, OLD[1]) is None  # page 2 of 0..2 still missing
    done = assembler.add(SENDER, OLD[2])
    assert done is not None and done.data == bytes(range(60))


def test_a_repeated_page_0_keeps_the_pages_already_collected() -> None:
    assembler = AuthAssembler()
    assembler.add(SENDER, OLD[0])
    assembler.add(SENDER, OLD[1])
    assert assembler.add(SENDER, OLD[0]) is None  # the same page heard again
    done = assembler.add(SENDER, OLD[2])
    assert done is not None and done.data == bytes(range(60))


def test_a_new_page_0_starts_the_set_over_and_old_pages_are_not_mixed_in() -> None:
    assembler = AuthAssembler()
    assembler.add(SENDER, OLD[0])
    assembler.add(SENDER, OLD[1])
    assembler.add(SENDER, NEW[0])  # a new signature (a day later) begins
    assert assembler.add(SENDER, NEW[2]) is None  # NEW page 1 not heard yet
    done = assembler.add(SENDER, NEW[1])
    assert done is not None and done.data == bytes(range(100, 160))
    assert done.timestamp == EPOCH_2019 + timedelta(days=1501)


def test_a_page_of_another_authentication_type_starts_the_set_over() -> None:
    other = signature(bytes(range(100, 140)), 1, auth_type=AuthType.MESSAGE_SET_SIGNATURE)
    assembler = AuthAssembler()
    assembler.add(SENDER, OLD[1])  # UAS ID signature, page 1
    # a message set signature's page 0 (pages 0..1) must not complete with that page 1
    assert assembler.add(SENDER, other[0]) is None
    done = assembler.add(SENDER, other[1])
    assert done is not None and done.auth_type == AuthType.MESSAGE_SET_SIGNATURE
    assert done.data == bytes(range(100, 140))


def test_the_sender_bound_keeps_exactly_max_senders_partial_sets() -> None:
    assembler = AuthAssembler(max_senders=2)
    assembler.add("drone-a", OLD[0])
    assembler.add("drone-b", OLD[0])  # two senders: both fit
    assembler.add("drone-a", OLD[1])
    done = assembler.add("drone-a", OLD[2])
    assert done is not None and done.data == bytes(range(60))


def test_a_signature_announcing_no_data_assembles_to_empty_data() -> None:
    (page,) = signature(b"", 0)
    done = AuthAssembler().add(SENDER, page)
    assert done is not None and (done.data, done.extra) == (b"", b"")


@pytest.mark.parametrize("version", [1, 2])
def test_last_page_index_15_is_the_most_a_page_0_may_announce(version: int) -> None:
    # byte 2 = last page index (version 1 on): 15 means 16 pages, the F3411 maximum
    header = bytes([0x20 | version, 0x10])
    fits = header + bytes([15, 200]) + bytes(21)  # 200 <= 17 + 15 * 23 bytes
    too_many = header + bytes([16, 200]) + bytes(21)
    (msg,) = decode_payload(fits)
    assert msg.last_page == 15  # type: ignore[union-attr]
    with pytest.raises(MessageError, match="last page index 16 is over 15"):
        decode_payload(too_many)
    cols = decode_messages(np.frombuffer(fits + too_many, np.uint8).reshape(2, 25))
    assert cols["msg_type"].tolist() == [2, -1]
    assert cols["auth_last_page"][0] == 15


def test_version_0_page_count_16_is_the_most_a_page_0_may_announce() -> None:
    # F3411-19 byte 2 = page count: 16 pages (last index 15) is the maximum
    (msg,) = decode_payload(bytes([0x20, 0x10, 16, 200]) + bytes(21))
    assert msg.last_page == 15  # type: ignore[union-attr]
    with pytest.raises(MessageError, match="over 15"):
        decode_payload(bytes([0x20, 0x10, 17, 200]) + bytes(21))


def test_a_page_handed_over_with_trailing_padding_reads_only_its_25_bytes() -> None:
    # some Bluetooth 4 transmitters pad the service data after the 25-byte message
    page0, page1 = signature(bytes(range(40)), 1)
    padded0 = encode_message(page0) + b"\xaa\xbb"
    padded1 = encode_message(page1) + b"\xaa\xbb"
    assert decode_message(padded0).data == bytes(range(17))  # type: ignore[union-attr]
    assert decode_message(padded1).data == bytes(range(17, 40))  # type: ignore[union-attr]
