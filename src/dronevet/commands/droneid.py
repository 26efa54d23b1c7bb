"""`dronevet droneid`: decode DJI DroneID bursts (OcuSync) from IQ recordings.

Each detected burst becomes one output record: a decoded frame with the drone's and pilot's
positions, or the reason it could not be decoded. A summary goes to standard error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dronevet.commands.common import dump_json, err_console, guarded

if TYPE_CHECKING:
    from dronevet.broadcast.dji.ocusync.receiver import BurstResult

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


def burst_record(result: BurstResult, centre_freq: float | None) -> dict[str, Any]:
    """The JSON contract of one burst."""
    flight = result.flight
    record: dict[str, Any] = {
        "time_s": round(result.time_s, 7),
        "serial": None,
        "product_type": None,
        "product": None,
        "lat": None,
        "lon": None,
        "alt": None,
        "height": None,
        "v_north": None,
        "v_east": None,
        "v_up": None,
        "yaw": None,
        "pilot_lat": None,
        "pilot_lon": None,
        "home_lat": None,
        "home_lon": None,
        "uuid": None,
        "sequence": None,
        "gps_time": None,
        "crc_ok": False,
        "crc24_ok": result.crc24_ok,
        "snr_db": round(result.snr_db, 2),
        "cfo_hz": round(result.cfo_hz, 1),
        "frequency_hz": None if centre_freq is None else round(centre_freq + result.cfo_hz),
        "message_type": result.message_type,
        "error": result.failure,
    }
    if flight is not None:
        record.update(
            serial=flight.serial,
            product_type=flight.product_type,
            product=flight.product,
            lat=flight.lat,
            lon=flight.lon,
            alt=flight.alt,
            height=flight.height,
            v_north=flight.v_north,
            v_east=flight.v_east,
            v_up=flight.v_up,
            yaw=flight.yaw,
            pilot_lat=flight.pilot_lat,
            pilot_lon=flight.pilot_lon,
            home_lat=flight.home_lat,
            home_lon=flight.home_lon,
            uuid=flight.uuid,
            sequence=flight.sequence,
            gps_time=None if flight.gps_time is None else flight.gps_time.isoformat(),
            crc_ok=result.crc24_ok and flight.crc_ok,
        )
        if not flight.crc_ok:
            record["error"] = "payload CRC-16 does not match"
    elif result.block is not None:
        record["payload_hex"] = result.block.hex()
    return record


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

    from dronevet.broadcast.dji.ocusync.receiver import OcuSyncReceiver
    from dronevet.capture.iq import raw_source, read_blocks
    from dronevet.capture.sigmf import is_sigmf, sigmf_source
    from dronevet.errors import BadInputError

    if is_sigmf(file):
        source = sigmf_source(file)
        if sample_rate is not None:
            source = raw_source(
                source.path,
                sample_rate=sample_rate,
                sample_type_name=source.sample_type.name,
                centre_freq=source.centre_freq,
            )
    else:
        if sample_rate is None:
            raise BadInputError(
                "a raw IQ recording needs --sample-rate (SigMF recordings carry it)", path=file
            )
        source = raw_source(file, sample_rate=sample_rate, sample_type_name=dtype.value)
    centre = center_freq if center_freq is not None else source.centre_freq
    receiver = OcuSyncReceiver(source.sample_rate, path=file)
    records: list[dict[str, Any]] = []

    def emit(results: list[BurstResult]) -> None:
        for result in results:
            record = burst_record(result, centre)
            if fmt is DroneIdFormat.jsonl:
                sys.stdout.write(dump_json(record, indent=None) + "\n")
            else:
                records.append(record)

    total = source.sample_count
    show = total is not None and total > PROGRESS_SAMPLES
    with Progress(console=err_console, transient=True, disable=not show) as bar:
        task = bar.add_task(f"decoding {file}", total=total)
        for block in read_blocks(source):
            emit(receiver.feed(block))
            bar.advance(task, len(block.samples))
        emit(receiver.finish())
    if fmt is DroneIdFormat.geojson:
        features = [feature for record in records for feature in _features(record)]
        sys.stdout.write(dump_json({"type": "FeatureCollection", "features": features}) + "\n")
    err_console.print(
        f"{file}: {receiver.bursts} DroneID bursts, {receiver.decoded} decoded "
        f"(CRC-24 valid), {receiver.rejected} other bursts of the same length ignored",
        highlight=False,
        markup=False,
    )
