"""The first bytes of each direction of a TCP connection, put in order (RFC 9293 sequence numbers).

Handshakes (TLS ClientHello, certificates, HTTP request heads, DNS over TCP) sit at the
start of a stream and may span segments that arrive retransmitted, out of order or
overlapping. `StreamPrefix` keeps the contiguous bytes from the first one (the byte after
the SYN, or the first payload seen when the capture starts mid-connection) up to `limit`;
later bytes, and the bulk data that follows a handshake, are not kept, so memory is
bounded per connection. Where two copies of a byte differ, the first one wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEQ_SPACE = 1 << 32
HALF_SPACE = 1 << 31
MAX_WAITING = 64
"""Out-of-order segments held per direction at most."""


@dataclass(slots=True)
class StreamPrefix:
    """The in-order start of one direction of a TCP connection."""

    limit: int
    base: int | None = None
    data: bytearray = field(default_factory=bytearray)
    waiting: dict[int, bytes] = field(default_factory=dict)
    read: int = 0
    """How many of the in-order bytes a reader has consumed (for message-by-message reads)."""

    def syn(self, seq: int) -> None:
        """The direction's SYN: its data starts at `seq + 1`."""
        if self.base is None:
            self.base = (seq + 1) % SEQ_SPACE

    @property
    def full(self) -> bool:
        """No more bytes will be kept."""
        return len(self.data) >= self.limit

    def add(self, seq: int, payload: bytes) -> bool:
        """Take in a segment's payload; True when it made the in-order bytes longer."""
        if self.base is None:
            self.base = seq
        offset = (seq - self.base) % SEQ_SPACE
        if offset >= HALF_SPACE or self.full:
            return False  # before the start (an old retransmission), or nothing more wanted
        if offset > len(self.data):
            if offset < self.limit and len(self.waiting) < MAX_WAITING:
                self.waiting.setdefault(offset, payload)
            return False
        before = len(self.data)
        self._append(offset, payload)
        while self.waiting:
            ready = [at for at in self.waiting if at <= len(self.data)]
            if not ready:
                break
            for at in sorted(ready):
                self._append(at, self.waiting.pop(at))
        return len(self.data) > before

    def _append(self, offset: int, payload: bytes) -> None:
        new = payload[len(self.data) - offset :]
        room = self.limit - len(self.data)
        if new and room > 0:
            self.data += new[:room]
