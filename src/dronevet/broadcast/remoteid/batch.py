"""Decode millions of Remote ID messages at once: numpy columns instead of objects.

`decode_messages` takes an (N, 25) uint8 array of single messages and returns one column
per declared field (`decode.MESSAGE_TYPES`), named by its key, equal to what
`decode.decode_payload` gives message by message:
- `msg_type` int8: 0-5, or -1 for a message that cannot be decoded (unknown type, a pack,
  a message its type's `Check` rejects); `version` int8.
- numbers (`FLOAT` fields) float64: metres, m/s, degrees, seconds; accuracies as the metres
  or m/s their code stands for; NaN where unknown or where the message type does not carry
  the field. Times (`TIME_2019`) float64 Unix seconds.
- codes (`LABEL`) and whole numbers (`INT`) as the smallest signed integers that hold them,
  -1 where absent.
- texts (`TEXT`, `UAS_ID`) as the raw NUL-padded bytes (a specific-session UAS ID stays
  binary here; the scalar decoder shows it in hex). Authentication data has no column.

Each field's column is computed the way its declaration says (`fields.Field`), the same
arithmetic the scalar decoder compiles, so the two agree to the bit.

`unpack_packs` cuts payloads (message packs or single messages) out of one byte buffer
into such an array. Each message type's rows are gathered once and viewed through the
numpy dtype its declaration derives, so the work is a handful of array passes per field.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid.common import MESSAGE_SIZE
from dronevet.broadcast.remoteid.decode import MESSAGE_TYPES
from dronevet.broadcast.remoteid.fields import VERSION, Bits, Field, Kind
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.message_pack import (
    PACK_HEADER,
    PACK_MAX_MESSAGES,
    PACK_MAX_MESSAGES_VERSION_0,
    PACK_TYPE,
)

Array = npt.NDArray[np.generic]
U8 = npt.NDArray[np.uint8]
Columns = dict[str, Array]


def column_dtype(field: Field) -> np.dtype[Any] | None:
    """The dtype of a field's batch column; None for a field without one."""
    kind = field.kind
    if kind is Kind.AUTH_DATA:
        return None
    if kind in (Kind.FLOAT, Kind.TIME_2019):
        return np.dtype(np.float64)
    if kind in (Kind.TEXT, Kind.UAS_ID):
        return np.dtype(field.bits.unit)
    return np.dtype(f"i{_signed_bytes(field.bits.bits)}")


def _signed_bytes(bits: int) -> int:
    """Bytes of the smallest signed integer holding every `bits`-bit value and -1."""
    return next(size for size in (1, 2, 4, 8) if bits < 8 * size)


_OPERATIONS = {"*": operator.mul, "/": operator.truediv, "+": operator.add}


def _number(field: Field, raw: Any) -> Any:
    for op, operand in field.operations:
        raw = _OPERATIONS[op](raw, operand)
    return raw


def _table(field: Field, absent: Any) -> Array | None:
    """The value of every raw value of a code with a meaning, or of a number of at most 8
    unsigned bits that takes arithmetic or an unknown test; None for other fields."""
    if field.meaning is not None:
        return np.array([np.nan if value is None else value for value in field.meaning])
    if field.rule is not None or field.labels is not None or field.bits.is_bytes:
        return None
    low, high = field.bits.raw_range
    unknowable = field.unknown is not None or field.top is not None
    if low != 0 or high > 255 or not (field.operations or unknowable):
        return None
    every = np.arange(high + 1, dtype=np.dtype(field.bits.unit))
    table: Array = _unknown_to(absent, field, every, _number(field, every))
    return table


def _unknown_to(absent: Any, field: Field, raw: Any, value: Any) -> Any:
    """`value`, with `absent` where the raw value is unknown."""
    unknown = None
    if field.unknown_alone is not None:
        unknown = raw == field.unknown_alone
    if field.top is not None:
        over = raw > field.top
        unknown = over if unknown is None else unknown | over
    return value if unknown is None else np.where(unknown, absent, value)


@dataclass(frozen=True, slots=True)
class _Place:
    """How to read raw values of a `Bits` from a record array: unit, shift, mask."""

    unit: str
    low: int
    mask: int | None
    """None: the field reaches the unit's top bit, nothing to mask."""

    @classmethod
    def of(cls, bits: Bits) -> _Place:
        """The reading of `bits`."""
        return cls(bits.unit_name, bits.low, bits.mask if bits.masked else None)

    def read(self, rec: Any) -> Any:
        """The raw values."""
        raw = rec[self.unit]
        if self.low:
            raw = raw >> self.low
        return raw if self.mask is None else raw & self.mask


@dataclass(frozen=True, slots=True)
class _Column:
    """What decoding a field's column needs, worked out from its declaration once."""

    field: Field
    place: _Place
    flag: _Place | None
    """Where its rule's flag is."""
    dtype: np.dtype[Any] | None
    absent: Any
    """NaN, -1 or empty, typed as the column (so that `np.where` keeps its type)."""
    table: Array | None
    """The value of every raw value (`_table`): a lookup costs less than the arithmetic and
    the unknown test."""
    raw_is_value: bool
    """A code or a text: the column holds the raw value itself."""

    @classmethod
    def of(cls, field: Field) -> _Column:
        """The column of `field`."""
        dtype = column_dtype(field)
        if field.kind in (Kind.FLOAT, Kind.TIME_2019):
            absent: Any = np.nan
        else:
            absent = b"" if field.kind in (Kind.TEXT, Kind.UAS_ID) else -1
        typed_absent = np.array(absent, dtype=dtype)
        raw_is_value = field.labels is not None or field.bits.is_bytes
        flag = field.rule.flag if field.rule is not None else None
        return cls(field, _Place.of(field.bits), None if flag is None else _Place.of(flag), dtype,
                   typed_absent, _table(field, typed_absent), raw_is_value)  # fmt: skip

    def empty(self, n: int) -> Array:
        """The column of `n` messages of other types: absent everywhere."""
        if self.dtype is not None and self.dtype.kind == "S":
            return np.zeros(n, self.dtype)
        return np.full(n, self.absent.item(), self.dtype)


_PLAN = {message.code: [_Column.of(field) for field in message.fields]
         for message in MESSAGE_TYPES}  # fmt: skip
"""Every message type's columns, by type code."""
_KNOWN_TYPE = np.full(16, -1, dtype=np.int8)
"""A header's type nibble -> the type code, or -1 for a type without a declaration."""
for _message in MESSAGE_TYPES:
    _KNOWN_TYPE[_message.code] = _message.code


def decode_messages(msgs: npt.ArrayLike) -> Columns:
    """Columns of every field of N 25-byte messages (see the module docstring)."""
    array = np.ascontiguousarray(msgs, dtype=np.uint8)
    if array.ndim != 2 or array.shape[1] != MESSAGE_SIZE:
        raise ValueError(f"expected an (N, 25) uint8 array, got shape {array.shape}")
    n = len(array)
    kinds = (array[:, 0] >> 4).astype(np.int8)
    versions = (array[:, 0] & 0x0F).astype(np.int8)
    cols: Columns = {"msg_type": _KNOWN_TYPE.take(kinds), "version": versions}
    for columns in _PLAN.values():
        cols.update((c.field.key, c.empty(n)) for c in columns if c.dtype is not None)
    for message in MESSAGE_TYPES:
        rows = np.flatnonzero(kinds == message.code)
        _decode_type(message, array[rows].view(message.dtype)[:, 0], rows, cols)
    return cols


def _value(column: _Column, raw: Any, rec: Any, numbers: dict[str, Any]) -> Any:
    """A field's column over its type's rows, before its condition; None: no column."""
    field, rule = column.field, column.field.rule
    if rule is not None:
        flag = column.flag.read(rec) if column.flag is not None else 0
        return rule.column(raw, flag, numbers[rule.context] if rule.context else None)
    if column.table is not None:
        return column.table[raw]
    if column.raw_is_value:
        return raw
    value = numbers[field.key] if field.key in numbers else _number(field, raw)
    return _unknown_to(column.absent, field, raw, value)


def _decode_type(message: MessageFields[Any], rec: Any, rows: Array, cols: Columns) -> None:
    """Fill the columns of one message type's rows (`rec`: them through its dtype)."""
    columns = _PLAN[message.code]
    raws = {c.field.key: c.place.read(rec) for c in columns}
    numbers: dict[str, Any] = {}
    if message.reads_version:
        numbers[VERSION] = cols["version"][rows]
    for key in message.number_keys:
        numbers[key] = _number(message.field(key), raws[key])
    present = {c: c.test(*(numbers[key] for key in c.keys)) for c in message.conditions}
    values: Columns = {}
    for column in columns:
        field = column.field
        value = _value(column, raws[field.key], rec, numbers)
        if value is None:
            continue
        if field.when is not None:
            value = np.where(present[field.when], value, column.absent)
        values[field.key] = value
    if message.check is not None:
        bad = message.check.bad(values)
        if bad.any():
            cols["msg_type"][rows[bad]] = -1
            rows, values = rows[~bad], {key: value[~bad] for key, value in values.items()}
    for key, value in values.items():
        cols[key][rows] = value


# Why `unpack_packs` rejected a payload (status codes; 0 = decoded).
PACK_OK = 0
PACK_REASONS = {
    1: "payload shorter than a message or a pack header",
    2: "message pack announces messages that are not 25 bytes",
    3: "message pack announces more messages than its version allows (10 at 0, else 9)",
    4: "message pack is shorter than the messages it announces",
}


@dataclass(frozen=True, slots=True)
class UnpackedPayloads:
    """Messages cut out of many payloads, and which payload each came from."""

    messages: U8  # (K, 25)
    source: npt.NDArray[np.int64]  # (K,) index of the payload each message came from
    status: npt.NDArray[np.int8]  # (M,) 0 for a payload decoded, else a PACK_REASONS key


def unpack_packs(
    buffer: npt.ArrayLike, offsets: npt.ArrayLike, lengths: npt.ArrayLike
) -> UnpackedPayloads:
    """Cut the messages out of M payloads lying at `offsets` (with `lengths`) in `buffer`.

    A payload is a message pack (type 0xF) or a single 25-byte message. Malformed payloads
    yield no messages and a non-zero status; the others are unaffected.
    """
    data = np.asarray(buffer, dtype=np.uint8).reshape(-1)
    start = np.asarray(offsets, dtype=np.int64)
    length = np.asarray(lengths, dtype=np.int64)
    m = len(start)
    status = np.zeros(m, dtype=np.int8)
    usable = (length >= 1) & (start >= 0) & (start + length <= len(data))
    if not len(data):
        data = np.zeros(1, dtype=np.uint8)  # nothing is usable; keeps the gathers in bounds
    safe = np.where(usable, start, 0)
    last = len(data) - 1
    header = np.where(usable, data[np.minimum(safe, last)], 0)
    is_pack = (header >> 4) == PACK_TYPE
    size = data[np.minimum(safe + 1, last)]
    count = data[np.minimum(safe + 2, last)].astype(np.int64)
    short_pack = is_pack & (length < PACK_HEADER)
    count = np.where(is_pack, count, 1)
    status[~usable | short_pack | (~is_pack & (length < MESSAGE_SIZE))] = 1
    status[(status == 0) & is_pack & (size != MESSAGE_SIZE)] = 2
    limit = np.where(header & 0x0F == 0, PACK_MAX_MESSAGES_VERSION_0, PACK_MAX_MESSAGES)
    status[(status == 0) & is_pack & (count > limit)] = 3
    body = np.where(is_pack, PACK_HEADER, 0)
    status[(status == 0) & (body + count * MESSAGE_SIZE > length)] = 4
    count = np.where(status == 0, count, 0)
    source = np.repeat(np.arange(m, dtype=np.int64), count)
    first_of = np.cumsum(count) - count
    within = np.arange(len(source), dtype=np.int64) - first_of[source]
    begin = start[source] + body[source] + within * MESSAGE_SIZE
    if len(data) < MESSAGE_SIZE:  # no payload can hold a message
        return UnpackedPayloads(np.empty((0, MESSAGE_SIZE), np.uint8), source, status)
    windows = np.lib.stride_tricks.sliding_window_view(data, MESSAGE_SIZE)  # no copy
    return UnpackedPayloads(windows[begin], source, status)
