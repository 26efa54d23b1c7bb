"""`dronevet droneid decode --format jsonl|geojson`: the per-burst JSON contract, GeoJSON,
bad input exit codes (the default table: test_droneid_table_cli)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dronevet.cli import app
from shared_files import shared_path

CONTRACT = {
    "time_s", "serial", "product_type", "product", "lat", "lon", "alt", "height", "v_north",
    "v_east", "v_up", "yaw", "pilot_lat", "pilot_lon", "home_lat", "home_lon", "uuid",
    "crc_ok", "snr_db", "cfo_hz", "flight_time", "version", "state",
}


def test_real_recording_prints_one_record_per_burst_with_the_contract() -> None:
    path = shared_path("captures/droneid-iq/mavic_air_2.fc32")
    result = CliRunner().invoke(
        app, ["droneid", "decode", str(path), "--sample-rate", "50e6", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    assert all(record.keys() >= CONTRACT for record in records)
    frames = [record for record in records if record["crc_ok"]]
    assert {record["serial"] for record in frames} == {"1WNBH3900201N1"}
    assert [record["layout"] for record in records] == ["unknown", "flight_info", "flight_info"]
    unknown = records[0]  # decoded, CRC-24 holds, of a layout no public source describes
    assert unknown["error"] is None and unknown["crc_ok"] is None
    assert unknown["serial"] == "1WNBH3900201N1"  # carried as plain text
    assert bytes.fromhex(unknown["payload_hex"])[1] == 0x11  # kept, not dropped silently


def test_stdin_and_geojson_give_drone_pilot_and_home_points() -> None:
    path = shared_path("captures/droneid-iq/mavic_air_2.fc32")
    result = CliRunner().invoke(
        app, ["droneid", "decode", "-", "-r", "50e6", "--format", "geojson"],
        input=path.read_bytes(),
    )
    assert result.exit_code == 0, result.output
    roles = [f["properties"]["role"] for f in json.loads(result.stdout)["features"]]
    assert roles.count("drone") == roles.count("pilot") == roles.count("home") == 2


def test_raw_file_without_rate_and_truncated_file_exit_3(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "x.cf32"
    path.write_bytes(b"\0" * 13)
    no_rate = runner.invoke(app, ["droneid", "decode", str(path)])
    assert no_rate.exit_code == 3 and "--sample-rate" in no_rate.stderr
    truncated = runner.invoke(app, ["droneid", "decode", str(path), "-r", "1e6"])
    assert truncated.exit_code == 3 and "x.cf32" in truncated.stderr


def test_recording_too_narrow_for_a_droneid_channel_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "narrow.cf32"
    path.write_bytes(b"\0" * 800)
    result = CliRunner().invoke(app, ["droneid", "decode", str(path), "-r", "10e6"])
    assert result.exit_code == 3 and "15.36 Msps" in result.stderr
