"""`dronevet rid`: decode Remote ID and DJI DroneID broadcasts from captures and live interfaces."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer

from dronevet.commands.common import err_console, guarded
from dronevet.errors import BadInputError, DronevetError

if TYPE_CHECKING:
    from rich.progress import Progress

    from dronevet.capture.packets import CaptureReader, SkipTally

app = typer.Typer(
    help="Drone broadcasts: ASTM F3411 Remote ID (Wi-Fi beacon, NAN, Bluetooth 4/5) "
    "and DJI Wi-Fi DroneID.",
    no_args_is_help=True,
)

PROGRESS_BYTES = 4 << 20
"""Show a progress bar for files larger than this (about a second of decoding)."""


class RecordFormat(StrEnum):
    """Output formats of `rid decode`."""

    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"


class DecodeCounts(Protocol):
    """What both decoding paths report about a file once it is read."""

    @property
    def frames(self) -> int: ...

    @property
    def frames_with_broadcast(self) -> int: ...

    @property
    def detections(self) -> int: ...


Sink = Callable[[list[dict[str, Any]]], None]
STREAM_FLUSH = 1024
"""Records the streaming path gathers before handing them to the output at once."""


def _summary(path: str, counts: DecodeCounts, skipped: SkipTally) -> None:
    err_console.print(
        f"{path}: {counts.frames} frames, {counts.frames_with_broadcast} with drone "
        f"broadcasts, {counts.detections} messages decoded",
        highlight=False,
        soft_wrap=True,
    )
    for reason, entry in skipped.as_dict().items():
        examples = ", ".join(str(number) for number in entry["examples"])  # type: ignore[attr-defined]
        err_console.print(
            f"  skipped {entry['count']}: {reason} (frames {examples})",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: records are acyclic dicts made by the million."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode_batched(path: Path, sink: Sink, bar: Progress) -> tuple[DecodeCounts, SkipTally]:
    """A pcap file through the batch path (records built from columns)."""
    from dronevet.broadcast.batch_records import BatchRecords

    records = BatchRecords(path)
    task = bar.add_task(f"decoding {path.name}", total=path.stat().st_size)
    for batch in records:
        sink(batch)
        bar.update(task, completed=records.offset)
    return records, records.skipped()


def _decode_streamed(
    reader: CaptureReader, sink: Sink, bar: Progress
) -> tuple[DecodeCounts, SkipTally]:
    """Any capture, one packet at a time, through the streaming path."""
    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.packets import SkipTally

    decoder = StreamDecoder()
    task = bar.add_task(f"decoding {reader.path.name}", total=reader.path.stat().st_size)
    pending: list[dict[str, Any]] = []
    for packet in reader:
        pending.extend(detection.record() for detection in decoder.packet(packet))
        bar.advance(task, len(packet.data) + 16)
        if len(pending) >= STREAM_FLUSH:
            sink(pending)
            pending = []
    sink(pending)
    skipped = SkipTally()
    skipped.merge(reader.skipped)
    skipped.merge(decoder.skipped)
    return decoder, skipped


@app.command()
@guarded
def decode(
    files: Annotated[list[Path], typer.Argument(help="pcap or pcapng captures")],
    fmt: Annotated[
        RecordFormat, typer.Option("--format", "-f", help="output format")
    ] = RecordFormat.jsonl,
    tracks: Annotated[
        bool, typer.Option("--tracks", help="print one summary per drone instead of messages")
    ] = False,
    stream: Annotated[
        bool, typer.Option("--stream", help="decode pcap files frame by frame (no batch path)")
    ] = False,
) -> None:
    """Decode every drone broadcast in captures: one record per message on standard output.

    pcap files go through the batch path (the same records, much faster); pcapng files and
    `--stream` go frame by frame. With --tracks, one summary per drone instead (latest
    position, operator and home positions, identity, counts, recent history). A summary of
    frames read and of what was skipped, and why, goes to standard error.
    """
    from rich.progress import Progress

    from dronevet.broadcast.output import CONTRACT_COLUMNS, TRACK_COLUMNS, RecordWriter
    from dronevet.broadcast.tracker import Tracker
    from dronevet.capture.packets import open_capture
    from dronevet.capture.pcap import PcapReader

    writer = RecordWriter(sys.stdout, fmt.value, TRACK_COLUMNS if tracks else CONTRACT_COLUMNS)
    tracker = Tracker() if tracks else None
    sink: Sink = writer.write_many if tracker is None else tracker.update_many
    failures: list[DronevetError] = []
    for path in files:
        try:
            reader = open_capture(path)
            show = sys.stderr.isatty() and path.stat().st_size > PROGRESS_BYTES
            with (
                Progress(console=err_console, transient=True, disable=not show) as bar,
                _collector_paused(),
            ):
                if isinstance(reader, PcapReader) and not stream:
                    counts, skipped = _decode_batched(path, sink, bar)
                else:
                    counts, skipped = _decode_streamed(reader, sink, bar)
        except DronevetError as error:
            err_console.print(f"[bold red]error:[/] {error}", highlight=False)
            failures.append(error)
            continue
        _summary(str(path), counts, skipped)
    if tracker is not None:
        writer.write_many(tracker.summary())
    writer.close()
    if failures:
        raise typer.Exit(code=failures[0].exit_code)


@app.command()
@guarded
def live(
    interface: Annotated[
        str | None, typer.Argument(help="monitor-mode Wi-Fi interface, e.g. wlan0mon")
    ] = None,
    mqtt: Annotated[
        str | None,
        typer.Option("--mqtt", help="publish each detection to mqtt://host:port/topic"),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option("--replay", help="read frames from a capture file instead of an interface"),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="do not print detections")
    ] = False,
) -> None:
    """Decode drone broadcasts as they arrive on a monitor-mode interface (needs root).

    Each detection is printed as a JSON line and, with --mqtt, published to
    `<topic>/<mac>`. --replay feeds a capture file through the same path, for tests
    and demonstrations.
    """
    from dronevet.broadcast.mqtt import BrokerAddress, DetectionPublisher
    from dronevet.broadcast.output import RecordWriter
    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.live import LiveCapture
    from dronevet.capture.packets import open_capture

    if (interface is None) == (replay is None):
        raise BadInputError("give either an interface or --replay FILE (not both)", exit_code=2)
    address = BrokerAddress.parse(mqtt) if mqtt else None
    source: CaptureReader = open_capture(replay) if replay else LiveCapture(str(interface))
    publisher = DetectionPublisher(address) if address else None
    writer = None if quiet else RecordWriter(sys.stdout, "jsonl")
    decoder = StreamDecoder()
    try:
        for packet in source:
            for detection in decoder.packet(packet):
                record = detection.record()
                if writer is not None:
                    writer.write(record)
                    sys.stdout.flush()
                if publisher is not None:
                    publisher.publish(record)
    except KeyboardInterrupt:
        pass
    finally:
        if publisher is not None:
            publisher.close()
    skipped = decoder.skipped
    skipped.merge(source.skipped)
    _summary(str(replay or interface), decoder, skipped)
