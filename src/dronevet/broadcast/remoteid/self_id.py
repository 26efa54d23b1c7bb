"""ASTM F3411 Self-ID message (type 3): free text the operator declares (purpose, status).

    byte  0      header: type 3 (bits 7-4), protocol version (bits 3-0)
    byte  1      description type (0 text; 1 emergency, 2 extended status from version 2;
                 201-255 private use)
    bytes 2-24   description, 23 ASCII characters padded with NULs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import Layout, decode_text, register
from dronevet.broadcast.remoteid.enums import SelfIdType, lookup

LAYOUT = Layout(
    ("header", "u1"),
    ("desc_type", "u1"),
    ("description", "S23"),
)

_DESC_TYPE = lookup(SelfIdType, 256)


@dataclass(frozen=True, slots=True)
class SelfIdMessage:
    """A short declaration by the operator."""

    version: int
    desc_type: SelfIdType
    description: str

    msg_type: ClassVar[str] = "self_id"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return {"self_id_type": self.desc_type.label, "self_id": self.description}


@register(3)
def decode_self_id(data: bytes, version: int) -> SelfIdMessage:
    """Decode one 25-byte Self-ID message."""
    _, desc_type, description = LAYOUT.unpack(data)
    return SelfIdMessage(
        version=version, desc_type=_DESC_TYPE[desc_type], description=decode_text(description)
    )
