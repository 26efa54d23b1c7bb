"""The compiled row writer writes what the dict path's writers write, byte for byte.

Its number, time and address routines are checked against orjson, `repr`, the csv module
and `pipeline.iso_time` on random values; whole batches (`BatchRecords.lines`) against
`record_line` over the streaming path's records, for random message packs, for frames
whose values the loop declines, and in chunks that are only valid until the next.
"""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from capture.capture_builders import (
    BEACON_FIXED,
    element,
    management,
    odid_beacon_element,
    pcap_file,
    radiotap,
)
from dronevet.broadcast.batch_records import BatchRecords, mac_text, record_line
from dronevet.broadcast.detection import iso_time
from dronevet.broadcast.output import CONTRACT_COLUMNS, template
from dronevet.broadcast.output import record_line as output_line
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.broadcast.row_writer import _float, _mac, _time
from dronevet.capture.files import open_capture

SOURCE = bytes.fromhex("0a1b2c3d4e5f")
T0 = 1_700_000_000_123_456_000


def _written(write: object, *args: object) -> bytes | None:
    out = np.zeros(64, np.uint8)
    end = write(out, 0, *args)  # type: ignore[operator]
    return None if end < 0 else out[:end].tobytes()


# Remote ID values are raw integers over a power of ten: the writer's usual case.
short_decimals = st.builds(lambda k, d, sign: sign * k / 10**d, st.integers(0, 10**12),
                           st.integers(0, 9), st.sampled_from([1, -1]))  # fmt: skip
any_double = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=3000, deadline=None)
@given(short_decimals | any_double, st.integers(0, 7))
def test_a_float_is_written_as_orjson_writes_it_or_declined(value: float, hint: int) -> None:
    written = _written(_float, value, False, hint)
    if written is None:  # declined: the dict path writes the row
        return
    assert written == orjson.dumps(value)


@settings(max_examples=3000, deadline=None)
@given(short_decimals | any_double, st.integers(0, 7))
def test_a_float_in_csv_is_written_as_repr_writes_it_or_declined(value: float, hint: int) -> None:
    written = _written(_float, value, True, hint)
    if written is None:
        return
    assert written.decode() == repr(value)


@pytest.mark.parametrize(
    "value", [45.5457468, -122.1234567, 0.0, -0.0, 1e-05, 2.5e-06, 0.0001, 9.5e-05, 123.25,
              99999999.0, 1e14, 0.3],
)  # fmt: skip
def test_values_met_in_captures_are_written_not_declined(value: float) -> None:
    for python, expected in ((False, orjson.dumps(value)), (True, repr(value).encode())):
        for hint in (0, 2, 7):
            assert _written(_float, value, python, hint) == expected


def test_only_values_outside_the_loops_range_are_declined() -> None:
    for value in (1e15, -2e20, 1e-16, 5e-324, 0.1 + 0.2):  # 0.30000000000000004: 17 digits
        assert _written(_float, value, False, 7) is None


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 2**63 - 1))
def test_a_capture_time_is_written_as_iso_time_writes_it(ns: int) -> None:
    assert _written(_time, ns) == (iso_time(ns) or "").encode()


def test_a_time_before_1970_is_declined() -> None:
    assert _written(_time, -1) is None
    assert _written(_time, -86_400_000_000_000) is None


@given(st.integers(0, (1 << 48) - 1))
def test_an_address_is_written_as_mac_text_writes_it(value: int) -> None:
    out = np.zeros(32, np.uint8)
    end = _mac(out, 0, np.uint64(value))
    assert out[:end].tobytes().decode() == mac_text(value)


def _beacon(*messages: bytes) -> bytes:
    pack = bytes([0xF2, 25, len(messages)]) + b"".join(messages)
    body = BEACON_FIXED + element(0, b"odid") + odid_beacon_element(7, pack)
    return radiotap() + management(8, SOURCE, body)


def _streamed_lines(path: Path, fmt: str) -> bytes:
    decoder = StreamDecoder()
    records = [d.record() for d in decoder.run(open_capture(path))]
    return b"".join(record_line(fmt, CONTRACT_COLUMNS, record) for record in records)


def _batched_lines(path: Path, fmt: str, chunk_bytes: int = 4096) -> bytes:
    # Each chunk is copied before the next is asked for, as a writer does.
    chunks = BatchRecords(path, chunk_bytes=chunk_bytes).lines(
        template(fmt, CONTRACT_COLUMNS), output_line(fmt, CONTRACT_COLUMNS))
    return b"".join(bytes(chunk) for chunk in chunks)


messages = st.tuples(st.integers(0, 5) | st.integers(0, 15), st.sampled_from([0, 1, 2, 3]),
                     st.binary(min_size=24, max_size=24)).map(
    lambda t: bytes([(t[0] << 4) | t[1]]) + t[2])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(messages, min_size=1, max_size=9), min_size=1, max_size=12),
       st.sampled_from(["jsonl", "csv"]), st.sampled_from([200, 4096]))
@example(packs=[[bytes(25)]], fmt="csv", chunk_bytes=200)  # empty UAS ID: not quoted
def test_random_packs_give_the_same_bytes_as_the_dict_path(
    packs: list[list[bytes]], fmt: str, chunk_bytes: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.pcap"
        path.write_bytes(pcap_file(
            [(T0 + i * 1_000_000, _beacon(*pack)) for i, pack in enumerate(packs)]))
        assert _batched_lines(path, fmt, chunk_bytes) == _streamed_lines(path, fmt)


# Location: status 2, E/W and speed multiplier set, every value at its largest raw value;
# then one with latitude and longitude at their limits and a text-heavy Self-ID and
# Operator ID (non-ASCII bytes, quotes and commas that CSV must quote).
LOCATION_EXTREMES = bytes([0x12, 0x23, 254, 127]) + struct.pack(
    "<iiHHhBBBH", 900_000_000, -1_800_000_000, 0xFFFF, 0xFFFF, 0x7FFF, 0xFF, 0xFF, 0xFF,
    0xFFFF) + bytes(2)  # fmt: skip
SELF_ID = bytes([0x32, 0]) + 'caf\u00e9 "a,b"'.encode()[:23].ljust(23, b"\xff")
OPERATOR_ID = bytes([0x52, 0]) + b"FIN87astrdge12k8\x00\x00\x00\x00" + bytes(3)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_edge_values_and_texts_give_the_same_bytes_as_the_dict_path(
    tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "edges.pcap"
    path.write_bytes(pcap_file([
        (0, _beacon(LOCATION_EXTREMES, SELF_ID)),  # 1970-01-01T00:00:00
        (((1 << 32) - 1) * 1_000_000_000, _beacon(OPERATOR_ID, LOCATION_EXTREMES)),  # 2106
    ]))  # fmt: skip
    batched = _batched_lines(path, fmt)
    assert batched == _streamed_lines(path, fmt)
    assert batched.count(b"\n") == 4


def test_chunks_are_valid_until_the_next_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "many.pcap"
    frames = [(T0 + i * 1000, _beacon(LOCATION_EXTREMES, OPERATOR_ID)) for i in range(400)]
    path.write_bytes(pcap_file(frames))
    chunks = BatchRecords(path, chunk_bytes=4096).lines(template("jsonl"), output_line("jsonl"))
    first = next(chunks)
    copied = bytes(first)
    assert copied.count(b"\n") > 10
    rest = b"".join(bytes(chunk) for chunk in chunks)
    assert copied + rest == _streamed_lines(path, "jsonl")
