"""Records of the `dronevet rid` JSON contract built from the batch path's columns.

`BatchRecords` runs `fastpath.BatchDecoder` over a pcap file and turns each batch's numpy
columns into the dicts `pipeline.Detection.record()` gives for the same frames, key for key
and value for value, without building a message object per row: codes become labels by
indexing object arrays, NaN and -1 become None, and times, addresses and texts are
formatted once per distinct value. A row the vectorised decoder could not decode goes
through the scalar decoder, which names the reason it is skipped for. Records of the frames
the kernel handed to the streaming path are merged back in by frame number, and the counts
and skip tally equal `StreamDecoder`'s on the same file.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.fastpath import CHUNK_BYTES, BatchDecoder, BeaconBatch
from dronevet.broadcast.payload import WIFI_BEACON
from dronevet.broadcast.remoteid import decode as remoteid
from dronevet.broadcast.remoteid.common import EPOCH_2019, EPOCH_2019_UNIX, MessageError
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
    lookup,
)
from dronevet.capture.packets import CaptureReader, SkipTally

Array = npt.NDArray[Any]
Columns = dict[str, Array]
Record = dict[str, Any]


def _labels(cls: type[CodedValue], size: int = 16) -> Array:
    """Labels indexable by code; index -1 (the batch columns' "absent") gives None."""
    return np.array([*(code.label for code in lookup(cls, size)), None], dtype=object)


_ID_TYPE, _UA_TYPE = _labels(IdType), _labels(UaType)
_STATUS, _HEIGHT_TYPE = _labels(OperationalStatus), _labels(HeightType, 2)
_AUTH_TYPE, _SELF_ID_TYPE = _labels(AuthType), _labels(SelfIdType, 256)
_LOCATION_TYPE, _CLASSIFICATION = _labels(OperatorLocationType, 4), _labels(ClassificationType, 8)
_CATEGORY, _CLASS = _labels(CategoryEu), _labels(ClassEu)
_OPERATOR_ID_TYPE = _labels(OperatorIdType, 256)


def _floats(values: Array) -> list[Any]:
    """Python floats, None where NaN (the spec's unknown)."""
    missing = np.isnan(values)
    if not missing.any():
        return list(values.tolist())
    boxed = values.astype(object)
    boxed[missing] = None
    return list(boxed.tolist())


def _ints(values: Array) -> list[Any]:
    """Python ints, None where -1 (absent)."""
    boxed = values.astype(object)
    boxed[values == -1] = None
    return list(boxed.tolist())


def _codes(table: Array, codes: Array) -> list[Any]:
    return list(table[codes.astype(np.int64)].tolist())


def _distinct(values: Array, format_one: Callable[[Any], Any]) -> list[Any]:
    """`format_one` applied once per distinct value, spread back over all rows."""
    unique, inverse = np.unique(values, return_inverse=True)
    formatted = np.empty(len(unique), dtype=object)
    formatted[:] = [format_one(value) for value in unique.tolist()]
    return list(formatted[inverse.reshape(-1)].tolist())


def _text(raw: bytes) -> str:
    # numpy's S columns already dropped the trailing NULs `decode_text` strips
    return raw.decode("ascii", "backslashreplace")


def _time_2019(unix: float) -> str | None:
    if unix != unix:
        return None
    return (EPOCH_2019 + timedelta(seconds=int(unix) - EPOCH_2019_UNIX)).isoformat()


def mac_text(value: int) -> str:
    """`84:cc:a8:60:43:24` from the 48-bit integer the kernel stores."""
    return value.to_bytes(6, "big").hex(":")


def capture_times(time_ns: Array) -> list[str]:
    """ISO 8601 UTC capture times with microseconds, as `pipeline.iso_time` writes them."""
    stamps = np.datetime_as_string(time_ns.astype("datetime64[ns]"), unit="us")
    return [f"{stamp}Z" for stamp in stamps.tolist()]


def _basic_id(cols: Columns, rows: Array, raw: Array) -> tuple[tuple[str, ...], list[list[Any]]]:
    id_type = cols["id_type"][rows]
    uas_id = _distinct(cols["uas_id"][rows], _text)
    for index in np.flatnonzero(id_type == IdType.SPECIFIC_SESSION_ID).tolist():
        uas_id[index] = raw[rows[index], 2:22].tobytes().hex()  # binary: hex, as the scalar
    return ("uas_id", "id_type", "ua_type"), [
        uas_id, _codes(_ID_TYPE, id_type), _codes(_UA_TYPE, cols["ua_type"][rows])
    ]


_LOCATION_FLOATS = ("direction", "speed_h", "speed_v", "lat", "lon", "alt_baro", "alt_geo",
                    "height", "h_accuracy", "v_accuracy", "baro_accuracy", "speed_accuracy",
                    "seconds_after_hour", "timestamp_accuracy")  # fmt: skip


def _location(cols: Columns, rows: Array, raw: Array) -> tuple[tuple[str, ...], list[list[Any]]]:
    return ("status", "height_type", *_LOCATION_FLOATS), [
        _codes(_STATUS, cols["status"][rows]),
        _codes(_HEIGHT_TYPE, cols["height_type"][rows]),
        *(_floats(cols[name][rows]) for name in _LOCATION_FLOATS),
    ]


def _auth(cols: Columns, rows: Array, raw: Array) -> tuple[tuple[str, ...], list[list[Any]]]:
    page = cols["auth_page"][rows]
    data = [raw[row, 8 if first else 2 :].tobytes().hex()
            for row, first in zip(rows.tolist(), (page == 0).tolist(), strict=True)]  # fmt: skip
    keys = ("auth_type", "auth_page", "auth_last_page", "auth_length", "auth_timestamp",
            "auth_data")  # fmt: skip
    return keys, [
        _codes(_AUTH_TYPE, cols["auth_type"][rows]), page.tolist(),
        _ints(cols["auth_last_page"][rows]), _ints(cols["auth_length"][rows]),
        _distinct(cols["auth_timestamp"][rows], _time_2019), data,
    ]  # fmt: skip


def _self_id(cols: Columns, rows: Array, raw: Array) -> tuple[tuple[str, ...], list[list[Any]]]:
    return ("self_id_type", "self_id"), [
        _codes(_SELF_ID_TYPE, cols["self_id_type"][rows]),
        _distinct(cols["self_id"][rows], _text),
    ]


def _system(cols: Columns, rows: Array, raw: Array) -> tuple[tuple[str, ...], list[list[Any]]]:
    keys = ("operator_lat", "operator_lon", "operator_alt", "operator_location_type",
            "area_count", "area_radius", "area_ceiling", "area_floor", "classification_type",
            "category_eu", "class_eu", "system_timestamp")  # fmt: skip
    return keys, [
        _floats(cols["operator_lat"][rows]), _floats(cols["operator_lon"][rows]),
        _floats(cols["operator_alt"][rows]),
        _codes(_LOCATION_TYPE, cols["operator_location_type"][rows]),
        cols["area_count"][rows].tolist(), cols["area_radius"][rows].tolist(),
        _floats(cols["area_ceiling"][rows]), _floats(cols["area_floor"][rows]),
        _codes(_CLASSIFICATION, cols["classification_type"][rows]),
        _codes(_CATEGORY, cols["category_eu"][rows]), _codes(_CLASS, cols["class_eu"][rows]),
        _distinct(cols["system_timestamp"][rows], _time_2019),
    ]  # fmt: skip


def _operator_id(
    cols: Columns, rows: Array, raw: Array
) -> tuple[tuple[str, ...], list[list[Any]]]:
    return ("operator_id", "operator_id_type"), [
        _distinct(cols["operator_id"][rows], _text),
        _codes(_OPERATOR_ID_TYPE, cols["operator_id_type"][rows]),
    ]


FIELDS_OF = {
    0: ("basic_id", _basic_id), 1: ("location", _location), 2: ("auth", _auth),
    3: ("self_id", _self_id), 4: ("system", _system), 5: ("operator_id", _operator_id),
}  # fmt: skip
"""Batch `msg_type` code -> (contract msg_type, builder of that type's fields)."""
HEAD = ("time", "transport", "mac", "frame", "msg_type", "version")
SLICE = 8192
"""Kernel rows turned into dicts at a time (about 15 MB of records)."""


class BatchRecords:
    """The records of one pcap file, a list per batch in frame order, from the batch path.

    After iteration `frames`, `frames_with_broadcast`, `detections` and `skipped()` hold
    what `pipeline.StreamDecoder` reports for the same file.
    """

    def __init__(
        self,
        path: Path | CaptureReader,
        chunk_bytes: int = CHUNK_BYTES,
        slice_rows: int = SLICE,
    ) -> None:
        self.decoder = BatchDecoder(path, chunk_bytes)
        self.slice_rows = slice_rows
        self._fast_frames = 0
        self._fast_detections = 0
        self._fast_skipped = SkipTally()

    @property
    def frames(self) -> int:
        """Frames read so far."""
        return self.decoder.frames

    @property
    def offset(self) -> int:
        """Bytes of the file the records handed out so far cover."""
        return self.decoder.offset

    @property
    def frames_with_broadcast(self) -> int:
        """Frames that carried at least one Remote ID or DJI payload."""
        return self._fast_frames + self.decoder.stream.frames_with_broadcast

    @property
    def detections(self) -> int:
        """Messages decoded."""
        return self._fast_detections + self.decoder.stream.detections

    def skipped(self) -> SkipTally:
        """What was skipped and why, examples in frame order as the streaming path lists them."""
        tally = SkipTally()
        for part in (self.decoder.skipped, self.decoder.stream.skipped, self._fast_skipped):
            for reason, count in part.counts.items():
                tally.counts[reason] = tally.counts.get(reason, 0) + count
                tally.examples.setdefault(reason, []).extend(part.examples.get(reason, []))
        for reason, examples in tally.examples.items():
            tally.examples[reason] = sorted(examples)[: tally.max_examples]
        return tally

    def __iter__(self) -> Iterator[list[Record]]:
        for batch in self.decoder.batches():
            yield from self.records(batch)

    def records(self, batch: BeaconBatch) -> Iterator[list[Record]]:
        """The records of one batch in frame order, in lists of at most `slice_rows` kernel rows.

        Slicing bounds the memory the dicts take; the frames the kernel handed over are
        merged into the slice whose frame range holds them.
        """
        n = len(batch.frame)
        if n:
            self._fast_frames += 1 + int(np.count_nonzero(np.diff(batch.frame)))
        others = [detection.record() for detection in batch.others]
        after = [record["frame"] for record in others]
        taken = 0
        for lo in range(0, n, self.slice_rows):
            hi = min(lo + self.slice_rows, n)
            fast = self._rows(batch, lo, hi)
            upto = len(others) if hi == n else bisect.bisect_right(after, batch.frame[hi - 1])
            mine, taken = others[taken:upto], upto
            yield list(heapq.merge(fast, mine, key=lambda r: r["frame"])) if mine else fast
        if not n and others:
            yield others

    def _rows(self, batch: BeaconBatch, lo: int, hi: int) -> list[Record]:
        """Records of kernel rows `lo:hi` (a row the scalar decoder rejects is left out)."""
        cols = {name: column[lo:hi] for name, column in batch.columns.items()}
        kinds: Array = cols["msg_type"]
        unique, inverse = np.unique(batch.time_ns[lo:hi], return_inverse=True)
        times = np.array(capture_times(unique), dtype=object)[inverse.reshape(-1)]
        unique, inverse = np.unique(batch.mac[lo:hi], return_inverse=True)
        macs = np.array([mac_text(m) for m in unique.tolist()], dtype=object)[inverse.reshape(-1)]
        frame = batch.frame[lo:hi]
        out: list[Record | None] = [None] * (hi - lo)
        for code, (msg_type, build) in FIELDS_OF.items():
            rows = np.flatnonzero(kinds == code)
            if not len(rows):
                continue
            keys, values = build(cols, rows, batch.messages[lo:hi])
            names = (*HEAD, *keys)
            m = len(rows)
            head = (times[rows].tolist(), [WIFI_BEACON] * m, macs[rows].tolist(),
                    frame[rows].tolist(), [msg_type] * m, cols["version"][rows].tolist())
            for row, fields in zip(rows.tolist(), zip(*head, *values, strict=True), strict=True):
                out[row] = dict(zip(names, fields, strict=True))
        for row in np.flatnonzero(kinds < 0).tolist():
            out[row] = self._scalar(batch, lo + row, str(times[row]), str(macs[row]))
        records = [record for record in out if record is not None]
        self._fast_detections += len(records)
        return records

    def _scalar(self, batch: BeaconBatch, row: int, time: str, mac: str) -> Record | None:
        """A row the vectorised decoder rejected: the scalar decoder's record or skip reason."""
        frame = int(batch.frame[row])
        try:
            message = remoteid.decode_message(batch.messages[row].tobytes())
        except MessageError as error:
            index = row - int(np.searchsorted(batch.frame, frame))
            self._fast_skipped.add(
                f"{WIFI_BEACON}: message {index + 1} of the pack: {error.reason}", frame
            )
            return None
        head = {"time": time, "transport": WIFI_BEACON, "mac": mac, "frame": frame}
        return {**head, **remoteid.message_record(message)}
