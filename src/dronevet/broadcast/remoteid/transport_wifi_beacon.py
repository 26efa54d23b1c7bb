"""Remote ID (and DJI DroneID) in 802.11 beacon vendor-specific elements.

ASTM F3411-22a, Wi-Fi Beacon transport (as implemented in opendroneid-core-c,
wifi.c, read 2026-11-23): a vendor-specific element (id 221) with OUI FA:0B:BC
(ASD-STAN), vendor type 0x0D, a 1-byte message counter and a message pack. The same
element may also arrive in probe responses.

DJI DroneID over Wi-Fi (research notes, shared broadcast-formats.md): a vendor element
with OUI 26:37:12 (also seen: 60:60:1F, 48:1C:B9, 34:D2:62) whose body starts 58 62 13.

The French national beacon (`dronevet.broadcast.fr_beacon`): OUI 6A:5C:35, vendor type 0x01.
"""

from __future__ import annotations

from collections.abc import Iterator

from dronevet.broadcast import fr_beacon
from dronevet.broadcast.payload import DJI, DJI_WIFI, FRANCE, WIFI_BEACON, BroadcastPayload
from dronevet.capture import ieee80211
from dronevet.capture.packets import LinkLayerError

ODID_OUI = bytes.fromhex("fa0bbc")
ODID_VENDOR_TYPE = 0x0D
DJI_OUIS = frozenset(bytes.fromhex(oui) for oui in ("263712", "60601f", "481cb9", "34d262"))
DJI_MAGIC = bytes.fromhex("586213")


def payloads(frame: ieee80211.ManagementFrame) -> Iterator[BroadcastPayload]:
    """Remote ID packs, DJI DroneID and French beacon bodies in a beacon or probe response."""
    if frame.subtype not in (ieee80211.SUBTYPE_BEACON, ieee80211.SUBTYPE_PROBE_RESPONSE):
        return
    if len(frame.body) < ieee80211.FIXED_BEACON_FIELDS:
        raise LinkLayerError("beacon shorter than its fixed fields")
    mac = frame.source_text
    for oui, rest in ieee80211.vendor_elements(frame.body, ieee80211.FIXED_BEACON_FIELDS):
        if oui == ODID_OUI and rest[:1] == bytes([ODID_VENDOR_TYPE]):
            if len(rest) < 2:
                raise LinkLayerError("Remote ID beacon element without message counter")
            yield BroadcastPayload(WIFI_BEACON, mac, rest[2:], counter=rest[1])
        elif oui in DJI_OUIS and rest[:3] == DJI_MAGIC:
            yield BroadcastPayload(DJI_WIFI, mac, rest, protocol=DJI)
        elif oui == fr_beacon.OUI and rest[:1] == bytes([fr_beacon.VENDOR_TYPE]):
            yield BroadcastPayload(WIFI_BEACON, mac, rest[1:], protocol=FRANCE)
