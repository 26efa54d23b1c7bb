"""Cleartext HTTP/1.x requests (RFC 9112): method, path, Host and User-Agent of each request head.

A request head is `method SP target SP HTTP/1.x CRLF`, header lines `name: value CRLF`,
and an empty line. Only heads at the start of a connection's client bytes (as
`streams.StreamPrefix` keeps them) are read; bodies are skipped by Content-Length.
"""

from __future__ import annotations

from dataclasses import dataclass

METHODS = frozenset(
    {b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"OPTIONS", b"PATCH", b"CONNECT", b"TRACE"}
)
MAX_HEAD = 16_384


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request head, and where it ends in the client's bytes."""

    method: str
    path: str
    host: str | None
    user_agent: str | None
    end: int


def looks_like_http(start: bytes) -> bool:
    """The client's first bytes begin an HTTP/1.x request."""
    method = start.split(b" ", 1)[0]
    return method in METHODS


def _text(raw: bytes) -> str:
    return raw.decode("latin-1").strip()


def request_at(stream: bytes, position: int) -> HttpRequest | None:
    """The request head starting at `position`, None when it is not (yet) all there."""
    end = stream.find(b"\r\n\r\n", position, position + MAX_HEAD)
    if end < 0:
        return None
    lines = stream[position:end].split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[0] not in METHODS or not parts[2].startswith(b"HTTP/1."):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            headers.setdefault(_text(name).lower(), _text(value))
    try:
        body = int(headers.get("content-length", "0"))
    except ValueError:
        body = 0
    return HttpRequest(
        _text(parts[0]), _text(parts[1]), headers.get("host"), headers.get("user-agent"),
        end + 4 + max(body, 0),
    )


def requests(stream: bytes) -> list[HttpRequest]:
    """The whole request heads at the start of a client's bytes."""
    found, position = [], 0
    while position < len(stream) and (request := request_at(stream, position)) is not None:
        found.append(request)
        position = request.end
    return found
