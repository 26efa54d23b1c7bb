"""`dronevet droneid`: decode DJI DroneID bursts (OcuSync) from IQ recordings or a live radio.

`decode` prints a table of the drones the bursts name by default (serial, make and model,
covered status, drone, pilot and home positions); `--format jsonl|geojson` writes one record
per burst instead: a decoded frame with the drone's and pilot's positions, or the reason it
could not be decoded. `live` reads a SoapySDR radio and prints each decoded burst as it
comes, then the table. A summary (bursts seen, decoded, failed) goes to standard error.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer

from dronevet.commands.common import (
    SensorOption,
    SensorPositionOption,
    console,
    dump_json,
    err_console,
    finite,
    guarded,
    say,
    sensor_with_mqtt,
)

app = typer.Typer(
    help="DJI DroneID over OcuSync: drone and pilot positions from radio (IQ) recordings.",
    no_args_is_help=True,
)

PROGRESS_SAMPLES = 20_000_000
"""Show a progress bar for recordings longer than this many samples."""


class DroneIdFormat(StrEnum):
    """Output formats of `droneid decode`: a table for people, records for scripts."""

    text = "text"
    jsonl = "jsonl"
    geojson = "geojson"


class LiveFormat(StrEnum):
    """Output formats of `droneid live`: a line per burst for people, or JSON lines."""

    text = "text"
    jsonl = "jsonl"


class SampleTypeName(StrEnum):
    """IQ sample types of raw recordings."""

    cf32 = "cf32"
    ci16 = "ci16"
    ci8 = "ci8"


def _features(record: dict[str, Any]) -> list[dict[str, Any]]:
    features = []
    for role, lat, lon in (
        ("drone", "lat", "lon"),
        ("pilot", "pilot_lat", "pilot_lon"),
        ("home", "home_lat", "home_lon"),
    ):
        if record[lat] is None or (record[lat] == 0 and record[lon] == 0):
            continue
        properties = {key: value for key, value in record.items() if key not in (lat, lon)}
        properties["role"] = role
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [record[lon], record[lat]]},
                "properties": properties,
            }
        )
    return features


def _print_drones(summaries: list[dict[str, Any]]) -> None:
    """The table of drones (`ocusync.drones` summaries), and what each identity rests on."""
    from dronevet.api import load_knowledge
    from dronevet.broadcast.identity import track_identity
    from dronevet.commands.tables import droneid_table, identity_notes

    rows = []
    if summaries:
        kb = load_knowledge()
        rows = [track_identity(kb, summary) for summary in summaries]
    console.print(droneid_table(rows))
    for note in identity_notes(rows):
        say(("• ", "dim"), note)


@app.command()
@guarded
def decode(
    file: Annotated[
        str, typer.Argument(help="IQ recording (raw or .sigmf-meta/.sigmf-data); - for stdin")
    ],
    sample_rate: Annotated[
        float | None, typer.Option("--sample-rate", "-r", help="samples per second (raw files)")
    ] = None,
    center_freq: Annotated[
        float | None, typer.Option("--center-freq", "-c", help="centre frequency in Hz")
    ] = None,
    dtype: Annotated[
        SampleTypeName, typer.Option("--dtype", help="sample type of raw recordings")
    ] = SampleTypeName.cf32,
    fmt: Annotated[
        DroneIdFormat,
        typer.Option("--format", "-f", help="text: a table of drones; jsonl or geojson: bursts"),
    ] = DroneIdFormat.text,
) -> None:
    """Decode every DroneID burst in FILE: who flies (serial, make, model, covered status),
    where the drone, its pilot and its home point are."""
    from rich.progress import Progress

    from dronevet.api import decode_iq
    from dronevet.broadcast.dji.ocusync.drones import DroneTally, burst_detection

    rate = finite(sample_rate, "--sample-rate", positive=True)
    centre = finite(center_freq, "--center-freq")
    run = decode_iq(file, sample_rate=rate, centre_freq=centre, dtype=dtype.value)
    records: list[dict[str, Any]] = []
    tally = DroneTally()
    total = run.source.sample_count
    show = total is not None and total > PROGRESS_SAMPLES
    with Progress(console=err_console, transient=True, disable=not show) as bar:
        task = bar.add_task(f"decoding {file}", total=total)
        for number, record in enumerate(run, 1):
            if fmt is DroneIdFormat.jsonl:
                sys.stdout.write(dump_json(record, indent=None) + "\n")
            elif fmt is DroneIdFormat.geojson:
                records.append(record)
            else:
                tally.add(burst_detection(record, number))
            bar.update(task, completed=run.samples_read)
    if fmt is DroneIdFormat.geojson:
        features = [feature for record in records for feature in _features(record)]
        sys.stdout.write(dump_json({"type": "FeatureCollection", "features": features}) + "\n")
    elif fmt is DroneIdFormat.text:
        _print_drones(tally.summaries())
    say(run.summary(), err=True)


def burst_line(record: dict[str, Any], started: datetime) -> str:
    """One decoded burst for people: when (UTC), which drone, where it, its pilot and its
    home point are."""
    from dronevet.broadcast.dji.ocusync.drones import NO_SERIAL
    from dronevet.broadcast.geo import distance_m

    when = started + timedelta(seconds=record["time_s"])
    parts = [when.strftime("%H:%M:%S.%f")[:-3], record["serial"] or NO_SERIAL]
    if record["layout"] == "unknown":
        parts.append(f"frame of unknown layout (message type {record['message_type']:#04x})")
    if record["product"]:
        parts.append(record["product"])
    for role, lat, lon in (("drone", "lat", "lon"), ("pilot", "pilot_lat", "pilot_lon"),
                           ("home", "home_lat", "home_lon")):  # fmt: skip
        if record[lat] is None:
            continue
        where = f"{role} {record[lat]:.5f}, {record[lon]:.5f}"
        if role == "drone":
            where += f", altitude {record['alt']} m"
        elif record["lat"] is not None:
            away = distance_m(record[lat], record[lon], record["lat"], record["lon"])
            where += f" ({away:,.0f} m away)"
        parts.append(where)
    return "  ".join(parts)


@app.command()
@guarded
def live(
    device: Annotated[
        str,
        typer.Option("--device", "-d", help='SoapySDR device, e.g. "driver=hackrf"'),
    ],
    center_freq: Annotated[
        float, typer.Option("--center-freq", "-c", help="centre frequency in Hz, e.g. 2.4145e9")
    ],
    sample_rate: Annotated[
        float,
        typer.Option("--sample-rate", "-r", help="samples per second, at least 15.36e6"),
    ],
    gain: Annotated[
        float | None,
        typer.Option("--gain", "-g", help="receive gain in dB (default: the radio's automatic)"),
    ] = None,
    seconds: Annotated[
        float | None,
        typer.Option("--seconds", help="stop after this long (default: at Ctrl-C)"),
    ] = None,
    fmt: Annotated[
        LiveFormat,
        typer.Option("--format", "-f", help="text: a line per decoded burst; jsonl: records"),
    ] = LiveFormat.text,
    mqtt: Annotated[
        str | None,
        typer.Option("--mqtt", help="publish each drone detection to mqtt://host:port/topic, "
                     "as `rid live --mqtt` does (a sensor for `airspace ingest`)"),
    ] = None,
    sensor: SensorOption = None,
    sensor_position: SensorPositionOption = None,
) -> None:
    """Decode DroneID bursts live from a software-defined radio (SoapySDR) as they come.

    Needs SoapySDR's Python bindings (`apt install python3-soapysdr soapysdr-module-<radio>`
    and a virtual environment made with --system-site-packages); without them, pipe your
    radio's own recorder into `dronevet droneid decode -`. Ends with the table of drones.
    With --mqtt, each burst that names a drone is published as its detection record to
    `<topic>/<sensor>` (`<topic>/<mac>` without --sensor) at QoS 1, as `rid live --mqtt`
    publishes.
    """
    from dronevet.broadcast.dji.ocusync.drones import DroneTally, burst_detection
    from dronevet.broadcast.dji.ocusync.receiver import OcuSyncReceiver, check_sample_rate
    from dronevet.capture.soapy import open_soapy
    from dronevet.sinks.mqtt import BrokerAddress, DetectionPublisher

    address = BrokerAddress.parse(mqtt) if mqtt else None
    position = sensor_with_mqtt(sensor, mqtt, sensor_position)
    for value, option in ((sample_rate, "--sample-rate"), (center_freq, "--center-freq")):
        finite(value, option, positive=True)
    finite(seconds, "--seconds", positive=True)
    finite(gain, "--gain")
    check_sample_rate(sample_rate, path=device)  # before the radio is opened
    source = open_soapy(device, sample_rate=sample_rate, centre_freq=center_freq, gain=gain)
    if source.sample_rate != sample_rate:
        say(f"{device}: the radio runs at {source.sample_rate:g} samples per second", err=True)
    receiver = OcuSyncReceiver(source.sample_rate, path=device)
    blocks = source.blocks(None if seconds is None else round(seconds * source.sample_rate))
    started = datetime.now(UTC)
    say(f"{device}: listening at {source.centre_freq:g} Hz (Ctrl-C stops)", err=True)
    tally = DroneTally()
    publisher = (DetectionPublisher(address, sensor=sensor, position=position)
                 if address else None)  # fmt: skip
    try:
        for number, result in enumerate(receiver.results(blocks), 1):
            record = result.to_dict(source.centre_freq)
            detection = burst_detection(record, number)
            tally.add(detection)
            if fmt is LiveFormat.jsonl:
                sys.stdout.write(dump_json(record, indent=None) + "\n")
                sys.stdout.flush()
            elif detection is not None:
                say(burst_line(record, started))
            if publisher is not None and detection is not None:
                publisher.publish(detection.record())
    except KeyboardInterrupt:
        pass
    finally:
        blocks.close()  # stops the radio's stream
        if publisher is not None:
            publisher.close()
    if fmt is LiveFormat.text:
        _print_drones(tally.summaries())
    say(receiver.summary(device), err=True)
    if source.overflows:
        say(f"{device}: the radio dropped samples {source.overflows} times (the computer did "
            "not keep up; try a lower sample rate)", err=True)  # fmt: skip
