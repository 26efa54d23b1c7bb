"""Flows: each TCP connection or UDP conversation, with the bytes and packets each way.

A flow is keyed by its 5-tuple (protocol, addresses, ports) in either direction. Its
client is the side that sent the first packet (for TCP, the side that sent a SYN without
ACK when the capture has one). Bytes are counted as Wireshark's conversation statistics
count them (`tshark -z conv,tcp` / `conv,udp`): the whole frame's original length (as on
the wire, link header included) of every frame whose TCP or UDP header was read; a
fragmented datagram counts once, in the frame that completed it.

`Flow` is the scanner's mutable accumulator; `FlowRecord` is the immutable result.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field

from dronevet.leaks.streams import StreamPrefix

FlowKey = tuple[int, bytes, int, bytes, int]
MINUTE_NS = 60_000_000_000


@functools.lru_cache(maxsize=1 << 14)
def address_text(raw: bytes) -> str:
    """`192.0.2.1` or `2001:db8::1` for 4 or 16 address bytes (remembered: a capture's
    flows share few addresses)."""
    return str(ipaddress.ip_address(raw))


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a destination bears a name: the protocol field it came from, its value, its frame."""

    kind: str
    """`dns`, `sni`, `quic-sni`, `cert`, `http-host`, `http-request` (method and path),
    `http-user-agent`."""
    value: str
    frame: int

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "value": self.value, "frame": self.frame}


@dataclass(slots=True)
class Flow:
    """A flow as the scan sees it so far."""

    transport: str
    client: bytes
    client_port: int
    server: bytes
    server_port: int
    first_ns: int
    first_frame: int
    last_ns: int = 0
    packets_up: int = 0
    bytes_up: int = 0
    packets_down: int = 0
    bytes_down: int = 0
    up: StreamPrefix | None = None
    down: StreamPrefix | None = None
    done: bool = False
    """Nothing more to read in this flow's payloads (its handshakes are read or absent)."""
    protocols: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)
    ja4: str | None = None
    inspected: int = 0
    """UDP datagrams looked at so far."""
    timeline: dict[int, list[int]] = field(default_factory=dict)
    """Minute since the epoch -> [bytes up, bytes down] in that minute."""

    def settle(self) -> None:
        """Nothing more to read in this flow: drop its stream buffers, count it only."""
        self.done = True
        self.up = self.down = None

    def count(self, upward: bool, size: int, time_ns: int) -> None:
        """Count one frame of `size` bytes, sent by the client when `upward`."""
        if upward:
            self.packets_up += 1
            self.bytes_up += size
        else:
            self.packets_down += 1
            self.bytes_down += size
        self.last_ns = max(self.last_ns, time_ns)
        minute = time_ns // MINUTE_NS
        entry = self.timeline.get(minute)
        if entry is None:
            entry = self.timeline[minute] = [0, 0]
        entry[0 if upward else 1] += size

    def add_counts(self, upward: bool, packets: int, size: int, first: tuple[int, int],
                   last_ns: int, minutes: dict[int, int]) -> None:
        """Count many frames of one direction at once (the batch path's per-chunk sums):
        `first` is (time, frame) of the earliest, `minutes` bytes per minute."""
        if upward:
            self.packets_up += packets
            self.bytes_up += size
        else:
            self.packets_down += packets
            self.bytes_down += size
        if first < (self.first_ns, self.first_frame):
            self.first_ns, self.first_frame = first
        self.last_ns = max(self.last_ns, last_ns)
        side = 0 if upward else 1
        for minute, sent in minutes.items():
            entry = self.timeline.get(minute)
            if entry is None:
                entry = self.timeline[minute] = [0, 0]
            entry[side] += sent

    def freeze(self) -> FlowRecord:
        return FlowRecord(
            self.transport, address_text(self.client), self.client_port,
            address_text(self.server), self.server_port, self.first_ns, self.last_ns,
            self.first_frame, self.packets_up, self.bytes_up, self.packets_down,
            self.bytes_down, frozenset(self.protocols), tuple(self.evidence), self.ja4,
            tuple((m, up, down) for m, (up, down) in sorted(self.timeline.items())),
        )


@dataclass(frozen=True, slots=True)
class FlowRecord:
    """A flow of the capture, its counts and what names its server."""

    transport: str
    client: str
    client_port: int
    server: str
    server_port: int
    first_ns: int
    last_ns: int
    first_frame: int
    packets_up: int
    bytes_up: int
    packets_down: int
    bytes_down: int
    protocols: frozenset[str]
    evidence: tuple[Evidence, ...]
    ja4: str | None
    timeline: tuple[tuple[int, int, int], ...]
