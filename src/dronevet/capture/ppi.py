"""PPI (Per-Packet Information) headers: skip them and learn the link type behind.

Layout (PPI Header Format Specification 1.0.10, CACE Technologies 2007):
`version u8 (0), flags u8, length u16 LE, dlt u32 LE`, then `length - 8` bytes of
field headers, then a frame of link type `dlt` (105 = 802.11 for Wi-Fi captures).
Flag bit 0 asks for 32-bit alignment, which the length already includes.
"""

from __future__ import annotations

import struct

from dronevet.capture.packets import LinkLayerError


def strip(data: bytes) -> tuple[int, bytes]:
    """The link type named by the PPI header and the frame behind it."""
    if len(data) < 8:
        raise LinkLayerError("PPI header shorter than 8 bytes")
    version, _flags, length, dlt = struct.unpack_from("<BBHI", data)
    if version != 0:
        raise LinkLayerError(f"PPI version {version} is not 0")
    if length < 8 or length > len(data):
        raise LinkLayerError(f"PPI length {length} outside the frame ({len(data)} bytes)")
    return dlt, data[length:]
