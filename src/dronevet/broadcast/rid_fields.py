"""The fields each Remote ID message type writes in the `rid decode` contract, declared once.

For every message type of the batch path's columns (`remoteid.batch.decode_messages`),
the keys its records carry, in order, what kind of value each is and which column holds
it. Both writers of the batch path read this table: the one that builds a dict per record
(`batch_records`, also the fallback for rows the compiled writer declines) and the one
that renders JSON lines and CSV straight from the columns (`row_writer`).

Kinds:
- `FLOAT`: a float64 column, NaN written as null.
- `INT`: an integer column, -1 (absent) written as null.
- `LABEL`: a coded value written as its label (`remoteid.enums`), -1 as null.
- `TEXT`: a NUL-padded ASCII column; bytes outside ASCII as `\\xNN` escapes.
- `TIME_2019`: Unix seconds (float64) written as ISO 8601 UTC, NaN as null.
- `UAS_ID`: the Basic ID text, or its 20 bytes in hex for a specific-session ID (binary).
- `AUTH_DATA`: the authentication page's data bytes in hex (from byte 8 on page 0, else 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid.common import EPOCH_2019, EPOCH_2019_UNIX
from dronevet.broadcast.remoteid.enums import (
    AuthType,
    CategoryEu,
    ClassEu,
    ClassificationType,
    CodedValue,
    HeightType,
    IdType,
    OperationalStatus,
    OperatorIdType,
    OperatorLocationType,
    SelfIdType,
    UaType,
)


class Kind(Enum):
    """How a field's column becomes a value of the contract."""

    FLOAT = "float"
    INT = "int"
    LABEL = "label"
    TEXT = "text"
    TIME_2019 = "time_2019"
    UAS_ID = "uas_id"
    AUTH_DATA = "auth_data"


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a message type's records: its kind, its batch column, its code table."""

    key: str
    kind: Kind
    labels: type[CodedValue] | None = None
    codes: int = 16
    """How many codes the label table covers (the width of the field on the wire)."""
    decimals: int = 0
    """Decimals of a `FLOAT` on its wire grid (1e-7 degree: 7; 0.25 m/s: 2): where the
    writer starts looking for the shortest decimal (it finds it from any start)."""

    @property
    def column(self) -> str:
        """The batch column the value comes from (named as the key)."""
        return self.key


def _floats(decimals: int, *keys: str) -> tuple[Field, ...]:
    return tuple(Field(key, Kind.FLOAT, decimals=decimals) for key in keys)


def _label(key: str, labels: type[CodedValue], codes: int = 16) -> Field:
    return Field(key, Kind.LABEL, labels, codes)


HEAD = ("time", "transport", "mac", "frame", "msg_type", "version")
"""Keys every batch record starts with (capture time, transport, transmitter, frame)."""

MESSAGE_FIELDS: dict[int, tuple[str, tuple[Field, ...]]] = {
    0: ("basic_id", (
        Field("uas_id", Kind.UAS_ID), _label("id_type", IdType), _label("ua_type", UaType),
    )),
    1: ("location", (
        _label("status", OperationalStatus), _label("height_type", HeightType, 2),
        *_floats(0, "direction"), *_floats(2, "speed_h"), *_floats(1, "speed_v"),
        *_floats(7, "lat", "lon"), *_floats(1, "alt_baro", "alt_geo", "height", "h_accuracy"),
        *_floats(0, "v_accuracy", "baro_accuracy"),
        *_floats(1, "speed_accuracy", "seconds_after_hour", "timestamp_accuracy"),
    )),
    2: ("auth", (
        _label("auth_type", AuthType), Field("auth_page", Kind.INT),
        Field("auth_last_page", Kind.INT), Field("auth_length", Kind.INT),
        Field("auth_timestamp", Kind.TIME_2019), Field("auth_data", Kind.AUTH_DATA),
    )),
    3: ("self_id", (_label("self_id_type", SelfIdType, 256), Field("self_id", Kind.TEXT))),
    4: ("system", (
        *_floats(7, "operator_lat", "operator_lon"), *_floats(1, "operator_alt"),
        _label("operator_location_type", OperatorLocationType, 4),
        Field("area_count", Kind.INT), *_floats(0, "area_radius"),
        *_floats(1, "area_ceiling", "area_floor"),
        _label("classification_type", ClassificationType, 8),
        _label("category_eu", CategoryEu), _label("class_eu", ClassEu),
        Field("system_timestamp", Kind.TIME_2019),
    )),
    5: ("operator_id", (
        Field("operator_id", Kind.TEXT), _label("operator_id_type", OperatorIdType, 256),
    )),
}  # fmt: skip
"""Batch `msg_type` code -> (the contract's `msg_type`, the fields after `HEAD`)."""


def text_value(raw: bytes) -> str:
    """A `TEXT` value: numpy's S columns already dropped the NULs `decode_text` strips."""
    return raw.decode("ascii", "backslashreplace")


def time_2019_value(unix: float) -> str | None:
    """A `TIME_2019` value: ISO 8601 UTC to the second, None for NaN (absent)."""
    if unix != unix:
        return None
    return (EPOCH_2019 + timedelta(seconds=int(unix) - EPOCH_2019_UNIX)).isoformat()


def session_ids(
    cols: dict[str, npt.NDArray[Any]], rows: npt.NDArray[np.intp], raw: npt.NDArray[np.uint8]
) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Which of `rows` hold a specific-session UAS ID (binary), and its 20 bytes in hex."""
    among = np.flatnonzero(cols["id_type"][rows] == IdType.SPECIFIC_SESSION_ID)
    return among, [raw[rows[i], 2:22].tobytes().hex() for i in among.tolist()]


def auth_data(
    cols: dict[str, npt.NDArray[Any]], rows: npt.NDArray[np.intp], raw: npt.NDArray[np.uint8]
) -> list[str]:
    """`AUTH_DATA` values of `rows`: data bytes in hex (page 0 holds them from byte 8)."""
    first = (cols["auth_page"][rows] == 0).tolist()
    return [raw[row, 8 if page_0 else 2 :].tobytes().hex()
            for row, page_0 in zip(rows.tolist(), first, strict=True)]  # fmt: skip
