"""One capture decoded: `decode_capture(path)` and the run it returns.

The run opens the capture once and takes the fastest path that reads it: the batch path
(`batch_records.BatchRecords`: a compiled scan) for pcap and pcapng files, the streaming
path frame by frame for everything else (and every file with `stream=True`); the batch
path's modules are imported only when it is taken. Either way the records are the `rid
decode` JSON contract, in frame order, handed out in batches so writers can work on many at
once; the counts and the skip tally are complete once the records are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dronevet.broadcast.detection import Detection
from dronevet.broadcast.output import CONTRACT_COLUMNS, record_line, template
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.capture.files import open_capture
from dronevet.capture.packets import CaptureReader, SkipTally
from dronevet.capture.pcap import PcapReader
from dronevet.capture.pcapng import PcapngReader

if TYPE_CHECKING:
    from dronevet.broadcast.batch_records import BatchRecords

Record = dict[str, Any]
STREAM_FLUSH = 1024
"""Detections the streaming path gathers before handing them out at once."""


class DecodeRun:
    """The detections of one capture, then its counts and what was skipped, and why."""

    def __init__(
        self, source: str | Path | BinaryIO, *, stream: bool = False, label: str | None = None
    ) -> None:
        self.reader: CaptureReader = open_capture(source, label=label)
        self.path = str(self.reader.path)
        self.size = Path(source).stat().st_size if isinstance(source, str | Path) else None
        self._batch: BatchRecords | None = None
        self._stream: StreamDecoder | None = None
        if isinstance(self.reader, PcapReader | PcapngReader) and not stream:
            from dronevet.broadcast.batch_records import BatchRecords

            self._batch = BatchRecords(self.reader)
        else:
            self._stream = StreamDecoder()
        self._offset = 0

    @property
    def frames(self) -> int:
        return self._batch.frames if self._batch else self._counts().frames

    @property
    def frames_with_broadcast(self) -> int:
        if self._batch:
            return self._batch.frames_with_broadcast
        return self._counts().frames_with_broadcast

    @property
    def detections(self) -> int:
        return self._batch.detections if self._batch else self._counts().detections

    @property
    def offset(self) -> int:
        """Bytes of the capture the records handed out so far cover (for progress)."""
        return self._batch.offset if self._batch else self._offset

    def _counts(self) -> StreamDecoder:
        assert self._stream is not None
        return self._stream

    def skipped(self) -> SkipTally:
        """What the reader and the decoders skipped, and why, with example frames."""
        if self._batch:
            return self._batch.skipped()
        tally = SkipTally()
        tally.merge(self.reader.skipped)
        tally.merge(self._counts().skipped)
        return tally

    def detection_batches(self) -> Iterator[list[Detection]]:
        """The detections in frame order, a list at a time (what the tracker takes)."""
        if self._batch is not None:
            yield from self._batch.detection_batches()
            return
        decoder = self._counts()
        pending: list[Detection] = []
        for packet in self.reader:
            pending.extend(decoder.packet(packet))
            self._offset += len(packet.data) + 16
            if len(pending) >= STREAM_FLUSH:
                yield pending
                pending = []
        if pending:
            yield pending

    def batches(self) -> Iterator[list[Record]]:
        """The records (the JSON contract's dicts) in frame order, a list at a time."""
        if self._batch is not None:
            yield from self._batch
            return
        for found in self.detection_batches():
            yield [detection.record() for detection in found]

    def __iter__(self) -> Iterator[Record]:
        for batch in self.batches():
            yield from batch

    def lines(
        self, fmt: str, columns: Sequence[str] = CONTRACT_COLUMNS
    ) -> Iterator[bytes | memoryview]:
        """The records in one of `output.FORMATS` (`csv`: the CSV rows of `columns`, no
        header), as the document's lines (`output.record_line`), in chunks; each chunk is
        valid until the next is asked for. The batch path renders them from its columns
        (`row_writer`), the streaming path record by record; the bytes are the same."""
        line = record_line(fmt, columns)
        if self._batch is not None:
            yield from self._batch.lines(template(fmt, columns), line)
            return
        for records in self.batches():
            yield b"".join(line(record) for record in records)

    def close(self) -> None:
        self.reader.close()

    def to_dict(self) -> dict[str, Any]:
        """The summary once read: frames, frames with broadcasts, messages, skips."""
        return {
            "file": self.path,
            "frames": self.frames,
            "frames_with_broadcast": self.frames_with_broadcast,
            "detections": self.detections,
            "skipped": self.skipped().as_dict(),
        }


def decode_capture(
    source: str | Path | BinaryIO, *, stream: bool = False, label: str | None = None
) -> DecodeRun:
    """Decode every drone broadcast in a pcap or pcapng capture (see `DecodeRun`)."""
    return DecodeRun(source, stream=stream, label=label)
