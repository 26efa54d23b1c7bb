"""ASTM F3411 Operator ID message (type 5): the operator's registration number.

    byte  0      header: type 5 (bits 7-4), protocol version (bits 3-0)
    byte  1      operator ID type (0 = operator ID; 201-255 private use)
    bytes 2-21   operator ID, 20 ASCII characters padded with NULs
    bytes 22-24  reserved
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import Layout, decode_text, register
from dronevet.broadcast.remoteid.enums import OperatorIdType, lookup

LAYOUT = Layout(
    ("header", "u1"),
    ("operator_id_type", "u1"),
    ("operator_id", "S20"),
    ("reserved", "S3"),
)

_ID_TYPE = lookup(OperatorIdType, 256)


@dataclass(frozen=True, slots=True)
class OperatorIdMessage:
    """The operator's registration (e.g. an EU operator number)."""

    version: int
    operator_id_type: OperatorIdType
    operator_id: str

    msg_type: ClassVar[str] = "operator_id"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return {"operator_id": self.operator_id, "operator_id_type": self.operator_id_type.label}


@register(5)
def decode_operator_id(data: bytes, version: int) -> OperatorIdMessage:
    """Decode one 25-byte Operator ID message."""
    _, id_type, operator_id, _ = LAYOUT.unpack(data)
    return OperatorIdMessage(
        version=version,
        operator_id_type=_ID_TYPE[id_type],
        operator_id=decode_text(operator_id),
    )
