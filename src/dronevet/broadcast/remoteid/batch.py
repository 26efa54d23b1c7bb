"""Decode millions of Remote ID messages at once: numpy columns instead of objects.

`decode_messages` takes an (N, 25) uint8 array of single messages and returns one column
per field, equal to what `decode.decode_payload` gives message by message:
- `msg_type` int8: 0-5, or -1 for a message that cannot be decoded (unknown type, a pack,
  an authentication page 0 whose length does not fit its pages); `version` int8.
- measured values float64 (metres, m/s, degrees, seconds), NaN where unknown or where the
  message type does not carry the field; accuracies in metres / m/s / seconds.
- coded values as small integers (the spec's code), -1 where absent; `auth_timestamp` and
  `system_timestamp` as float64 Unix seconds.
- `uas_id`, `operator_id` (S20) and `self_id` (S23) as the raw NUL-padded bytes (a
  specific-session UAS ID stays binary here; the scalar decoder shows it in hex).

`unpack_packs` cuts payloads (message packs or single messages) out of one byte buffer
into such an array. Each message type's rows are gathered once and viewed through the
numpy dtype its module declares, so the work is a handful of array passes per type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid import auth, basic_id, location, operator_id, self_id, system
from dronevet.broadcast.remoteid.common import (
    ALT_OFFSET,
    ALT_SCALE,
    EPOCH_2019_UNIX,
    LATLON_UNITS,
    MESSAGE_SIZE,
    NEWEST_VERSION,
)
from dronevet.broadcast.remoteid.enums import (
    HORIZONTAL_ACCURACY_M,
    SPEED_ACCURACY_MPS,
    VERTICAL_ACCURACY_M,
)
from dronevet.broadcast.remoteid.message_pack import (
    PACK_HEADER,
    PACK_MAX_MESSAGES,
    PACK_MAX_MESSAGES_VERSION_0,
    PACK_TYPE,
)

Array = npt.NDArray[np.generic]
U8 = npt.NDArray[np.uint8]

FLOAT_COLUMNS = (
    "direction", "speed_h", "speed_v", "lat", "lon", "alt_baro", "alt_geo", "height",
    "h_accuracy", "v_accuracy", "baro_accuracy", "speed_accuracy", "seconds_after_hour",
    "timestamp_accuracy", "auth_timestamp", "operator_lat", "operator_lon", "operator_alt",
    "area_radius", "area_ceiling", "area_floor", "system_timestamp",
)  # fmt: skip
INT_COLUMNS = {
    "id_type": np.int8, "ua_type": np.int8, "status": np.int8, "height_type": np.int8,
    "auth_type": np.int8, "auth_page": np.int8, "auth_last_page": np.int8,
    "auth_length": np.int16, "self_id_type": np.int16, "operator_location_type": np.int8,
    "classification_type": np.int8, "category_eu": np.int8, "class_eu": np.int8,
    "area_count": np.int32, "operator_id_type": np.int16,
}  # fmt: skip
BYTES_COLUMNS = {"uas_id": "S20", "self_id": "S23", "operator_id": "S20"}

_H_ACC = np.array([np.nan if v is None else v for v in HORIZONTAL_ACCURACY_M])
_V_ACC = np.array([np.nan if v is None else v for v in VERTICAL_ACCURACY_M])
_S_ACC = np.array([np.nan if v is None else v for v in SPEED_ACCURACY_MPS])
_T_ACC = np.where(np.arange(16) == 0, np.nan, np.arange(16) / 10)


def _altitude(raw: Any) -> Array:
    return np.where(raw == 0, np.nan, raw * ALT_SCALE + ALT_OFFSET)


def _position(lat_raw: Any, lon_raw: Any) -> tuple[Array, Array]:
    lat = lat_raw / LATLON_UNITS
    lon = lon_raw / LATLON_UNITS
    bad = ((lat_raw == 0) & (lon_raw == 0)) | (np.abs(lat) > 90.0) | (np.abs(lon) > 180.0)
    return np.where(bad, np.nan, lat), np.where(bad, np.nan, lon)


def _records(msgs: U8, rows: Array, dtype: np.dtype[np.void]) -> Any:
    """The rows of one message type viewed through its declared dtype (a record array)."""
    return msgs[rows].view(dtype)[:, 0]


def decode_messages(msgs: npt.ArrayLike) -> dict[str, Array]:
    """Columns of every field of N 25-byte messages (see the module docstring)."""
    array = np.ascontiguousarray(msgs, dtype=np.uint8)
    if array.ndim != 2 or array.shape[1] != MESSAGE_SIZE:
        raise ValueError(f"expected an (N, 25) uint8 array, got shape {array.shape}")
    n = len(array)
    kinds = (array[:, 0] >> 4).astype(np.int8)
    cols: dict[str, Array] = {
        "msg_type": np.where(kinds <= 5, kinds, -1).astype(np.int8),
        "version": (array[:, 0] & 0x0F).astype(np.int8),
    }
    cols.update({name: np.full(n, np.nan) for name in FLOAT_COLUMNS})
    cols.update({name: np.full(n, -1, dtype=kind) for name, kind in INT_COLUMNS.items()})
    cols.update({name: np.zeros(n, dtype=kind) for name, kind in BYTES_COLUMNS.items()})
    rows_of = {t: np.flatnonzero(kinds == t) for t in range(6)}
    _basic_id(array, rows_of[0], cols)
    _location(array, rows_of[1], cols)
    _auth(array, rows_of[2], cols)
    _self_id(array, rows_of[3], cols)
    _system(array, rows_of[4], cols)
    _operator_id(array, rows_of[5], cols)
    return cols


def _basic_id(msgs: U8, rows: Array, cols: dict[str, Array]) -> None:
    rec = _records(msgs, rows, basic_id.LAYOUT.dtype)
    cols["id_type"][rows] = rec["types"] >> 4
    cols["ua_type"][rows] = rec["types"] & 0x0F
    cols["uas_id"][rows] = rec["uas_id"]


def _location(msgs: U8, rows: Array, cols: dict[str, Array]) -> None:
    rec = _records(msgs, rows, location.LAYOUT.dtype)
    flags = rec["flags"]
    cols["status"][rows] = flags >> 4
    cols["height_type"][rows] = (flags >> 2) & 1
    direction = rec["direction"] + np.where(flags & 2, 180.0, 0.0)
    cols["direction"][rows] = np.where(direction > 360, np.nan, direction)
    raw = rec["speed_h"].astype(np.float64)
    speed = np.where(
        flags & 1, raw * location.SPEED_STEP_FAST + location.SPEED_FAST_BASE,
        raw * location.SPEED_STEP,
    )  # fmt: skip
    cols["speed_h"][rows] = np.where(speed == location.SPEED_UNKNOWN, np.nan, speed)
    speed_v = rec["speed_v"] * location.VSPEED_STEP
    cols["speed_v"][rows] = np.where(speed_v == location.VSPEED_UNKNOWN, np.nan, speed_v)
    cols["lat"][rows], cols["lon"][rows] = _position(rec["lat"], rec["lon"])
    for name in ("alt_baro", "alt_geo", "height"):
        cols[name][rows] = _altitude(rec[name])
    cols["h_accuracy"][rows] = _H_ACC[rec["accuracy_hv"] & 0x0F]
    cols["v_accuracy"][rows] = _V_ACC[rec["accuracy_hv"] >> 4]
    cols["baro_accuracy"][rows] = _V_ACC[rec["accuracy_bs"] >> 4]
    cols["speed_accuracy"][rows] = _S_ACC[rec["accuracy_bs"] & 0x0F]
    stamp = rec["timestamp"]
    cols["seconds_after_hour"][rows] = np.where(
        stamp > location.TIMESTAMP_MAX, np.nan, stamp / 10
    )
    cols["timestamp_accuracy"][rows] = _T_ACC[rec["accuracy_t"] & 0x0F]


def _auth(msgs: U8, rows: Array, cols: dict[str, Array]) -> None:
    rec = _records(msgs, rows, auth.PAGE_ZERO.dtype)
    page = rec["type_page"] & 0x0F
    first = page == 0
    last_raw = rec["last_page"].astype(np.int16)
    last_page = np.where(rec["header"] & 0x0F == 0, last_raw - 1, last_raw)
    capacity = auth.PAGE_ZERO_DATA + last_page * auth.PAGE_DATA
    bad = first & ((last_page < 0) | (last_page > 15) | (rec["length"] > capacity))
    cols["msg_type"][rows[bad]] = -1
    good = rows[~bad]
    rec, page, first, last_page = rec[~bad], page[~bad], first[~bad], last_page[~bad]
    cols["auth_type"][good] = rec["type_page"] >> 4
    cols["auth_page"][good] = page
    cols["auth_last_page"][good] = np.where(first, last_page, -1)
    cols["auth_length"][good] = np.where(first, rec["length"].astype(np.int16), -1)
    stamp = rec["timestamp"].astype(np.float64) + EPOCH_2019_UNIX
    cols["auth_timestamp"][good] = np.where(first, stamp, np.nan)


def _self_id(msgs: U8, rows: Array, cols: dict[str, Array]) -> None:
    rec = _records(msgs, rows, self_id.LAYOUT.dtype)
    cols["self_id_type"][rows] = rec["desc_type"]
    cols["self_id"][rows] = rec["description"]


def _system(msgs: U8, rows: Array, cols: dict[str, Array]) -> None:
    rec = _records(msgs, rows, system.LAYOUT.dtype)
    flags = rec["flags"]
    classification = ((flags >> 2) & 0x07).astype(np.int8)
    eu_codes = rec["classification"].astype(np.int8)
    is_eu = classification == 1
    cols["operator_location_type"][rows] = flags & 0x03
    cols["classification_type"][rows] = classification
    cols["category_eu"][rows] = np.where(is_eu, (eu_codes >> 4) & 0x0F, -1)
    cols["class_eu"][rows] = np.where(is_eu, eu_codes & 0x0F, -1)
    cols["operator_lat"][rows], cols["operator_lon"][rows] = _position(
        rec["operator_lat"], rec["operator_lon"]
    )
    cols["operator_alt"][rows] = _altitude(rec["operator_alt"])
    cols["area_count"][rows] = rec["area_count"]
    cols["area_radius"][rows] = rec["area_radius"] * system.AREA_RADIUS_STEP
    cols["area_ceiling"][rows] = _altitude(rec["area_ceiling"])
    cols["area_floor"][rows] = _altitude(rec["area_floor"])
    has_time = np.minimum(rec["header"] & 0x0F, NEWEST_VERSION) >= 2
    cols["system_timestamp"][rows] = np.where(
        has_time, rec["timestamp"].astype(np.float64) + EPOCH_2019_UNIX, np.nan
    )


def _operator_id(msgs: U8, rows: Array, cols: dict[str, Array]) -> None:
    rec = _records(msgs, rows, operator_id.LAYOUT.dtype)
    cols["operator_id_type"][rows] = rec["operator_id_type"]
    cols["operator_id"][rows] = rec["operator_id"]


# Why `unpack_packs` rejected a payload (status codes; 0 = decoded).
PACK_OK = 0
PACK_REASONS = {
    1: "payload shorter than a message or a pack header",
    2: "message pack announces messages that are not 25 bytes",
    3: "message pack announces more messages than its version allows (10 at 0, else 9)",
    4: "message pack is shorter than the messages it announces",
}


@dataclass(frozen=True, slots=True)
class UnpackedPayloads:
    """Messages cut out of many payloads, and which payload each came from."""

    messages: U8  # (K, 25)
    source: npt.NDArray[np.int64]  # (K,) index of the payload each message came from
    status: npt.NDArray[np.int8]  # (M,) 0 for a payload decoded, else a PACK_REASONS key


def unpack_packs(
    buffer: npt.ArrayLike, offsets: npt.ArrayLike, lengths: npt.ArrayLike
) -> UnpackedPayloads:
    """Cut the messages out of M payloads lying at `offsets` (with `lengths`) in `buffer`.

    A payload is a message pack (type 0xF) or a single 25-byte message. Malformed payloads
    yield no messages and a non-zero status; the others are unaffected.
    """
    data = np.asarray(buffer, dtype=np.uint8).reshape(-1)
    start = np.asarray(offsets, dtype=np.int64)
    length = np.asarray(lengths, dtype=np.int64)
    m = len(start)
    status = np.zeros(m, dtype=np.int8)
    usable = (length >= 1) & (start >= 0) & (start + length <= len(data))
    if not len(data):
        data = np.zeros(1, dtype=np.uint8)  # nothing is usable; keeps the gathers in bounds
    safe = np.where(usable, start, 0)
    last = len(data) - 1
    header = np.where(usable, data[np.minimum(safe, last)], 0)
    is_pack = (header >> 4) == PACK_TYPE
    size = data[np.minimum(safe + 1, last)]
    count = data[np.minimum(safe + 2, last)].astype(np.int64)
    short_pack = is_pack & (length < PACK_HEADER)
    count = np.where(is_pack, count, 1)
    status[~usable | short_pack | (~is_pack & (length < MESSAGE_SIZE))] = 1
    status[(status == 0) & is_pack & (size != MESSAGE_SIZE)] = 2
    limit = np.where(header & 0x0F == 0, PACK_MAX_MESSAGES_VERSION_0, PACK_MAX_MESSAGES)
    status[(status == 0) & is_pack & (count > limit)] = 3
    body = np.where(is_pack, PACK_HEADER, 0)
    status[(status == 0) & (body + count * MESSAGE_SIZE > length)] = 4
    count = np.where(status == 0, count, 0)
    source = np.repeat(np.arange(m, dtype=np.int64), count)
    first_of = np.cumsum(count) - count
    within = np.arange(len(source), dtype=np.int64) - first_of[source]
    begin = start[source] + body[source] + within * MESSAGE_SIZE
    if len(data) < MESSAGE_SIZE:  # no payload can hold a message
        return UnpackedPayloads(np.empty((0, MESSAGE_SIZE), np.uint8), source, status)
    windows = np.lib.stride_tricks.sliding_window_view(data, MESSAGE_SIZE)  # no copy
    return UnpackedPayloads(windows[begin], source, status)
