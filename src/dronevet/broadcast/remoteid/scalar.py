"""The scalar decoder and the record of each Remote ID message type, compiled from its fields.

For each `fields.MessageFields` the decoder is written out as Python source and compiled
once, when the message module loads: one `struct` unpack of the numeric units, the numbers
the conditions and rules read, then one expression per field (its bits, unknown values,
scale, code table, condition or rule) and the dataclass built from them. It is the decoder
one would write by hand and runs as fast; a loop over field objects, one call per field,
would make decoding half again as slow on the streaming path, where every message of every
frame goes through it. `record` is compiled the same way: the contract's dict of a message.

`decoder_source` and `recorder_source` give the text compiled, for a reader who wants to
see what a declaration turns into: `print(decoder_source(location.FIELDS)[0])`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dronevet.broadcast.remoteid.common import decode_text
from dronevet.broadcast.remoteid.enums import lookup
from dronevet.broadcast.remoteid.fields import VERSION, Bits, Condition, Field

if TYPE_CHECKING:
    from dronevet.broadcast.remoteid.message_fields import MessageFields

Source = tuple[str, dict[str, Any]]
"""Python source of one function, and the names it refers to."""


def decoder(fields: MessageFields[Any]) -> Callable[[bytes, int], Any]:
    """`decode(data, version)`: the message dataclass of one 25-byte message."""
    decode: Callable[[bytes, int], Any] = _compiled(decoder_source(fields), "decode", fields)
    return decode


def recorder(fields: MessageFields[Any]) -> Callable[[Any], dict[str, Any]]:
    """`record(message)`: the JSON-safe fields of a decoded message, keyed as the contract."""
    record: Callable[[Any], dict[str, Any]] = _compiled(recorder_source(fields), "record", fields)
    return record


def _compiled(source: Source, verb: str, fields: MessageFields[Any]) -> Any:
    """The function `<verb>_<msg_type>` that `source` defines."""
    text, names = source
    namespace = dict(names)
    function = f"{verb}_{fields.name}"
    exec(compile(text, f"<{function}>", "exec"), namespace)
    return namespace[function]


def raw_source(bits: Bits) -> str:
    """The expression of a field's raw value, from the unpacked units `u<byte>` or `data`."""
    if bits.is_bytes:
        return f"bytes(data[{bits.byte}:{bits.byte + bits.size}])"
    expr = bits.unit_name
    if bits.low:
        expr = f"({expr} >> {bits.low})"
    return f"({expr} & {bits.mask})" if bits.masked else expr


def _number(field: Field) -> str:
    expr = raw_source(field.bits)
    for op, operand in field.operations:
        expr = f"{expr} {op} {operand!r}"
    return expr


def _unknown(field: Field) -> list[str]:
    """Tests of the raw value that make the value unknown."""
    raw = raw_source(field.bits)
    tests = []
    if field.unknown_alone is not None:
        tests.append(f"{raw} == {field.unknown_alone!r}")
    if field.top is not None:
        tests.append(f"{raw} > {field.top!r}")
    return tests


def _value(field: Field, names: dict[str, Any], numbers: dict[str, str],
           conditions: dict[Condition, str]) -> str:  # fmt: skip
    raw, key = raw_source(field.bits), field.key
    if field.rule is not None:
        names[f"rule_{key}"] = field.rule.value
        flag = raw_source(field.rule.flag) if field.rule.flag is not None else "0"
        context = numbers[field.rule.context] if field.rule.context else "None"
        expr = f"rule_{key}({raw}, {flag}, {context})"
    elif field.labels is not None:
        names[f"codes_{key}"] = lookup(field.labels, field.codes)
        expr = f"codes_{key}[{numbers.get(key) or raw}]"  # a code's number is the code
    elif field.bits.is_bytes:
        expr = f"text({raw})"
    else:
        expr = numbers.get(key) or _number(field)
    tests = _unknown(field)
    if tests:
        expr = f"None if {' or '.join(tests)} else {expr}"
    if field.when is not None:
        expr = f"({expr}) if {conditions[field.when]} else None"
    return expr


def decoder_source(fields: MessageFields[Any]) -> Source:
    """The source of `decode_<msg_type>(data, version)`."""
    names: dict[str, Any] = {"unpack": fields.struct.unpack_from, "message": fields.message,
                             "text": decode_text}  # fmt: skip
    body = []
    if fields.units:
        body.append("".join(f"{u.unit_name}, " for u in fields.units) + "= unpack(data)")
    numbers = {VERSION: "version"}
    for key in fields.number_keys:
        body.append(f"n_{key} = {_number(fields.field(key))}")
        numbers[key] = f"n_{key}"
    conditions = {}
    for index, condition in enumerate(fields.conditions):
        names[f"when_{index}"] = condition.test
        arguments = ", ".join(numbers[key] for key in condition.keys)
        body.append(f"c_{index} = when_{index}({arguments})")
        conditions[condition] = f"c_{index}"
    values = {f.name: _value(f, names, numbers, conditions) for f in fields.fields}
    call = "message(\n        version,\n" + "".join(f"        {values[a]},\n" for a in fields.attrs)
    call += "    )"
    if fields.check is None:
        body.append(f"return {call}")
    else:
        names["check"] = fields.check.message
        body += [f"decoded = {call}", "check(decoded)", "return decoded"]
    head = f"def decode_{fields.name}(data, version):\n"
    return head + "".join(f"    {line}\n" for line in body), names


def _output(field: Field, names: dict[str, Any]) -> str:
    value, key = f"m.{field.name}", field.key
    if field.rule is not None:
        names[f"out_{key}"] = field.rule.output
        return f"out_{key}({value})"
    if field.meaning is not None:
        names[f"meaning_{key}"] = field.meaning
        expr = f"meaning_{key}[{value}]"
    elif field.labels is not None:
        expr = f"{value}.label"
    else:
        return value
    return f"None if {value} is None else {expr}" if field.may_be_absent else expr


def recorder_source(fields: MessageFields[Any]) -> Source:
    """The source of `record_<msg_type>(m)`: the contract's dict of a decoded message."""
    names: dict[str, Any] = {}
    items = "".join(f"        {f.key!r}: {_output(f, names)},\n" for f in fields.fields)
    return f"def record_{fields.name}(m):\n    return {{\n{items}    }}\n", names
