"""JA4 fingerprints of ClientHellos (FoxIO's JA4 specification, github.com/FoxIO-LLC/ja4,
technical details read 2026-12-03), as Wireshark's `tls.handshake.ja4` shows them.

`a_b_c`: a = transport (`t` TCP, `q` QUIC) + version (`13`, `12`, ...) + `d` when a server
name is sent (`i` when not) + cipher count and extension count (two digits each, GREASE
left out) + the first and last character of the first ALPN value (`00` without ALPN);
b = the first 12 hex digits of SHA-256 over the sorted cipher suites (4 hex digits each,
comma-separated); c = the same over the sorted extensions without server_name and ALPN,
then `_` and the signature algorithms in their order (no `_` part when there are none).
Empty lists hash to twelve zeros.
"""

from __future__ import annotations

import functools
import hashlib

from dronevet.leaks.tls import EXT_ALPN, EXT_SERVER_NAME, ClientHello, is_grease

_VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3"}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "000000000000"


def _alpn_mark(alpn: tuple[str, ...]) -> str:
    if not alpn or not alpn[0]:
        return "00"
    first, last = alpn[0][0], alpn[0][-1]
    if first.isascii() and first.isalnum() and last.isascii() and last.isalnum():
        return first + last
    raw = alpn[0].encode("ascii", "backslashreplace").hex()
    return raw[0] + raw[-1]


def ja4(hello: ClientHello, *, quic: bool = False) -> str:
    """The JA4 fingerprint of a ClientHello sent over TCP or (`quic`) QUIC."""
    return _fingerprint(
        hello.cipher_suites, hello.extensions, hello.signature_algorithms, hello.alpn[:1],
        hello.version, hello.server_name is not None, quic,
    )


@functools.lru_cache(maxsize=4096)
def _fingerprint(cipher_suites: tuple[int, ...], all_extensions: tuple[int, ...],
                 signature_algorithms: tuple[int, ...], alpn: tuple[str, ...], version: int,
                 named: bool, quic: bool) -> str:
    """JA4 from the fields it reads (an app's connections share them: computed once)."""
    ciphers = [c for c in cipher_suites if not is_grease(c)]
    extensions = [e for e in all_extensions if not is_grease(e)]
    part_a = (
        ("q" if quic else "t")
        + _VERSIONS.get(version, "00")
        + ("d" if named else "i")
        + f"{min(len(ciphers), 99):02d}{min(len(extensions), 99):02d}"
        + _alpn_mark(alpn)
    )
    part_b = _hash(",".join(f"{c:04x}" for c in sorted(ciphers)))
    kept = sorted(e for e in extensions if e not in (EXT_SERVER_NAME, EXT_ALPN))
    text = ",".join(f"{e:04x}" for e in kept)
    signatures = [s for s in signature_algorithms if not is_grease(s)]
    if signatures:
        text += "_" + ",".join(f"{s:04x}" for s in signatures)
    return f"{part_a}_{part_b}_{_hash(text)}"
