"""pcapng details a writer may legally vary: option padding, over-long options, several
interfaces, and files too short to be a capture.

Each case is one a real writer produces (a one-byte option padded to four bytes, a Simple
Packet Block in a file with several interfaces) or one a damaged file shows (a file cut
inside its first block); the reader must give the same packets as the format says.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from capture.capture_builders import pcapng_block, pcapng_enhanced, pcapng_section
from dronevet.capture.files import open_capture
from dronevet.errors import CaptureFormatError

END = struct.pack("<HH", 0, 0)


def _interface(options: bytes, snaplen: int = 65535) -> bytes:
    return pcapng_block("<", 1, struct.pack("<HHI", 127, 0, snaplen) + options + END)


def _one_packet(tmp_path: Path, data: bytes) -> tuple[int | None, bytes]:
    path = tmp_path / "capture.pcapng"
    path.write_bytes(data)
    (packet,) = open_capture(path)
    return packet.time_ns, packet.data


def test_an_option_after_a_one_byte_option_is_found_past_its_three_bytes_of_padding(
    tmp_path: Path,
) -> None:
    # if_tsresol 0 (seconds): read 4 bytes too early, its value and padding would end the
    # options (code 0) before the time offset
    tsresol = struct.pack("<HH", 9, 1) + b"\x00" + bytes(3)
    tsoffset = struct.pack("<HHq", 14, 8, 100)  # 100 s
    data = pcapng_section() + _interface(tsresol + tsoffset) + pcapng_enhanced("<", 0, 2, b"x")
    assert _one_packet(tmp_path, data) == (102_000_000_000, b"x")


def test_a_time_resolution_is_read_from_the_first_byte_of_its_option(tmp_path: Path) -> None:
    tsresol = struct.pack("<HH", 9, 2) + b"\x03\x09" + bytes(2)  # over long: 3 is the value
    data = pcapng_section() + _interface(tsresol) + pcapng_enhanced("<", 0, 1500, b"x")
    assert _one_packet(tmp_path, data) == (1_500_000_000, b"x")


def test_a_simple_packet_block_takes_the_snap_length_of_the_first_interface_only(
    tmp_path: Path,
) -> None:
    first, second = _interface(b"", snaplen=0), _interface(b"", snaplen=2)  # 0: no limit
    simple = pcapng_block("<", 3, struct.pack("<I", 4) + b"abcd")
    assert _one_packet(tmp_path, pcapng_section() + first + second + simple) == (None, b"abcd")


@pytest.mark.parametrize("size", [4, 8, 11])
def test_a_file_cut_inside_its_section_header_is_not_a_pcapng_file(
    tmp_path: Path, size: int
) -> None:
    path = tmp_path / "cut.pcapng"
    path.write_bytes(pcapng_section()[:size])
    with pytest.raises(CaptureFormatError, match="does not start with a Section Header Block"):
        list(open_capture(path))


@pytest.mark.parametrize("name", [b"w", b"wl", b"wla", b"wlan", b"wlan0"])
def test_an_option_after_a_name_of_any_length_is_found_past_its_padding(
    tmp_path: Path, name: bytes
) -> None:
    if_name = struct.pack("<HH", 2, len(name)) + name + bytes(-len(name) % 4)
    tsoffset = struct.pack("<HHq", 14, 8, 100)  # 100 s
    data = pcapng_section() + _interface(if_name + tsoffset) + pcapng_enhanced("<", 0, 2, b"x")
    assert _one_packet(tmp_path, data) == (100_000_002_000, b"x")
