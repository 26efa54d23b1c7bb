"""Link layers: radiotap (FCS, TSFT alignment, extended bitmaps), 802.11, PPI, Bluetooth LE."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capture.capture_builders import (
    BEACON_FIXED,
    ble_ll,
    element,
    management,
    nordic,
    odid_beacon_element,
    odid_service_data,
    radiotap,
)
from dronevet.broadcast import pipeline
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.broadcast.remoteid.encode import encode_pack
from dronevet.capture import ble, ieee80211, linktypes, ppi
from dronevet.capture import radiotap as radiotap_layer
from dronevet.capture.packets import LinkLayerError, Packet

SOURCE = bytes.fromhex("84cca8604324")
FRAME = management(8, SOURCE, bytes(12) + element(0, b"ssid"))


@pytest.mark.parametrize("extended", [False, True])
def test_radiotap_fcs_flag_strips_the_last_four_bytes(extended: bool) -> None:
    frame = radiotap(fcs=True, extended=extended) + FRAME + b"\xde\xad\xbe\xef"
    assert radiotap_layer.strip(frame) == FRAME


def test_radiotap_without_tsft_reads_flags_right_after_the_bitmap() -> None:
    assert radiotap_layer.strip(radiotap(tsft=False, fcs=True) + FRAME + bytes(4)) == FRAME


def test_radiotap_bad_fcs_frames_are_rejected() -> None:
    with pytest.raises(LinkLayerError, match="bad frame check sequence"):
        radiotap_layer.strip(radiotap(bad_fcs=True) + FRAME)


def test_beacon_with_order_flag_has_body_after_the_ht_control_field() -> None:
    frame = management(8, SOURCE, b"BODY", flags=0x80, ht_control=b"\x01\x02\x03\x04")
    parsed = ieee80211.parse_management(frame)
    assert parsed is not None and parsed.body == b"BODY"
    assert parsed.source_text == "84:cc:a8:60:43:24"


def test_protected_management_frames_are_not_read() -> None:
    with pytest.raises(LinkLayerError, match="protected"):
        ieee80211.parse_management(management(13, SOURCE, b"secret", flags=0x40))


def test_data_frames_are_not_management_frames() -> None:
    assert ieee80211.parse_management(bytes([0x08, 0x00]) + bytes(22)) is None


def test_truncated_element_raises_after_the_complete_ones() -> None:
    walked = []
    with pytest.raises(LinkLayerError):
        for tag, body in ieee80211.elements(element(0, b"ab") + b"\xdd\x09abc"):
            walked.append((tag, body))
    assert walked == [(0, b"ab")]


def test_ppi_names_the_link_type_behind_it() -> None:
    header = struct.pack("<BBHI", 0, 0, 8, linktypes.IEEE802_11)
    assert ppi.strip(header + FRAME) == (linktypes.IEEE802_11, FRAME)


AD = bytes([3, 0x16, 0xFA, 0xFF])
ADDRESS = bytes.fromhex("1c2febea7de0")  # e0:7d:ea:eb:2f:1c sent least significant first


@pytest.mark.parametrize("version", [1, 2, 3])
def test_nordic_legacy_nonconnectable_advertisement(version: int) -> None:
    frame = nordic(ble_ll(ble.PDU_ADV_NONCONN_IND, ADDRESS + AD), version=version)
    advert = ble.advertisement(linktypes.NORDIC_BLE, frame)
    assert advert is not None
    assert (advert.extended, advert.address_text, advert.data) == (False, "e0:7d:ea:eb:2f:1c", AD)


def test_nordic_coded_phy_extended_advertisement_reads_adva_and_skips_adi() -> None:
    # Extended header: length 9, flags 0x09 (AdvA + ADI), AdvA, ADI 75 0e - as in the
    # shared odid_bt5_lr_sample.pcapng frames.
    payload = bytes([9, 0x09]) + ADDRESS + bytes.fromhex("750e") + AD
    frame = nordic(ble_ll(ble.PDU_ADV_EXT, payload, coded=True), coded=True)
    advert = ble.advertisement(linktypes.NORDIC_BLE, frame)
    assert advert is not None
    assert (advert.extended, advert.address_text, advert.data) == (True, "e0:7d:ea:eb:2f:1c", AD)


def test_nordic_crc_errors_are_rejected() -> None:
    with pytest.raises(LinkLayerError, match="CRC"):
        ble.advertisement(linktypes.NORDIC_BLE, nordic(ble_ll(2, ADDRESS + AD), crc_ok=False))


def test_plain_and_pseudo_header_link_layers() -> None:
    packet = ble_ll(ble.PDU_ADV_NONCONN_IND, ADDRESS + AD)
    phdr = bytes([37, 0xC4, 0x9C, 0]) + struct.pack("<IH", 0x8E89BED6, 0x0C13)
    for linktype, frame in ((linktypes.BLUETOOTH_LE_LL, packet),
                            (linktypes.BLUETOOTH_LE_LL_WITH_PHDR, phdr + packet)):
        advert = ble.advertisement(linktype, frame)
        assert advert is not None and advert.data == AD


def test_data_channel_packets_are_not_advertisements() -> None:
    packet = struct.pack("<I", 0x50654C2B) + b"\x01\x00" + bytes(3)
    assert ble.advertisement(linktypes.BLUETOOTH_LE_LL, packet) is None


# A Basic ID message (type 0, version 2; serial number of a multirotor, byte 1 = 0x12) as
# the valid neighbour of a random frame, wrapped the way each link type carries it.
BASIC_ID = bytes([0x02, 0x12]) + b"1596F350M0000001".ljust(20, b"\0") + bytes(3)
BEACON = management(8, SOURCE, BEACON_FIXED + odid_beacon_element(7, encode_pack([BASIC_ID])))
LEGACY_ADVERT = ble_ll(ble.PDU_ADV_NONCONN_IND, ADDRESS + odid_service_data(7, BASIC_ID))
PHDR = bytes([37, 0xC4, 0x9C, 0]) + struct.pack("<IH", 0x8E89BED6, 0x0C13)
VALID_FRAME = {
    linktypes.IEEE802_11: BEACON,
    linktypes.IEEE802_11_RADIOTAP: radiotap() + BEACON,
    linktypes.PPI: struct.pack("<BBHI", 0, 0, 8, linktypes.IEEE802_11) + BEACON,
    linktypes.BLUETOOTH_LE_LL: LEGACY_ADVERT,
    linktypes.BLUETOOTH_LE_LL_WITH_PHDR: PHDR + LEGACY_ADVERT,
    linktypes.NORDIC_BLE: nordic(LEGACY_ADVERT),
}


def test_every_supported_link_type_has_a_valid_neighbour_frame() -> None:
    assert set(VALID_FRAME) == linktypes.SUPPORTED
    for linktype, frame in VALID_FRAME.items():
        (detection,) = StreamDecoder().packet(Packet(1, 0, linktype, frame, len(frame)))
        assert detection.uas_id == "1596F350M0000001", linktype


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=80), linktype=st.sampled_from(sorted(linktypes.SUPPORTED)))
def test_random_frame_is_a_counted_skip_and_the_valid_frame_after_it_still_decodes(
    data: bytes, linktype: int
) -> None:
    try:
        list(pipeline.payloads(Packet(1, 0, linktype, data, len(data))))
        link_error = None
    except LinkLayerError as error:
        link_error = error.message
    valid = VALID_FRAME[linktype]
    decoder = StreamDecoder()
    found = list(decoder.run([Packet(1, 0, linktype, data, len(data)),
                              Packet(2, 1, linktype, valid, len(valid))]))  # fmt: skip
    assert [d.uas_id for d in found if d.frame == 2] == ["1596F350M0000001"]
    assert decoder.frames == 2
    if link_error is not None:
        assert decoder.skipped.counts[link_error] == 1
        assert decoder.skipped.examples[link_error] == [1]
    assert all(where == [1] for where in decoder.skipped.examples.values())


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=80), linktype=st.sampled_from(sorted(linktypes.SUPPORTED)))
def test_random_frames_raise_link_layer_errors_or_give_back_parts_of_themselves(
    data: bytes, linktype: int
) -> None:
    try:
        if linktype in (linktypes.NORDIC_BLE, linktypes.BLUETOOTH_LE_LL,
                        linktypes.BLUETOOTH_LE_LL_WITH_PHDR):
            advert = ble.advertisement(linktype, data)
            parts = [] if advert is None else [advert.data, advert.address]
            if advert is not None:
                parts += [body for _, body in ble.ad_structures(advert.data)]
        elif linktype == linktypes.PPI:
            parts = [ppi.strip(data)[1]]
        else:
            frame = radiotap_layer.strip(data) if linktype == 127 else data
            parsed = ieee80211.parse_management(frame)
            parts = [frame] if parsed is None else [frame, parsed.body, parsed.source]
            if parsed is not None:
                parts += [body for _, body in ieee80211.elements(parsed.body)]
    except LinkLayerError as error:
        assert error.message  # a reason a person can read, counted as a skip upstream
        return
    assert all(part in data for part in parts)  # nothing read beyond or beside the frame
