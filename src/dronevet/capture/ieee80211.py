"""802.11 MAC frames: the header fields a broadcast receiver needs, and tagged-parameter walks.

Header (IEEE Std 802.11-2020, 9.2.3 and 9.3.3): `frame control u16 LE, duration u16,
addr1, addr2, addr3, sequence control u16` for management frames (24 bytes), followed
by a 4-byte HT Control field when the +HTC/Order flag is set (9.2.4.1.10). Frame
control: protocol version bits 0-1, type bits 2-3 (0 = management), subtype bits 4-7
(8 = beacon, 5 = probe response, 13 = action, 14 = action no ack); flags byte: 0x40
protected, 0x80 +HTC/Order. Beacons and probe responses carry 12 bytes of fixed fields
(timestamp, interval, capabilities) and then elements `id u8, length u8, body`
(9.4.2); vendor-specific elements (id 221) start with a 3-byte OUI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dronevet.capture.packets import LinkLayerError

TYPE_MANAGEMENT = 0
SUBTYPE_PROBE_RESPONSE = 5
SUBTYPE_BEACON = 8
SUBTYPE_ACTION = 13
SUBTYPE_ACTION_NO_ACK = 14
FLAG_PROTECTED = 0x40
FLAG_ORDER = 0x80
ELEMENT_VENDOR = 221
FIXED_BEACON_FIELDS = 12


def mac_text(raw: bytes) -> str:
    """`aa:bb:cc:dd:ee:ff` for 6 address bytes."""
    return raw.hex(":")


@dataclass(frozen=True, slots=True)
class ManagementFrame:
    """An 802.11 management frame: its subtype, addresses and body (after any HT Control)."""

    subtype: int
    flags: int
    destination: bytes
    source: bytes
    bssid: bytes
    body: bytes

    @property
    def source_text(self) -> str:
        """The transmitter's address as `aa:bb:cc:dd:ee:ff`."""
        return mac_text(self.source)


def parse_management(frame: bytes) -> ManagementFrame | None:
    """The management frame in `frame`, None for control and data frames.

    Raises `LinkLayerError` for a frame too short for its header or with an unknown
    protocol version, and for a protected (encrypted) management frame, whose body
    cannot be read.
    """
    if len(frame) < 2:
        raise LinkLayerError("802.11 frame shorter than its frame control field")
    control, flags = frame[0], frame[1]
    if control & 0b11:
        raise LinkLayerError(f"802.11 protocol version {control & 0b11} is not 0")
    if (control >> 2) & 0b11 != TYPE_MANAGEMENT:
        return None
    header = 28 if flags & FLAG_ORDER else 24
    if len(frame) < header:
        raise LinkLayerError(f"802.11 management frame shorter than its {header}-byte header")
    if flags & FLAG_PROTECTED:
        raise LinkLayerError("protected 802.11 management frame (body encrypted)")
    return ManagementFrame(
        subtype=control >> 4,
        flags=flags,
        destination=frame[4:10],
        source=frame[10:16],
        bssid=frame[16:22],
        body=frame[header:],
    )


def elements(data: bytes, start: int = 0) -> Iterator[tuple[int, bytes]]:
    """Walk tagged elements `(id, body)` from `start`; a truncated last element raises."""
    position, end = start, len(data)
    while position < end:
        if position + 2 > end:
            raise LinkLayerError(f"802.11 element header cut at byte {position}")
        tag, length = data[position], data[position + 1]
        if position + 2 + length > end:
            raise LinkLayerError(f"802.11 element {tag} runs past the frame by "
                                 f"{position + 2 + length - end} bytes")
        yield tag, data[position + 2 : position + 2 + length]
        position += 2 + length


def vendor_elements(data: bytes, start: int = 0) -> Iterator[tuple[bytes, bytes]]:
    """Vendor-specific elements as `(oui, rest)` where `rest` follows the 3-byte OUI."""
    for tag, body in elements(data, start):
        if tag == ELEMENT_VENDOR and len(body) >= 3:
            yield body[:3], body[3:]
