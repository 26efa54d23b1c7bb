"""Opening a capture file once, whichever format it is in (pcap or pcapng).

`open_capture(path)` opens the file one time, looks at its first four bytes without
consuming them, and hands the open stream to the reader for that format; the reader reads
it to the end and closes it. An open binary stream (standard input, a socket) can be given
instead of a path, with a `label` to name it in messages.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO, cast

from dronevet.capture import linktypes
from dronevet.capture.packets import CaptureReader
from dronevet.capture.pcap import PcapReader
from dronevet.capture.pcapng import PcapngReader
from dronevet.errors import CaptureFormatError

PCAP_MAGICS = frozenset(
    {b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"}
)
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
BUFFER = 1 << 20


def open_capture(
    source: str | Path | BinaryIO,
    *,
    label: str | None = None,
    supported: frozenset[int] = linktypes.SUPPORTED,
    reads: str = linktypes.BROADCAST_READS,
) -> CaptureReader:
    """A streaming reader for a pcap or pcapng capture, chosen by its first four bytes.

    `supported` are the link types the caller reads (`reads` says so in plain words)."""
    handle: io.BufferedReader
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            handle = cast(io.BufferedReader, path.open("rb", buffering=BUFFER))
        except OSError as error:
            raise CaptureFormatError(
                f"cannot read the capture: {error.strerror}", path=str(path)
            ) from None
        name = label or str(path)
    else:
        handle = (
            source
            if isinstance(source, io.BufferedReader)
            else io.BufferedReader(cast(io.RawIOBase, source), BUFFER)
        )
        name = label or str(getattr(source, "name", "<stream>"))
    try:
        magic = handle.peek(4)[:4]
        if magic in PCAP_MAGICS:
            return PcapReader(handle, name, supported=supported, reads=reads)
        if magic == PCAPNG_MAGIC:
            return PcapngReader(handle, name, supported=supported, reads=reads)
    except BaseException:
        handle.close()
        raise
    handle.close()
    what = f"first bytes {magic.hex(' ')}" if magic else "the file is empty"
    raise CaptureFormatError(
        f"not a pcap or pcapng capture ({what})", path=name
    )
