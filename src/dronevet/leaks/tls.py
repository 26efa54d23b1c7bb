"""TLS handshakes (RFC 8446, RFC 5246): the ClientHello's server name, ALPN and versions, the
ServerHello's version, and the server's certificate chain where it is sent in the clear.

Records: `content type u8 (22 = handshake), version u16, length u16, fragment`. Handshake
messages, which may span records: `type u8 (1 ClientHello, 2 ServerHello, 11
Certificate), length u24, body`. ClientHello body: `legacy version u16, random 32,
session id (u8 length), cipher suites (u16 length), compression methods (u8 length),
extensions (u16 length)`; each extension `type u16, length u16, data`: server_name (0)
`list u16, name type u8 (0), name u16-prefixed`; ALPN (16) `list u16` of u8-prefixed
names; signature_algorithms (13) `u16 list`; supported_versions (43) `u8 list` of u16
(in a ServerHello: one u16). TLS 1.2 Certificate: `list u24` of u24-prefixed DER
certificates (in TLS 1.3 it is encrypted). QUIC carries the same handshake messages in
CRYPTO frames, without records.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from dronevet.capture.packets import LinkLayerError

HANDSHAKE = 22
CLIENT_HELLO = 1
SERVER_HELLO = 2
CERTIFICATE = 11
EXT_SERVER_NAME = 0
EXT_SIGNATURE_ALGORITHMS = 13
EXT_ALPN = 16
EXT_SUPPORTED_VERSIONS = 43
TLS13 = 0x0304
_TYPE_LENGTH = struct.Struct(">HH")


class TlsError(LinkLayerError):
    """A TLS handshake that cannot be read."""


def is_grease(value: int) -> bool:
    """GREASE values (RFC 8701) are 0x?A?A with both bytes equal: clients send them at random."""
    return value & 0x0F0F == 0x0A0A and value >> 8 == value & 0xFF


@dataclass(frozen=True, slots=True)
class ClientHello:
    """What a ClientHello says about the client and the server it wants."""

    server_name: str | None
    alpn: tuple[str, ...]
    legacy_version: int
    supported_versions: tuple[int, ...]
    cipher_suites: tuple[int, ...]
    extensions: tuple[int, ...]
    signature_algorithms: tuple[int, ...]

    @property
    def version(self) -> int:
        """The highest version offered (supported_versions, else the legacy field)."""
        offered = [v for v in self.supported_versions if not is_grease(v)]
        return max(offered) if offered else self.legacy_version


def records_payload(stream: bytes) -> tuple[bytes, bool]:
    """The handshake bytes in the whole records at the start of a TLS stream, and whether
    the stream is TLS at all (its first record a handshake)."""
    out, position = bytearray(), 0
    if len(stream) < 5 or stream[0] != HANDSHAKE or stream[1] != 3:
        return b"", len(stream) < 5 and (not stream or stream[0] == HANDSHAKE)
    while position + 5 <= len(stream):
        kind, length = stream[position], int.from_bytes(stream[position + 3 : position + 5])
        if position + 5 + length > len(stream):
            break
        if kind == HANDSHAKE:
            out += stream[position + 5 : position + 5 + length]
        position += 5 + length
    return bytes(out), True


def handshake_messages(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The whole handshake messages `(type, body)` at the start of `data`."""
    position = 0
    while position + 4 <= len(data):
        kind, length = data[position], int.from_bytes(data[position + 1 : position + 4])
        if position + 4 + length > len(data):
            return
        yield kind, data[position + 4 : position + 4 + length]
        position += 4 + length


_PAST = "TLS handshake field runs past its message"


def _span(data: bytes, position: int, width: int) -> tuple[int, int]:
    """Where the `width`-byte length-prefixed field at `position` starts and ends."""
    start = position + width
    if start > len(data):
        raise TlsError(_PAST)
    end = start + int.from_bytes(data[position:start])
    if end > len(data):
        raise TlsError(_PAST)
    return start, end


def _vector(data: bytes, width: int) -> bytes:
    """The `width`-byte length-prefixed field at the start of `data`."""
    start, end = _span(data, 0, width)
    return data[start:end]


def _vectors(data: bytes, width: int) -> Iterator[bytes]:
    """The `width`-byte length-prefixed fields that fill `data`, in order."""
    position = 0
    while position < len(data):
        start, position = _span(data, position, width)
        yield data[start:position]


def _u16s(data: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(data) // 2}H", data[: len(data) // 2 * 2])


def _extensions(data: bytes) -> Iterator[tuple[int, bytes]]:
    """`(type, data)` of each extension in an extensions block."""
    position, end = 0, len(data)
    while position < end:
        if position + 4 > end:
            raise TlsError("TLS extension header runs past its block")
        kind, length = _TYPE_LENGTH.unpack_from(data, position)
        position += 4
        if position + length > end:
            raise TlsError("TLS extension runs past its block")
        yield kind, data[position : position + length]
        position += length


def _server_name(data: bytes) -> str | None:
    names, position = _vector(data, 2), 0
    while position < len(names):
        start, end = _span(names, position + 1, 2)
        if names[position] == 0:
            return names[start:end].decode("ascii", "backslashreplace")
        position = end
    return None


def _alpn(data: bytes) -> tuple[str, ...]:
    return tuple(name.decode("ascii", "backslashreplace")
                 for name in _vectors(_vector(data, 2), 1))


def _after_random(body: bytes) -> int:
    """Where a hello's fields after version, random and session id start."""
    if len(body) < 34:
        raise TlsError(_PAST)
    return _span(body, 34, 1)[1]


def parse_client_hello(body: bytes) -> ClientHello:
    """Read a ClientHello message body."""
    start, position = _span(body, _after_random(body), 2)
    suites = _u16s(body[start:position])
    position = _span(body, position, 1)[1]
    extensions: list[int] = []
    name: str | None = None
    alpn: tuple[str, ...] = ()
    versions: tuple[int, ...] = ()
    signatures: tuple[int, ...] = ()
    if position < len(body):
        start, end = _span(body, position, 2)
        for kind, data in _extensions(body[start:end]):
            extensions.append(kind)
            if kind == EXT_SERVER_NAME and data:
                name = _server_name(data)
            elif kind == EXT_ALPN:
                alpn = _alpn(data)
            elif kind == EXT_SUPPORTED_VERSIONS and data:
                versions = _u16s(_vector(data, 1))
            elif kind == EXT_SIGNATURE_ALGORITHMS:
                signatures = _u16s(_vector(data, 2))
    legacy = int.from_bytes(body[0:2])
    return ClientHello(name, alpn, legacy, versions, suites, tuple(extensions), signatures)


def server_hello_version(body: bytes) -> int:
    """The version a ServerHello chose (supported_versions when present)."""
    position = _after_random(body) + 3
    if position > len(body):
        raise TlsError(_PAST)
    legacy = int.from_bytes(body[0:2])
    if position < len(body):
        start, end = _span(body, position, 2)
        while start < end:
            if start + 4 > end:
                raise TlsError(_PAST)
            kind, length = _TYPE_LENGTH.unpack_from(body, start)
            data, start = start + 4, start + 4 + length
            if start > end:
                raise TlsError(_PAST)
            if kind == EXT_SUPPORTED_VERSIONS and length == 2:
                return int.from_bytes(body[data:start])
    return legacy


def certificate_list(body: bytes) -> list[bytes]:
    """The DER certificates of a TLS 1.2 Certificate message, the server's own first."""
    return list(_vectors(_vector(body, 3), 3))
