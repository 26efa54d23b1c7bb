"""The batch path says what it refused and why, code by code, as the scalar path does.

Millions of payloads go through `unpack_packs` and `decode_messages` at once; a refused one
must be marked (status code, or message type -1) and never fill columns, so the records and
the skip tally built from the columns match the streaming path's.
"""

from __future__ import annotations

import math

import numpy as np

from dronevet.broadcast.remoteid.batch import PACK_REASONS, decode_messages, unpack_packs

OPERATOR_ID = bytes([0x52, 0x00]) + b"OP-1".ljust(20, b"\0") + bytes(3)


def test_each_refused_payload_gets_the_status_code_of_its_reason() -> None:
    payloads = [
        bytes([0xF2, 25, 1]) + OPERATOR_ID,  # 0: a good pack
        b"\x52\x00",  # 1: shorter than a message
        bytes([0xF2, 24, 1]) + OPERATOR_ID,  # 2: messages of 24 bytes announced
        bytes([0xF2, 25, 10]) + OPERATOR_ID * 10,  # 3: 10 messages, more than 9
        bytes([0xF2, 25, 2]) + OPERATOR_ID,  # 4: 2 announced, 1 present
    ]
    lengths = [len(p) for p in payloads]
    offsets = np.cumsum([0, *lengths[:-1]])
    out = unpack_packs(np.frombuffer(b"".join(payloads), np.uint8), offsets, lengths)
    assert out.status.tolist() == [0, 1, 2, 3, 4]
    assert out.source.tolist() == [0]  # only the good pack gives a message
    assert PACK_REASONS[4] == "message pack is shorter than the messages it announces"


def test_an_auth_page_0_whose_length_does_not_fit_its_pages_is_refused_in_the_columns() -> None:
    # last page index 1: at most 17 + 23 = 40 bytes; 41 announced
    bad = bytes([0x22, 0x10, 1, 41]) + bytes(21)
    good = bytes([0x22, 0x10, 1, 40]) + bytes(21)
    cols = decode_messages(np.frombuffer(bad + good, np.uint8).reshape(2, 25))
    assert cols["msg_type"].tolist() == [-1, 2]
    assert (cols["auth_type"][0], cols["auth_page"][0], cols["auth_length"][0]) == (-1, -1, -1)
    assert math.isnan(cols["auth_timestamp"][0])
    assert cols["auth_length"][1] == 40
