"""ASTM F3411 Authentication message (type 2), and reassembly of its pages.

Its fields are declared in `FIELDS` below: the authentication type and page number, then
on page 0 the last page index (the page count in protocol version 0, F3411-19), the length
of the authentication data over all pages, a timestamp and the first data bytes; pages
1-15 hold only data bytes after the type and page number.

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

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.remoteid.common import EPOCH_2019, MessageError
from dronevet.broadcast.remoteid.enums import AuthType
from dronevet.broadcast.remoteid.fields import Array, Bits, Check, Condition, Field, Kind, Rule
from dronevet.broadcast.remoteid.message_fields import MessageFields
from dronevet.broadcast.remoteid.shared_fields import TIME_2019

MAX_LAST_PAGE = 15


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
        return FIELDS.record(self)


@dataclass(frozen=True, slots=True)
class LastPage(Rule):
    """The last page index; protocol version 0 (`context`) sends the page count instead."""

    context: str
    kind: ClassVar[Kind] = Kind.INT

    def value(self, raw: int, flag: int, context: int) -> int:
        """The index (-1 for a version 0 count of 0, which `PageZeroFits` rejects)."""
        return raw - 1 if context == 0 else raw

    def column(self, raw: Array, flag: int, context: Array) -> Array:
        """The indexes."""
        return np.where(context == 0, raw.astype(np.int16) - 1, raw)

    def raw(self, value: int | None, context: int) -> tuple[int, int]:
        """The byte sent (0 when there is no page 0 field)."""
        if value is None:
            return 0, 0
        return (value + 1 if context == 0 else value), 0


@dataclass(frozen=True, slots=True)
class PageData(Rule):
    """A page's data bytes: at `pages` on pages 1-15, at the shorter `page_zero` (the end of
    `pages`) on page 0, where the page's header comes first; `context` is the page number."""

    pages: Bits
    page_zero: Bits
    context: str
    kind: ClassVar[Kind] = Kind.AUTH_DATA

    def value(self, raw: bytes, flag: int, context: int) -> bytes:
        """The data bytes of the page."""
        return raw[self.page_zero.byte - self.pages.byte :] if context == 0 else raw

    def column(self, raw: Array, flag: int, context: Array) -> None:
        """No column: the contract's hex is read from the message bytes (`rid_fields`)."""

    def raw(self, value: bytes, context: int) -> tuple[bytes, int]:
        """The bytes at `pages`: on page 0 zeros first, where the header lies."""
        if context:
            return value, 0
        header = bytes(self.page_zero.byte - self.pages.byte)
        return header + value[: self.page_zero.size].ljust(self.page_zero.size, b"\0"), 0

    def output(self, value: bytes) -> str:
        """Hex."""
        return value.hex()


@dataclass(frozen=True, slots=True)
class PageZeroFits(Check):
    """Page 0 must announce a last page within 0-15 and a length its pages can hold."""

    data: PageData

    def capacity(self, last_page: Any) -> Any:
        """Data bytes of pages 0 to `last_page`."""
        return self.data.page_zero.size + last_page * self.data.pages.size

    def message(self, decoded: AuthMessage) -> None:
        """Raise MessageError for a malformed page 0."""
        if decoded.last_page is None or decoded.length is None:  # not page 0
            return
        last_page, length = decoded.last_page, decoded.length
        if last_page < 0:
            raise MessageError("authentication page 0 announces a page count of 0")
        if last_page > MAX_LAST_PAGE:
            raise MessageError(
                f"authentication last page index {last_page} is over {MAX_LAST_PAGE}"
            )
        if length > self.capacity(last_page):
            raise MessageError(
                f"authentication length {length} does not fit in pages 0-{last_page}"
            )

    def bad(self, columns: dict[str, Array]) -> npt.NDArray[np.bool_]:
        """Malformed pages 0."""
        last_page, length = columns["auth_last_page"], columns["auth_length"]
        wrong = (last_page < 0) | (last_page > MAX_LAST_PAGE) | (length > self.capacity(last_page))
        bad: npt.NDArray[np.bool_] = (columns["auth_page"] == 0) & wrong
        return bad


PAGE_ZERO = Condition(("auth_page",), lambda page: page == 0)
DATA = PageData(Bits(2, "V23"), Bits(8, "V17"), context="auth_page")

FIELDS = MessageFields(2, "auth", AuthMessage, (
    Field("auth_type", Bits(1, low=4, width=4), labels=AuthType),
    Field("auth_page", Bits(1, low=0, width=4), attr="page"),
    Field("auth_last_page", Bits(2), rule=LastPage(context="version"), when=PAGE_ZERO,
          attr="last_page"),
    Field("auth_length", Bits(3), when=PAGE_ZERO, attr="length"),
    Field("auth_timestamp", Bits(4, "<u4"), rule=TIME_2019, when=PAGE_ZERO, attr="timestamp"),
    Field("auth_data", DATA.pages, rule=DATA, attr="data"),
), check=PageZeroFits(DATA))  # fmt: skip
decode_auth = FIELDS.decode


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
