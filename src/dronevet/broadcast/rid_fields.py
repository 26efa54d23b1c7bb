"""The fields each Remote ID message type writes in the `dronevet rid` contract.

For every message type of the batch path's columns (`remoteid.batch.decode_messages`),
the keys its records carry, in order: the very `Field`s its declaration lists
(`remoteid.fields`), each with its key, its `Kind` (how the contract writes it), its label
table (`labels`, `codes`), the batch column it comes from and the writer's `decimals` hint.
Both writers of the batch path read this table: the one that builds a dict per record
(`batch_records`, also the fallback for rows the compiled writer declines) and the one
that renders JSON lines and CSV straight from the columns (`row_writer`). The values of the
kinds that need more than a column (texts, 2019 times, specific-session IDs, authentication
data) are made here, from the positions the declarations give.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid import auth, basic_id
from dronevet.broadcast.remoteid.common import EPOCH_2019, EPOCH_2019_UNIX
from dronevet.broadcast.remoteid.decode import MESSAGE_TYPES
from dronevet.broadcast.remoteid.fields import Field, Kind

__all__ = ["HEAD", "MESSAGE_FIELDS", "Field", "Kind", "auth_data", "session_ids", "text_value",
           "time_2019_value"]  # fmt: skip

HEAD = ("time", "transport", "mac", "frame", "msg_type", "version")
"""Keys every batch record starts with (capture time, transport, transmitter, frame)."""

MESSAGE_FIELDS: dict[int, tuple[str, tuple[Field, ...]]] = {
    message.code: (message.name, message.fields) for message in MESSAGE_TYPES
}
"""Batch `msg_type` code -> (the contract's `msg_type`, the fields after `HEAD`)."""

_UAS_ID = basic_id.FIELDS.field("uas_id").bits


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
    among = np.flatnonzero(basic_id.UAS_ID.binary(cols[basic_id.UAS_ID.context][rows]))
    start, end = _UAS_ID.byte, _UAS_ID.byte + _UAS_ID.size
    return among, [raw[rows[i], start:end].tobytes().hex() for i in among.tolist()]


def auth_data(
    cols: dict[str, npt.NDArray[Any]], rows: npt.NDArray[np.intp], raw: npt.NDArray[np.uint8]
) -> list[str]:
    """`AUTH_DATA` values of `rows`: data bytes in hex (page 0 holds fewer, after its header)."""
    first = (cols[auth.DATA.context][rows] == 0).tolist()
    starts = (auth.DATA.pages.byte, auth.DATA.page_zero.byte)
    return [raw[row, starts[page_0] :].tobytes().hex()
            for row, page_0 in zip(rows.tolist(), first, strict=True)]  # fmt: skip
