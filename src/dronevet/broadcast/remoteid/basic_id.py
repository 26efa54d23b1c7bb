"""ASTM F3411 Basic ID message (type 0): who the aircraft is.

    byte  0      header: type 0 (bits 7-4), protocol version (bits 3-0)
    byte  1      ID type (bits 7-4) | UA type (bits 3-0)
    bytes 2-21   UAS ID, 20 ASCII characters padded with NULs
                 (ID type 4, specific session ID: 1 type byte + 19 binary bytes, shown in hex)
    bytes 22-24  reserved
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import Layout, decode_text, register
from dronevet.broadcast.remoteid.enums import IdType, UaType, lookup

LAYOUT = Layout(
    ("header", "u1"),
    ("types", "u1"),
    ("uas_id", "S20"),
    ("reserved", "S3"),
)

_ID_TYPE = lookup(IdType)
_UA_TYPE = lookup(UaType)


@dataclass(frozen=True, slots=True)
class BasicIdMessage:
    """The aircraft's identity as it broadcasts it."""

    version: int
    id_type: IdType
    ua_type: UaType
    uas_id: str

    msg_type: ClassVar[str] = "basic_id"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return {
            "uas_id": self.uas_id,
            "id_type": self.id_type.label,
            "ua_type": self.ua_type.label,
        }


def decode_uas_id(raw: bytes, id_type: int) -> str:
    """The UAS ID as text: ASCII for every type but the binary specific session ID (hex)."""
    if id_type == IdType.SPECIFIC_SESSION_ID:
        return raw.hex()
    return decode_text(raw)


@register(0)
def decode_basic_id(data: bytes, version: int) -> BasicIdMessage:
    """Decode one 25-byte Basic ID message."""
    _, types, uas_id, _ = LAYOUT.unpack(data)
    id_type = types >> 4
    return BasicIdMessage(
        version=version,
        id_type=_ID_TYPE[id_type],
        ua_type=_UA_TYPE[types & 0x0F],
        uas_id=decode_uas_id(uas_id, id_type),
    )
