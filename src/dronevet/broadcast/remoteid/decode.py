"""Decode ASTM F3411 Remote ID payloads: one message or a message pack, into typed messages.

`decode_payload` takes the bytes a transport (Wi-Fi beacon, NAN, Bluetooth) carries after
its own header and returns one frozen dataclass per message; `message_record` turns one into
the JSON-safe dict of the `dronevet rid` contract. The message type in the header picks the
decoder compiled from that type's declaration (`MESSAGE_TYPES`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dronevet.broadcast.remoteid import (
    auth,
    basic_id,
    location,
    operator_id,
    self_id,
    system,
)
from dronevet.broadcast.remoteid.common import MESSAGE_SIZE, MessageError
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.message_pack import PACK_TYPE, split_pack

RemoteIdMessage = (
    basic_id.BasicIdMessage
    | location.LocationMessage
    | auth.AuthMessage
    | self_id.SelfIdMessage
    | system.SystemMessage
    | operator_id.OperatorIdMessage
)

__all__ = ["MessageError", "RemoteIdMessage", "decode_message", "decode_payload", "message_record"]

MESSAGE_TYPES: tuple[MessageFields[Any], ...] = (
    basic_id.FIELDS, location.FIELDS, auth.FIELDS, self_id.FIELDS, system.FIELDS,
    operator_id.FIELDS,
)  # fmt: skip
"""Every message type's declaration, in type code order (the Message Pack aside)."""
DECODERS: dict[int, Callable[[bytes, int], RemoteIdMessage]] = {
    fields.code: fields.decode for fields in MESSAGE_TYPES
}


def decode_message(data: bytes) -> RemoteIdMessage:
    """Decode one 25-byte message (not a pack); MessageError when it cannot be."""
    if len(data) < MESSAGE_SIZE:
        raise MessageError(f"message of {len(data)} bytes is shorter than 25")
    msg_type, version = data[0] >> 4, data[0] & 0x0F
    decoder = DECODERS.get(msg_type)
    if decoder is None:
        what = "message pack inside a message pack" if msg_type == PACK_TYPE else "message type"
        raise MessageError(f"unknown {what} {msg_type:#x}")
    message: RemoteIdMessage = decoder(data, version)
    return message


def decode_payload(
    data: bytes, *, errors: list[MessageError] | None = None
) -> list[RemoteIdMessage]:
    """Decode a single message or every message of a message pack.

    A malformed pack, or a malformed single message, raises MessageError. A malformed
    message inside a well-formed pack raises too, unless `errors` is given: then it is
    appended there and the pack's other messages are still returned.
    """
    if not data:
        raise MessageError("empty Remote ID payload")
    if data[0] >> 4 != PACK_TYPE:
        return [decode_message(data)]
    messages = []
    for index, part in enumerate(split_pack(data)):
        try:
            messages.append(decode_message(part))
        except MessageError as error:
            if errors is None:
                raise
            errors.append(MessageError(f"message {index + 1} of the pack: {error.reason}"))
    return messages


def message_record(msg: RemoteIdMessage) -> dict[str, Any]:
    """The JSON-safe dict of one message: `msg_type`, `version` and its own fields."""
    return {"msg_type": msg.msg_type, "version": msg.version, **msg.record()}
