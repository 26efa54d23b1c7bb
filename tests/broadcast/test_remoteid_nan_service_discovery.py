"""Remote ID in Wi-Fi NAN service discovery frames: the Service Descriptor Attribute's fields.

The Service Descriptor Attribute (Wi-Fi Aware / NAN 3.1, 9.5.1; ASTM F3411-22a NAN
transport) is `service id [6], instance id, requestor instance id, service control`, then
the optional fields its control bits announce, in order: binding bitmap (bit 6, 2 bytes),
matching filter (bit 2), service response filter (bit 3), service info (bit 4), each
filter and the info with a length byte. Bits 0-1 are the service type (publish 0,
subscribe 1, follow-up 2). Remote ID's service info is a message counter and a pack.
"""

from __future__ import annotations

import struct

import pytest

from capture.capture_builders import management, nan_action
from dronevet.broadcast.remoteid import transport_wifi_nan
from dronevet.capture import ieee80211
from dronevet.capture.packets import LinkLayerError

SOURCE = bytes.fromhex("0a1b2c3d4e5f")
NAN_DESTINATION = bytes.fromhex("516f9a010000")
PACK = bytes([0xF2, 25, 1, 0x52, 0]) + b"OP-1".ljust(20, b"\0") + bytes(3)
ODID_SERVICE = bytes.fromhex("8869199d9209")


def nan_frame(body: bytes) -> ieee80211.ManagementFrame:
    frame = ieee80211.parse_management(management(13, SOURCE, body, destination=NAN_DESTINATION))
    assert frame is not None
    return frame


def sda_frame(sda: bytes) -> ieee80211.ManagementFrame:
    """A NAN action frame with one Service Descriptor Attribute of body `sda`."""
    attribute = bytes([0x03]) + struct.pack("<H", len(sda)) + sda
    return nan_frame(bytes.fromhex("0409506f9a13") + attribute)


def test_service_info_gives_the_message_counter_and_the_pack() -> None:
    (payload,) = transport_wifi_nan.payloads(nan_frame(nan_action(9, PACK)))
    assert (payload.transport, payload.counter, payload.data) == ("wifi-nan", 9, PACK)


def test_a_binding_bitmap_before_the_service_info_is_stepped_over() -> None:
    body = nan_action(9, PACK, control=0x40 | 0x10, extra=b"\x01\x00")  # bitmap 0x0001
    (payload,) = transport_wifi_nan.payloads(nan_frame(body))
    assert payload.data == PACK


def test_a_subscribe_type_control_announces_no_filter() -> None:
    # control 0x11: service type 1 (subscribe), service info; bit 2 (matching filter) clear
    (payload,) = transport_wifi_nan.payloads(nan_frame(nan_action(9, PACK, control=0x11)))
    assert payload.data == PACK


def test_a_filter_announced_but_cut_off_with_the_attribute_is_malformed() -> None:
    sda = ODID_SERVICE + bytes([1, 0, 0x04])  # matching filter announced, nothing follows
    with pytest.raises(LinkLayerError, match="filter field runs past the attribute"):
        list(transport_wifi_nan.payloads(sda_frame(sda)))


def test_a_remote_id_announcement_without_service_info_carries_nothing() -> None:
    sda = ODID_SERVICE + bytes([1, 0, 0x00])  # publish, no optional fields
    assert list(transport_wifi_nan.payloads(sda_frame(sda))) == []


def test_an_action_frame_that_stops_after_the_wfa_oui_is_not_nan() -> None:
    assert list(transport_wifi_nan.payloads(nan_frame(bytes.fromhex("0409506f9a")))) == []
