"""`dronevet rid decode --tracks` end to end on the shared captures: one summary per flight.

Expectations come from the per-message output of the same captures (what each drone sent,
read without the tracker): the Wi-Fi beacon sample is one drone, MFG1A0123456789, sending
21 packs of 5 messages (tshark: MessagePack quantity 5); the Wi-Fi NAN/beacon sample is the
same transmitter nine days earlier without a Basic ID, so it is keyed by its MAC; the
Bluetooth 5 sample is SSEVTFG93700070, which never reports a GNSS position.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from broadcast.detections import detected
from dronevet.broadcast.output import TRACK_COLUMNS
from dronevet.broadcast.tracker import Tracker
from dronevet.cli import app
from shared_files import shared_path

runner = CliRunner()
NAMES = ("odid_bt5_lr_sample.pcapng", "odid_wifi_bcn_sample.pcap", "odid_wifi_sample.pcap")


def _paths() -> list[str]:
    return [str(shared_path(f"captures/remoteid/{name}")) for name in NAMES]


def _decode(*args: str) -> str:
    result = runner.invoke(app, ["rid", "decode", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def messages() -> dict[str, list[dict]]:
    return {
        name: [json.loads(line) for line in _decode(path).splitlines()]
        for name, path in zip(NAMES, _paths(), strict=True)
    }


@pytest.fixture(scope="module")
def tracks() -> dict[str, dict]:
    lines = _decode(*_paths(), "--tracks", "-f", "jsonl").splitlines()
    return {track["key"]: track for track in map(json.loads, lines)}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_each_flight_is_one_track(tracks: dict[str, dict]) -> None:
    assert set(tracks) == {"MFG1A0123456789", "84:cc:a8:60:43:24", "SSEVTFG93700070"}


def test_beacon_drone_track_has_its_latest_position_operator_and_identity(
    tracks: dict[str, dict], messages: dict[str, list[dict]]
) -> None:
    sent = messages["odid_wifi_bcn_sample.pcap"]
    track = tracks["MFG1A0123456789"]
    last_fix = [r for r in sent if r["msg_type"] == "location"][-1]
    assert (track["lat"], track["lon"]) == (last_fix["lat"], last_fix["lon"])
    assert track["alt_geo"] == last_fix["alt_geo"] and track["speed_h"] == last_fix["speed_h"]
    system = [r for r in sent if r["msg_type"] == "system"][-1]
    assert (track["operator_lat"], track["operator_lon"]) == (
        system["operator_lat"], system["operator_lon"]
    )
    # operator location type "takeoff": the operator position is the home point
    home = (track["home_lat"], track["home_lon"])
    assert home == (system["operator_lat"], system["operator_lon"])
    assert track["operator_id"] == "GBR-OP-123ABCD" and track["macs"] == ["84:cc:a8:60:43:24"]
    assert track["messages"] == {kind: 21 for kind in
                                 ("basic_id", "location", "self_id", "system", "operator_id")}
    assert _when(track["first_seen"]) == _when(sent[0]["time"])
    assert _when(track["last_seen"]) == _when(sent[-1]["time"])


def test_track_history_is_every_fix_in_time_order(tracks: dict[str, dict]) -> None:
    history = tracks["MFG1A0123456789"]["history"]
    assert len(history) == 21
    times = [_when(fix[0]) for fix in history]
    assert times == sorted(times)


def test_a_transmitter_without_basic_id_is_tracked_by_its_mac_over_both_wifi_transports(
    tracks: dict[str, dict], messages: dict[str, list[dict]]
) -> None:
    sent = messages["odid_wifi_sample.pcap"]
    track = tracks["84:cc:a8:60:43:24"]
    assert track["uas_ids"] == []
    counted = {t: sum(r["transport"] == t for r in sent) for t in ("wifi-beacon", "wifi-nan")}
    assert track["transports"] == counted
    last_fix = [r for r in sent if r["msg_type"] == "location"][-1]
    assert (track["lat"], track["lon"]) == (last_fix["lat"], last_fix["lon"])


def test_a_drone_without_gnss_fix_has_identity_but_no_position(
    tracks: dict[str, dict], messages: dict[str, list[dict]]
) -> None:
    sent = messages["odid_bt5_lr_sample.pcapng"]
    assert all(r["lat"] is None for r in sent if r["msg_type"] == "location")
    track = tracks["SSEVTFG93700070"]
    assert track.get("lat") is None and track["history"] == []
    operator = [r["operator_id"] for r in sent if r["msg_type"] == "operator_id"][-1]
    assert (track["id_type"], track["operator_id"]) == ("serial_number", operator)
    assert sum(track["messages"].values()) == len(sent)


def test_captures_in_reverse_time_order_give_the_same_tracks(tracks: dict[str, dict]) -> None:
    lines = _decode(*reversed(_paths()), "--tracks", "-f", "jsonl").splitlines()
    reordered = {track["key"]: track for track in map(json.loads, lines)}
    assert reordered == tracks


def test_tracks_as_csv_have_one_row_per_track_and_json_counts() -> None:
    rows = list(csv.DictReader(io.StringIO(_decode(*_paths(), "--tracks", "-f", "csv"))))
    assert list(rows[0]) == list(TRACK_COLUMNS)
    assert len(rows) == 3
    beacon = next(row for row in rows if row["key"] == "MFG1A0123456789")
    assert json.loads(beacon["transports"]) == {"wifi-beacon": 105}


def test_tracks_as_geojson_place_only_drones_with_a_position() -> None:
    collection = json.loads(_decode(*_paths(), "--tracks", "-f", "geojson"))
    keys = {feature["properties"]["key"] for feature in collection["features"]}
    assert keys == {"MFG1A0123456789", "84:cc:a8:60:43:24"}


def test_a_drone_heard_again_after_a_silence_starts_a_second_track() -> None:
    tracker = Tracker(max_age=timedelta(minutes=5))
    start = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    for minutes in (0, 1, 30, 31):
        tracker.update(detected({"time": (start + timedelta(minutes=minutes)).isoformat(),
                        "mac": "aa:bb:cc:00:00:01", "msg_type": "basic_id",
                        "transport": "bt-legacy", "uas_id": "1581F5FKD229400B"}))  # fmt: skip
    flights = tracker.summary()
    assert [f["key"] for f in flights] == ["1581F5FKD229400B"] * 2
    assert [f["messages"]["basic_id"] for f in flights] == [2, 2]
    assert [t.key for t in tracker.take_retired()] == ["1581F5FKD229400B"]
    assert len(tracker.summary()) == 1


def test_tracks_carry_their_identity_and_what_it_rests_on(tracks: dict[str, dict]) -> None:
    # The shared captures are test transmissions: no serial names a maker the knowledge base
    # can attribute, and each track says why.
    for track in tracks.values():
        assert track["identity"]["manufacturer"] is None
        assert track["covered_status"] == "unknown"
        assert track["identity"]["basis"]
    assert "no ID type" in tracks["MFG1A0123456789"]["identity"]["basis"]
    assert "not in the ANSI/CTA-2063-A form" in tracks["SSEVTFG93700070"]["identity"]["basis"]


def test_tracks_print_a_table_for_people_by_default() -> None:
    text = _decode(*_paths(), "--tracks")
    assert "Drones heard (3)" in text and "covered?" in text
    assert "545 m away" in text  # the operator of MFG1A0123456789 from its drone
    assert "MFG1A0123456789: The Basic ID declares no ID type" in " ".join(text.split())


def test_a_table_of_messages_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["rid", "decode", *map(str, _paths()), "-f", "text"])
    assert result.exit_code == 2 and "--tracks" in result.output
