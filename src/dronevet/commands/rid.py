"""`dronevet rid`: decode Remote ID and DJI DroneID broadcasts from captures and live interfaces.

`rid decode` asks the core (`dronevet.api.decode_capture`) for each file's records and
writes them (or, with --tracks, one summary per drone); a summary of frames read and of
what was skipped, and why, goes to standard error.
"""

from __future__ import annotations

import gc
import heapq
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dronevet.commands.common import (
    SensorOption,
    SensorPositionOption,
    console,
    err_console,
    error_line,
    guarded,
    say,
    sensor_with_mqtt,
)
from dronevet.errors import DronevetError, UsageError

if TYPE_CHECKING:
    from dronevet.broadcast.detection import Detection
    from dronevet.broadcast.output import RecordWriter
    from dronevet.broadcast.run import DecodeRun
    from dronevet.broadcast.tracker import Tracker
    from dronevet.capture.packets import SkipTally
    from dronevet.sinks.cot import CotAddress

app = typer.Typer(
    help="Drone broadcasts: ASTM F3411 Remote ID (Wi-Fi beacon, NAN, Bluetooth 4/5) "
    "and DJI Wi-Fi DroneID.",
    no_args_is_help=True,
)

PROGRESS_BYTES = 4 << 20
"""Show a progress bar for files larger than this (about a second of decoding)."""


class RecordFormat(StrEnum):
    """Output formats of `rid decode`: a table for people (the default with --tracks), JSON
    lines (the default for messages), CSV, GeoJSON, KML, and with --tracks Cursor on Target
    events for TAK."""

    text = "text"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    kml = "kml"
    cot = "cot"


TRACKS_ONLY = {
    RecordFormat.text: "the table of drones",
    RecordFormat.cot: "the Cursor on Target events of each drone's updates",
}


def _summary(
    path: str, frames: int, with_broadcast: int, messages: int, skipped: SkipTally
) -> None:
    say(
        f"{path}: {frames} frames, {with_broadcast} with drone broadcasts, "
        f"{messages} messages decoded",
        err=True,
    )
    for reason, entry in skipped.as_dict().items():
        examples = ", ".join(str(number) for number in entry["examples"])  # type: ignore[attr-defined]
        say(f"  skipped {entry['count']}: {reason} (frames {examples})", err=True)


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


def _write_run(run: DecodeRun, writer: RecordWriter | None, tracker: Tracker | None) -> None:
    """Write one capture's records (or feed the tracker), with a progress bar on a terminal."""
    from rich.progress import Progress

    show = sys.stderr.isatty() and (run.size or 0) > PROGRESS_BYTES
    with (
        Progress(console=err_console, transient=True, disable=not show) as bar,
        _collector_paused(),
    ):
        task = bar.add_task(f"decoding {Path(run.path).name}", total=run.size)
        if writer is not None and tracker is None:
            for chunk in run.lines(writer.format, writer.columns):  # from the columns
                writer.write_lines(chunk)
                bar.update(task, completed=run.offset)
            return
        if tracker is not None:
            for found in run.detection_batches():
                tracker.update_many(found)
                bar.update(task, completed=run.offset)
            return
        for batch in run.batches():
            if writer is not None:
                writer.write_many(batch)
            bar.update(task, completed=run.offset)


def _write_cot(files: list[Path], stream: bool) -> list[DronevetError]:
    """Write the CoT events of every track update of the captures, merged in time order;
    the errors, each reported with its file."""
    from dronevet.api import decode_capture, load_knowledge
    from dronevet.broadcast.cot import CotFeed

    failures: list[DronevetError] = []
    runs: list[DecodeRun] = []
    for path in files:
        try:
            runs.append(decode_capture(path, stream=stream))
        except DronevetError as error:
            err_console.print(error_line(error), soft_wrap=True)
            failures.append(error)
    failed: set[int] = set()

    def detections(index: int, run: DecodeRun) -> Iterator[Detection]:
        try:
            for found in run.detection_batches():
                yield from found
        except DronevetError as error:
            err_console.print(error_line(error), soft_wrap=True)
            failures.append(error)
            failed.add(index)

    feed = CotFeed(load_knowledge())
    merged = heapq.merge(*(detections(i, run) for i, run in enumerate(runs)),
                         key=lambda detection: detection.time_ns or 0)  # fmt: skip
    with _collector_paused():
        for detection in merged:
            lines = feed.update(detection)
            if lines:
                sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    for index, run in enumerate(runs):
        if index not in failed:
            _summary(run.path, run.frames, run.frames_with_broadcast, run.detections,
                     run.skipped())  # fmt: skip
    return failures


@app.command()
@guarded
def decode(
    files: Annotated[list[Path], typer.Argument(help="pcap or pcapng captures")],
    fmt: Annotated[
        RecordFormat | None,
        typer.Option("--format", "-f",
                     help="text (with --tracks), jsonl, csv, geojson, kml or cot (with --tracks)"),
    ] = None,
    tracks: Annotated[
        bool, typer.Option("--tracks", help="print one summary per drone instead of messages")
    ] = False,
    stream: Annotated[
        bool, typer.Option("--stream", help="decode frame by frame (no batch path; for comparison)")
    ] = False,
) -> None:
    """Decode every drone broadcast in captures: one record per message on standard output.

    pcap and pcapng files go through the batch path (Wi-Fi and Bluetooth LE; the same
    records as frame by frame, much faster); `--stream` decodes frame by frame. With
    --tracks, one summary per drone instead (latest position, operator and home
    positions, identity, counts, recent history); with
    `--format cot`, the Cursor on Target events of every track update, in time order, one
    per line. A summary of frames read and of what was skipped, and why, goes to standard
    error.
    """
    from dronevet.api import decode_capture, load_knowledge
    from dronevet.broadcast.identity import track_identity
    from dronevet.broadcast.output import RecordWriter
    from dronevet.broadcast.tracker import Tracker

    chosen = fmt or (RecordFormat.text if tracks else RecordFormat.jsonl)
    if chosen in TRACKS_ONLY and not tracks:
        raise UsageError(f"--format {chosen} is {TRACKS_ONLY[chosen]}: add --tracks.")
    if chosen is RecordFormat.cot:
        errors = _write_cot(files, stream)
        if errors:
            raise typer.Exit(code=errors[0].exit_code)
        return
    writer = None
    if chosen is not RecordFormat.text:
        writer = RecordWriter(sys.stdout, chosen, tracks=tracks)
    tracker = Tracker() if tracks else None
    failures: list[DronevetError] = []
    for path in files:
        try:
            run = decode_capture(path, stream=stream)
            _write_run(run, writer, tracker)
        except DronevetError as error:
            err_console.print(error_line(error), soft_wrap=True)
            failures.append(error)
            continue
        _summary(run.path, run.frames, run.frames_with_broadcast, run.detections, run.skipped())
    if tracker is not None:
        kb = load_knowledge()
        summaries = [track_identity(kb, summary) for summary in tracker.summary()]
        if writer is None:
            from dronevet.commands.tables import identity_notes, tracks_table

            console.print(tracks_table(summaries))
            for note in identity_notes(summaries):
                say(("• ", "dim"), note)
        else:
            writer.write_many(summaries)
    if writer is not None:
        writer.close()
    if failures:
        raise typer.Exit(code=failures[0].exit_code)


class _TakFeed:
    """Track updates sent to TAK: CoT events of each detection, one datagram each."""

    def __init__(self, address: CotAddress) -> None:
        from dronevet.api import load_knowledge
        from dronevet.broadcast.cot import CotFeed
        from dronevet.sinks.cot import CotSender

        self.sender = CotSender(address)
        self.feed = CotFeed(load_knowledge())

    def update(self, detection: Detection) -> None:
        for event in self.feed.update(detection):
            self.sender.send(event)

    def close(self) -> None:
        self.sender.close()


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
    sensor: SensorOption = None,
    sensor_position: SensorPositionOption = None,
    cot: Annotated[
        str | None,
        typer.Option("--cot", help="send each drone and its pilot to TAK as Cursor on Target, "
                     "to udp://host:port (TAK's multicast group: udp://239.2.3.1:6969)"),
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
    `<topic>/<sensor>` (`<topic>/<mac>` without --sensor); with --cot, each update of a
    drone's track is sent to TAK as Cursor on Target events, one UDP datagram each (the
    drone and its pilot). --replay feeds a capture file through the same path, for tests
    and demonstrations.
    """
    from dronevet.broadcast.output import RecordWriter
    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.files import open_capture
    from dronevet.capture.live import LiveCapture
    from dronevet.capture.packets import CaptureReader
    from dronevet.sinks.cot import CotAddress
    from dronevet.sinks.mqtt import BrokerAddress, DetectionPublisher

    if (interface is None) == (replay is None):
        raise UsageError("give either an interface or --replay FILE (not both).")
    position = sensor_with_mqtt(sensor, mqtt, sensor_position)
    address = BrokerAddress.parse(mqtt) if mqtt else None
    cot_address = CotAddress.parse(cot) if cot else None
    source: CaptureReader = open_capture(replay) if replay else LiveCapture(str(interface))
    publisher = (DetectionPublisher(address, sensor=sensor, position=position)
                 if address else None)  # fmt: skip
    to_tak = _TakFeed(cot_address) if cot_address else None
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
                if to_tak is not None:
                    to_tak.update(detection)
    except KeyboardInterrupt:
        pass
    finally:
        if publisher is not None:
            publisher.close()
        if to_tak is not None:
            to_tak.close()
    skipped = decoder.skipped
    skipped.merge(source.skipped)
    _summary(
        str(replay or interface), decoder.frames, decoder.frames_with_broadcast,
        decoder.detections, skipped,
    )
