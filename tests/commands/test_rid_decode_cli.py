"""`dronevet rid decode` and `rid live --replay` end to end on the shared captures."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dronevet.cli import app
from shared_files import shared_path

runner = CliRunner()


def test_decode_beacon_capture_prints_one_json_record_per_message() -> None:
    path = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    result = runner.invoke(app, ["rid", "decode", str(path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # 21 beacons, each with a pack of 5 messages (tshark: MessagePack quantity 5)
    assert len(records) == 105
    first = records[0]
    assert first["time"] == "2021-05-21T21:52:11.161999Z"  # tshark epoch 1621633931.161999
    assert (first["transport"], first["mac"], first["frame"]) == (
        "wifi-beacon", "84:cc:a8:60:43:24", 1
    )
    assert {r["msg_type"] for r in records} == {
        "basic_id", "location", "self_id", "system", "operator_id"
    }


def test_decode_reports_bad_crc_frames_as_skipped_on_stderr() -> None:
    path = shared_path("captures/remoteid/odid_bt5_lr_sample.pcapng")
    result = runner.invoke(app, ["rid", "decode", str(path), "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("time,transport,mac,frame,msg_type")
    assert "nRF Sniffer reports a CRC error" in result.stderr
    assert "bt-extended" in result.stdout


def test_decode_geojson_has_aircraft_and_operator_points() -> None:
    path = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    result = runner.invoke(app, ["rid", "decode", str(path), "--format", "geojson"])
    collection = json.loads(result.stdout)
    roles = {f["properties"]["role"] for f in collection["features"]}
    assert roles == {"aircraft", "operator"}
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert round(lat, 7) == 45.5457468 and round(lon, 7) == -122.9681496


def test_not_a_capture_exits_3_naming_the_file(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.pcap"
    bogus.write_text("not a capture")
    result = runner.invoke(app, ["rid", "decode", str(bogus)])
    assert result.exit_code == 3
    assert "notes.pcap" in result.stderr


def test_live_replay_goes_through_the_live_path() -> None:
    path = shared_path("captures/remoteid/odid_wifi_sample.pcap")
    replayed = runner.invoke(app, ["rid", "live", "--replay", str(path)])
    decoded = runner.invoke(app, ["rid", "decode", str(path)])
    assert replayed.exit_code == 0
    assert replayed.stdout == decoded.stdout
    assert any(json.loads(line)["transport"] == "wifi-nan" for line in replayed.stdout.splitlines())
