"""Records rendered straight from the batch path's columns, in compiled code.

Building a dict per message and serialising it costs twenty times the decoding itself. Here
one compiled loop writes every row of a batch into one byte buffer from the columns:
- a format's template (JSON lines and CSV here; GeoJSON in `geojson`, KML in `kml`) has
  variants per message type (`rid_fields.MESSAGE_FIELDS`): the bytes between the values
  (keys, separators, the constant message type) and, per value, its kind
  and the column it reads; a row takes the first variant whose values it knows, so a map
  format leaves out records without a position and writes an altitude only where known;
- numbers are written from the floats and integers themselves: the fewest decimals that
  read back as the same double (every Remote ID value is a short decimal), in the style
  of the format's usual writer (orjson for JSON, `repr` for CSV and KML), NaN and -1 as
  null;
- capture times and transmitter addresses are formatted in the loop;
- texts, labels, transports and 2019-epoch times come from a table of ready-encoded
  strings, each distinct value encoded once by the format's own encoder (orjson, the csv
  module, XML escaping).

A row the loop cannot write exactly (a float outside the range it formats, a time before
1970) is declined and written by the dict path instead; so are rows the
vectorised decoder could not decode. The output equals what the dict path's writers give
for the same records, byte for byte.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
import orjson

from dronevet.broadcast.remoteid.enums import lookup
from dronevet.broadcast.rid_fields import (
    HEAD,
    MESSAGE_FIELDS,
    Field,
    Kind,
    auth_data,
    session_ids,
    text_value,
    time_2019_value,
)
from dronevet.broadcast.transports import KERNEL_TRANSPORTS

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
Rows = npt.NDArray[np.intp]

# Value kinds the compiled loop knows.
FLOAT, INT, STR, TIME, MAC, NOTHING = 0, 1, 2, 3, 4, 5
MAX_WIDTH = {FLOAT: 32, INT: 21, TIME: 26, MAC: 18, NOTHING: 0}
"""The most bytes one value of a kind can take (strings: their longest table entry)."""

_POW10 = np.array([10.0**i for i in range(23)])  # exact doubles up to 1e22
_IPOW10 = np.array([10**i for i in range(19)], dtype=np.int64)
_EXACT = 2.0**53


# The byte loops index with unsigned integers: numba then drops its negative-index
# wraparound check, which otherwise makes them five times slower.


@numba.njit(cache=True, inline="always")
def _copy(src: U8, at: int, size: int, out: U8, pos: int) -> int:
    begin, to = np.uint64(at), np.uint64(pos)
    for i in range(np.uint64(size)):
        out[to + i] = src[begin + i]
    return pos + size


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_PAIRS = np.frombuffer("".join(f"{i:02d}" for i in range(100)).encode(), dtype=np.uint8)
"""The digits of 00 to 99, two by two: half the divisions of writing digit by digit."""


@numba.njit(cache=True, inline="always")
def _uint(out: U8, pos: int, value: int, width: int) -> int:
    """`value` (>= 0) in decimal, zero-padded to at least `width` digits."""
    digits = 1
    while digits < 19 and value >= _IPOW10[digits]:
        digits += 1
    digits = max(digits, width)
    one, start = np.uint64(1), np.uint64(pos)
    i = start + np.uint64(digits)
    while i - start >= np.uint64(2):
        pair = np.uint64(2 * (value % 100))
        value //= 100
        out[i - one] = _PAIRS[pair + one]
        out[i - np.uint64(2)] = _PAIRS[pair]
        i -= np.uint64(2)
    if i > start:
        out[start] = 48 + value % 10
    return pos + digits


@numba.njit(cache=True, inline="always")
def _shortest(a: float, hint: int) -> tuple[int, int]:
    """(k, d) with k / 10**d == a for the fewest decimals d; (-1, -1) if none fits 53 bits.

    Tried first at `hint` decimals, trailing zeros then dropped: at most `hint` <= 7 and
    |a| < 1e8, no two decimals of that many places share a double, so that is the fewest.
    """
    if a < 1e8:
        scaled = a * _POW10[hint]
        k = np.int64(np.rint(scaled))
        if k > 0 and k / _POW10[hint] == a:
            d = hint
            while d > 0 and k % 10 == 0:
                k //= 10
                d -= 1
            return int(k), d
    for d in range(23):
        scaled = a * _POW10[d]
        if scaled >= _EXACT:
            break
        base = np.int64(np.rint(scaled))
        for k in (base, base - 1, base + 1):
            if k > 0 and k / _POW10[d] == a:
                return int(k), d
    return -1, -1


@numba.njit(cache=True, inline="always")
def _fixed(out: U8, pos: int, k: int, d: int) -> int:
    """k / 10**d with d decimals (at least one): the digits of k, a point put in after."""
    if d == 0:
        pos = _uint(out, pos, k, 1)
        out[pos], out[pos + 1] = 46, 48  # .0
        return pos + 2
    end = _uint(out, pos, k, d + 1)  # zero-padded: 5 at 5 decimals is 0.00005
    last, one = np.uint64(end), np.uint64(1)
    for i in range(np.uint64(d)):
        out[last - i] = out[last - i - one]
    out[last - np.uint64(d)] = 46
    return end + 1


@numba.njit(cache=True, inline="always")
def _float(out: U8, pos: int, v: float, python: bool, hint: int) -> int:
    """`v` (not NaN) as orjson (python false) or `repr` writes it; -1 if out of range."""
    a = abs(v)
    if a == 0.0:
        if math.copysign(1.0, v) < 0:
            out[pos] = 45
            pos += 1
        out[pos], out[pos + 1], out[pos + 2] = 48, 46, 48
        return pos + 3
    if a >= 1e15 or a < 1e-15:
        return -1
    k, d = _shortest(a, hint)
    if k < 0:
        return -1
    if v < 0:
        out[pos] = 45
        pos += 1
    if a >= (1e-4 if python else 1e-5):
        return _fixed(out, pos, k, d)
    digits = 1
    while k >= _IPOW10[digits]:
        digits += 1
    lead = k // _IPOW10[digits - 1]
    pos = _uint(out, pos, lead, 1)
    if digits > 1:
        out[pos] = 46
        pos = _uint(out, pos + 1, k - lead * _IPOW10[digits - 1], digits - 1)
    out[pos], out[pos + 1] = 101, 45  # e-
    return _uint(out, pos + 2, d - digits + 1, 2 if python else 1)


@numba.njit(cache=True, inline="always")
def _time(out: U8, pos: int, ns: int) -> int:
    """`YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, truncated); -1 before 1970."""
    if ns < 0:
        return -1
    us = ns // 1000
    days, of_day = us // 86_400_000_000, us % 86_400_000_000
    z = days + 719_468  # civil date from days since 1970-01-01 (proleptic Gregorian)
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)  # at most 2262 in 64-bit ns
    seconds = of_day // 1_000_000
    pos = _uint(out, pos, year, 4)
    for value, sep in ((month, 45), (day, 45), (seconds // 3600, 84),
                       (seconds // 60 % 60, 58), (seconds % 60, 58)):  # fmt: skip
        out[pos] = sep
        pos = _uint(out, pos + 1, value, 2)
    out[pos] = 46
    pos = _uint(out, pos + 1, of_day % 1_000_000, 6)
    out[pos] = 90  # Z
    return pos + 1


@numba.njit(cache=True, inline="always")
def _mac(out: U8, pos: int, value: np.uint64) -> int:
    at = np.uint64(pos)
    for i in range(np.uint64(6)):
        byte = (value >> (np.uint64(40) - np.uint64(8) * i)) & np.uint64(0xFF)
        high, low = byte >> np.uint64(4), byte & np.uint64(0xF)
        where = at + np.uint64(3) * i
        out[where] = _HEX[high]
        out[where + np.uint64(1)] = _HEX[low]
        out[where + np.uint64(2)] = 58  # :, the last one overwritten by what follows
    return pos + 17


@numba.njit(cache=True)
def _render(  # noqa: C901 - a compiled kernel is one loop
    variant: I64, time_ns: I64, mac: npt.NDArray[np.uint64],
    floats: npt.NDArray[np.float64], ints: I64, strs: I64, table: U8, table_at: I64,
    slot_first: I64, slot_kind: I64, slot_source: I64, slot_hint: I64, slot_at: I64,
    slot_size: I64, text: U8, end_at: I64, end_size: I64, null_at: int, null_size: int,
    python: bool,
    out: U8, ends: I64, declined: npt.NDArray[np.bool_],
) -> int:
    """Write every row that has a variant of the template; the bytes written.

    `ends[i]` is where row i's line ends in `out`; a declined row (and a row of variant -1)
    writes nothing and is marked in `declined` (variant -1 rows are not marked).
    """
    pos = 0
    for i in range(variant.shape[0]):
        t = variant[i]
        start = pos
        if t >= 0:
            for s in range(slot_first[t], slot_first[t + 1]):
                pos = _copy(text, slot_at[s], slot_size[s], out, pos)
                kind, source = slot_kind[s], slot_source[s]
                if kind == FLOAT:
                    v = floats[source, i]
                    if v != v:
                        pos = _copy(text, null_at, null_size, out, pos)
                    else:
                        pos = _float(out, pos, v, python, slot_hint[s])
                elif kind == INT:
                    k = ints[source, i]
                    if k == -1:
                        pos = _copy(text, null_at, null_size, out, pos)
                    elif k < 0:
                        pos = -1
                    else:
                        pos = _uint(out, pos, k, 1)
                elif kind == STR:
                    j = strs[source, i]
                    if j < 0:
                        pos = _copy(text, null_at, null_size, out, pos)
                    else:
                        begin = table_at[j]
                        pos = _copy(table, begin, table_at[j + 1] - begin, out, pos)
                elif kind == TIME:
                    pos = _time(out, pos, time_ns[i])
                elif kind == MAC:
                    pos = _mac(out, pos, mac[i])
                if pos < 0:
                    break
            if pos < 0:
                declined[i] = True
                pos = start
            else:
                pos = _copy(text, end_at[t], end_size[t], out, pos)
        ends[i] = pos
    return pos


@dataclass(frozen=True, slots=True)
class Slot:
    """Bytes written before a value, then the value: its kind and the column it reads."""

    before: bytes
    kind: int
    column: str = ""
    decimals: int = 0


def value(kind: int, column: str = "", decimals: int = 0) -> Slot:
    """A value with nothing before it, to compose with the text around it (`compose`)."""
    return Slot(b"", kind, column, decimals)


def compose(pieces: Iterable[bytes | Slot]) -> tuple[list[Slot], bytes]:
    """Slots from text and values in writing order, and the text after the last value."""
    slots: list[Slot] = []
    pending = b""
    for piece in pieces:
        if isinstance(piece, bytes):
            pending += piece
        else:
            slots.append(Slot(pending + piece.before, piece.kind, piece.column, piece.decimals))
            pending = b""
    return slots, pending


@dataclass(frozen=True, slots=True)
class Item:
    """One key of a batch record in order: a value read from the columns, or a constant."""

    key: str
    value: Slot | None
    constant: str = ""


def _value_kind(f: Field) -> int:
    return {Kind.FLOAT: FLOAT, Kind.INT: INT}.get(f.kind, STR)


def record_items(code: int) -> list[Item]:
    """The keys of a record of batch message type `code`, as `batch_records` orders them."""
    msg_type, fields = MESSAGE_FIELDS[code]
    head = [Item("time", value(TIME)), Item("transport", value(STR, "transport")),
            Item("mac", value(MAC)), Item("frame", value(INT, "frame")),
            Item("msg_type", None, msg_type), Item("version", value(INT, "version"))]  # fmt: skip
    assert tuple(item.key for item in head) == HEAD
    return head + [Item(f.key, value(_value_kind(f), f.column, f.decimals)) for f in fields]


def as_array(values: Sequence[int]) -> I64:
    """Template numbers as the compiled loop takes them."""
    return np.array(values, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Variant:
    """How rows of one message type are written when their float columns `known` all hold a
    value (are not NaN). A row takes the first variant it meets; a row of none writes nothing
    (on a map, a record without a position)."""

    code: int
    slots: list[Slot]
    end: bytes
    known: tuple[str, ...] = ()


class Template:
    """How one output format writes the rows of each message type: variants, encodings."""

    def __init__(self, variants: Sequence[Variant], null: bytes, python_floats: bool,
                 encode: Callable[[str | None], bytes]) -> None:  # fmt: skip
        self.variants = tuple(variants)
        self.python_floats = python_floats
        self.encode = encode  # one string value (None: null) as this format writes it
        every = [s for v in variants for s in v.slots]
        conditions = {column for v in variants for column in v.known}
        self.float_columns = sorted({s.column for s in every if s.kind == FLOAT} | conditions)
        self.int_columns = sorted({s.column for s in every if s.kind == INT})
        self.str_columns = sorted({s.column for s in every if s.kind == STR})
        text = bytearray(null)
        first, kinds, sources, hints, at, size = [0], [], [], [], [], []
        end_at, end_size = [], []
        for variant in variants:
            for slot in variant.slots:
                kinds.append(slot.kind)
                sources.append(self._source(slot))
                hints.append(slot.decimals)
                at.append(len(text))
                size.append(len(slot.before))
                text += slot.before
            first.append(len(kinds))
            end_at.append(len(text))
            end_size.append(len(variant.end))
            text += variant.end
        self.text = np.frombuffer(bytes(text), dtype=np.uint8)
        self.null_size = len(null)
        self.slot_first, self.slot_kind = as_array(first), as_array(kinds)
        self.slot_source, self.slot_hint = as_array(sources), as_array(hints)
        self.slot_at, self.slot_size = as_array(at), as_array(size)
        self.end_at, self.end_size = as_array(end_at), as_array(end_size)

    def _source(self, slot: Slot) -> int:
        columns = {FLOAT: self.float_columns, INT: self.int_columns, STR: self.str_columns}
        return columns[slot.kind].index(slot.column) if slot.kind in columns else 0

    def row_bounds(self, longest_string: int) -> I64:
        """The most bytes a row of each variant can take (variant -1 last: none)."""
        widths = {**MAX_WIDTH, STR: longest_string}
        bounds = [sum(len(s.before) + widths[s.kind] for s in v.slots) + len(v.end)
                  for v in self.variants]  # fmt: skip
        return np.array([*bounds, 0], dtype=np.int64)

    def variant_of(self, msg_type: npt.NDArray[np.int8],
                   numbers: dict[str, npt.NDArray[Any]]) -> I64:  # fmt: skip
        """Each row's variant: the first whose message type and conditions it meets, or -1."""
        chosen = np.full(len(msg_type), -1, np.int64)
        for index, v in enumerate(self.variants):
            rows = msg_type == v.code
            for column in v.known:
                rows &= ~np.isnan(numbers[column])
            chosen[rows & (chosen < 0)] = index
        return chosen


def csv_line(cells: Sequence[Any]) -> str:
    """One CSV row as the csv module writes it (minimal quoting, CRLF)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _csv_text(value: str | None) -> bytes:
    # Alone on a line an empty field is quoted; among others it is not.
    return csv_line([value, None])[:-3].encode()


def json_pieces(code: int) -> list[bytes | Slot]:
    """A record of message type `code` as one JSON object, without its closing brace."""
    pieces: list[bytes | Slot] = []
    for index, item in enumerate(record_items(code)):
        pieces.append((b',"' if index else b'{"') + item.key.encode() + b'":')
        if item.value is None:
            pieces.append(orjson.dumps(item.constant))
        elif item.value.kind in (TIME, MAC):  # written bare by the loop: quote them here
            pieces += [b'"', item.value, b'"']
        else:
            pieces.append(item.value)
    return pieces


def json_text(value: str | None) -> bytes:
    """A string value (None: null) in JSON, as orjson writes it."""
    return orjson.dumps(value)


def _json_template() -> Template:
    variants = [Variant(code, *compose([*json_pieces(code), b"}\n"])) for code in MESSAGE_FIELDS]
    return Template(variants, b"null", False, json_text)


def _csv_template(columns: Sequence[str]) -> Template:
    variants = []
    for code in MESSAGE_FIELDS:
        items = {item.key: item for item in record_items(code)}
        pieces: list[bytes | Slot] = []
        for index, column in enumerate(columns):
            pieces.append(b"," if index else b"")
            item = items.get(column)
            if item is not None:
                constant = csv_line([item.constant])[:-2].encode()
                pieces.append(constant if item.value is None else item.value)
        variants.append(Variant(code, *compose([*pieces, b"\r\n"])))
    return Template(variants, b"", True, _csv_text)


_TEMPLATES: dict[tuple[str, tuple[str, ...]], Template] = {}


def template(fmt: str, columns: Sequence[str] = ()) -> Template:
    """The template of `jsonl`, or of `csv` with these columns (built once)."""
    key = (fmt, tuple(columns) if fmt == "csv" else ())
    if key not in _TEMPLATES:
        _TEMPLATES[key] = _json_template() if fmt == "jsonl" else _csv_template(columns)
    return _TEMPLATES[key]


@dataclass(slots=True)
class StringTable:
    """Encoded strings the compiled loop copies from, and each string field's index column."""

    template: Template
    rows: int
    parts: list[bytes] = field(default_factory=list)
    index: dict[str, I64] = field(default_factory=dict)

    def _column(self, name: str) -> I64 | None:
        if name not in self.template.str_columns:
            return None
        return self.index.setdefault(name, np.full(self.rows, -1, np.int64))

    def _extend(self, values: Sequence[str | None]) -> int:
        first = len(self.parts)
        self.parts.extend(self.template.encode(value) for value in values)
        return first

    def add_codes(self, name: str, rows: Rows, labels: Sequence[str], codes: I64) -> None:
        """A coded field: `codes` (-1 absent) into `labels`."""
        column = self._column(name)
        if column is not None:
            first = self._extend(labels)
            column[rows] = np.where(codes < 0, -1, first + codes)

    def add_distinct(self, name: str, rows: Rows, raw: npt.NDArray[Any],
                     value: Callable[[Any], str | None]) -> None:  # fmt: skip
        """A field whose value depends on its raw column alone: encoded once per distinct."""
        column = self._column(name)
        if column is not None:
            unique, inverse = np.unique(raw, return_inverse=True)
            first = self._extend([value(item) for item in unique.tolist()])
            column[rows] = first + inverse.reshape(-1)

    def add_each(self, name: str, rows: Rows, values: Sequence[str]) -> None:
        """One value per row (hex of binary fields: rarely repeated)."""
        column = self._column(name)
        if column is not None:
            column[rows] = self._extend(values) + np.arange(len(values))

    def arrays(self) -> tuple[U8, I64, I64, int]:
        """(table bytes, entry offsets, index columns stacked, longest entry)."""
        sizes = np.array([len(part) for part in self.parts] or [0], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(sizes)))
        table = np.frombuffer(b"".join(self.parts) or b"\0", dtype=np.uint8)
        columns = self.template.str_columns
        none = np.full(self.rows, -1, np.int64)
        stacked = (np.stack([self.index.get(c, none) for c in columns]) if columns
                   else np.zeros((1, self.rows), np.int64))  # fmt: skip
        return table, offsets, stacked, int(sizes.max())


def strings(
    tpl: Template, cols: dict[str, npt.NDArray[Any]], raw: U8, transport: U8
) -> StringTable:
    """The string table of a slice of batch columns (`raw`: its 25-byte messages,
    `transport`: each row's index into `transports.KERNEL_TRANSPORTS`)."""
    kinds = cols["msg_type"]
    table = StringTable(tpl, len(kinds))
    table.add_codes("transport", np.arange(len(kinds)), KERNEL_TRANSPORTS,
                    transport.astype(np.int64))  # fmt: skip
    for code, (_, fields) in MESSAGE_FIELDS.items():
        rows = np.flatnonzero(kinds == code)
        if not len(rows):
            continue
        for f in fields:
            if f.kind is Kind.LABEL:
                codes = cols[f.column][rows].astype(np.int64)
                table.add_codes(f.column, rows, labels_of(f), codes)
            elif f.kind in (Kind.TEXT, Kind.UAS_ID):
                table.add_distinct(f.column, rows, cols[f.column][rows], text_value)
            elif f.kind is Kind.TIME_2019:
                table.add_distinct(f.column, rows, cols[f.column][rows], time_2019_value)
            elif f.kind is Kind.AUTH_DATA:
                table.add_each(f.column, rows, auth_data(cols, rows, raw))
            if f.kind is Kind.UAS_ID:
                among, hexes = session_ids(cols, rows, raw)
                table.add_each(f.column, rows[among], hexes)
    return table


@functools.cache
def labels_of(f: Field) -> list[str]:
    """The label of every code of a coded field, indexable by code."""
    assert f.labels is not None
    return [code.label for code in lookup(f.labels, f.codes)]


@dataclass(frozen=True, slots=True)
class Rendered:
    """Rows written by the compiled loop: their bytes, where each ends, which it declined."""

    out: U8
    ends: I64
    declined: npt.NDArray[np.bool_]

    def between(self, first: int, last: int) -> memoryview:
        """The bytes of rows `first` to `last - 1`."""
        start = int(self.ends[first - 1]) if first else 0
        end = int(self.ends[last - 1]) if last else 0
        return self.out[start:end].data


class Renderer:
    """Writes batches with one template into buffers it reuses from batch to batch.

    Fresh buffers the size of a batch's output would be paid for in page faults on every
    batch; the bytes of a `Rendered` are therefore valid until the next `render` call.
    """

    def __init__(self, tpl: Template) -> None:
        self.template = tpl
        self._buffers: dict[str, npt.NDArray[Any]] = {}

    def _buffer(self, name: str, shape: tuple[int, ...], dtype: type[np.generic]) -> Any:
        size = math.prod(shape)
        held = self._buffers.get(name)
        if held is None or held.size < size:
            held = self._buffers[name] = np.empty(max(size, 1), dtype=dtype)
        return held[:size].reshape(shape)

    def _stack(self, name: str, columns: Sequence[npt.NDArray[Any]], n: int,
               dtype: type[np.generic]) -> Any:  # fmt: skip
        block = self._buffer(name, (max(len(columns), 1), n), dtype)
        for row, column in enumerate(columns):
            block[row] = column
        return block

    def render(self, msg_type: npt.NDArray[np.int8], time_ns: I64,
               mac: npt.NDArray[np.uint64], numbers: dict[str, npt.NDArray[Any]],
               strings: StringTable) -> Rendered:  # fmt: skip
        """Write rows; `numbers` holds the float and integer columns the template names."""
        tpl, n = self.template, len(msg_type)
        variant = tpl.variant_of(msg_type, numbers)
        floats = self._stack("floats", [numbers[c] for c in tpl.float_columns], n, np.float64)
        ints = self._stack("ints", [numbers[c] for c in tpl.int_columns], n, np.int64)
        table, offsets, strs, longest = strings.arrays()
        need = int(tpl.row_bounds(longest)[variant].sum())
        out = self._buffer("out", (need + 1,), np.uint8)
        ends = self._buffer("ends", (n,), np.int64)
        declined = self._buffer("declined", (n,), np.bool_)
        declined[:] = False
        _render(variant, time_ns, mac, floats, ints, strs, table, offsets,
                tpl.slot_first, tpl.slot_kind, tpl.slot_source, tpl.slot_hint, tpl.slot_at,
                tpl.slot_size, tpl.text, tpl.end_at, tpl.end_size, 0, tpl.null_size,
                tpl.python_floats, out, ends, declined)  # fmt: skip
        return Rendered(out, ends, declined)
