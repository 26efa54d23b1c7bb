"""Remote ID in Bluetooth LE advertising: legacy (Bluetooth 4) and extended/coded (Bluetooth 5).

ASTM F3411-22a Bluetooth transport (as in opendroneid-core-c, read 2026-11-23): an AD
structure of type 0x16 (service data, 16-bit UUID) with UUID 0xFFFA (ASTM Remote ID,
little-endian FA FF), application code 0x0D, a 1-byte message counter, then one
25-byte message in legacy advertising or a message pack in extended advertising.
"""

from __future__ import annotations

from collections.abc import Iterator

from dronevet.broadcast.payload import BT_EXTENDED, BT_LEGACY, BroadcastPayload
from dronevet.capture import ble
from dronevet.capture.packets import LinkLayerError

AD_SERVICE_DATA_16 = 0x16
ODID_UUID = b"\xfa\xff"
APP_CODE = b"\x0d"


def payloads(advertisement: ble.Advertisement) -> Iterator[BroadcastPayload]:
    """Remote ID messages (legacy) or message packs (extended) in an advertising PDU."""
    transport = BT_EXTENDED if advertisement.extended else BT_LEGACY
    mac = advertisement.address_text
    for kind, data in ble.ad_structures(advertisement.data):
        if kind == AD_SERVICE_DATA_16 and data[:2] == ODID_UUID and data[2:3] == APP_CODE:
            if len(data) < 4:
                raise LinkLayerError("Remote ID service data without a message counter")
            yield BroadcastPayload(transport, mac, data[4:], counter=data[3])
