"""The vocabulary of Remote ID field declarations: each field of a message type said once.

Each message module (`basic_id`, `location`, `auth`, `self_id`, `system`, `operator_id`)
declares its type as one `message_fields.MessageFields`: the type code, its `msg_type` in the
`dronevet rid` contract, the frozen dataclass the scalar decoder returns, and one `Field` per
value, in the order the contract writes them. A `Field` says, once:
- its output name `key` (the contract's key; `attr` when the dataclass names it otherwise);
- where it sits: `Bits(byte, unit, low, width)`, the byte offset and numpy type of the unit
  holding it (`u1`, `i1`, `<u2`, `<i4`, `<u4`: the type carries width and signedness; `S20`
  ASCII padded with NULs; `V23` binary) and the bits of that unit it takes (`low` is the
  lowest, `width` 0 takes the whole unit);
- its value: a code of the enumeration `labels` (`enums.py`), written as its label or, with
  `meaning`, as the number that code stands for (accuracy classes in metres); or a number
  `raw * step / per + offset` (dividing by `per` rather than multiplying by its inverse
  gives the double nearest the decimal: 455457468 / 10**7 prints as 45.5457468); or text;
- when it is unknown: the raw value `unknown`, or any raw value over `top`;
- when it is there at all: `when`, a `Condition` on other fields' numbers or on the version
  (the EU category only under EU classification, the System timestamp from version 2 on);
- or, for the few fields whose value is not a function of their own bits alone, a `Rule`:
  a small named decoding that may read a second place on the wire (`flag`: the speed
  multiplier, the east/west bit) or another field's number (`context`: the ID type).
A `Check` rejects a whole message (an authentication page 0 announcing more than fits).

From these declarations alone are built the scalar decoder and each message's record
(`scalar.py`), the vectorised decoder's numpy columns (`batch.py`), the contract's field
table (`rid_fields.MESSAGE_FIELDS` lists these very `Field`s) and the encoder (`encode.py`).
Adding a field is one `Field` line in its message's table, with its typed attribute on the
message dataclass (the declaration refuses to load while the two disagree).
"""

from __future__ import annotations

import dataclasses
import functools
from abc import ABC, abstractmethod
from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid.enums import CodedValue

VERSION = "version"
"""The name a `Condition` or a `Rule` reads the protocol version by."""
_STRUCT_CODES = {"u1": "B", "i1": "b", "<u2": "H", "<i2": "h", "<u4": "I", "<i4": "i"}

Array = npt.NDArray[Any]


class Kind(Enum):
    """How the contract writes a field, and how the batch path's column holds it.

    - `FLOAT`: a number; a float64 column, NaN (unknown or absent) written as null.
    - `INT`: a whole number; an integer column, -1 (absent) written as null.
    - `LABEL`: a code written as its label (`enums.CodedValue.label`); -1 as null.
    - `TEXT`: NUL-padded ASCII; bytes outside ASCII as `\\xNN` escapes; an S column.
    - `TIME_2019`: a time; Unix seconds in a float64 column, written as ISO 8601 UTC.
    - `UAS_ID`: the Basic ID text, or its 20 bytes in hex for a specific-session ID.
    - `AUTH_DATA`: an authentication page's data bytes in hex; no column (read from the
      message bytes).
    """

    FLOAT = "float"
    INT = "int"
    LABEL = "label"
    TEXT = "text"
    TIME_2019 = "time_2019"
    UAS_ID = "uas_id"
    AUTH_DATA = "auth_data"


@functools.cache
def _unit_size(unit: str) -> int:
    return np.dtype(unit).itemsize


@dataclasses.dataclass(frozen=True, slots=True)
class Bits:
    """Where a field sits: `width` bits from bit `low` of the `unit` starting at `byte`."""

    byte: int
    unit: str = "u1"
    low: int = 0
    width: int = 0
    """0: the whole unit."""

    @property
    def size(self) -> int:
        """Bytes of the unit."""
        return _unit_size(self.unit)

    @property
    def is_bytes(self) -> bool:
        """Whether the unit is a byte string (`S` text or `V` binary), not a number."""
        return self.unit[0] in "SV"

    @property
    def code(self) -> str:
        """The `struct` code of a numeric unit."""
        return _STRUCT_CODES[self.unit]

    @property
    def bits(self) -> int:
        """How many bits the field takes."""
        return self.width or 8 * self.size

    @property
    def mask(self) -> int:
        """The field's bits, shifted down to bit 0."""
        return (1 << self.bits) - 1

    @property
    def whole(self) -> Bits:
        """The unit itself (the place a decoder reads before taking this field's bits)."""
        return Bits(self.byte, self.unit)

    @property
    def unit_name(self) -> str:
        """The name of the unit in the batch dtype and in the scalar decoder: `u<byte>` for
        a number, `s<byte>` for a string."""
        return f"{'s' if self.is_bytes else 'u'}{self.byte}"

    @property
    def masked(self) -> bool:
        """Whether bits of other fields lie above this one in its unit (reading it takes the
        shift, then the mask; a field that ends at the unit's top bit needs no mask)."""
        return bool(self.width) and self.low + self.width < 8 * self.size

    @property
    def raw_range(self) -> tuple[int, int]:
        """The smallest and largest raw value the field can hold."""
        if self.width:
            return 0, self.mask
        info = np.iinfo(np.dtype(self.unit))
        return int(info.min), int(info.max)


@dataclasses.dataclass(frozen=True, slots=True)
class Condition:
    """When a field is there: `test` of the numbers of the fields `keys` name (or `version`).

    The number of a field is `raw * step / per + offset` (a code's number is the code).
    `test` must give the same answer on Python numbers (one message) and on numpy arrays
    (a column of messages): write it with `==`, `<=`, `&`, `|` and `abs`, not `and`/`or`.
    """

    keys: tuple[str, ...]
    test: Callable[..., Any]


class Rule(ABC):
    """The decoding of a field whose value is not its own bits scaled: written once, three ways.

    `value` decodes one message's raw bits, `column` a numpy column of them, `raw` turns a
    value back into raw bits for the encoder. Each is given the field's raw value, the raw
    value of `flag` (a second place on the wire the rule reads and the encoder writes; 0
    when there is none) and the number of `context` (another field's key, or `version`;
    None when there is none). `output` is what the contract writes for a decoded value.
    """

    kind: ClassVar[Kind] = Kind.FLOAT
    decimals: ClassVar[int] = 0
    """For a `FLOAT` rule: decimals of its values on the wire grid (a hint to the writer)."""
    flag: Bits | None = None
    context: str | None = None

    @abstractmethod
    def value(self, raw: Any, flag: Any, context: Any) -> Any:
        """The value of one message (None: unknown)."""

    @abstractmethod
    def column(self, raw: Any, flag: Any, context: Any) -> Array | None:
        """The column of many messages (NaN or -1: unknown); None: the kind has no column."""

    @abstractmethod
    def raw(self, value: Any, context: Any) -> tuple[Any, int]:
        """(raw value, raw flag) that decode to `value`."""

    def output(self, value: Any) -> Any:
        """The contract's value of a decoded value."""
        return value


class Check(ABC):
    """A test of a whole message that rejects it (the scalar decoder raises, the batch drops)."""

    @abstractmethod
    def message(self, decoded: Any) -> None:
        """Raise `MessageError` (saying why) when the decoded message is malformed."""

    @abstractmethod
    def bad(self, columns: dict[str, Array]) -> npt.NDArray[np.bool_]:
        """Which rows of the decoded columns (all rows of one type) are malformed."""


def _decimals(value: float) -> int:
    """Decimals of a short decimal number (1e-7: 7; 0.25: 2; 10.0: 0)."""
    return next(d for d in range(16) if round(value, d) == value)


@dataclasses.dataclass(frozen=True, slots=True)
class Field:
    """One field of a message type, declared once (see the module docstring)."""

    key: str
    bits: Bits
    labels: type[CodedValue] | None = None
    meaning: tuple[float | None, ...] | None = None
    step: float = 1
    per: int = 1
    offset: float = 0
    unknown: int | None = None
    top: int | None = None
    limits: tuple[int, int] | None = None
    """The raw range the encoder clamps numbers to, where narrower than the field's (the
    reference encoder keeps to the specification's range, short of an unknown code)."""
    when: Condition | None = None
    rule: Rule | None = None
    attr: str = ""
    """The message dataclass's attribute, when not named `key`."""

    @property
    def name(self) -> str:
        """The attribute of the message dataclass that holds the field."""
        return self.attr or self.key

    @property
    def operations(self) -> tuple[tuple[str, float], ...]:
        """The arithmetic from the raw value to the number, in order: `("*", step)`,
        `("/", per)`, `("+", offset)`, each left out where it would change nothing (a float
        `step`, even 1.0, makes the number a float)."""
        steps = (
            ("*", self.step, self.step != 1 or isinstance(self.step, float)),
            ("/", self.per, self.per != 1),
            ("+", self.offset, self.offset != 0),
        )
        return tuple((op, operand) for op, operand, needed in steps if needed)

    @property
    def kind(self) -> Kind:
        """How the contract writes the field."""
        if self.rule is not None:
            return self.rule.kind
        if self.meaning is not None:
            return Kind.FLOAT
        if self.labels is not None:
            return Kind.LABEL
        if self.bits.is_bytes:
            return Kind.TEXT
        return Kind.FLOAT if self.operations else Kind.INT

    @property
    def codes(self) -> int:
        """How many codes the field's bits hold (the length of its label table)."""
        return 1 << self.bits.bits

    @property
    def decimals(self) -> int:
        """Decimals of a `FLOAT` on its wire grid (1e-7 degree: 7; 0.25 m/s: 2): where the
        writer starts looking for the shortest decimal (it finds it from any start)."""
        if self.kind is not Kind.FLOAT:
            return 0
        if self.rule is not None:
            return self.rule.decimals
        if self.meaning is not None:
            return max(_decimals(value) for value in self.meaning if value is not None)
        return _decimals(self.step / self.per)

    @property
    def column(self) -> str:
        """The batch column the value comes from (named as the key)."""
        return self.key

    @property
    def encodable(self) -> tuple[int, int]:
        """The raw range the encoder writes numbers within: `limits`, else the field's own
        range, up to `top` where the field has one."""
        if self.limits is not None:
            return self.limits
        low, high = self.bits.raw_range
        return low, high if self.top is None else self.top

    @property
    def unknown_alone(self) -> int | None:
        """The raw value to test for unknown by itself: `unknown`, unless it is over `top`
        (the test of `top` covers it then)."""
        if self.unknown is None or (self.top is not None and self.unknown > self.top):
            return None
        return self.unknown

    @property
    def may_be_absent(self) -> bool:
        """Whether the decoded value can be None (unknown, or not in this message)."""
        return self.when is not None or self.unknown is not None or self.top is not None
