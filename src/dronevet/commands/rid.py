"""`dronevet rid`: decode Remote ID and DJI DroneID broadcasts from captures and live interfaces."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import err_console, guarded
from dronevet.errors import BadInputError, DronevetError

if TYPE_CHECKING:
    from dronevet.broadcast.pipeline import StreamDecoder
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


def _summary(path: str, decoder: StreamDecoder, skipped: SkipTally) -> None:
    err_console.print(
        f"{path}: {decoder.frames} frames, {decoder.frames_with_broadcast} with drone "
        f"broadcasts, {decoder.detections} messages decoded",
        highlight=False,
    )
    for reason, entry in skipped.as_dict().items():
        examples = ", ".join(str(number) for number in entry["examples"])  # type: ignore[attr-defined]
        err_console.print(
            f"  skipped {entry['count']}: {reason} (frames {examples})",
            highlight=False,
            markup=False,
        )


def _decode_file(
    reader: CaptureReader, emit: Any, *, progress: bool
) -> tuple[StreamDecoder, SkipTally]:
    from rich.progress import Progress

    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.packets import SkipTally

    decoder = StreamDecoder()
    size = reader.path.stat().st_size if reader.path.is_file() else 0
    with Progress(console=err_console, transient=True, disable=not progress) as bar:
        task = bar.add_task(f"decoding {reader.path.name}", total=size)
        for packet in reader:
            for detection in decoder.packet(packet):
                emit(detection.record())
            if progress:
                bar.advance(task, len(packet.data) + 16)
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
) -> None:
    """Decode every drone broadcast in captures: one record per message on standard output.

    A summary of frames read and of what was skipped, and why, goes to standard error.
    """
    from dronevet.broadcast.output import RecordWriter
    from dronevet.capture.packets import open_capture

    writer = RecordWriter(sys.stdout, fmt.value)
    tracker = None
    if tracks:
        from dronevet.broadcast.tracker import Tracker

        tracker = Tracker()
    emit = tracker.update if tracker is not None else writer.write
    failures: list[DronevetError] = []
    for path in files:
        try:
            reader = open_capture(path)
            show = sys.stderr.isatty() and path.stat().st_size > PROGRESS_BYTES
            decoder, skipped = _decode_file(reader, emit, progress=show)
        except DronevetError as error:
            err_console.print(f"[bold red]error:[/] {error}", highlight=False)
            failures.append(error)
            continue
        _summary(str(path), decoder, skipped)
    if tracker is not None:
        for summary in tracker.summary():
            writer.write(summary)
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
