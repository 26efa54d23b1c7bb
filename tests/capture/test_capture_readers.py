"""pcap and pcapng readers: times, bytes, byte orders, interfaces, truncation, wrong formats."""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capture.capture_builders import (
    pcap_file,
    pcapng_block,
    pcapng_enhanced,
    pcapng_interface,
    pcapng_section,
)
from dronevet.capture.files import open_capture
from dronevet.errors import CaptureFormatError

records = st.lists(
    st.tuples(st.integers(0, 2**32 - 1).map(lambda s: s * 1_000_000_000), st.binary(max_size=64)),
    max_size=8,
)


def _write(tmp_path: Path, data: bytes, name: str = "x.cap") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("nanoseconds", [False, True])
def test_pcap_reads_times_and_bytes_in_either_byte_order_and_resolution(
    tmp_path: Path, order: str, nanoseconds: bool
) -> None:
    time_ns = 1_621_633_931_161_999_123
    expected_ns = time_ns if nanoseconds else time_ns - 123
    path = _write(tmp_path, pcap_file([(time_ns, b"abc"), (time_ns + 1000, b"")],
                                      order=order, nanoseconds=nanoseconds))
    packets = list(open_capture(path))
    assert [(p.number, p.time_ns, p.data) for p in packets] == [
        (1, expected_ns, b"abc"),
        (2, expected_ns + 1000, b""),
    ]
    assert packets[0].linktype == 127


@settings(max_examples=40, deadline=None)
@given(records=records)
def test_pcap_round_trips_any_records(tmp_path_factory: pytest.TempPathFactory,
                                      records: list[tuple[int, bytes]]) -> None:
    path = _write(tmp_path_factory.mktemp("pcap"), pcap_file(records, nanoseconds=True))
    assert [(p.time_ns, p.data) for p in open_capture(path)] == records


def test_truncated_last_pcap_record_is_counted_and_earlier_records_kept(tmp_path: Path) -> None:
    whole = pcap_file([(10**18, b"first"), (10**18, b"second record")])
    reader = open_capture(_write(tmp_path, whole[:-4]))
    assert [p.data for p in reader] == [b"first"]
    assert reader.skipped.counts == {"truncated record at end of file": 1}
    assert reader.skipped.examples["truncated record at end of file"] == [2]


def test_ethernet_pcap_is_refused_naming_file_and_link_type(tmp_path: Path) -> None:
    path = _write(tmp_path, pcap_file([], linktype=1), "office.pcap")
    with pytest.raises(CaptureFormatError) as caught:
        open_capture(path)
    assert "office.pcap" in str(caught.value)
    assert "Ethernet (1)" in str(caught.value)


def test_a_text_file_is_not_a_capture(tmp_path: Path) -> None:
    with pytest.raises(CaptureFormatError, match="not a pcap or pcapng"):
        open_capture(_write(tmp_path, b"hello, world\n", "notes.txt"))


def test_pcapng_interfaces_keep_their_own_link_type_and_time_resolution(tmp_path: Path) -> None:
    # Interface 0: Nordic BLE in nanoseconds (if_tsresol 9); interface 1: radiotap in
    # 2^-10 s units (if_tsresol 0x8A): 1024 ticks = exactly one second.
    data = (
        pcapng_section("<", comment="two radios")
        + pcapng_interface("<", 272, tsresol=9)
        + pcapng_interface("<", 127, tsresol=0x8A)
        + pcapng_enhanced("<", 0, 1_696_390_917_558_003_000, b"ble", comment="first")
        + pcapng_enhanced("<", 1, 1024 * 1_700_000_000 + 512, b"wifi")
    )
    reader = open_capture(_write(tmp_path, data))
    packets = list(reader)
    assert [(p.interface, p.linktype, p.time_ns, p.data) for p in packets] == [
        (0, 272, 1_696_390_917_558_003_000, b"ble"),
        (1, 127, 1_700_000_000_500_000_000, b"wifi"),
    ]
    assert packets[0].comment == "first"
    assert reader.section_comments == ["two radios"]


def test_pcapng_default_resolution_is_microseconds_and_sections_reset_byte_order(
    tmp_path: Path,
) -> None:
    data = (
        pcapng_section(">")
        + pcapng_interface(">", 127)
        + pcapng_enhanced(">", 0, 1_000_000, b"big")
        + pcapng_section("<")
        + pcapng_interface("<", 105)
        + pcapng_enhanced("<", 0, 2_000_000, b"little")
    )
    packets = list(open_capture(_write(tmp_path, data)))
    assert [(p.number, p.linktype, p.time_ns, p.data) for p in packets] == [
        (1, 127, 1_000_000_000, b"big"),
        (2, 105, 2_000_000_000, b"little"),
    ]


def test_pcapng_simple_and_obsolete_packet_blocks(tmp_path: Path) -> None:
    import struct

    simple = pcapng_block("<", 3, struct.pack("<I", 5) + b"hello")
    obsolete = pcapng_block(
        "<", 2, struct.pack("<HHIIII", 0, 0, 0, 3_000_000, 2, 2) + b"hi"
    )
    data = pcapng_section() + pcapng_interface("<", 127) + simple + obsolete
    packets = list(open_capture(_write(tmp_path, data)))
    assert [(p.time_ns, p.data) for p in packets] == [(None, b"hello"), (3_000_000_000, b"hi")]


def test_pcapng_with_only_unsupported_interfaces_names_the_link_type(tmp_path: Path) -> None:
    data = pcapng_section() + pcapng_interface("<", 1) + pcapng_enhanced("<", 0, 0, b"eth")
    with pytest.raises(CaptureFormatError, match=r"Ethernet \(1\)"):
        list(open_capture(_write(tmp_path, data, "lan.pcapng")))


def test_pcapng_truncated_last_block_is_counted(tmp_path: Path) -> None:
    data = (
        pcapng_section() + pcapng_interface("<", 127)
        + pcapng_enhanced("<", 0, 1, b"one") + pcapng_enhanced("<", 0, 2, b"two")
    )
    reader = open_capture(_write(tmp_path, data[:-6]))
    assert [p.data for p in reader] == [b"one"]
    assert reader.skipped.total == 1


def _two_record_capture(
    data: bytes, pcapng: bool
) -> tuple[bytes, list[int], list[tuple[int, int, bytes]]]:
    """A capture of two records: its bytes, where its header blocks end, and each record's
    `(end offset, time_ns, data)`."""
    if pcapng:
        heads = [pcapng_section(), pcapng_interface("<", 127)]
        records = [pcapng_enhanced("<", 0, 7, data), pcapng_enhanced("<", 0, 8, data[:5])]
        times = [7_000, 8_000]  # default resolution: microseconds
    else:
        heads = [pcap_file([])]
        records = [pcap_file([(0, data)])[24:], pcap_file([(1_000, data[:5])])[24:]]
        times = [0, 1_000]
    ends = list(accumulate(len(part) for part in heads + records))
    kept = [(end, time, payload) for end, time, payload in
            zip(ends[len(heads):], times, [data, data[:5]], strict=True)]  # fmt: skip
    return b"".join(heads + records), ends[: len(heads)], kept


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), cut=st.integers(0, 700), flip=st.integers(0, 700),
       pcapng=st.booleans())  # fmt: skip
def test_damage_keeps_the_records_before_it_and_only_damaged_headers_are_fatal(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, cut: int, flip: int, pcapng: bool
) -> None:
    base, heads, records = _two_record_capture(data, pcapng)
    mutated = bytearray(base[: max(cut, 4)])
    if flip < len(mutated):
        mutated[flip] ^= 0xFF
    # the first byte that is not as written: the flipped one, or the end of a cut file
    damage = min(flip if flip < len(mutated) else len(base),
                 len(mutated) if len(mutated) < len(base) else len(base))  # fmt: skip
    path = _write(tmp_path_factory.mktemp("fuzz"), bytes(mutated))
    try:
        packets = list(open_capture(path))
    except CaptureFormatError:
        assert damage < heads[-1]  # a typed error only when the file or interface header broke
        return
    intact = [(time, payload) for end, time, payload in records if end <= damage]
    assert [(p.time_ns, p.data) for p in packets[: len(intact)]] == intact


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), cut=st.integers(0, 700), pcapng=st.booleans())
def test_a_capture_cut_inside_a_block_counts_one_skip_and_keeps_the_whole_records(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, cut: int, pcapng: bool
) -> None:
    base, heads, records = _two_record_capture(data, pcapng)
    cut = min(cut, len(base))
    path = _write(tmp_path_factory.mktemp("cut"), base[:cut])
    file_header = 12 if pcapng else 24  # what the reader checks before reading any block
    if cut < file_header:
        with pytest.raises(CaptureFormatError):
            list(open_capture(path))
        return
    reader = open_capture(path)
    packets = [(p.time_ns, p.data) for p in reader]
    assert packets == [(time, payload) for end, time, payload in records if end <= cut]
    block_ends = {*heads, *(end for end, _, _ in records)}
    assert reader.skipped.total == (0 if cut in block_ends else 1)
