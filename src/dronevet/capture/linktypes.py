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

ETHERNET: Final = 1
RAW: Final = 101
"""Raw IPv4 or IPv6 packets, no link header (PCAPdroid writes these)."""
LINUX_SLL: Final = 113
"""Linux cooked capture v1: a 16-byte pseudo-header (tcpdump -i any)."""
IPV4: Final = 228
IPV6: Final = 229
LINUX_SLL2: Final = 276
"""Linux cooked capture v2: a 20-byte pseudo-header."""

NAMES: Final[dict[int, str]] = {
    ETHERNET: "Ethernet",
    RAW: "raw IP",
    LINUX_SLL: "Linux cooked capture",
    IPV4: "raw IPv4",
    IPV6: "raw IPv6",
    LINUX_SLL2: "Linux cooked capture v2",
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
"""What the broadcast decoders read (the readers' default)."""
BROADCAST_READS: Final = "802.11 with or without radiotap or PPI, and Bluetooth LE"

IP_CARRYING: Final = frozenset(
    {ETHERNET, RAW, LINUX_SLL, IPV4, IPV6, LINUX_SLL2, IEEE802_11, IEEE802_11_RADIOTAP}
)
"""What the leak analyzer reads: link layers that carry IP packets."""
IP_READS: Final = "Ethernet, Linux cooked capture, raw IP and unencrypted 802.11 data frames"


def name(linktype: int) -> str:
    """A person's name for a link type: `IEEE 802.11 with radiotap (127)`."""
    return f"{NAMES.get(linktype, 'unknown link type')} ({linktype})"
