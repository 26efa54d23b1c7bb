"""Send Cursor on Target events to TAK over UDP: one event per datagram.

`udp://host:port` names the receiver: a TAK client's or TAK Server's UDP input (for
example `udp://192.168.1.20:4242`), or a multicast group such as the situational-awareness
group TAK clients join by default, `udp://239.2.3.1:6969` (the port defaults to 6969).
Multicast datagrams are sent with a TTL of one hop: they stay on the local network, as
TAK's own situational-awareness traffic does, unless routers are set up to carry them.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from dronevet.errors import BadInputError

DEFAULT_PORT = 6969
MULTICAST_HOPS = 1
_EXAMPLE = "write udp://host:port, for example udp://239.2.3.1:6969 (TAK's multicast group)"


@dataclass(frozen=True, slots=True)
class CotAddress:
    """Where to send: host (a name or an address) and port."""

    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> CotAddress:
        """Read `udp://host[:port]`; BadInputError for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "udp" or not parts.hostname or parts.path not in ("", "/"):
            raise BadInputError(f"--cot {url!r} is not a UDP address for CoT; {_EXAMPLE}")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise BadInputError(f"--cot {url!r} has an invalid port (1-65535)") from None
        return cls(parts.hostname, port)


class CotSender:
    """A UDP socket that sends each CoT event as one datagram; use as a context manager."""

    def __init__(self, address: CotAddress) -> None:
        self.address = address
        self.sent = 0
        self._to: tuple[Any, ...]
        try:
            family, kind, proto, _, self._to = socket.getaddrinfo(
                address.host, address.port, type=socket.SOCK_DGRAM
            )[0]
        except socket.gaierror as error:
            raise BadInputError(f"--cot: cannot resolve {address.host!r}: {error}") from None
        self._socket = socket.socket(family, kind, proto)
        if ipaddress.ip_address(self._to[0]).is_multicast:
            if family == socket.AF_INET6:
                self._socket.setsockopt(
                    socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, MULTICAST_HOPS
                )
            else:
                self._socket.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_HOPS)

    def send(self, event: str) -> None:
        """Send one event (its XML, UTF-8)."""
        try:
            self._socket.sendto(event.encode(), self._to)
        except OSError as error:
            raise BadInputError(
                f"cannot send CoT to {self.address.host}:{self.address.port}: {error}"
            ) from None
        self.sent += 1

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> CotSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
