"""What every ASTM F3411 message shares: its size, the header, the 2019 epoch, text, errors.

Every message is 25 bytes, little-endian. Byte 0 is the header:

    bit  7 6 5 4 | 3 2 1 0
         type    | protocol version (0 = F3411-19, 1 = ASD-STAN prEN 4709-002 P1 /
                 |   F3411 v1.1 draft, 2 = F3411-22; 3-14 future, decoded as 2; 15 private)

The fields after it are declared in each message module, in the terms of `fields.py`;
encodings several message types share are in `shared_fields.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dronevet.errors import BadInputError

MESSAGE_SIZE = 25
EPOCH_2019 = datetime(2019, 1, 1, tzinfo=UTC)
EPOCH_2019_UNIX = 1546300800  # seconds from 1970-01-01 to 2019-01-01 UTC


class MessageError(BadInputError):
    """A Remote ID message (or message pack) that cannot be decoded; `reason` says why."""

    @property
    def reason(self) -> str:
        """Why the message was rejected, in one phrase."""
        return self.message


def decode_text(raw: bytes) -> str:
    """An ASCII field padded with NULs; bytes outside ASCII are kept as `\\xNN` escapes."""
    return raw.rstrip(b"\0").decode("ascii", "backslashreplace")
