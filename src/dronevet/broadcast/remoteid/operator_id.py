"""ASTM F3411 Operator ID message (type 5): the operator's registration number.

Its fields are declared in `FIELDS` below: an operator ID type (0 = operator ID; 201-255
private use) and 20 ASCII characters padded with NULs; bytes 22-24 are reserved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.enums import OperatorIdType
from dronevet.broadcast.remoteid.fields import Bits, Field
from dronevet.broadcast.remoteid.message_fields import MessageFields


@dataclass(frozen=True, slots=True)
class OperatorIdMessage:
    """The operator's registration (e.g. an EU operator number)."""

    version: int
    operator_id_type: OperatorIdType
    operator_id: str

    msg_type: ClassVar[str] = "operator_id"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return FIELDS.record(self)


FIELDS = MessageFields(5, "operator_id", OperatorIdMessage, (
    Field("operator_id", Bits(2, "S20")),
    Field("operator_id_type", Bits(1), labels=OperatorIdType),
))  # fmt: skip
decode_operator_id = FIELDS.decode
