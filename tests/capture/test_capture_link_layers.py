"""Link layers: radiotap (FCS, TSFT alignment, extended bitmaps), 802.11, PPI, Bluetooth LE."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capture.capture_builders import (
    ble_ll,
    element,
    management,
    nordic,
    radiotap,
)
from dronevet.capture import ble, ieee80211, linktypes, ppi
from dronevet.capture import radiotap as radiotap_layer
from dronevet.capture.packets import LinkLayerError

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


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=80), linktype=st.sampled_from(sorted(linktypes.SUPPORTED)))
def test_random_frames_give_link_layer_errors_or_results(data: bytes, linktype: int) -> None:
    try:
        if linktype in (linktypes.NORDIC_BLE, linktypes.BLUETOOTH_LE_LL,
                        linktypes.BLUETOOTH_LE_LL_WITH_PHDR):
            advert = ble.advertisement(linktype, data)
            if advert is not None:
                list(ble.ad_structures(advert.data))
        elif linktype == linktypes.PPI:
            ppi.strip(data)
        else:
            frame = radiotap_layer.strip(data) if linktype == 127 else data
            parsed = ieee80211.parse_management(frame)
            if parsed is not None:
                list(ieee80211.elements(parsed.body))
    except LinkLayerError:
        pass
