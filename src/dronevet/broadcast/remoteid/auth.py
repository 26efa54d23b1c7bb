"""ASTM F3411 Authentication message (type 2), and reassembly of its pages.

Page 0:
    byte  0      header: type 2 (bits 7-4), protocol version (bits 3-0)
    byte  1      authentication type (bits 7-4) | page number 0 (bits 3-0)
    byte  2      last page index (version 1 on); page count in version 0 (F3411-19)
    byte  3      length of the authentication data in bytes (all pages)
    bytes 4-7    timestamp, seconds since 2019-01-01 00:00 UTC
    bytes 8-24   authentication data, first 17 bytes
Pages 1-15:
    byte  0      header
    byte  1      authentication type (bits 7-4) | page number (bits 3-0)
    bytes 2-24   authentication data, next 23 bytes

Past `length` bytes, a non-zero byte announces that many bytes of extra (e.g. FEC) data
(opendroneid-core-c `opendroneid.h`, comment on ODID_Auth_data). A page 0 whose length does
not fit in its pages is malformed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from dronevet.broadcast.remoteid.common import (
    EPOCH_2019,
    Layout,
    MessageError,
    decode_time_2019,
    register,
)
from dronevet.broadcast.remoteid.enums import AuthType, lookup

PAGE_ZERO = Layout(
    ("header", "u1"),
    ("type_page", "u1"),
    ("last_page", "u1"),
    ("length", "u1"),
    ("timestamp", "<u4"),
    ("data", "V17"),
)
PAGE_OTHER = Layout(
    ("header", "u1"),
    ("type_page", "u1"),
    ("data", "V23"),
)
PAGE_ZERO_DATA = 17
PAGE_DATA = 23
_AUTH_TYPE = lookup(AuthType)


@dataclass(frozen=True, slots=True)
class AuthMessage:
    """One page of authentication data; page 0 also says how many pages and bytes follow."""

    version: int
    auth_type: AuthType
    page: int
    last_page: int | None  # page 0 only
    length: int | None  # page 0 only: bytes of authentication data over all pages
    timestamp: datetime | None  # page 0 only
    data: bytes  # this page's 17 (page 0) or 23 data bytes

    msg_type: ClassVar[str] = "auth"

    def record(self) -> dict[str, Any]:
        """JSON-safe fields of this message; data in hex."""
        return {
            "auth_type": self.auth_type.label,
            "auth_page": self.page,
            "auth_last_page": self.last_page,
            "auth_length": self.length,
            "auth_timestamp": self.timestamp.isoformat() if self.timestamp else None,
            "auth_data": self.data.hex(),
        }


@register(2)
def decode_auth(data: bytes, version: int) -> AuthMessage:
    """Decode one 25-byte Authentication message page."""
    type_page = data[1]
    page = type_page & 0x0F
    auth_type = _AUTH_TYPE[type_page >> 4]
    if page:
        return AuthMessage(version, auth_type, page, None, None, None, bytes(data[2:25]))
    _, _, last_raw, length, timestamp, _ = PAGE_ZERO.unpack(data)
    if version == 0:
        if last_raw == 0:
            raise MessageError("authentication page 0 announces a page count of 0")
        last_page = last_raw - 1
    else:
        last_page = last_raw
    if last_page > 15:
        raise MessageError(f"authentication last page index {last_page} is over 15")
    if length > PAGE_ZERO_DATA + last_page * PAGE_DATA:
        raise MessageError(
            f"authentication length {length} does not fit in pages 0-{last_page}"
        )
    return AuthMessage(
        version, auth_type, 0, last_page, length, decode_time_2019(timestamp), bytes(data[8:25])
    )


@dataclass(frozen=True, slots=True)
class AuthData:
    """Authentication data reassembled from all its pages."""

    auth_type: AuthType
    timestamp: datetime
    data: bytes  # exactly `length` bytes
    extra: bytes  # additional (e.g. forward error correction) bytes after the data


class AuthAssembler:
    """Collects authentication pages per sender and returns the data once all pages are in.

    Pages of one sender are kept until page 0 and pages 1..last have arrived; a new page 0
    or a page of another authentication type starts over. At most `max_senders` partial
    sets are kept (the oldest is dropped), so memory stays bounded on a busy channel.
    """

    def __init__(self, max_senders: int = 4096) -> None:
        self.max_senders = max_senders
        self._pages: OrderedDict[Hashable, dict[int, AuthMessage]] = OrderedDict()

    def add(self, sender: Hashable, message: AuthMessage) -> AuthData | None:
        """File one page; the reassembled data when it completes a set, else None."""
        pages = self._pages.get(sender)
        if pages is None or _starts_over(pages, message):
            pages = {}
        pages[message.page] = message
        self._pages[sender] = pages
        self._pages.move_to_end(sender)
        while len(self._pages) > self.max_senders:
            self._pages.popitem(last=False)
        first = pages.get(0)
        if first is None or first.last_page is None:
            return None
        if any(index not in pages for index in range(1, first.last_page + 1)):
            return None
        del self._pages[sender]
        return _assemble(first, first.last_page, pages)


def _starts_over(pages: dict[int, AuthMessage], message: AuthMessage) -> bool:
    some = next(iter(pages.values()))
    if some.auth_type != message.auth_type:
        return True
    previous = pages.get(message.page)
    return message.page == 0 and previous is not None and previous != message


def _assemble(first: AuthMessage, last_page: int, pages: dict[int, AuthMessage]) -> AuthData:
    length = first.length or 0
    joined = b"".join(pages[index].data for index in range(last_page + 1))
    extra = b""
    if len(joined) > length and joined[length]:
        extra = joined[length + 1 : length + 1 + joined[length]]
    return AuthData(first.auth_type, first.timestamp or EPOCH_2019, joined[:length], extra)
