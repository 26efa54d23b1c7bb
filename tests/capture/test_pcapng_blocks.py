"""pcapng blocks as capture tools write them: lengths, padding, comments, time offsets.

Every block is `type, total length, body, total length`, the body padded to 4 bytes
(draft-ietf-opsawg-pcapng 3.1); a total length that is not a multiple of 4, or absurdly
large, means the file is corrupt from there on. An Enhanced Packet Block's options follow
its data padded to 4 bytes, whatever the data's length (Wireshark puts the packet comment
there). An interface's `if_tsoffset` (option 14, int64 seconds) is added to its time
stamps; captures exported with relative times use it.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from capture.capture_builders import (
    pcapng_block,
    pcapng_enhanced,
    pcapng_interface,
    pcapng_section,
)
from dronevet.capture.files import open_capture
from dronevet.errors import CaptureFormatError

HEAD = pcapng_section() + pcapng_interface("<", 127)
GOOD = pcapng_enhanced("<", 0, 1_000_000, b"frame")


def _read(tmp_path: Path, data: bytes) -> tuple[list[bytes], dict[str, int]]:
    path = tmp_path / "capture.pcapng"
    path.write_bytes(data)
    reader = open_capture(path)
    return [packet.data for packet in reader], reader.skipped.counts


@pytest.mark.parametrize("total", [30, 1 << 24 | 4, 8], ids=["not-a-multiple-of-4",
                                                            "over-16-mib", "under-12"])
def test_a_corrupt_block_length_ends_the_file_with_a_counted_skip(
    tmp_path: Path, total: int
) -> None:
    corrupt = struct.pack("<II", 6, total) + bytes(24)
    packets, skipped = _read(tmp_path, HEAD + GOOD + corrupt + GOOD)
    assert packets == [b"frame"]  # the block before is kept, nothing after is guessed at
    assert skipped == {f"corrupt block length {total} (rest of file unreadable)": 1}


def test_an_interface_time_offset_is_added_to_every_time_stamp(tmp_path: Path) -> None:
    options = struct.pack("<HHq", 14, 8, 1_700_000_000) + struct.pack("<HH", 0, 0)
    interface = pcapng_block("<", 1, struct.pack("<HHI", 127, 0, 65535) + options)
    path = tmp_path / "offset.pcapng"
    path.write_bytes(pcapng_section() + interface + pcapng_enhanced("<", 0, 5_000_000, b"x"))
    (packet,) = open_capture(path)
    assert packet.time_ns == 1_700_000_005_000_000_000  # 5 s of microseconds after the offset


@pytest.mark.parametrize("length", range(6))
def test_a_packet_comment_is_found_after_data_of_any_length(tmp_path: Path, length: int) -> None:
    path = tmp_path / "comment.pcapng"
    path.write_bytes(HEAD + pcapng_enhanced("<", 0, 0, bytes(range(length)), comment="seen"))
    (packet,) = open_capture(path)
    assert (packet.data, packet.comment) == (bytes(range(length)), "seen")


def test_an_empty_block_of_an_unknown_type_is_skipped_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    empty = pcapng_block("<", 0x0BAD, b"")  # 12 bytes: type, length 12, length 12
    assert len(empty) == 12
    packets, skipped = _read(tmp_path, HEAD + empty + GOOD)
    assert packets == [b"frame"]
    assert skipped == {"pcapng block type 0xbad not used": 1}


def test_packets_of_a_supported_interface_are_read_beside_an_unsupported_one(
    tmp_path: Path,
) -> None:
    # interface 0 Ethernet (not read), interface 1 radiotap
    data = (pcapng_section() + pcapng_interface("<", 1) + pcapng_interface("<", 127)
            + pcapng_enhanced("<", 0, 0, b"ethernet") + pcapng_enhanced("<", 1, 0, b"wifi"))
    packets, skipped = _read(tmp_path, data)
    assert packets == [b"wifi"]
    assert skipped == {"link type Ethernet (1) not supported": 1}


def _interface_with(option: bytes) -> bytes:
    body = struct.pack("<HHI", 127, 0, 65535) + option + struct.pack("<HH", 0, 0)
    return pcapng_block("<", 1, body)


def test_an_empty_time_resolution_option_leaves_microseconds(tmp_path: Path) -> None:
    path = tmp_path / "empty-tsresol.pcapng"
    path.write_bytes(pcapng_section() + _interface_with(struct.pack("<HH", 9, 0))
                     + pcapng_enhanced("<", 0, 1_000_000, b"x"))  # fmt: skip
    (packet,) = open_capture(path)
    assert packet.time_ns == 1_000_000_000


def test_an_over_long_time_offset_option_uses_its_first_8_bytes(tmp_path: Path) -> None:
    option = struct.pack("<HH", 14, 12) + struct.pack("<q", 100) + b"\xff" * 4
    path = tmp_path / "long-tsoffset.pcapng"
    path.write_bytes(pcapng_section() + _interface_with(option)
                     + pcapng_enhanced("<", 0, 0, b"x"))  # fmt: skip
    (packet,) = open_capture(path)
    assert packet.time_ns == 100_000_000_000


def test_a_simple_packet_block_without_data_is_an_empty_packet(tmp_path: Path) -> None:
    simple = pcapng_block("<", 3, struct.pack("<I", 0))  # original length 0, no data
    packets, skipped = _read(tmp_path, HEAD + simple)
    assert (packets, skipped) == ([b""], {})


def test_a_simple_packet_block_belongs_to_the_first_interface(tmp_path: Path) -> None:
    data = (pcapng_section() + pcapng_interface("<", 127) + pcapng_interface("<", 105)
            + pcapng_block("<", 3, struct.pack("<I", 2) + b"hi"))  # fmt: skip
    path = tmp_path / "simple.pcapng"
    path.write_bytes(data)
    (packet,) = open_capture(path)
    assert (packet.interface, packet.linktype, packet.data) == (0, 127, b"hi")


def test_a_big_endian_packet_on_the_second_interface_keeps_its_interface(
    tmp_path: Path,
) -> None:
    data = (pcapng_section(">") + pcapng_interface(">", 105) + pcapng_interface(">", 127)
            + pcapng_enhanced(">", 1, 2_000_000, b"second"))  # fmt: skip
    path = tmp_path / "big-endian.pcapng"
    path.write_bytes(data)
    (packet,) = open_capture(path)
    assert (packet.interface, packet.linktype, packet.time_ns, packet.data) == (
        1, 127, 2_000_000_000, b"second"
    )


@pytest.mark.parametrize(
    ("tsresol", "ticks", "time_ns"),
    [
        pytest.param(9, 1_700_000_000_123_456_789, 1_700_000_000_123_456_789, id="nanoseconds"),
        pytest.param(10, 17_000_000_001_234_567_891, 1_700_000_000_123_456_789,
                     id="tenths-of-nanoseconds"),
        pytest.param(12, 10_000_123_456_789_123, 10_000_123_456_789, id="picoseconds"),
        pytest.param(3, 1_700_000_000_123, 1_700_000_000_123_000_000, id="milliseconds"),
    ],
)  # fmt: skip
def test_time_stamps_of_any_decimal_resolution_become_whole_nanoseconds(
    tmp_path: Path, tsresol: int, ticks: int, time_ns: int
) -> None:
    path = tmp_path / "resolution.pcapng"
    path.write_bytes(pcapng_section() + pcapng_interface("<", 127, tsresol=tsresol)
                     + pcapng_enhanced("<", 0, ticks, b"x"))  # fmt: skip
    (packet,) = open_capture(path)
    assert packet.time_ns == time_ns and isinstance(packet.time_ns, int)


@pytest.mark.parametrize(("tsresol", "readable"), [(63, True), (64, False), (0xBF, True)])
def test_a_time_resolution_beyond_10_to_the_minus_63_is_refused(
    tmp_path: Path, tsresol: int, readable: bool
) -> None:
    path = tmp_path / "tsresol.pcapng"
    path.write_bytes(pcapng_section() + pcapng_interface("<", 127, tsresol=tsresol)
                     + pcapng_enhanced("<", 0, 0, b"x"))  # fmt: skip
    if readable:
        assert [p.data for p in open_capture(path)] == [b"x"]
    else:
        with pytest.raises(CaptureFormatError, match="if_tsresol 0x40 out of range at byte"):
            list(open_capture(path))


def test_options_after_a_name_option_are_found_past_its_padding(tmp_path: Path) -> None:
    # if_name "wlan" written NUL-terminated (5 bytes, padded to 8) and if_description "usb"
    # (3, padded to 4) before if_tsresol: a reader that pads wrongly lands in the name's
    # NUL and padding and reads them as the end of the options
    options = (struct.pack("<HH", 2, 5) + b"wlan\0\0\0\0" + struct.pack("<HH", 3, 3) + b"usb\0"
               + struct.pack("<HHB3x", 9, 1, 9))  # fmt: skip
    path = tmp_path / "named.pcapng"
    path.write_bytes(pcapng_section() + _interface_with(options)
                     + pcapng_enhanced("<", 0, 5, b"x"))  # fmt: skip
    (packet,) = open_capture(path)
    assert packet.time_ns == 5  # nanosecond resolution read from the third option


def test_options_after_the_end_of_options_are_not_read(tmp_path: Path) -> None:
    body = (struct.pack("<IIIII", 0, 0, 0, 1, 1) + b"x\0\0\0" + struct.pack("<HH", 0, 0)
            + struct.pack("<HH", 1, 4) + b"late")  # a comment after opt_endofopt
    path = tmp_path / "end.pcapng"
    path.write_bytes(HEAD + pcapng_block("<", 6, body))
    (packet,) = open_capture(path)
    assert (packet.data, packet.comment) == (b"x", None)


def test_a_too_short_time_offset_option_is_ignored(tmp_path: Path) -> None:
    option = struct.pack("<HH", 14, 7) + bytes(7) + b"\0"
    path = tmp_path / "short-tsoffset.pcapng"
    path.write_bytes(pcapng_section() + _interface_with(option)
                     + pcapng_enhanced("<", 0, 2_000_000, b"x"))  # fmt: skip
    (packet,) = open_capture(path)
    assert packet.time_ns == 2_000_000_000


def test_a_simple_packet_block_without_a_body_is_counted_as_too_short(tmp_path: Path) -> None:
    packets, skipped = _read(tmp_path, HEAD + pcapng_block("<", 3, b"") + GOOD)
    assert packets == [b"frame"]
    assert skipped == {"Simple Packet Block too short": 1}


def test_a_block_of_exactly_16_mib_is_read(tmp_path: Path) -> None:
    data = bytes((1 << 24) - 12 - 20)  # EPB: 12 framing bytes, 20 fixed, then the data
    packets, skipped = _read(tmp_path, HEAD + pcapng_enhanced("<", 0, 0, data))
    assert (len(packets[0]), skipped) == (len(data), {})


def test_skips_name_the_byte_offset_of_their_block(tmp_path: Path) -> None:
    unknown = pcapng_block("<", 0x0BAD, b"")
    path = tmp_path / "offsets.pcapng"
    path.write_bytes(HEAD + GOOD + unknown + unknown)
    reader = open_capture(path)
    assert [p.data for p in reader] == [b"frame"]
    first = len(HEAD + GOOD)
    assert reader.skipped.examples == {"pcapng block type 0xbad not used": [first, first + 12]}


def test_a_second_section_without_byte_order_magic_names_its_offset(tmp_path: Path) -> None:
    broken = bytes.fromhex("0a0d0d0a") + struct.pack("<I", 28) + b"\xde\xad\xbe\xef"
    path = tmp_path / "two-sections.pcapng"
    path.write_bytes(HEAD + GOOD + broken + bytes(16))
    where = len(HEAD + GOOD)
    with pytest.raises(CaptureFormatError, match=f"byte-order magic at byte offset {where}"):
        list(open_capture(path))


def test_a_simple_packet_block_cut_to_the_snap_length_gives_only_its_captured_bytes(
    tmp_path: Path,
) -> None:
    interface = pcapng_block("<", 1, struct.pack("<HHI", 127, 0, 5))  # snaplen 5
    simple = pcapng_block("<", 3, struct.pack("<I", 10) + b"12345")  # 10 sent, 5 kept
    path = tmp_path / "snap.pcapng"
    path.write_bytes(pcapng_section() + interface + simple)
    (packet,) = open_capture(path)
    assert (packet.data, packet.orig_len) == (b"12345", 10)


@pytest.mark.parametrize("tsoffset", [300_000_000_000, -70_000_000_000])  # year 11476, -249
def test_a_time_stamp_outside_the_years_1_to_9999_is_a_counted_skip(
    tmp_path: Path, tsoffset: int
) -> None:
    option = struct.pack("<HH", 14, 8) + struct.pack("<q", tsoffset)
    packets, skipped = _read(tmp_path, pcapng_section() + _interface_with(option)
                             + pcapng_enhanced("<", 0, 0, b"x"))  # fmt: skip
    assert (packets, skipped) == ([], {"time stamp outside the years 1 to 9999": 1})
