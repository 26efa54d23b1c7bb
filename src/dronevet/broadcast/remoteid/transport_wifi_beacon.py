"""Broadcast payloads in 802.11 beacon and probe response vendor-specific elements.

Which elements carry a broadcast, and how its payload is cut out, is the table of
`dronevet.broadcast.transports` (ASTM F3411 Remote ID FA:0B:BC type 0x0D, DJI DroneID,
the French beacon, and any transport registered there); this module walks a frame's
vendor elements through it.
"""

from __future__ import annotations

from collections.abc import Iterator

from dronevet.broadcast import transports
from dronevet.broadcast.payload import BroadcastPayload
from dronevet.capture import ieee80211
from dronevet.capture.packets import LinkLayerError


def payloads(frame: ieee80211.ManagementFrame) -> Iterator[BroadcastPayload]:
    """The payload of every vendor element the transport table names, in element order."""
    if frame.subtype not in (ieee80211.SUBTYPE_BEACON, ieee80211.SUBTYPE_PROBE_RESPONSE):
        return
    if len(frame.body) < ieee80211.FIXED_BEACON_FIELDS:
        raise LinkLayerError("beacon shorter than its fixed fields")
    table = transports.current()
    mac = frame.source_text
    for oui, rest in ieee80211.vendor_elements(frame.body, ieee80211.FIXED_BEACON_FIELDS):
        entry = table.find(oui, rest)
        if entry is not None:
            yield entry.lift(mac, rest)
