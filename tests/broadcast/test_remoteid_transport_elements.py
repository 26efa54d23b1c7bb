"""Which vendor elements and service data a receiver lifts out of a frame, byte by byte.

An access point's beacon carries other vendors' elements (the WPA element 00:50:F2 type 1,
WMM, a router maker's own), a phone's advertisement other services' data. Only the
element types the transports define are read: ASTM Remote ID (FA:0B:BC type 0x0D, then a
message counter), DJI DroneID (26:37:12 and kin, body 58 62 13...), the French beacon
(6A:5C:35 type 0x01). The message counter is the byte after the type, the payload what
follows it; an element that stops at the counter carries an empty payload, one that stops
before it is malformed.
"""

from __future__ import annotations

import pytest

from capture.capture_builders import BEACON_FIXED, element, management
from dronevet.broadcast.payload import DJI, DJI_WIFI, FRANCE, WIFI_BEACON
from dronevet.broadcast.pipeline import StreamDecoder
from dronevet.broadcast.remoteid import transport_bluetooth, transport_wifi_beacon
from dronevet.capture import ieee80211, linktypes
from dronevet.capture.ble import PDU_ADV_NONCONN_IND, Advertisement
from dronevet.capture.packets import LinkLayerError, Packet

SOURCE = bytes.fromhex("84cca8604324")
PACK = bytes([0xF2, 25, 1, 0x52, 0]) + b"OP-1".ljust(20, b"\0") + bytes(3)


def beacon(*elements: bytes) -> ieee80211.ManagementFrame:
    frame = ieee80211.parse_management(management(8, SOURCE, BEACON_FIXED + b"".join(elements)))
    assert frame is not None
    return frame


def vendor(oui: str, body: bytes) -> bytes:
    return element(221, bytes.fromhex(oui) + body)


def test_remote_id_element_gives_its_counter_and_the_pack_after_it() -> None:
    (payload,) = transport_wifi_beacon.payloads(beacon(vendor("fa0bbc", b"\x0d\x2a" + PACK)))
    assert (payload.transport, payload.counter, payload.data) == (WIFI_BEACON, 0x2A, PACK)
    assert payload.mac == "84:cc:a8:60:43:24"


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(vendor("0050f2", b"\x01\x01\x00" + bytes(16)), id="wpa-element-00-50-f2"),
        pytest.param(vendor("0050f2", b"\x0d\x2a" + PACK), id="other-oui-with-type-0x0d"),
        pytest.param(vendor("fa0bbc", b"\x0e\x2a" + PACK), id="asd-stan-oui-other-type"),
        pytest.param(vendor("60601f", b"\x01\x02\x03\x04"), id="dji-oui-without-droneid-magic"),
        pytest.param(vendor("0050f2", b"\x58\x62\x13\x10"), id="droneid-magic-other-oui"),
        pytest.param(vendor("6a5c35", b"\x02\x01\x01"), id="french-oui-other-type"),
    ],
)
def test_other_vendor_elements_in_a_beacon_are_passed_over(other: bytes) -> None:
    assert list(transport_wifi_beacon.payloads(beacon(other))) == []
    (payload,) = transport_wifi_beacon.payloads(beacon(other, vendor("fa0bbc", b"\x0d\x01" + PACK)))
    assert payload.data == PACK


def test_dji_and_french_elements_are_handed_to_their_own_decoders() -> None:
    dji = b"\x58\x62\x13\x10\x02"
    french = b"\x01\x01\x01\x01"  # vendor type 1, then TLV type 1 (version), length 1, 1
    found = list(transport_wifi_beacon.payloads(beacon(vendor("263712", dji),
                                                       vendor("6a5c35", french))))  # fmt: skip
    assert [(p.transport, p.protocol, p.data) for p in found] == [
        (DJI_WIFI, DJI, dji), (WIFI_BEACON, FRANCE, french[1:]),
    ]  # fmt: skip


def test_a_remote_id_element_that_stops_at_its_counter_carries_an_empty_payload() -> None:
    (payload,) = transport_wifi_beacon.payloads(beacon(vendor("fa0bbc", b"\x0d\x05")))
    assert (payload.counter, payload.data) == (5, b"")


def test_a_remote_id_element_without_a_counter_is_malformed() -> None:
    with pytest.raises(LinkLayerError, match="without message counter"):
        list(transport_wifi_beacon.payloads(beacon(vendor("fa0bbc", b"\x0d"))))


def test_a_beacon_of_only_its_fixed_fields_carries_nothing_and_is_no_error() -> None:
    assert len(beacon().body) == ieee80211.FIXED_BEACON_FIELDS
    assert list(transport_wifi_beacon.payloads(beacon())) == []


def test_a_beacon_shorter_than_its_fixed_fields_is_malformed() -> None:
    frame = ieee80211.parse_management(management(8, SOURCE, BEACON_FIXED[:11]))
    assert frame is not None
    with pytest.raises(LinkLayerError, match="shorter than its fixed fields"):
        list(transport_wifi_beacon.payloads(frame))


def advertisement(service_data: bytes) -> Advertisement:
    ad = bytes([len(service_data) + 1, 0x16]) + service_data
    return Advertisement(PDU_ADV_NONCONN_IND, False, bytes.fromhex("1c2febea7de0"), ad)


def test_bluetooth_service_data_that_stops_at_its_counter_carries_an_empty_payload() -> None:
    (payload,) = transport_bluetooth.payloads(advertisement(b"\xfa\xff\x0d\x09"))
    assert (payload.counter, payload.data) == (9, b"")


def test_bluetooth_service_data_without_a_counter_is_malformed() -> None:
    with pytest.raises(LinkLayerError, match="without a message counter"):
        list(transport_bluetooth.payloads(advertisement(b"\xfa\xff\x0d")))


def test_an_element_with_a_counter_and_nothing_else_is_counted_as_an_empty_payload() -> None:
    frame = management(8, SOURCE, BEACON_FIXED + vendor("fa0bbc", b"\x0d\x05"))
    decoder = StreamDecoder()
    assert decoder.packet(Packet(3, 0, linktypes.IEEE802_11, frame, len(frame))) == []
    assert decoder.skipped.counts == {"wifi-beacon: empty Remote ID payload": 1}
