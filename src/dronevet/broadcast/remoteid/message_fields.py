"""A Remote ID message type declared once: its code, contract name, dataclass and fields.

`MessageFields` checks a declaration (see `fields.py` for what a field declares) and
derives from it what the decoders need: the `struct` of the numeric units the scalar
decoder unpacks, the numpy dtype the batch decoder views rows through, and, compiled from
the fields (`scalar.py`), `decode(data, version)` and `record(message)`.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np

from dronevet.broadcast.remoteid import scalar
from dronevet.broadcast.remoteid.common import MESSAGE_SIZE
from dronevet.broadcast.remoteid.fields import VERSION, Bits, Check, Field

HEADER = 1
"""Byte 0 is the header (message type and protocol version): fields start at byte 1."""

M = TypeVar("M")


class MessageFields(Generic[M]):
    """One message type: `code` (the header's type), `name` (the contract's `msg_type`), the
    dataclass `message` the scalar decoder returns (`version` first, then an attribute per
    field), `fields` in the contract's order, and an optional `check` of whole messages."""

    def __init__(self, code: int, name: str, message: type[M], fields: tuple[Field, ...],
                 check: Check | None = None) -> None:  # fmt: skip
        self.code = code
        self.name = name
        self.message = message
        self.fields = fields
        self.check = check
        names = [f.name for f in dataclasses.fields(message)]  # type: ignore[arg-type]
        self.attrs = tuple(names[1:])
        """The message dataclass's attributes after `version`, in its order."""
        self._by_key = {f.key: f for f in fields}
        self._validate(names[0])
        wanted = {key for f in fields for key in _reads(f)}
        self.reads_version = VERSION in wanted
        """Whether a condition or a rule reads the protocol version."""
        self.number_keys = tuple(f.key for f in fields if f.key in wanted)
        """Keys of the fields whose numbers a condition or a rule reads, in declaration order."""
        self.conditions = tuple(dict.fromkeys(f.when for f in fields if f.when is not None))
        """The distinct conditions of the fields, in declaration order."""
        flags = [f.rule.flag for f in fields if f.rule is not None and f.rule.flag is not None]
        numeric = {b.whole for b in [*(f.bits for f in fields), *flags] if not b.is_bytes}
        self.units = sorted(numeric, key=lambda b: b.byte)
        """The numeric units the fields sit in, in wire order (they never overlap)."""
        self.struct = struct.Struct(_struct_format(self.units))
        strings = [f.bits.whole for f in fields if f.bits.is_bytes]
        self.dtype = _record_dtype([*self.units, *strings])
        """Every unit at its offset in the 25 bytes (a string may overlap numeric units:
        authentication data on pages 1-15 lies where page 0 has its header)."""
        self.decode: Callable[[bytes, int], M] = scalar.decoder(self)
        self.record: Callable[[M], dict[str, Any]] = scalar.recorder(self)

    def field(self, key: str) -> Field:
        """The field named `key`."""
        return self._by_key[key]

    def _validate(self, first: str) -> None:
        where = f"{self.name} (message type {self.code})"
        if first != VERSION:
            raise ValueError(f"{where}: {self.message.__name__} must start with `version`")
        if len(self._by_key) != len(self.fields):
            raise ValueError(f"{where}: a key is declared twice")
        declared = sorted(f.name for f in self.fields)
        if declared != sorted(self.attrs):
            raise ValueError(f"{where}: the fields {declared} are not the attributes "
                             f"{sorted(self.attrs)} of {self.message.__name__}")  # fmt: skip
        known = {*self._by_key, VERSION}
        for f in self.fields:
            if not f.key.isidentifier():
                raise ValueError(f"{where}: the key {f.key!r} is not an identifier")
            if not set(_reads(f)) <= known:
                raise ValueError(f"{where}: {f.key} reads undeclared {set(_reads(f)) - known}")
            for place in (f.bits, f.rule.flag if f.rule is not None else None):
                if place is not None and not _fits(place):
                    raise ValueError(f"{where}: {f.key} lies outside bytes 1-24 or its unit")


def _reads(field: Field) -> list[str]:
    """The keys (or `version`) whose numbers a field's condition and rule read."""
    keys = list(field.when.keys) if field.when is not None else []
    if field.rule is not None and field.rule.context is not None:
        keys.append(field.rule.context)
    return keys


def _fits(place: Bits) -> bool:
    inside = place.byte >= HEADER and place.byte + place.size <= MESSAGE_SIZE
    return inside and place.low + place.bits <= 8 * place.size


def _struct_format(units: list[Bits]) -> str:
    """`struct` format of the numeric units, pad bytes before and between them."""
    codes, at = ["<"], 0
    for unit in units:
        if unit.byte < at:
            raise ValueError(f"the unit at byte {unit.byte} overlaps the one before it")
        codes.append("x" * (unit.byte - at) + unit.code)
        at = unit.byte + unit.size
    return "".join(codes)


def _record_dtype(units: list[Bits]) -> np.dtype[np.void]:
    return np.dtype({
        "names": [u.unit_name for u in units], "formats": [u.unit for u in units],
        "offsets": [u.byte for u in units], "itemsize": MESSAGE_SIZE,
    })  # fmt: skip
