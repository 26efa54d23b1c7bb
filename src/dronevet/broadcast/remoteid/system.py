"""ASTM F3411 System message (type 4): the operator's position and the operating area.

Its fields are declared in `FIELDS` below (bits 7-5 of byte 1 and byte 24 are reserved).

Classification (added for ASD-STAN, 2020) and operator altitude (F3411 v1.1, 2021) decode
in every version: transmitters built on opendroneid-core-c between 2020-06 and 2021-08 send
them with protocol version 0 (the shared Wi-Fi sample does), and a true F3411-19 sender
zeroes those bytes, which decode to "undeclared" and unknown. The timestamp, added together
with protocol version 2 (core-c commits 22fe11c and 14a7cc6, 2022-03-16), is read from
version 2 on only: older senders left those bytes reserved and not always zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.enums import (
    CategoryEu,
    ClassEu,
    ClassificationType,
    OperatorLocationType,
)
from dronevet.broadcast.remoteid.fields import Bits, Condition, Field
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.shared_fields import TIME_2019, altitude, position


@dataclass(frozen=True, slots=True)
class SystemMessage:
    """Operator position, operating area, classification; None where absent or unknown."""

    version: int
    operator_location_type: OperatorLocationType
    operator_lat: float | None
    operator_lon: float | None
    area_count: int
    area_radius: float  # m
    area_ceiling: float | None  # m
    area_floor: float | None  # m
    classification_type: ClassificationType
    category_eu: CategoryEu | None
    class_eu: ClassEu | None
    operator_alt: float | None  # m, WGS-84 height above ellipsoid
    timestamp: datetime | None  # UTC

    msg_type: ClassVar[str] = "system"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message."""
        return FIELDS.record(self)


EU = Condition(("classification_type",), lambda code: code == ClassificationType.EU)
"""The EU category and class mean something under the EU classification only."""
FROM_VERSION_2 = Condition(("version",), lambda version: version >= 2)
"""The timestamp is there from protocol version 2 on (and in the future versions)."""

FIELDS = MessageFields(4, "system", SystemMessage, (
    *position("operator_lat", "operator_lon", 2),
    altitude("operator_alt", 18),
    Field("operator_location_type", Bits(1, low=0, width=2), labels=OperatorLocationType),
    Field("area_count", Bits(10, "<u2")),  # aircraft
    Field("area_radius", Bits(12), step=10.0),  # m
    altitude("area_ceiling", 13),
    altitude("area_floor", 15),
    Field("classification_type", Bits(1, low=2, width=3), labels=ClassificationType),
    Field("category_eu", Bits(17, low=4, width=4), labels=CategoryEu, when=EU),
    Field("class_eu", Bits(17, low=0, width=4), labels=ClassEu, when=EU),
    Field("system_timestamp", Bits(20, "<u4"), rule=TIME_2019, when=FROM_VERSION_2,
          attr="timestamp"),
))  # fmt: skip
decode_system = FIELDS.decode
