"""Decoded Remote ID messages are values: equal when the bytes are, hashable, unchangeable.

A drone repeats each message several times a second on every transport it has; a receiver
deduplicates them by value (a set, a dict key) and hands the same object to the tracker,
the writers and the MQTT publisher, none of which may change it. Each message module's own
decoder (`decode_location(data, version)`, ...) is public and reads its type on its own.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from dronevet.broadcast.remoteid import auth, basic_id, location, operator_id, self_id, system
from dronevet.broadcast.remoteid.decode import decode_message
from dronevet.broadcast.remoteid.encode import encode_message
from dronevet.broadcast.remoteid.enums import (
    AuthType,
    CategoryEu,
    ClassEu,
    ClassificationType,
    HeightType,
    HorizontalAccuracy,
    IdType,
    OperationalStatus,
    OperatorIdType,
    OperatorLocationType,
    SelfIdType,
    SpeedAccuracy,
    UaType,
    VerticalAccuracy,
)

MESSAGES = {
    "basic_id": basic_id.BasicIdMessage(2, IdType.SERIAL_NUMBER, UaType.AEROPLANE, "SN-1"),
    "location": location.LocationMessage(
        2, OperationalStatus.AIRBORNE, HeightType.ABOVE_TAKEOFF, 90.0, 12.5, 0.5, 48.1, 11.5,
        None, 120.0, 40.0, HorizontalAccuracy.M_3, VerticalAccuracy.M_3, VerticalAccuracy.M_10,
        SpeedAccuracy.MPS_1, 120.0, 0.1,
    ),
    "auth": auth.AuthMessage(2, AuthType.UAS_ID_SIGNATURE, 0, 0, 3,
                             datetime(2024, 5, 1, tzinfo=UTC), b"sig".ljust(17, b"\0")),
    "self_id": self_id.SelfIdMessage(2, SelfIdType.TEXT, "Survey"),
    "system": system.SystemMessage(
        2, OperatorLocationType.TAKEOFF, 48.1, 11.5, 1, 50.0, None, None,
        ClassificationType.EU, CategoryEu.OPEN, ClassEu.CLASS_1, 520.0,
        datetime(2024, 5, 1, tzinfo=UTC),
    ),
    "operator_id": operator_id.OperatorIdMessage(2, OperatorIdType.OPERATOR_ID, "FIN87astrdge12k8"),
}  # fmt: skip
OWN_DECODERS = {
    "basic_id": basic_id.decode_basic_id, "location": location.decode_location,
    "auth": auth.decode_auth, "self_id": self_id.decode_self_id,
    "system": system.decode_system, "operator_id": operator_id.decode_operator_id,
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_repeated_broadcasts_of_one_message_deduplicate_to_one_value(kind: str) -> None:
    wire = encode_message(MESSAGES[kind])  # type: ignore[arg-type]
    heard = [decode_message(wire) for _ in range(3)]  # the drone repeats itself
    assert len(set(heard)) == 1
    assert {heard[0]: "seen"}[heard[2]] == "seen"


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_a_decoded_message_cannot_be_changed_by_its_readers(kind: str) -> None:
    msg = decode_message(encode_message(MESSAGES[kind]))  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.version = 9  # type: ignore[misc]


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_each_message_modules_own_decoder_reads_its_type(kind: str) -> None:
    wire = encode_message(MESSAGES[kind])  # type: ignore[arg-type]
    own = OWN_DECODERS[kind](wire, 2)
    assert type(own) is type(MESSAGES[kind])
    assert own == decode_message(wire)
