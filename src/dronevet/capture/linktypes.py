"""Link-layer header types (LINKTYPE_* numbers) that dronevet reads, with their names.

Numbers from the tcpdump.org link-layer header types registry
(https://www.tcpdump.org/linktypes.html, read 2026-11-23).
"""

from __future__ import annotations

from typing import Final

IEEE802_11: Final = 105
"""802.11 frames without a radio header."""
IEEE802_11_PRISM: Final = 119
PPI: Final = 192
"""Per-Packet Information header, then the link type it names."""
IEEE802_11_RADIOTAP: Final = 127
"""802.11 frames behind a radiotap header."""
BLUETOOTH_LE_LL: Final = 251
"""Bluetooth LE link layer: access address, PDU, CRC."""
BLUETOOTH_LE_LL_WITH_PHDR: Final = 256
"""Bluetooth LE link layer behind a 10-byte pseudo-header."""
NORDIC_BLE: Final = 272
"""nRF Sniffer for Bluetooth LE: board id, sniffer header, BLE link layer packet."""

NAMES: Final[dict[int, str]] = {
    1: "Ethernet",
    IEEE802_11: "IEEE 802.11",
    IEEE802_11_PRISM: "IEEE 802.11 with Prism header",
    PPI: "PPI",
    IEEE802_11_RADIOTAP: "IEEE 802.11 with radiotap",
    BLUETOOTH_LE_LL: "Bluetooth LE link layer",
    BLUETOOTH_LE_LL_WITH_PHDR: "Bluetooth LE link layer with pseudo-header",
    NORDIC_BLE: "nRF Sniffer for Bluetooth LE",
}

SUPPORTED: Final = frozenset(
    {IEEE802_11, PPI, IEEE802_11_RADIOTAP, BLUETOOTH_LE_LL, BLUETOOTH_LE_LL_WITH_PHDR, NORDIC_BLE}
)


def name(linktype: int) -> str:
    """A person's name for a link type: `IEEE 802.11 with radiotap (127)`."""
    return f"{NAMES.get(linktype, 'unknown link type')} ({linktype})"
