"""French national beacon ("signalement électronique"): frames built from the decree's TLV
layout (types 1-11, big-endian, degrees * 1e5), decoded on both paths, and fuzzed."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.detections import detected
from capture.capture_builders import (
    BEACON_FIXED,
    element,
    management,
    odid_beacon_element,
    pcap_file,
    radiotap,
)
from dronevet.broadcast.batch_records import BatchRecords
from dronevet.broadcast.fr_beacon import decode_fr_beacon
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.broadcast.remoteid.common import MessageError
from dronevet.broadcast.tracker import Tracker
from dronevet.capture.files import open_capture

SOURCE = bytes.fromhex("2462ab0c0d0e")
T0 = 1_600_000_000_000_000_000
FR_ID = "AMSBB1000000000000000000BETA01"  # maker AMS, model BB1, serial (published example)


def tlv(kind: int, value: bytes) -> bytes:
    return bytes([kind, len(value)]) + value


def published_example(**override: bytes) -> bytes:
    """The TLVs of the beacon decoded on skyinnov.fr (2020-06-26), encoded as the decree says:
    version 1, FR ID, position 46.30452 / 7.15816, altitude 302 m, take-off 46.30443 / 7.15819,
    ground speed 0 m/s, route 0 degrees."""
    fields = {
        "1": tlv(1, b"\x01"), "2": tlv(2, FR_ID.encode()),
        "4": tlv(4, struct.pack(">i", 4630452)), "5": tlv(5, struct.pack(">i", 715816)),
        "6": tlv(6, struct.pack(">h", 302)),
        "8": tlv(8, struct.pack(">i", 4630443)), "9": tlv(9, struct.pack(">i", 715819)),
        "10": tlv(10, b"\x00"), "11": tlv(11, struct.pack(">H", 0)),
    }  # fmt: skip
    fields.update(override)
    return b"".join(fields.values())


def fr_frame(tlvs: bytes) -> bytes:
    ie = element(221, bytes.fromhex("6a5c35") + b"\x01" + tlvs)
    return radiotap() + management(8, SOURCE, BEACON_FIXED + element(0, b"ILLDEMO") + ie)


def _decode(frame: bytes) -> tuple[list[dict], StreamDecoder]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fr.pcap"
        path.write_bytes(pcap_file([(T0, frame)]))
        decoder = StreamDecoder()
        return [d.record() for d in decoder.run(open_capture(path))], decoder


def test_published_example_decodes_to_its_position_take_off_point_and_identity() -> None:
    (record,), _ = _decode(fr_frame(published_example()))
    assert (record["transport"], record["msg_type"], record["mac"]) == (
        "wifi-beacon", "fr_beacon", "24:62:ab:0c:0d:0e"
    )
    assert record["uas_id"] == record["fr_id"] == FR_ID and record["version"] == 1
    assert round(record["lat"], 5) == 46.30452 and round(record["lon"], 5) == 7.15816
    assert round(record["home_lat"], 5) == 46.30443 and round(record["home_lon"], 5) == 7.15819
    assert (record["alt"], record["height"], record["speed_h"], record["direction"]) == (
        302, None, 0, 0
    )


def test_southern_western_positions_and_negative_heights_are_signed() -> None:
    tlvs = published_example(**{"4": tlv(4, struct.pack(">i", -3345678)),
                                "5": tlv(5, struct.pack(">i", -7012345)),
                                "6": b"", "7": tlv(7, struct.pack(">h", -12))})  # fmt: skip
    (record,), _ = _decode(fr_frame(tlvs))
    assert round(record["lat"], 5) == -33.45678 and round(record["lon"], 5) == -70.12345
    assert (record["alt"], record["height"]) == (None, -12)


def test_off_the_shelf_drone_sends_its_ansi_serial_instead_of_a_french_id() -> None:
    tlvs = published_example(**{"2": tlv(3, b"1581F5FKD229400B")})
    (record,), _ = _decode(fr_frame(tlvs))
    assert (record["uas_id"], record["fr_id"], record["ansi_id"]) == (
        "1581F5FKD229400B", None, "1581F5FKD229400B"
    )


def test_types_of_later_versions_are_skipped() -> None:
    (record,), _ = _decode(fr_frame(published_example() + tlv(12, b"\x01\x02\x03")))
    assert record["fr_id"] == FR_ID


@pytest.mark.parametrize(("tlvs", "reason"), [
    (published_example()[:-1], "type 11 runs past the element"),
    (published_example(**{"6": tlv(6, b"\x01\x2e\x00")}), "type 6 has 3 bytes, not 2"),
    (published_example(**{"2": b""}), "without an identifier"),
    (published_example(**{"4": tlv(4, struct.pack(">i", 9_100_000))}), "off the globe"),
])  # fmt: skip
def test_a_malformed_beacon_is_counted_with_its_reason_and_frame(tlvs: bytes, reason: str) -> None:
    records, decoder = _decode(fr_frame(tlvs))
    assert records == []
    ((what, count),) = decoder.skipped.counts.items()
    assert what.startswith("wifi-beacon: French beacon") and reason in what and count == 1
    assert decoder.skipped.examples[what] == [1]


def test_batch_path_hands_french_beacons_over_and_keeps_frame_order() -> None:
    odid = radiotap() + management(8, SOURCE, BEACON_FIXED + odid_beacon_element(
        1, bytes([0xF2, 25, 1, 0x52, 0]) + b"FRA-OP-1".ljust(20, b"\0") + bytes(3)))  # fmt: skip
    frames = [odid, fr_frame(published_example()), odid]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mixed.pcap"
        path.write_bytes(pcap_file([(T0 + i, f) for i, f in enumerate(frames)]))
        fast = [r for batch in BatchRecords(path) for r in batch]
        slow = [d.record() for d in StreamDecoder().run(open_capture(path))]
    assert fast == slow
    assert [r["msg_type"] for r in fast] == ["operator_id", "fr_beacon", "operator_id"]


def test_tracker_keys_a_french_beacon_by_its_id_with_take_off_as_home() -> None:
    (record,), _ = _decode(fr_frame(published_example()))
    tracker = Tracker()
    tracker.update(detected(record))
    (track,) = tracker.tracks()
    assert track.key == FR_ID
    assert track.home == (record["home_lat"], record["home_lon"])


def _decodes_or_rejects(body: bytes) -> None:
    try:
        beacon = decode_fr_beacon(body)
    except MessageError:
        return
    assert beacon.fr_id or beacon.ansi_id
    assert beacon.lat is None or (abs(beacon.lat) <= 90 and abs(beacon.lon or 0) <= 180)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=120))
def test_any_bytes_decode_or_raise_a_message_error(body: bytes) -> None:
    _decodes_or_rejects(body)


# Where the published example's TLVs end: version (2 + 1), French ID (2 + 30), latitude,
# longitude (2 + 4 each), altitude (2 + 2), take-off latitude and longitude (2 + 4 each),
# speed (2 + 1), route (2 + 2).
TLV_ENDS = (3, 35, 41, 47, 51, 57, 63, 66, 70)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(published_example())))
def test_a_cut_beacon_decodes_exactly_when_cut_between_tlvs_after_its_identifier(cut: int) -> None:
    assert TLV_ENDS[-1] == len(published_example())
    body = published_example()[:cut]
    if cut in TLV_ENDS and cut >= 35:
        beacon = decode_fr_beacon(body)
        assert beacon.fr_id == FR_ID
        assert (beacon.lat is not None) == (cut >= 47)  # position once both TLVs are in
        assert (beacon.direction is not None) == (cut == 70)
    else:
        with pytest.raises(MessageError, match="French beacon"):
            decode_fr_beacon(body)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from((0, *TLV_ENDS)), st.integers(12, 255), st.binary(max_size=8))
def test_a_tlv_of_a_later_version_anywhere_between_tlvs_leaves_the_beacon_as_it_was(
    at: int, kind: int, value: bytes
) -> None:
    data = published_example()
    spliced = data[:at] + tlv(kind, value) + data[at:]
    assert decode_fr_beacon(spliced) == decode_fr_beacon(data)
