"""ASTM F3411 Self-ID message (type 3): free text the operator declares (purpose, status).

Its fields are declared in `FIELDS` below: a description type (0 text; 1 emergency and
2 extended status from protocol version 2; 201-255 private use) and 23 ASCII characters
padded with NULs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.enums import SelfIdType
from dronevet.broadcast.remoteid.fields import Bits, Field
from dronevet.broadcast.remoteid.message_fields import MessageFields


@dataclass(frozen=True, slots=True)
class SelfIdMessage:
    """A short declaration by the operator."""

    version: int
    desc_type: SelfIdType
    description: str

    msg_type: ClassVar[str] = "self_id"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return FIELDS.record(self)


FIELDS = MessageFields(3, "self_id", SelfIdMessage, (
    Field("self_id_type", Bits(1), labels=SelfIdType, attr="desc_type"),
    Field("self_id", Bits(2, "S23"), attr="description"),
))  # fmt: skip
decode_self_id = FIELDS.decode
