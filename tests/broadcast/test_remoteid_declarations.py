"""Each Remote ID message type's declared fields drive every consumer alike, field by field.

The scalar decoder, the batch decoder's columns, the encoder and the contract's field table
are all built from the declarations (`remoteid.fields`); these tests walk the declarations
themselves, so a field added to a message type is checked here without a new test:
- field values drawn from each field's declared domain (codes of its table, numbers over
  and beyond its range, texts, times, None where it may be unknown), encoded, then decoded
  by both decoders, give the same value for every field;
- so do random 25-byte messages of every type and protocol version, with the same verdict
  when one is malformed (a `MessageError` on one side, `msg_type` -1 on the other);
- decode -> encode -> decode is stable: the encoder's bytes decode to a message that
  encodes to the same bytes again;
- every declared field is a key of the contract's table, the record and the batch columns,
  in the declared order, and a declaration that contradicts its dataclass does not load.
"""

from __future__ import annotations

import dataclasses
import math
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.remoteid.auth import LastPage, PageData
from dronevet.broadcast.remoteid.basic_id import UasId
from dronevet.broadcast.remoteid.batch import decode_messages
from dronevet.broadcast.remoteid.common import EPOCH_2019, MessageError
from dronevet.broadcast.remoteid.decode import MESSAGE_TYPES, decode_message
from dronevet.broadcast.remoteid.encode import encode_message
from dronevet.broadcast.remoteid.fields import VERSION, Bits, Condition, Field, Kind
from dronevet.broadcast.remoteid.location import Direction, Speed
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.shared_fields import Time2019
from dronevet.broadcast.rid_fields import MESSAGE_FIELDS, auth_data

TYPES = {message.name: message for message in MESSAGE_TYPES}
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
TIMES = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2155, 2, 7))


def column_value(field: Field, cols: dict[str, np.ndarray], wire: bytes) -> Any:
    """What the batch path's column says of a field, in the contract's terms."""
    if field.kind is Kind.AUTH_DATA:  # no column: the batch path reads the message bytes
        return auth_data(cols, np.array([0]), np.frombuffer(wire, np.uint8).reshape(1, 25))[0]
    value = cols[field.key][0].item()
    if field.kind in (Kind.FLOAT, Kind.TIME_2019) and math.isnan(value):
        return None
    if field.kind in (Kind.INT, Kind.LABEL) and value == -1:
        return None
    match field.kind:
        case Kind.LABEL:
            return field.labels(value).label  # type: ignore[misc]
        case Kind.TEXT:
            return value.decode("ascii", "backslashreplace")
        case Kind.TIME_2019:
            return datetime.fromtimestamp(value, UTC).isoformat()
        case Kind.UAS_ID if field.rule.binary(cols[field.rule.context][0]):  # type: ignore[union-attr]
            return value.ljust(field.bits.size, b"\0").hex()  # the batch keeps the bytes
        case Kind.UAS_ID:
            return value.decode("ascii", "backslashreplace")
    return value


def assert_decoders_agree(message: MessageFields[Any], wire: bytes) -> Any:
    """Both decoders read `wire` alike, field by field; the scalar message (None: malformed)."""
    cols = decode_messages(np.frombuffer(wire, np.uint8).reshape(1, 25))
    try:
        decoded = decode_message(wire)
    except MessageError:
        assert cols["msg_type"][0] == -1
        return None
    assert (cols["msg_type"][0], cols["version"][0]) == (message.code, decoded.version)
    record = decoded.record()
    assert list(record) == [field.key for field in message.fields]
    for field in message.fields:
        assert column_value(field, cols, wire) == record[field.key], field.key
    return decoded


def assert_stable(decoded: Any) -> None:
    """decode -> encode -> decode: the bytes encoded decode to a message encoding to them."""
    wire = encode_message(decoded)
    assert encode_message(decode_message(wire)) == wire


def _number_bounds(field: Field) -> tuple[float, float]:
    """Values a little beyond those the field's raw range carries (the encoder clamps)."""
    low, high = field.encodable
    ends = sorted(raw * field.step / field.per + field.offset for raw in (low, high))
    margin = (ends[1] - ends[0]) / 10 + 1
    return ends[0] - margin, ends[1] + margin


def _value(field: Field, context: Any) -> st.SearchStrategy[Any]:
    """Values of one field (`context`: the value of the field its rule reads)."""
    rule = field.rule
    if isinstance(rule, Speed):
        return st.none() | st.floats(0, 300)
    if isinstance(rule, Direction):
        return st.none() | st.floats(0, 360)
    if isinstance(rule, Time2019):
        return st.none() | TIMES.map(lambda t: t.replace(tzinfo=UTC))
    if isinstance(rule, LastPage):
        return st.none() | st.integers(0, 15)
    if isinstance(rule, PageData):
        return st.binary(max_size=field.bits.size)
    if isinstance(rule, UasId) and rule.binary(context):
        return st.binary(min_size=field.bits.size, max_size=field.bits.size).map(bytes.hex)
    assert rule is None or isinstance(rule, UasId), f"no values for the rule of {field.key}"
    if field.labels is not None:
        return st.integers(0, field.codes - 1).map(field.labels)
    if field.bits.is_bytes:
        return st.text(ASCII, max_size=field.bits.size)
    if field.kind is Kind.INT:
        return st.integers(*field.bits.raw_range)
    low, high = _number_bounds(field)
    return st.none() | st.floats(low, high) if field.may_be_absent else st.floats(low, high)


@st.composite
def messages(draw: st.DrawFn, message: MessageFields[Any]) -> Any:
    """A message of the type with values drawn from each field's declaration."""
    values: dict[str, Any] = {VERSION: draw(st.integers(0, 15))}
    plain = [f for f in message.fields if f.rule is None or f.rule.context is None]
    for field in plain + [f for f in message.fields if f not in plain]:  # contexts first
        context = field.rule.context if field.rule is not None else None
        if context is not None and context != VERSION:
            context = message.field(context).name
        values[field.name] = draw(_value(field, values.get(context) if context else None))
    return message.message(**values)


def wires(message: MessageFields[Any]) -> st.SearchStrategy[bytes]:
    """Random 25-byte messages of the type, any protocol version."""
    return st.builds(lambda version, body: bytes([message.code << 4 | version]) + body,
                     st.integers(0, 15), st.binary(min_size=24, max_size=24))  # fmt: skip


def encodable(message: MessageFields[Any], wire: bytes) -> bytes:
    """`wire` with ASCII texts and each number within the range the encoder writes (bytes
    outside ASCII decode to `\\xNN` escapes, longer than the field)."""
    out = bytearray(wire)
    for field in message.fields:
        bits = field.bits
        if field.kind in (Kind.TEXT, Kind.UAS_ID):
            out[bits.byte : bits.byte + bits.size] = bytes(
                b & 0x7F for b in out[bits.byte :][: bits.size]
            )
        elif field.limits is not None and not bits.width:
            (raw,) = struct.unpack_from(f"<{bits.code}", out, bits.byte)
            struct.pack_into(
                f"<{bits.code}", out, bits.byte, min(max(raw, field.limits[0]), field.limits[1])
            )
    return bytes(out)


@pytest.mark.parametrize("name", sorted(TYPES))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_field_values_encoded_decode_alike_on_both_paths(name: str, data: st.DataObject) -> None:
    message = TYPES[name]
    wire = encode_message(data.draw(messages(message)))
    assert len(wire) == 25 and wire[0] >> 4 == message.code
    decoded = assert_decoders_agree(message, wire)
    if decoded is not None:
        assert_stable(decoded)


@pytest.mark.parametrize("name", sorted(TYPES))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_random_messages_decode_alike_on_both_paths(name: str, data: st.DataObject) -> None:
    message = TYPES[name]
    decoded = assert_decoders_agree(message, data.draw(wires(message)))
    if decoded is not None:
        assert_stable(decoded)


@pytest.mark.parametrize("name", sorted(TYPES))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_encoder_writes_back_what_the_decoder_read(name: str, data: st.DataObject) -> None:
    message = TYPES[name]
    wire = encodable(message, data.draw(wires(message)))
    try:
        decoded = decode_message(wire)
    except MessageError:
        return
    assert decode_message(encode_message(decoded)) == decoded


def test_every_declared_field_is_in_the_contract_table_the_record_and_the_columns() -> None:
    columns = set(decode_messages(np.zeros((1, 25), np.uint8)))
    assert set(MESSAGE_FIELDS) == {message.code for message in MESSAGE_TYPES}
    declared_columns = {"msg_type", "version"}
    for message in MESSAGE_TYPES:
        name, fields = MESSAGE_FIELDS[message.code]
        assert name == message.name
        assert [f.key for f in fields] == [f.key for f in message.fields]
        assert all(f.column == f.key for f in fields)
        record = decode_message(bytes([message.code << 4 | 2]) + bytes(24)).record()
        assert list(record) == [f.key for f in message.fields]
        declared_columns |= {f.key for f in message.fields if f.kind is not Kind.AUTH_DATA}
    assert columns == declared_columns
    keys = [f.key for message in MESSAGE_TYPES for f in message.fields]
    assert len(keys) == len(set(keys)), "a key shared by two message types"


def test_the_output_hints_follow_the_wire_grid() -> None:
    location = TYPES["location"]
    assert [location.field(key).decimals for key in ("lat", "speed_h", "speed_v", "direction",
                                                     "h_accuracy", "v_accuracy")] == [
        7, 2, 1, 0, 1, 0]  # fmt: skip
    assert location.field("height_type").codes == 2
    assert TYPES["self_id"].field("self_id_type").codes == 256


@dataclasses.dataclass(frozen=True)
class Toy:
    version: int
    a: int
    b: int


def toy(*fields: Field) -> MessageFields[Toy]:
    return MessageFields(9, "toy", Toy, fields)


def test_a_declaration_that_contradicts_its_dataclass_does_not_load() -> None:
    with pytest.raises(ValueError, match="are not the attributes"):
        toy(Field("a", Bits(1)))
    with pytest.raises(ValueError, match="declared twice"):
        toy(Field("a", Bits(1)), Field("a", Bits(2), attr="b"))
    with pytest.raises(ValueError, match="overlaps"):
        toy(Field("a", Bits(1, "<u2")), Field("b", Bits(2)))
    with pytest.raises(ValueError, match="outside"):
        toy(Field("a", Bits(1)), Field("b", Bits(24, "<u2")))
    with pytest.raises(ValueError, match="outside"):
        toy(Field("a", Bits(1, low=6, width=4)), Field("b", Bits(2)))
    with pytest.raises(ValueError, match="reads undeclared"):
        toy(Field("a", Bits(1), when=Condition(("c",), bool)), Field("b", Bits(2)))


def test_a_field_declared_once_is_decoded_and_recorded_as_declared() -> None:
    declared = toy(Field("a", Bits(1, low=4, width=4), step=0.5, unknown=15),
                   Field("b", Bits(2, "<i2"), per=100))  # fmt: skip
    wire = bytes([0x92, 0x30, 0x18, 0xFC]) + bytes(21)  # a: 3 * 0.5; b: -1000 / 100
    assert declared.decode(wire, 2) == Toy(2, 1.5, -10.0)  # type: ignore[arg-type]
    assert declared.record(Toy(2, None, -10.0)) == {"a": None, "b": -10.0}  # type: ignore[arg-type]


def test_an_encoded_code_too_large_for_its_bits_is_refused_with_the_field_named() -> None:
    location = decode_message(bytes([0x12]) + bytes(24))
    wrong = dataclasses.replace(location, height_type=2)  # type: ignore[type-var]
    with pytest.raises(ValueError, match="location height_type: 2 does not fit in its 1 bits"):
        encode_message(wrong)


def test_times_before_2019_are_refused_by_the_encoder() -> None:
    system = decode_message(bytes([0x42]) + bytes(24))
    early = dataclasses.replace(system, timestamp=EPOCH_2019 - timedelta(seconds=1))  # type: ignore[type-var]
    with pytest.raises(ValueError, match="system system_timestamp"):
        encode_message(early)
