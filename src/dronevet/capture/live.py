"""Packets from a live monitor-mode interface (Linux AF_PACKET raw socket; needs root).

The interface's ARPHRD type (`/sys/class/net/IFACE/type`, linux/if_arp.h) gives the link
type of what the socket delivers: 803 = radiotap + 802.11 (monitor mode), 801 = plain
802.11, 802 = Prism (not read), 1 = Ethernet (not in monitor mode).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

from dronevet.capture import linktypes
from dronevet.capture.packets import Packet, SkipTally
from dronevet.errors import BadInputError

ETH_P_ALL = 0x0003
ARPHRD_LINKTYPES = {803: linktypes.IEEE802_11_RADIOTAP, 801: linktypes.IEEE802_11}
MAX_FRAME = 1 << 16


def interface_linktype(interface: str) -> int:
    """The link type a raw socket on `interface` delivers; BadInputError when unusable."""
    path = Path("/sys/class/net") / interface / "type"
    try:
        arphrd = int(path.read_text().strip())
    except (OSError, ValueError):
        raise BadInputError(f"no network interface named {interface!r}") from None
    if arphrd not in ARPHRD_LINKTYPES:
        raise BadInputError(
            f"interface {interface!r} is not in monitor mode (ARPHRD type {arphrd}); "
            f"put it in monitor mode, e.g. `iw dev {interface} set type monitor`"
        )
    return ARPHRD_LINKTYPES[arphrd]


class LiveCapture:
    """Iterate frames received on a monitor-mode interface, numbered from 1, timed on arrival."""

    def __init__(self, interface: str) -> None:
        self.path = Path(interface)
        self.skipped = SkipTally()
        self.linktype = interface_linktype(interface)
        try:
            self._socket = socket.socket(
                socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL)
            )
            self._socket.bind((interface, 0))
        except PermissionError:
            raise BadInputError(
                f"capturing on {interface!r} needs root (or CAP_NET_RAW)"
            ) from None

    def close(self) -> None:
        self._socket.close()

    def __iter__(self) -> Iterator[Packet]:
        number = 0
        with self._socket:
            while True:
                data = self._socket.recv(MAX_FRAME)
                number += 1
                yield Packet(number, time.time_ns(), self.linktype, data, len(data))
