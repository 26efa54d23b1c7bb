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
