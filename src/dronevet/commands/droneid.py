"""`dronevet droneid`: decode DJI DroneID bursts (OcuSync) from IQ recordings.

Each detected burst becomes one output record: a decoded frame with the drone's and pilot's
positions, or the reason it could not be decoded. A summary goes to standard error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from dronevet.commands.common import dump_json, err_console, finite, guarded, say

app = typer.Typer(
    help="DJI DroneID over OcuSync: drone and pilot positions from radio (IQ) recordings.",
    no_args_is_help=True,
)

PROGRESS_SAMPLES = 20_000_000
"""Show a progress bar for recordings longer than this many samples."""


class DroneIdFormat(StrEnum):
    """Output formats of `droneid decode`."""

    jsonl = "jsonl"
    geojson = "geojson"


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
        DroneIdFormat, typer.Option("--format", "-f", help="output format")
    ] = DroneIdFormat.jsonl,
) -> None:
    """Decode every DroneID burst in FILE: drone, pilot and home positions, serial, model."""
    from rich.progress import Progress

    from dronevet.api import decode_iq

    rate = finite(sample_rate, "--sample-rate", positive=True)
    centre = finite(center_freq, "--center-freq")
    run = decode_iq(file, sample_rate=rate, centre_freq=centre, dtype=dtype.value)
    records: list[dict[str, Any]] = []
    total = run.source.sample_count
    show = total is not None and total > PROGRESS_SAMPLES
    with Progress(console=err_console, transient=True, disable=not show) as bar:
        task = bar.add_task(f"decoding {file}", total=total)
        for record in run:
            if fmt is DroneIdFormat.jsonl:
                sys.stdout.write(dump_json(record, indent=None) + "\n")
            else:
                records.append(record)
            bar.update(task, completed=run.samples_read)
    if fmt is DroneIdFormat.geojson:
        features = [feature for record in records for feature in _features(record)]
        sys.stdout.write(dump_json({"type": "FeatureCollection", "features": features}) + "\n")
    say(run.summary(), err=True)
