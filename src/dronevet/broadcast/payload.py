"""What a transport hands to the decoders: which transport, which transmitter, which bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

WIFI_BEACON: Final = "wifi-beacon"
WIFI_NAN: Final = "wifi-nan"
BT_LEGACY: Final = "bt-legacy"
BT_EXTENDED: Final = "bt-extended"
DJI_WIFI: Final = "dji-wifi"

ASTM: Final = "astm-f3411"
FRANCE: Final = "fr-beacon"
DJI: Final = "dji-droneid"


@dataclass(frozen=True, slots=True)
class BroadcastPayload:
    """Broadcast bytes lifted out of one frame, before message decoding.

    For Remote ID, `data` is what follows the transport's message counter: one 25-byte
    message (Bluetooth 4 legacy) or a message pack. For DJI, it is the vendor element
    after its OUI, starting at the bytes 58 62 13. For the French beacon, it is the TLVs
    after the OUI and vendor type. `protocol` says which decoder reads `data`.
    """

    transport: str
    mac: str
    data: bytes
    counter: int | None = None
    protocol: str = ASTM
