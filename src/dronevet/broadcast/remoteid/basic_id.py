"""ASTM F3411 Basic ID message (type 0): who the aircraft is.

Its fields are declared in `FIELDS` below (bytes 22-24 are reserved). The UAS ID is 20
ASCII characters padded with NULs, except for ID type 4 (specific session ID, new in
protocol version 1): one byte saying which kind (ICAO managed) and 19 binary bytes, shown
in hex.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import decode_text
from dronevet.broadcast.remoteid.enums import IdType, UaType
from dronevet.broadcast.remoteid.fields import Array, Bits, Field, Kind, Rule
from dronevet.broadcast.remoteid.message_fields import MessageFields


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
        return FIELDS.record(self)


@dataclass(frozen=True, slots=True)
class UasId(Rule):
    """The UAS ID as text: ASCII for every ID type (`context`) but the binary specific
    session ID, shown in hex. The batch column keeps the raw bytes for both."""

    context: str
    kind: ClassVar[Kind] = Kind.UAS_ID

    def binary(self, id_type: Any) -> Any:
        """Whether an ID type (or a column of them) is the binary specific session ID."""
        return id_type == IdType.SPECIFIC_SESSION_ID

    def value(self, raw: bytes, flag: int, context: int) -> str:
        """Text, or hex for a specific-session ID."""
        return raw.hex() if self.binary(context) else decode_text(raw)

    def column(self, raw: Array, flag: int, context: Array) -> Array:
        """The raw bytes."""
        return raw

    def raw(self, value: str, context: int) -> tuple[bytes, int]:
        """The 20 bytes of a text (or of the hex of a specific-session ID)."""
        if self.binary(context):
            return bytes.fromhex(value), 0
        return value.encode("ascii", "replace"), 0


UAS_ID = UasId(context="id_type")

FIELDS = MessageFields(0, "basic_id", BasicIdMessage, (
    Field("uas_id", Bits(2, "S20"), rule=UAS_ID),
    Field("id_type", Bits(1, low=4, width=4), labels=IdType),
    Field("ua_type", Bits(1, low=0, width=4), labels=UaType),
))  # fmt: skip
decode_basic_id = FIELDS.decode
