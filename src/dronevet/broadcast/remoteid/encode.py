"""Encode Remote ID messages to their 25-byte wire form: the inverse of the decoders.

Used to build test frames and transmitter simulations. Each field is written where its
declaration (`fields.Field`) puts it: a number as `round((value - offset) * per / step)`,
clamped to the raw range the field can carry (`Field.encodable`: vertical speeds beyond
+-62 m/s become +-62, as the Open Drone ID reference encoder does; speeds over 254.25 m/s
become 254.25); a code as itself; a text as ASCII padded with NULs; None as the field's
"unknown" value (0 where it has none). Fields sharing a byte each OR in their own bits. A
code too large for its bits, or a time before 2019, raises ValueError naming the field.
"""

from __future__ import annotations

import operator
import struct
from collections.abc import Sequence
from typing import Any

from dronevet.broadcast.remoteid.common import MESSAGE_SIZE
from dronevet.broadcast.remoteid.decode import MESSAGE_TYPES, RemoteIdMessage
from dronevet.broadcast.remoteid.fields import VERSION, Bits, Field
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.message_pack import PACK_TYPE, max_messages

_BY_CLASS: dict[type, MessageFields[Any]] = {fields.message: fields for fields in MESSAGE_TYPES}


def _header(msg_type: int, version: int) -> int:
    return (msg_type << 4) | (version & 0x0F)


_INVERSES = {"*": operator.truediv, "/": operator.mul, "+": operator.sub}


def _number(field: Field, value: float) -> int:
    raw = value
    for op, operand in reversed(field.operations):
        raw = _INVERSES[op](raw, operand)
    low, high = field.encodable
    return min(max(round(raw), low), high)


def _raw(field: Field, value: Any) -> Any:
    """The raw value of one field without a rule."""
    if value is None:
        return field.unknown or 0
    if field.labels is not None:
        return int(value)
    if field.bits.is_bytes:
        return value.encode("ascii", "replace")
    return _number(field, value)


def _put(wire: bytearray, bits: Bits, raw: Any, where: str) -> None:
    """OR a raw value into its bits (fields that share bytes each add their own)."""
    if bits.is_bytes:
        data = bytes(raw[: bits.size]).ljust(bits.size, b"\0")
    else:
        low, high = bits.raw_range
        if not low <= raw <= high:
            raise ValueError(f"{where}: {raw} does not fit in its {bits.bits} bits")
        data = struct.pack(f"<{bits.code}", raw << bits.low)
    for index, byte in enumerate(data, bits.byte):
        wire[index] |= byte


def encode_message(msg: RemoteIdMessage) -> bytes:
    """25 bytes of any message."""
    fields = _BY_CLASS[type(msg)]
    wire = bytearray(MESSAGE_SIZE)
    wire[0] = _header(fields.code, msg.version)
    for field in fields.fields:
        value, rule, where = getattr(msg, field.name), field.rule, f"{fields.name} {field.key}"
        if rule is None:
            _put(wire, field.bits, _raw(field, value), where)
            continue
        raw, flag = rule.raw(value, _context(fields, msg, rule.context))
        _put(wire, field.bits, raw, where)
        if rule.flag is not None:
            _put(wire, rule.flag, flag, where)
    return bytes(wire)


def _context(fields: MessageFields[Any], msg: RemoteIdMessage, key: str | None) -> Any:
    """What a rule reads: the version, or another field's value (a code is its number)."""
    if key is None:
        return None
    return msg.version if key == VERSION else getattr(msg, fields.field(key).name)


def encode_pack(messages: Sequence[bytes], version: int = 2) -> bytes:
    """A message pack around up to 9 encoded messages (10 at protocol version 0)."""
    header = _header(PACK_TYPE, version)
    limit = max_messages(header)
    if len(messages) > limit or any(len(m) != MESSAGE_SIZE for m in messages):
        raise ValueError(
            f"a version {version} message pack holds at most {limit} messages of 25 bytes"
        )
    return bytes((header, MESSAGE_SIZE, len(messages))) + b"".join(messages)
