"""A minimal Remote ID beacon receiver built the way most Python receivers are: scapy + struct.

PcapReader yields each frame as a scapy packet; the receiver walks its Dot11Elt chain
for the ASTM vendor element (OUI FA:0B:BC, type 0x0D), cuts the message pack and
unpacks each 25-byte message with `struct`. It is the peer the benchmark compares with,
not part of dronevet.

Usage: python bench/scapy_receiver.py CAPTURE [MAX_FRAMES]
"""

from __future__ import annotations

import struct
import sys
import time

from scapy.layers.dot11 import Dot11Beacon, Dot11Elt
from scapy.utils import PcapReader

ODID = b"\xfa\x0b\xbc\x0d"
LOCATION = struct.Struct("<BBBBbiiHHHBBHBB")
BASIC_ID = struct.Struct("<BB20s3s")


def decode_message(message: bytes) -> dict[str, object]:
    """The fields of a Basic ID or Location message; the type alone for the others."""
    kind = message[0] >> 4
    if kind == 0:
        uas_id = BASIC_ID.unpack(message)[2]
        return {"msg_type": "basic_id", "uas_id": uas_id.rstrip(b"\0").decode("ascii", "replace")}
    if kind == 1:
        fields = LOCATION.unpack(message)
        flags, direction, speed, vspeed, lat, lon = fields[1:7]
        return {
            "msg_type": "location",
            "lat": lat * 1e-7,
            "lon": lon * 1e-7,
            "direction": direction + (180 if flags & 2 else 0),
            "speed_h": speed * 0.75 + 63.75 if flags & 1 else speed * 0.25,
            "speed_v": vspeed * 0.5,
            "alt_geo": fields[8] * 0.5 - 1000,
            "height": fields[9] * 0.5 - 1000,
        }
    return {"msg_type": kind}


def receive(path: str, max_frames: int | None = None) -> tuple[int, int]:
    """Decode Remote ID beacons in a capture; (frames read, messages decoded)."""
    frames = messages = 0
    for packet in PcapReader(path):
        frames += 1
        if packet.haslayer(Dot11Beacon):
            element = packet.getlayer(Dot11Elt)
            while element is not None:
                info = bytes(element.info)
                if element.ID == 221 and info[:4] == ODID:
                    pack = info[5:]
                    for index in range(pack[2]):
                        decode_message(pack[3 + 25 * index : 28 + 25 * index])
                        messages += 1
                element = element.payload.getlayer(Dot11Elt)
        if max_frames is not None and frames >= max_frames:
            break
    return frames, messages


if __name__ == "__main__":
    start = time.perf_counter()
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    frames, messages = receive(sys.argv[1], limit)
    seconds = time.perf_counter() - start
    print(f"{frames} frames, {messages} messages, {frames / seconds:,.0f} frames/s")
