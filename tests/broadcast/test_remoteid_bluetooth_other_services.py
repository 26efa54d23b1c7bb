"""Bluetooth advertisements carry many services; only ASTM Remote ID service data is read.

A phone or a tracker tag next to the drone advertises other 16-bit service data (Google
Fast Pair 0xFE2C, Eddystone 0xFEAA) and other AD types (flags, names). Remote ID is service
data (AD type 0x16) with UUID 0xFFFA and application code 0x0D only (F3411-22a, Bluetooth
transport); everything else in the same advertisement is passed over, not misread.
"""

from __future__ import annotations

import pytest

from dronevet.broadcast.remoteid.transport_bluetooth import payloads
from dronevet.capture.ble import PDU_ADV_NONCONN_IND, Advertisement

ADDRESS = bytes.fromhex("1c2febea7de0")  # e0:7d:ea:eb:2f:1c, least significant byte first
MESSAGE = bytes([0x52, 0x00]) + b"OP-1".ljust(20, b"\0") + bytes(3)  # an Operator ID


def ad(kind: int, data: bytes) -> bytes:
    return bytes([len(data) + 1, kind]) + data


def advertisement(*structures: bytes) -> Advertisement:
    return Advertisement(PDU_ADV_NONCONN_IND, False, ADDRESS, b"".join(structures))


REMOTE_ID = ad(0x16, b"\xfa\xff\x0d\x07" + MESSAGE)  # counter 7


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(ad(0x16, b"\x2c\xfe\x0d\x07" + MESSAGE), id="fast-pair-uuid-0xfe2c"),
        pytest.param(ad(0x16, b"\xfa\xff\x0e\x07" + MESSAGE), id="remote-id-uuid-other-app-code"),
        pytest.param(ad(0x09, b"\xfa\xff\x0d\x07" + MESSAGE), id="complete-name-ad-type"),
        pytest.param(ad(0x01, b"\x06"), id="flags"),
    ],
)
def test_other_service_data_beside_remote_id_is_passed_over(other: bytes) -> None:
    (payload,) = payloads(advertisement(other, REMOTE_ID))
    assert (payload.data, payload.counter, payload.mac) == (MESSAGE, 7, "e0:7d:ea:eb:2f:1c")
    assert list(payloads(advertisement(other))) == []
