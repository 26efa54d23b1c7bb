"""Remote ID in Wi-Fi Neighbour Awareness Networking (NAN) service discovery frames.

ASTM F3411-22a Wi-Fi NAN transport (layout as in opendroneid-core-c wifi.c and the Wi-Fi
Alliance NAN specification 3.1, 9.5.1): a public action frame (category 0x04, action
0x09 vendor specific) with OUI 50:6F:9A and OUI type 0x13 (NAN), sent to
51:6F:9A:01:00:00, then NAN attributes `id u8, length u16 LE, body`. The Service
Descriptor Attribute (id 0x03) carries `service id [6], instance id u8, requestor
instance id u8, service control u8`, then optional fields by control bits (0x40
binding bitmap u16, 0x04 matching filter, 0x08 service response filter, 0x10 service
info) and the service info `length u8, data`. Remote ID's service id is the first six
bytes of SHA-256("org.opendroneid.remoteid"): 88:69:19:9D:92:09; its service info is a
1-byte message counter then a message pack.

NAN discovery beacons (beacons with a 50:6F:9A/0x13 vendor element) announce the
service but carry no Remote ID messages; they are not payloads.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from dronevet.broadcast.payload import WIFI_NAN, BroadcastPayload
from dronevet.capture import ieee80211
from dronevet.capture.packets import LinkLayerError

CATEGORY_PUBLIC = 0x04
ACTION_VENDOR = 0x09
WFA_OUI = bytes.fromhex("506f9a")
NAN_OUI_TYPE = 0x13
ATTRIBUTE_SERVICE_DESCRIPTOR = 0x03
ODID_SERVICE_ID = bytes.fromhex("8869199d9209")
_MATCHING_FILTER = 0x04
_RESPONSE_FILTER = 0x08
_SERVICE_INFO = 0x10
_BINDING_BITMAP = 0x40


def attributes(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Walk NAN attributes `(id, body)`; one running past the frame raises."""
    position = 0
    while position < len(data):
        if position + 3 > len(data):
            raise LinkLayerError(f"NAN attribute header cut at byte {position}")
        kind = data[position]
        (length,) = struct.unpack_from("<H", data, position + 1)
        end = position + 3 + length
        if end > len(data):
            raise LinkLayerError(f"NAN attribute {kind} runs past the frame")
        yield kind, data[position + 3 : end]
        position = end


def service_info(attribute: bytes) -> tuple[bytes, bytes | None]:
    """Service id and service info of a Service Descriptor Attribute (None when absent)."""
    if len(attribute) < 9:
        raise LinkLayerError("NAN Service Descriptor Attribute shorter than 9 bytes")
    service_id, control = attribute[:6], attribute[8]
    position = 9
    if control & _BINDING_BITMAP:
        position += 2
    for flag in (_MATCHING_FILTER, _RESPONSE_FILTER):
        if control & flag:
            if position >= len(attribute):
                raise LinkLayerError("NAN filter field runs past the attribute")
            position += 1 + attribute[position]
    if not control & _SERVICE_INFO:
        return service_id, None
    if position >= len(attribute):
        raise LinkLayerError("NAN service info length missing")
    length = attribute[position]
    info = attribute[position + 1 : position + 1 + length]
    if len(info) < length:
        raise LinkLayerError("NAN service info runs past the attribute")
    return service_id, info


def payloads(frame: ieee80211.ManagementFrame) -> Iterator[BroadcastPayload]:
    """Remote ID message packs in a NAN service discovery action frame."""
    if frame.subtype not in (ieee80211.SUBTYPE_ACTION, ieee80211.SUBTYPE_ACTION_NO_ACK):
        return
    body = frame.body
    if body[:2] != bytes([CATEGORY_PUBLIC, ACTION_VENDOR]) or body[2:5] != WFA_OUI:
        return
    if len(body) < 6 or body[5] != NAN_OUI_TYPE:
        return
    for kind, attribute in attributes(body[6:]):
        if kind != ATTRIBUTE_SERVICE_DESCRIPTOR:
            continue
        service_id, info = service_info(attribute)
        if service_id != ODID_SERVICE_ID or info is None:
            continue
        if not info:
            raise LinkLayerError("Remote ID NAN service info is empty")
        yield BroadcastPayload(WIFI_NAN, frame.source_text, info[1:], counter=info[0])
