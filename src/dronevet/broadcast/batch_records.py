"""Records of the `dronevet rid` JSON contract built from the batch path's columns.

`BatchRecords` runs `fastpath.BatchDecoder` over a pcap or pcapng file and turns each
batch's numpy columns into the dicts `detection.Detection.record()` gives for the same
frames, key for key and value for value, without building a message object per row: codes
become labels by indexing object arrays, NaN and -1 become None, and times, addresses and
texts are formatted once per distinct value. A row the vectorised decoder could not decode
goes through the scalar decoder, which names the reason it is skipped for. Records of the
frames the kernel handed to the streaming path are merged back in by frame number, and the
counts and skip tally equal `StreamDecoder`'s on the same file.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import orjson

from dronevet.broadcast import row_writer
from dronevet.broadcast.detection import Detection
from dronevet.broadcast.fastpath import CHUNK_BYTES, BatchDecoder, BeaconBatch
from dronevet.broadcast.payload import ASTM, BT_LEGACY
from dronevet.broadcast.remoteid import decode as remoteid
from dronevet.broadcast.remoteid.common import MessageError
from dronevet.broadcast.remoteid.enums import CodedValue, lookup
from dronevet.broadcast.rid_fields import (
    HEAD,
    MESSAGE_FIELDS,
    Field,
    Kind,
    auth_data,
    session_ids,
    text_value,
    time_2019_value,
)
from dronevet.broadcast.transports import KERNEL_TRANSPORTS
from dronevet.capture.packets import CaptureReader, SkipTally

Array = npt.NDArray[Any]
Columns = dict[str, Array]
Record = dict[str, Any]
T = TypeVar("T")
_HEAD_KEYS = frozenset(("time", "transport", "mac", "frame"))
"""The keys a record has from its capture, not from its message."""
_TRANSPORTS = np.array(KERNEL_TRANSPORTS, dtype=object)
"""Transport labels indexable by a kernel row's transport."""


def _labels(cls: type[CodedValue], size: int = 16) -> Array:
    """Labels indexable by code; index -1 (the batch columns' "absent") gives None."""
    return np.array([*(code.label for code in lookup(cls, size)), None], dtype=object)


_LABELS = {
    field.key: _labels(field.labels, field.codes)
    for _, fields in MESSAGE_FIELDS.values()
    for field in fields
    if field.labels is not None
}
"""Label tables of the coded fields, by key."""


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


def mac_text(value: int) -> str:
    """`84:cc:a8:60:43:24` from the 48-bit integer the kernel stores."""
    return value.to_bytes(6, "big").hex(":")


def capture_times(time_ns: Array) -> list[str]:
    """ISO 8601 UTC capture times with microseconds, as `detection.iso_time` writes them."""
    stamps = np.datetime_as_string(time_ns.astype("datetime64[ns]"), unit="us")
    return [f"{stamp}Z" for stamp in stamps.tolist()]


def _uas_ids(cols: Columns, rows: Array, raw: Array) -> list[Any]:
    """Basic ID texts; a specific-session ID (binary) in hex, as the scalar decoder shows it."""
    uas_id = _distinct(cols["uas_id"][rows], text_value)
    among, hexes = session_ids(cols, rows, raw)
    for index, value in zip(among.tolist(), hexes, strict=True):
        uas_id[index] = value
    return uas_id


def _values(field: Field, cols: Columns, rows: Array, raw: Array) -> list[Any]:
    """The values of one field for the rows of its message type."""
    if field.kind is Kind.UAS_ID:
        return _uas_ids(cols, rows, raw)
    if field.kind is Kind.AUTH_DATA:
        return auth_data(cols, rows, raw)
    column = cols[field.column][rows]
    match field.kind:
        case Kind.FLOAT:
            return _floats(column)
        case Kind.INT:
            return _ints(column)
        case Kind.LABEL:
            return _codes(_LABELS[field.key], column)
        case Kind.TEXT:
            return _distinct(column, text_value)
        case _:  # Kind.TIME_2019
            return _distinct(column, time_2019_value)


SLICE = 8192
"""Kernel rows turned into dicts at a time (about 15 MB of records)."""


class BatchRecords:
    """The records of one pcap or pcapng file, a list per batch in frame order, from the batch path.

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
        others = [detection.record() for detection in batch.others]
        yield from self._merged(batch, self._kept_records, others, itemgetter("frame"))

    def detection_batches(self) -> Iterator[list[Detection]]:
        """The file's detections in frame order, a list per slice (what the tracker takes)."""
        for batch in self.decoder.batches():
            yield from self._merged(batch, self._detections_of, batch.others, attrgetter("frame"))

    def _merged(
        self, batch: BeaconBatch, rows_of: Callable[[BeaconBatch, npt.NDArray[np.intp]], list[T]],
        others: list[T], frame_of: Callable[[T], int],
    ) -> Iterator[list[T]]:  # fmt: skip
        n = self._count_frames(batch)
        after = [frame_of(item) for item in others]
        taken = 0
        for lo in range(0, n, self.slice_rows):
            hi = min(lo + self.slice_rows, n)
            fast = rows_of(batch, np.arange(lo, hi))
            upto = len(others) if hi == n else bisect.bisect_right(after, batch.frame[hi - 1])
            mine, taken = others[taken:upto], upto
            yield list(heapq.merge(fast, mine, key=frame_of)) if mine else fast
        if not n and others:
            yield others

    def _kept_records(self, batch: BeaconBatch, sel: npt.NDArray[np.intp]) -> list[Record]:
        return [record for record in self._records_of(batch, sel) if record is not None]

    def _detections_of(self, batch: BeaconBatch, sel: npt.NDArray[np.intp]) -> list[Detection]:
        """Detections of kernel rows `sel`: each record's message fields, the head typed."""
        times = batch.time_ns[sel].tolist()
        found = []
        for time_ns, record in zip(times, self._records_of(batch, sel), strict=True):
            if record is not None:
                fields = {key: value for key, value in record.items() if key not in _HEAD_KEYS}
                found.append(Detection.of(time_ns, ASTM, record["transport"], record["mac"],
                                          record["frame"], fields))  # fmt: skip
        return found

    def lines(
        self, tpl: row_writer.Template, line: Callable[[Record], bytes]
    ) -> Iterator[bytes | memoryview]:
        """The records rendered from the columns by `row_writer` with the template `tpl`,
        in frame order; `line` writes the records the compiled writer leaves to the dict
        path (`output.record_line` of the same format). Equal to writing `records`.

        Each chunk is valid until the next is asked for (the buffers are reused): write it,
        or copy it with `bytes()`.
        """
        renderer = row_writer.Renderer(tpl)
        for batch in self.decoder.batches():
            yield self._lines(batch, renderer, line)

    def _count_frames(self, batch: BeaconBatch) -> int:
        n = len(batch.frame)
        if n:
            self._fast_frames += 1 + int(np.count_nonzero(np.diff(batch.frame)))
        return n

    def _lines(
        self, batch: BeaconBatch, renderer: row_writer.Renderer, one: Callable[[Record], bytes]
    ) -> bytes | memoryview:
        """One batch's lines: the compiled writer's, with the dict path's spliced in for rows
        it declined or could not decode and for the frames the kernel handed over."""
        n = self._count_frames(batch)
        others = [detection.record() for detection in batch.others]
        if not n:
            return b"".join(one(record) for record in others)
        cols, tpl = batch.columns, renderer.template
        kinds: npt.NDArray[np.int8] = cols["msg_type"]  # type: ignore[assignment]
        numbers = {name: cols[name] for name in (*tpl.float_columns, *tpl.int_columns)
                   if name in cols}  # fmt: skip
        numbers["frame"] = batch.frame
        table = row_writer.strings(tpl, cols, batch.messages, batch.transport)
        rendered = renderer.render(kinds, batch.time_ns, batch.mac, numbers, table)
        redo = np.flatnonzero(rendered.declined | (kinds < 0))
        self._fast_detections += n - len(redo)
        spliced: list[tuple[int, int, bytes]] = [
            (int(row), 1, one(record))
            for row, record in zip(redo.tolist(), self._records_of(batch, redo), strict=True)
            if record is not None
        ]
        at = np.searchsorted(batch.frame, [record["frame"] for record in others], "right")
        spliced += [(int(pos), 0, one(r)) for pos, r in zip(at.tolist(), others, strict=True)]
        if not spliced:
            return rendered.between(0, n)
        pieces: list[bytes | memoryview] = []
        done = 0
        for pos, _, line in sorted(spliced, key=lambda item: item[:2]):
            pieces += [rendered.between(done, pos), line]
            done = pos
        pieces.append(rendered.between(done, n))
        return b"".join(pieces)

    def _records_of(self, batch: BeaconBatch, sel: npt.NDArray[np.intp]) -> list[Record | None]:
        """Records of kernel rows `sel` (None where the scalar decoder rejects the row)."""
        cols = {name: column[sel] for name, column in batch.columns.items()}
        kinds: Array = cols["msg_type"]
        unique, inverse = np.unique(batch.time_ns[sel], return_inverse=True)
        times = np.array(capture_times(unique), dtype=object)[inverse.reshape(-1)]
        unique, inverse = np.unique(batch.mac[sel], return_inverse=True)
        macs = np.array([mac_text(m) for m in unique.tolist()], dtype=object)[inverse.reshape(-1)]
        frame = batch.frame[sel]
        transport = _TRANSPORTS[batch.transport[sel]]
        out: list[Record | None] = [None] * len(sel)
        raw = batch.messages[sel]
        for code, (msg_type, fields) in MESSAGE_FIELDS.items():
            rows = np.flatnonzero(kinds == code)
            if not len(rows):
                continue
            values = [_values(field, cols, rows, raw) for field in fields]
            names = (*HEAD, *(field.key for field in fields))
            m = len(rows)
            head = (times[rows].tolist(), transport[rows].tolist(), macs[rows].tolist(),
                    frame[rows].tolist(), [msg_type] * m, cols["version"][rows].tolist())
            for row, values_of in zip(rows.tolist(), zip(*head, *values, strict=True),
                                      strict=True):  # fmt: skip
                out[row] = dict(zip(names, values_of, strict=True))
        for row in np.flatnonzero(kinds < 0).tolist():
            out[row] = self._scalar(batch, int(sel[row]), str(times[row]), str(macs[row]))
        self._fast_detections += sum(record is not None for record in out)
        return out

    def _scalar(self, batch: BeaconBatch, row: int, time: str, mac: str) -> Record | None:
        """A row the vectorised decoder rejected: the scalar decoder's record or skip reason
        (as `pipeline.StreamDecoder` words it: a legacy advertisement carries one message,
        the other transports a pack, the only one of its frame)."""
        frame = int(batch.frame[row])
        transport = KERNEL_TRANSPORTS[batch.transport[row]]
        try:
            message = remoteid.decode_message(batch.messages[row].tobytes())
        except MessageError as error:
            index = row - int(np.searchsorted(batch.frame, frame))
            where = "" if transport == BT_LEGACY else f"message {index + 1} of the pack: "
            self._fast_skipped.add(f"{transport}: {where}{error.reason}", frame)
            return None
        head = {"time": time, "transport": transport, "mac": mac, "frame": frame}
        return {**head, **remoteid.message_record(message)}


def record_line(fmt: str, columns: Sequence[str], record: Record) -> bytes:
    """One record as a JSON line (`jsonl`) or a CSV row of `columns`, as `output.RecordWriter`
    writes it."""
    if fmt == "jsonl":
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    return row_writer.csv_line([record.get(column) for column in columns]).encode()
