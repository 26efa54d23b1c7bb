"""DNS messages (RFC 1035, AAAA from RFC 3596): the names asked for and what they resolve to.

Layout: a 12-byte header `id u16, flags u16, questions u16, answers u16, authority u16,
additional u16`, then questions `name, type u16, class u16` and resource records `name,
type u16, class u16, ttl u32, length u16, data`. A name is labels `length u8, bytes`
ending in a zero byte, or a pointer `0b11 + 14-bit offset` to a name earlier in the
message. Over TCP each message is preceded by its length (u16).

Only what attribution needs is decoded: the question names, and A (1), AAAA (28) and CNAME
(5) answers. A malformed message raises `DnsError` (counted by the caller, never fatal).
"""

from __future__ import annotations

from dataclasses import dataclass

from dronevet.capture.packets import LinkLayerError
from dronevet.leaks.flows import address_text

TYPE_A = 1
TYPE_CNAME = 5
TYPE_AAAA = 28
MAX_POINTERS = 64
MAX_NAME = 255


class DnsError(LinkLayerError):
    """A DNS message that cannot be read."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer record: `name` resolves to `value` (an address, or a CNAME's target)."""

    name: str
    kind: str
    """`A`, `AAAA` or `CNAME`."""
    value: str


@dataclass(frozen=True, slots=True)
class DnsMessage:
    """A DNS query or response: its question names and its address and alias answers."""

    response: bool
    questions: tuple[str, ...]
    answers: tuple[Answer, ...]


def _name(data: bytes, position: int) -> tuple[str, int]:
    """The name at `position` and the position after it (after the first pointer, if any)."""
    labels: list[str] = []
    after, jumps, size = -1, 0, 0
    while True:
        if position >= len(data):
            raise DnsError("DNS name runs past the message")
        length = data[position]
        if length & 0xC0 == 0xC0:
            if position + 1 >= len(data):
                raise DnsError("DNS name pointer cut short")
            jumps += 1
            if jumps > MAX_POINTERS:
                raise DnsError("DNS name pointers loop")
            if after < 0:
                after = position + 2
            position = ((length & 0x3F) << 8) | data[position + 1]
            continue
        if length & 0xC0:
            raise DnsError("DNS label with a reserved length type")
        if length == 0:
            return ".".join(labels), (after if after >= 0 else position + 1)
        label = data[position + 1 : position + 1 + length]
        if len(label) < length:
            raise DnsError("DNS label runs past the message")
        size += length + 1
        if size > MAX_NAME:
            raise DnsError("DNS name longer than 255 bytes")
        labels.append(label.decode("ascii", "backslashreplace"))
        position += 1 + length


def _record(data: bytes, position: int) -> tuple[Answer | None, int]:
    name, position = _name(data, position)
    if position + 10 > len(data):
        raise DnsError("DNS record header cut short")
    kind = int.from_bytes(data[position : position + 2])
    length = int.from_bytes(data[position + 8 : position + 10])
    start, end = position + 10, position + 10 + length
    if end > len(data):
        raise DnsError("DNS record data runs past the message")
    if kind == TYPE_A and length == 4:
        return Answer(name, "A", address_text(data[start:end])), end
    if kind == TYPE_AAAA and length == 16:
        return Answer(name, "AAAA", address_text(data[start:end])), end
    if kind == TYPE_CNAME:
        return Answer(name, "CNAME", _name(data, start)[0]), end
    return None, end


def parse(data: bytes) -> DnsMessage:
    """Read one DNS message (without the TCP length prefix)."""
    if len(data) < 12:
        raise DnsError("DNS message shorter than its 12-byte header")
    flags = int.from_bytes(data[2:4])
    questions, answers = int.from_bytes(data[4:6]), int.from_bytes(data[6:8])
    position, names = 12, []
    for _ in range(questions):
        name, position = _name(data, position)
        position += 4
        if position > len(data):
            raise DnsError("DNS question cut short")
        names.append(name)
    found = []
    for _ in range(answers):
        answer, position = _record(data, position)
        if answer is not None:
            found.append(answer)
    return DnsMessage(bool(flags & 0x8000), tuple(names), tuple(found))


def messages_over_tcp(stream: bytes) -> tuple[list[DnsMessage], int]:
    """The DNS messages in the start of a TCP stream, and how many bytes they used."""
    position, found = 0, []
    while position + 2 <= len(stream):
        length = int.from_bytes(stream[position : position + 2])
        if position + 2 + length > len(stream):
            break
        found.append(parse(stream[position + 2 : position + 2 + length]))
        position += 2 + length
    return found, position
