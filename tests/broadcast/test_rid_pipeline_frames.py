"""Streaming pipeline on frames built from the transport layouts, and the batch path against it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from capture.capture_builders import (
    BEACON_FIXED,
    ble_ll,
    element,
    management,
    nan_action,
    nordic,
    odid_beacon_element,
    odid_service_data,
    pcap_file,
    radiotap,
)
from dronevet.broadcast.dji.wifi import encode_flight_info
from dronevet.broadcast.fastpath import BatchDecoder
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.capture import linktypes
from dronevet.capture.files import open_capture
from dronevet.capture.packets import Packet
from shared_files import shared_path

SOURCE = bytes.fromhex("0a1b2c3d4e5f")
# Operator ID message: type 5, version 2; operator id type 0; "FIN87astrdge12kxyz" padded
OPERATOR = bytes([0x52, 0]) + b"FIN87astrdge12kxyz".ljust(20, b"\0") + bytes(3)
PACK = bytes([0xF2, 25, 1]) + OPERATOR


def _packet(data: bytes, linktype: int = linktypes.IEEE802_11_RADIOTAP) -> Packet:
    return Packet(7, 1_700_000_000_000_000_000, linktype, data, len(data))


def test_beacon_with_ht_control_and_fcs_still_yields_its_pack() -> None:
    frame = management(8, SOURCE, BEACON_FIXED + odid_beacon_element(3, PACK),
                       flags=0x80, ht_control=bytes(4))
    found = StreamDecoder().packet(_packet(radiotap(fcs=True) + frame + bytes(4)))
    assert [(d.transport, d.source, d.record()["operator_id"]) for d in found] == [
        ("wifi-beacon", "0a:1b:2c:3d:4e:5f", "FIN87astrdge12kxyz")
    ]


def test_nan_service_descriptor_with_a_matching_filter_yields_its_pack() -> None:
    body = nan_action(9, PACK, control=0x10 | 0x04, extra=bytes([2, 0xAA, 0xBB]))
    frame = management(13, SOURCE, body, destination=bytes.fromhex("516f9a010000"))
    found = StreamDecoder().packet(_packet(frame, linktypes.IEEE802_11))
    assert [d.transport for d in found] == ["wifi-nan"]


def test_other_nan_services_are_not_remote_id() -> None:
    body = nan_action(9, PACK, service_id=bytes(6))
    assert StreamDecoder().packet(_packet(management(13, SOURCE, body), 105)) == []


def test_bluetooth_4_legacy_advertisement_carries_one_message() -> None:
    advert = ble_ll(2, SOURCE[::-1] + odid_service_data(1, OPERATOR))
    found = StreamDecoder().packet(_packet(nordic(advert), linktypes.NORDIC_BLE))
    assert [(d.transport, d.source) for d in found] == [("bt-legacy", "0a:1b:2c:3d:4e:5f")]


def test_dji_element_is_decoded_as_dji_flight_info() -> None:
    body = encode_flight_info(serial="1581F4ABCDEF", lat=50.45, lon=30.52)
    ie = element(221, bytes.fromhex("263712") + body)
    found = StreamDecoder().packet(_packet(radiotap() + management(8, SOURCE, BEACON_FIXED + ie)))
    assert [d.transport for d in found] == ["dji-wifi"]
    assert found[0].record()["msg_type"] == "dji_flight_info"


def test_a_bad_pack_is_counted_with_its_frame_and_the_good_one_beside_it_kept() -> None:
    bad = bytes([0xF2, 24, 1]) + OPERATOR
    body = BEACON_FIXED + odid_beacon_element(1, bad) + odid_beacon_element(2, PACK)
    decoder = StreamDecoder()
    found = decoder.packet(_packet(radiotap() + management(8, SOURCE, body)))
    assert len(found) == 1
    (reason,) = decoder.skipped.counts
    assert reason.startswith("wifi-beacon:") and decoder.skipped.examples[reason] == [7]


def test_batch_path_matches_streaming_path_on_the_shared_beacon_capture(tmp_path: Path) -> None:
    source = shared_path("captures/remoteid/odid_wifi_bcn_sample.pcap")
    raw = source.read_bytes()
    path = tmp_path / "three.pcap"
    path.write_bytes(raw + raw[24:] * 2)
    streamed = [d.record() for d in StreamDecoder().run(open_capture(path))]
    decoder = BatchDecoder(path, chunk_bytes=4096)
    batches = list(decoder.batches())
    frames = np.concatenate([b.frame for b in batches])
    lat = np.concatenate([b.columns["lat"] for b in batches])
    assert decoder.frames == 63 and len(frames) == len(streamed) == 315
    assert frames.tolist() == [r["frame"] for r in streamed]
    expected = [np.nan if r.get("lat") is None else r["lat"] for r in streamed]
    np.testing.assert_allclose(lat, expected)


def test_batch_path_counts_a_truncated_last_record(tmp_path: Path) -> None:
    frame = radiotap() + management(8, SOURCE, BEACON_FIXED + odid_beacon_element(0, PACK))
    path = tmp_path / "cut.pcap"
    path.write_bytes(pcap_file([(0, frame), (1000, frame)])[:-3])
    decoder = BatchDecoder(path)
    assert sum(len(b) for b in decoder.batches()) == 1
    assert decoder.skipped.counts == {"truncated record at end of file": 1}
