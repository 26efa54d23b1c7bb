"""QUIC version 1 Initial packets (RFC 9000, RFC 9001): their keys, and the client's CRYPTO data.

A client's Initial packets are protected with keys anyone can derive from the destination
connection ID of its first Initial (RFC 9001 section 5.2): `initial_secret =
HKDF-Extract(INITIAL_SALT, dcid)`, `client_secret = HKDF-Expand-Label(initial_secret,
"client in", "", 32)`, then `key` ("quic key", 16), `iv` ("quic iv", 12) and `hp`
("quic hp", 16). Long header: `first byte (0b11TT....), version u32, dcid (u8 length),
scid (u8 length), [Initial: token (varint length)], length varint, packet number (1-4
bytes), payload`. Header protection (5.4): `mask = AES-ECB(hp, 16 bytes from packet
number offset + 4)`; the first byte's low 4 bits and the packet number are XORed with it.
The payload is AES-128-GCM with nonce `iv XOR packet number` and the header as associated
data (`cryptography` is imported on the first QUIC packet). Frames read: PADDING (0),
PING (1), ACK (2, 3), CRYPTO (6: offset varint, length varint, data), CONNECTION_CLOSE
(0x1c); CRYPTO data carry the TLS ClientHello.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from dronevet.capture.packets import LinkLayerError

VERSION_1 = 0x00000001
INITIAL_SALT = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")
TYPE_INITIAL = 0


class QuicError(LinkLayerError):
    """A QUIC packet that cannot be read."""


@dataclass(frozen=True, slots=True)
class InitialKeys:
    """The packet protection keys of one side's Initial packets."""

    key: bytes
    iv: bytes
    hp: bytes


def _expand_label(secret: bytes, label: str, length: int) -> bytes:
    full = b"tls13 " + label.encode()
    info = length.to_bytes(2) + bytes([len(full)]) + full + b"\x00"
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def initial_keys(dcid: bytes, *, side: str = "client in") -> InitialKeys:
    """The Initial keys for a connection whose client first chose `dcid`."""
    initial = hmac.new(INITIAL_SALT, dcid, hashlib.sha256).digest()
    secret = _expand_label(initial, side, 32)
    return InitialKeys(
        _expand_label(secret, "quic key", 16),
        _expand_label(secret, "quic iv", 12),
        _expand_label(secret, "quic hp", 16),
    )


def header_mask(hp: bytes, sample: bytes) -> bytes:
    """The 5-byte header protection mask for a 16-byte ciphertext sample."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    encryptor = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    return (encryptor.update(sample) + encryptor.finalize())[:5]


def nonce(iv: bytes, number: int) -> bytes:
    """The AEAD nonce for packet number `number`."""
    return (int.from_bytes(iv) ^ number).to_bytes(12)


def varint(data: bytes, position: int) -> tuple[int, int]:
    """A QUIC variable-length integer at `position` (RFC 9000 16), and the position after it."""
    if position >= len(data):
        raise QuicError("QUIC integer runs past the packet")
    size = 1 << (data[position] >> 6)
    if position + size > len(data):
        raise QuicError("QUIC integer runs past the packet")
    value = int.from_bytes(data[position : position + size]) & ((1 << (8 * size - 2)) - 1)
    return value, position + size


@dataclass(frozen=True, slots=True)
class LongHeader:
    """A long-header packet's fields up to its (still protected) packet number."""

    start: int
    first: int
    version: int
    dcid: bytes
    scid: bytes
    number_offset: int
    end: int
    """Where the packet ends in its datagram (more packets may be coalesced after it)."""

    @property
    def initial(self) -> bool:
        return self.version == VERSION_1 and (self.first >> 4) & 0b11 == TYPE_INITIAL


def long_header(data: bytes, start: int) -> LongHeader:
    """The long header at `start` of a UDP datagram."""
    if len(data) - start < 7 or not data[start] & 0x80:
        raise QuicError("not a QUIC long-header packet")
    version = int.from_bytes(data[start + 1 : start + 5])
    position = start + 5
    dcid_length = data[position]
    dcid = data[position + 1 : position + 1 + dcid_length]
    position += 1 + dcid_length
    if position >= len(data) or dcid_length > 20:
        raise QuicError("QUIC connection ID runs past the packet")
    scid_length = data[position]
    scid = data[position + 1 : position + 1 + scid_length]
    position += 1 + scid_length
    if version != VERSION_1:
        return LongHeader(start, data[start], version, dcid, scid, position, len(data))
    if (data[start] >> 4) & 0b11 == TYPE_INITIAL:
        token, position = varint(data, position)
        position += token
    length, position = varint(data, position)
    if position + length > len(data):
        raise QuicError("QUIC packet length runs past the datagram")
    return LongHeader(start, data[start], version, dcid, scid, position, position + length)


def decrypt_initial(data: bytes, header: LongHeader, keys: InitialKeys) -> bytes:
    """The plaintext frames of an Initial packet; `QuicError` when it does not decrypt."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    offset = header.number_offset
    sample = data[offset + 4 : offset + 20]
    if len(sample) < 16:
        raise QuicError("QUIC packet too short for its header protection sample")
    mask = header_mask(keys.hp, sample)
    first = header.first ^ (mask[0] & 0x0F)
    size = (first & 0b11) + 1
    number = bytes(b ^ m for b, m in zip(data[offset : offset + size], mask[1:], strict=False))
    clear_header = bytes([first]) + data[header.start + 1 : offset] + number
    try:
        return AESGCM(keys.key).decrypt(
            nonce(keys.iv, int.from_bytes(number)), data[offset + size : header.end], clear_header
        )
    except InvalidTag:
        raise QuicError("QUIC Initial packet does not decrypt with the version 1 keys") from None


def crypto_frames(frames: bytes) -> list[tuple[int, bytes]]:
    """The CRYPTO frames `(offset, data)` of a decrypted Initial packet, in packet order."""
    found, position = [], 0
    while position < len(frames):
        kind, position = varint(frames, position)
        if kind in (0, 1):
            continue
        if kind in (2, 3):
            position = _skip_ack(frames, position, ecn=kind == 3)
        elif kind == 6:
            offset, position = varint(frames, position)
            length, position = varint(frames, position)
            if position + length > len(frames):
                raise QuicError("QUIC CRYPTO frame runs past the packet")
            found.append((offset, frames[position : position + length]))
            position += length
        elif kind == 0x1C:
            break
        else:
            raise QuicError("QUIC frame type not allowed in an Initial packet")
    return found


def _skip_ack(frames: bytes, position: int, *, ecn: bool) -> int:
    _largest, position = varint(frames, position)
    _delay, position = varint(frames, position)
    ranges, position = varint(frames, position)
    _first, position = varint(frames, position)
    for _ in range(ranges * 2 + (3 if ecn else 0)):
        _value, position = varint(frames, position)
    return position
