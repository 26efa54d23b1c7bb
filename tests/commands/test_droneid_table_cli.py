"""`dronevet droneid decode` prints a table of drones by default, one row per serial number.

Each row must say what the burst records (`--format jsonl`) of that drone say: its latest
position, the pilot's and home point's positions with their distances from the drone, the
make and model and the maker's covered status on the day of the app time. A burst that
failed to decode is counted in the summary line and is no row.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from dronevet.api import load_knowledge
from dronevet.broadcast.dji.flight_info import DjiFlightInfo
from dronevet.broadcast.dji.ocusync.demap import data_grid
from dronevet.broadcast.dji.ocusync.ofdm import DATA_COLUMNS, DATA_SYMBOLS, burst_from_grid
from dronevet.broadcast.dji.ocusync.payload import build_flight_info
from dronevet.broadcast.dji.ocusync.transmitter import (
    Impairments,
    burst_grid,
    burst_samples,
    impair,
    transport_block,
)
from dronevet.broadcast.geo import distance_m
from dronevet.broadcast.identity import identify, judged
from dronevet.cli import app
from shared_files import shared_path

RATE = 15.36e6
MAVIC_3 = DjiFlightInfo(
    serial="1581F4XFC22B000B", lat=50.4501, lon=30.5234, alt=180, height=95, pilot_lat=50.4431,
    pilot_lon=30.5301, home_lat=50.4430, home_lon=30.5300, product_type=68, uuid="12345",
)  # fmt: skip
AIR_2S = DjiFlightInfo(
    serial="3NZCH7E0012345", lat=48.1374, lon=11.5755, alt=520, height=60, pilot_lat=48.1370,
    pilot_lon=11.5760, home_lat=48.1372, home_lon=11.5758, product_type=66,
)  # fmt: skip


def _rows(table: str) -> list[str]:
    """The text of each body row of a Rich table, cell after cell (a cell's lines joined;
    rows are separated by rule lines)."""
    body = table.split("┡", 1)[1].splitlines()[1:]
    rows: list[str] = []
    cells: list[list[str]] = []
    for line in body:
        if line.startswith(("├", "└")):
            rows.append(" ".join(" ".join(" ".join(cell).split()) for cell in cells))
            cells = []
            continue
        parts = line.strip().strip("│").split("│")
        cells = cells or [[] for _ in parts]
        for cell, part in zip(cells, parts, strict=True):
            cell.append(part.strip())
    return rows


def _undecodable_burst(rng: np.random.Generator) -> np.ndarray:
    """A burst with DroneID's ZC symbols but random data: found, and fails its CRC-24."""
    grid = burst_grid(transport_block(build_flight_info(MAVIC_3)))
    bits = rng.integers(0, 2, 2 * len(DATA_SYMBOLS) * len(DATA_COLUMNS)).astype(np.uint8)
    grid[np.asarray(DATA_SYMBOLS)[:, None], DATA_COLUMNS[None, :]] = data_grid(bits)
    return burst_from_grid(grid)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four bursts at 15.36 Msps: Mavic 3, an undecodable one, Air 2S, Mavic 3 again."""
    rng = np.random.default_rng(11)
    bursts = [burst_samples(MAVIC_3), _undecodable_burst(rng), burst_samples(AIR_2S),
              burst_samples(MAVIC_3)]  # fmt: skip
    samples = np.concatenate([
        impair(burst, Impairments(snr_db=20), length=round(2.2e-3 * RATE),
               offset=round(0.8e-3 * RATE), rng=rng)
        for burst in bursts
    ])  # fmt: skip
    path = tmp_path_factory.mktemp("droneid") / "two_drones.cf32"
    samples.astype(np.complex64).tofile(path)
    return path


def _decode(*args: str) -> tuple[str, str]:
    result = CliRunner().invoke(app, ["droneid", "decode", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_the_table_has_one_row_per_drone_and_counts_the_failed_burst(recording: Path) -> None:
    table, summary = _decode(str(recording), "-r", str(RATE))
    records = [json.loads(line) for line in _decode(str(recording), "-r", str(RATE),
                                                    "-f", "jsonl")[0].splitlines()]  # fmt: skip
    assert [r["serial"] for r in records] == [MAVIC_3.serial, None, AIR_2S.serial, MAVIC_3.serial]
    assert "4 DroneID bursts, 3 decoded (CRC-24 valid), 1 failed to decode" in summary
    rows = _rows(table)
    assert len(rows) == 2
    assert rows[0].startswith(MAVIC_3.serial) and rows[1].startswith(AIR_2S.serial)
    assert "2 bursts at" in rows[0] and "1 burst at" in rows[1]


@pytest.mark.parametrize("info", [MAVIC_3, AIR_2S], ids=["mavic-3", "air-2s"])
def test_a_row_says_what_the_drones_frames_say(recording: Path, info: DjiFlightInfo) -> None:
    (row,) = [row for row in _rows(_decode(str(recording), "-r", str(RATE))[0])
              if row.startswith(info.serial)]  # fmt: skip
    (record, *_) = [json.loads(line) for line in _decode(
        str(recording), "-r", str(RATE), "-f", "jsonl")[0].splitlines()
        if json.loads(line)["serial"] == info.serial]  # fmt: skip
    assert f"{record['lat']:.5f}, {record['lon']:.5f}" in row
    assert f"altitude {record['alt']} m, {record['height']} m above home" in row
    for role in ("pilot", "home"):
        lat, lon = record[f"{role}_lat"], record[f"{role}_lon"]
        away = distance_m(lat, lon, record["lat"], record["lon"])
        assert f"{role} {lat:.5f}, {lon:.5f} ({away:,.0f} m away)" in row
    kb = load_knowledge()
    identity = judged(kb, identify(kb, dji_serial=info.serial,
                                   dji_product_type=info.product_type), date.today())
    assert identity.manufacturer == "dji"
    assert f"{kb.name_of('dji')}, {identity.product_name}" in row
    assert identity.covered_status.value.replace("_", " ") in row


def test_the_shared_recording_is_one_mavic_air_2_heard_on_its_app_day() -> None:
    path = shared_path("captures/droneid-iq/mavic_air_2.fc32")
    table, summary = _decode(str(path), "-r", "50e6")
    (row,) = _rows(table)
    # the burst of unknown layout counts for the serial it carries as text
    assert row.startswith("1WNBH3900201N1") and "3 bursts at 1.86 ms – 3.31 ms" in row
    assert "app time 2022-04-21 11:53:46" in row and "Mavic Air 2" in row
    kb = load_knowledge()
    status = judged(kb, identify(kb, dji_serial="1WNBH3900201N1", dji_product_type=58),
                    date(2022, 4, 21)).covered_status  # fmt: skip
    assert status.value.replace("_", " ") in row
    assert "3 DroneID bursts, 3 decoded (CRC-24 valid), 0 failed to decode" in summary


def test_a_recording_without_drones_prints_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "noise.cf32"
    rng = np.random.default_rng(5)
    noise = rng.normal(size=80_000) + 1j * rng.normal(size=80_000)
    noise.astype(np.complex64).tofile(path)
    table, summary = _decode(str(path), "-r", str(RATE))
    assert "DJI drones heard (0)" in table and "0 DroneID bursts" in summary
