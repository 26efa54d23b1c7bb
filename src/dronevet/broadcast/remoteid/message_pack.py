"""ASTM F3411 Message Pack (type 0xF): several messages in one broadcast.

    byte  0      header: type 0xF (bits 7-4), protocol version (bits 3-0)
    byte  1      size of each message: must be 25
    byte  2      number of messages: 0-9, or 0-10 at protocol version 0 (F3411-19 allowed
                 10; later versions lowered it to 9 so a pack fits a 255-byte Wi-Fi
                 vendor element; opendroneid-core-c followed, MAVLink's OPEN_DRONE_ID_
                 MESSAGE_PACK range went from 1-10 to 1-9 in mavlink/mavlink#1701)
    bytes 3-     the messages, 25 bytes each (a pack inside a pack is malformed)

Used by Wi-Fi beacon and NAN frames and Bluetooth 5 advertising; Bluetooth 4 legacy
advertising carries single messages.
"""

from __future__ import annotations

from dronevet.broadcast.remoteid.common import MESSAGE_SIZE, MessageError

PACK_TYPE = 0xF
PACK_HEADER = 3
PACK_MAX_MESSAGES = 9
PACK_MAX_MESSAGES_VERSION_0 = 10


def max_messages(header: int) -> int:
    """How many messages a pack whose first byte is `header` may hold (by its version)."""
    return PACK_MAX_MESSAGES_VERSION_0 if header & 0x0F == 0 else PACK_MAX_MESSAGES


def split_pack(data: bytes) -> list[bytes]:
    """The 25-byte messages of a message pack; MessageError when the pack is malformed."""
    if len(data) < PACK_HEADER:
        raise MessageError(f"message pack of {len(data)} bytes is shorter than its header")
    size, count = data[1], data[2]
    if size != MESSAGE_SIZE:
        raise MessageError(f"message pack announces messages of {size} bytes, not 25")
    limit = max_messages(data[0])
    if count > limit:
        raise MessageError(
            f"message pack announces {count} messages, more than {limit} "
            f"(protocol version {data[0] & 0x0F})"
        )
    end = PACK_HEADER + count * MESSAGE_SIZE
    if len(data) < end:
        raise MessageError(
            f"message pack announces {count} messages but holds {len(data) - PACK_HEADER} bytes"
        )
    starts = range(PACK_HEADER, end, MESSAGE_SIZE)
    return [bytes(data[start : start + MESSAGE_SIZE]) for start in starts]
