"""DJI product type codes, as carried by DroneID flight information (Wi-Fi and OcuSync).

Source: RUB-SysSec DroneSecurity, `src/droneid_packet.py` (NDSS 2023), read 2025. The codes
were read from OcuSync DroneID; that the Wi-Fi element uses the same codes is assumed
(unverified: no public Wi-Fi capture). Code 58 (Mavic Air 2) is confirmed by the shared
OcuSync recording.
"""

from __future__ import annotations

from types import MappingProxyType

PRODUCT_TYPES = MappingProxyType({
    1: "Inspire 1", 2: "Phantom 3 Series", 3: "Phantom 3 Series", 4: "Phantom 3 Std",
    5: "M100", 6: "ACEONE", 7: "WKM", 8: "NAZA", 9: "A2", 10: "A3", 11: "Phantom 4",
    12: "MG1", 14: "M600", 15: "Phantom 3 4k", 16: "Mavic Pro", 17: "Inspire 2",
    18: "Phantom 4 Pro", 20: "N2", 21: "Spark", 23: "M600 Pro", 24: "Mavic Air",
    25: "M200", 26: "Phantom 4 Series", 27: "Phantom 4 Adv", 28: "M210", 30: "M210RTK",
    31: "A3_AG", 32: "MG2", 34: "MG1A", 35: "Phantom 4 RTK", 36: "Phantom 4 Pro V2.0",
    38: "MG1P", 40: "MG1P-RTK", 41: "Mavic 2", 44: "M200 V2 Series",
    51: "Mavic 2 Enterprise", 53: "Mavic Mini", 58: "Mavic Air 2", 59: "P4M",
    60: "M300 RTK", 61: "DJI FPV", 63: "Mini 2", 64: "AGRAS T10", 65: "AGRAS T30",
    66: "Air 2S", 67: "M30", 68: "DJI Mavic 3", 69: "Mavic 2 Enterprise Advanced",
    70: "Mini SE",
})  # fmt: skip


def product_name(code: int) -> str | None:
    """The product name of a type code; None when the sourced table does not list it."""
    return PRODUCT_TYPES.get(code)
