"""Texts in the XML that KML and Cursor on Target carry: escaped, and always well-formed.

Those texts come from drone broadcasts (a Self-ID, an operator ID, a serial number), so they
hold whatever a transmitter sent. `&`, `<` and `>` become entities (and `"` in attributes).
XML 1.0 cannot hold most control characters at all, not even as character references, so
they are written as the `\\xNN` escapes the decoders already use for bytes outside ASCII; a
carriage return, which parsers would turn into a line feed, is kept as `&#13;`, and in an
attribute a tab or line feed (which parsers turn into spaces) as its character reference.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_IN_TEXT = {"\r": "&#13;"}
_IN_ATTRIBUTE = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text(value: str) -> str:
    """`value` as the content of an element."""
    return escape(_NOT_XML.sub(_visible, value), _IN_TEXT)


def attribute(value: str) -> str:
    """`value` inside a double-quoted attribute."""
    return escape(_NOT_XML.sub(_visible, value), _IN_ATTRIBUTE)
