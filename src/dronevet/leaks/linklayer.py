"""From a captured frame to the IP packet it carries, with the frame's MAC addresses.

Layouts (tcpdump.org link-layer header types, read 2026-12-03):
- Ethernet (1): `destination 6, source 6, ethertype u16 BE`; 802.1Q / 802.1ad tags
  (0x8100, 0x88A8, 0x9100) insert `tci u16, ethertype u16` each.
- Linux cooked v1 (113): `packet type u16, ARPHRD u16, address length u16, address 8,
  protocol u16`, all big-endian (16 bytes).
- Linux cooked v2 (276): `protocol u16, reserved u16, interface u32, ARPHRD u16,
  packet type u8, address length u8, address 8` (20 bytes).
- Raw IP (101, 228, 229): the IP packet itself; the version nibble tells v4 from v6.
- 802.11 (105), behind radiotap (127): data frames (type 2) that are not protected,
  `frame control u16, duration u16, addr1, addr2, addr3, sequence u16, [addr4 when
  ToDS and FromDS], [QoS u16 for QoS subtypes], [HT control 4 when QoS and +HTC]`,
  then LLC/SNAP `AA AA 03 00 00 00 ethertype`.
"""

from __future__ import annotations

from dataclasses import dataclass

from dronevet.capture import linktypes, radiotap
from dronevet.capture.packets import LinkLayerError

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
VLAN_TAGS = frozenset({0x8100, 0x88A8, 0x9100})
SNAP = b"\xaa\xaa\x03\x00\x00\x00"
NO_MAC = b""


@dataclass(frozen=True, slots=True)
class Carried:
    """Where the IP packet starts in a frame, and the frame's MAC addresses (b'' if none)."""

    offset: int
    source_mac: bytes
    destination_mac: bytes


def _ethernet(data: bytes, start: int) -> Carried | None:
    if len(data) < start + 14:
        raise LinkLayerError("Ethernet frame shorter than its 14-byte header")
    position = start + 12
    ethertype = int.from_bytes(data[position : position + 2])
    while ethertype in VLAN_TAGS:
        position += 4
        if len(data) < position + 2:
            raise LinkLayerError("VLAN tag cut short")
        ethertype = int.from_bytes(data[position : position + 2])
    if ethertype not in (ETHERTYPE_IPV4, ETHERTYPE_IPV6):
        return None
    return Carried(position + 2, data[start + 6 : start + 12], data[start : start + 6])


def _cooked(data: bytes, v2: bool) -> Carried | None:
    size = 20 if v2 else 16
    if len(data) < size:
        raise LinkLayerError("Linux cooked header cut short")
    if v2:
        protocol, length, address = int.from_bytes(data[0:2]), data[11], data[12:20]
    else:
        protocol, length, address = int.from_bytes(data[14:16]), data[5], data[6:14]
    if protocol not in (ETHERTYPE_IPV4, ETHERTYPE_IPV6):
        return None
    return Carried(size, address[:length] if length == 6 else NO_MAC, NO_MAC)


def _ieee80211(data: bytes, start: int, end: int) -> Carried | None:
    if end - start < 24:
        raise LinkLayerError("802.11 frame shorter than its 24-byte header")
    control, flags = data[start], data[start + 1]
    if (control >> 2) & 0b11 != 2 or control & 0x40:  # not data, or a null-data subtype
        return None
    if flags & 0x40:
        return None  # protected: the payload is encrypted
    to_ds, from_ds = flags & 1, flags & 2
    header = 30 if to_ds and from_ds else 24
    if control & 0x80:  # QoS data
        header += 2 + (4 if flags & 0x80 else 0)
    a1, a2, a3 = (data[start + at : start + at + 6] for at in (4, 10, 16))
    source = data[start + 24 : start + 30] if to_ds and from_ds else a3 if from_ds else a2
    destination = a3 if to_ds else a1
    llc = start + header
    if end - llc < 8 or data[llc : llc + 6] != SNAP:
        return None
    ethertype = int.from_bytes(data[llc + 6 : llc + 8])
    if ethertype not in (ETHERTYPE_IPV4, ETHERTYPE_IPV6):
        return None
    return Carried(llc + 8, source, destination)


def carried_ip(linktype: int, data: bytes) -> Carried | None:
    """The IP packet a frame of `linktype` carries; None for frames without one (ARP,
    management frames, encrypted 802.11); `LinkLayerError` for a malformed header.

    For 802.11 behind radiotap with an FCS, the caller's IP lengths bound the packet, so
    the 4 trailing bytes are never read as payload."""
    if linktype == linktypes.ETHERNET:
        return _ethernet(data, 0)
    if linktype in (linktypes.RAW, linktypes.IPV4, linktypes.IPV6):
        return Carried(0, NO_MAC, NO_MAC)
    if linktype == linktypes.LINUX_SLL:
        return _cooked(data, v2=False)
    if linktype == linktypes.LINUX_SLL2:
        return _cooked(data, v2=True)
    if linktype == linktypes.IEEE802_11:
        return _ieee80211(data, 0, len(data))
    if linktype == linktypes.IEEE802_11_RADIOTAP:
        header = radiotap.parse(data)
        if header.bad_fcs:
            raise LinkLayerError("radio reported a bad frame check sequence")
        end = len(data) - 4 if header.has_fcs else len(data)
        return _ieee80211(data, header.length, end)
    raise LinkLayerError("link type carries no IP that dronevet reads")
