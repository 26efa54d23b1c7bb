"""Coded values of ASTM F3411 / ASD-STAN prEN 4709-002 Remote ID messages, and their units.

Source: the enumerations of the Open Drone ID reference library (opendroneid-core-c,
`libopendroneid/opendroneid.h`, protocol version 2, read 2025) and the Open Drone ID
Wireshark dissector's value tables, both of which transcribe ASTM F3411-22a tables.

A code the specification reserves (or leaves to private use) still decodes: it becomes a
pseudo-member named `reserved_<n>`, so one unexpected value never loses a message and JSON
output stays a lower-case name for every code.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Self, TypeVar


class CodedValue(IntEnum):
    """An F3411 code: known values by name, any other value as `RESERVED_<n>`."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, int) or value < 0:
            return None
        member = int.__new__(cls, value)
        member._name_ = f"RESERVED_{value}"
        member._value_ = value
        return member

    @property
    def label(self) -> str:
        """The JSON form: the lower-case name (`helicopter_or_multirotor`, `reserved_9`)."""
        # `_name_` is a plain attribute: reading it skips the enum property (a hot path)
        return self._name_.lower()


C = TypeVar("C", bound=CodedValue)


def lookup(cls: type[C], size: int = 16) -> tuple[C, ...]:
    """Every code of a field `size` values wide, indexable by the raw value (no enum call)."""
    return tuple(cls(value) for value in range(size))


class IdType(CodedValue):
    """Basic ID byte 1, high nibble. SPECIFIC_SESSION_ID is new in protocol version 1."""

    NONE = 0
    SERIAL_NUMBER = 1  # ANSI/CTA-2063-A
    CAA_REGISTRATION_ID = 2
    UTM_ASSIGNED_UUID = 3
    SPECIFIC_SESSION_ID = 4  # first byte says which kind (ICAO managed), the rest is binary


class UaType(CodedValue):
    """Basic ID byte 1, low nibble."""

    NONE = 0
    AEROPLANE = 1
    HELICOPTER_OR_MULTIROTOR = 2
    GYROPLANE = 3
    HYBRID_LIFT = 4
    ORNITHOPTER = 5
    GLIDER = 6
    KITE = 7
    FREE_BALLOON = 8
    CAPTIVE_BALLOON = 9
    AIRSHIP = 10
    FREE_FALL_PARACHUTE = 11
    ROCKET = 12
    TETHERED_POWERED_AIRCRAFT = 13
    GROUND_OBSTACLE = 14
    OTHER = 15


class OperationalStatus(CodedValue):
    """Location byte 1, high nibble. REMOTE_ID_SYSTEM_FAILURE is new in protocol version 2."""

    UNDECLARED = 0
    GROUND = 1
    AIRBORNE = 2
    EMERGENCY = 3
    REMOTE_ID_SYSTEM_FAILURE = 4


class HeightType(CodedValue):
    """Location byte 1, bit 2: what the height is measured from."""

    ABOVE_TAKEOFF = 0
    ABOVE_GROUND = 1


class HorizontalAccuracy(CodedValue):
    """Location byte 19, low nibble: 95 % horizontal position error bound."""

    UNKNOWN = 0  # also ">= 18.52 km"
    NM_10 = 1
    NM_4 = 2
    NM_2 = 3
    NM_1 = 4
    NM_0_5 = 5
    NM_0_3 = 6
    NM_0_1 = 7
    NM_0_05 = 8
    M_30 = 9
    M_10 = 10
    M_3 = 11
    M_1 = 12


class VerticalAccuracy(CodedValue):
    """Location byte 19 high nibble (geodetic) and byte 20 high nibble (barometric)."""

    UNKNOWN = 0  # also ">= 150 m"
    M_150 = 1
    M_45 = 2
    M_25 = 3
    M_10 = 4
    M_3 = 5
    M_1 = 6


class SpeedAccuracy(CodedValue):
    """Location byte 20, low nibble."""

    UNKNOWN = 0  # also ">= 10 m/s"
    MPS_10 = 1
    MPS_3 = 2
    MPS_1 = 3
    MPS_0_3 = 4


class AuthType(CodedValue):
    """Authentication byte 1, high nibble. SPECIFIC_METHOD is new in protocol version 1."""

    NONE = 0
    UAS_ID_SIGNATURE = 1
    OPERATOR_ID_SIGNATURE = 2
    MESSAGE_SET_SIGNATURE = 3
    NETWORK_REMOTE_ID = 4
    SPECIFIC_METHOD = 5


class SelfIdType(CodedValue):
    """Self-ID byte 1. EMERGENCY and EXTENDED_STATUS are new in protocol version 2."""

    TEXT = 0
    EMERGENCY = 1
    EXTENDED_STATUS = 2


class OperatorLocationType(CodedValue):
    """System byte 1, bits 0-1: where the operator position comes from."""

    TAKEOFF = 0
    LIVE_GNSS = 1
    FIXED = 2


class ClassificationType(CodedValue):
    """System byte 1, bits 2-4 (protocol version 1 on)."""

    UNDECLARED = 0
    EU = 1


class CategoryEu(CodedValue):
    """System byte 17, high nibble, when the classification type is EU."""

    UNDECLARED = 0
    OPEN = 1
    SPECIFIC = 2
    CERTIFIED = 3


class ClassEu(CodedValue):
    """System byte 17, low nibble, when the classification type is EU."""

    UNDECLARED = 0
    CLASS_0 = 1
    CLASS_1 = 2
    CLASS_2 = 3
    CLASS_3 = 4
    CLASS_4 = 5
    CLASS_5 = 6
    CLASS_6 = 7


class OperatorIdType(CodedValue):
    """Operator ID byte 1 (201-255 private use)."""

    OPERATOR_ID = 0


# Upper bound of each accuracy class in metres (or m/s); index = code; None = unknown/reserved.
# 1 NM = 1852 m exactly.
HORIZONTAL_ACCURACY_M: tuple[float | None, ...] = (
    None, 18520.0, 7408.0, 3704.0, 1852.0, 926.0, 555.6, 185.2, 92.6, 30.0, 10.0, 3.0, 1.0,
    None, None, None,
)  # fmt: skip
VERTICAL_ACCURACY_M: tuple[float | None, ...] = (
    None, 150.0, 45.0, 25.0, 10.0, 3.0, 1.0, None, None, None, None, None, None, None, None, None,
)  # fmt: skip
SPEED_ACCURACY_MPS: tuple[float | None, ...] = (
    None, 10.0, 3.0, 1.0, 0.3, None, None, None, None, None, None, None, None, None, None, None,
)  # fmt: skip
