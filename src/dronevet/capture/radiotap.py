"""Radiotap headers in front of 802.11 frames: their length, and whether the frame ends in an FCS.

Layout (https://www.radiotap.org, read 2026-11-23): `version u8 (0), pad u8, length u16 LE,
present u32 LE...`; bit 31 of a present word says another word follows (extended
bitmaps). Fields follow, each aligned to its natural size. Only the first word's field 0
(TSFT, u64) comes before field 1 (Flags, u8), so finding Flags needs no other field size.
Flags bit 0x10: the frame ends in a 4-byte FCS; bit 0x40: that FCS failed its check.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from dronevet.capture.packets import LinkLayerError

FLAG_FCS_AT_END = 0x10
FLAG_BAD_FCS = 0x40
_EXT = 1 << 31


@dataclass(frozen=True, slots=True)
class Radiotap:
    """What dronevet needs from a radiotap header: where the 802.11 frame is, and its FCS."""

    length: int
    flags: int | None
    """The Flags field, None when the header does not carry it."""

    @property
    def has_fcs(self) -> bool:
        """The 802.11 frame ends in a 4-byte frame check sequence."""
        return self.flags is not None and bool(self.flags & FLAG_FCS_AT_END)

    @property
    def bad_fcs(self) -> bool:
        """The capturing radio found the frame check sequence wrong."""
        return self.flags is not None and bool(self.flags & FLAG_BAD_FCS)


def parse(data: bytes) -> Radiotap:
    """Read the radiotap header at the start of `data`; `LinkLayerError` when malformed."""
    if len(data) < 8:
        raise LinkLayerError("radiotap header shorter than 8 bytes")
    version, _pad, length, first = struct.unpack_from("<BBHI", data)
    if version != 0:
        raise LinkLayerError(f"radiotap version {version} is not 0")
    if length < 8 or length > len(data):
        raise LinkLayerError(f"radiotap length {length} outside the frame ({len(data)} bytes)")
    position, word = 8, first
    while word & _EXT:
        if position + 4 > length:
            raise LinkLayerError("radiotap present bitmaps run past the header")
        (word,) = struct.unpack_from("<I", data, position)
        position += 4
    flags = None
    if first & 0b10:
        if first & 0b1:
            position = ((position + 7) & ~7) + 8
        if position >= length:
            raise LinkLayerError("radiotap Flags field runs past the header")
        flags = data[position]
    return Radiotap(length=length, flags=flags)


def strip(data: bytes) -> bytes:
    """The 802.11 frame behind the radiotap header, without its FCS; bad-FCS frames raise."""
    header = parse(data)
    if header.bad_fcs:
        raise LinkLayerError("radio reported a bad frame check sequence")
    end = len(data) - 4 if header.has_fcs else len(data)
    if end < header.length:
        raise LinkLayerError("frame shorter than its radiotap header and FCS")
    return data[header.length : end]
