"""The broadcast transports carried in 802.11 beacon vendor elements: one table, both paths.

A vendor-specific element (id 221) in a beacon or a probe response starts with a 3-byte
OUI; the bytes after it (a vendor type, a magic) say which broadcast it carries. Each
`BeaconTransport` below names its OUI, those bytes (`match`), how the payload is cut out
of the rest (a message counter first or not, `match` kept or not), the protocol whose
decoder reads it (`payload.ASTM`, `payload.DJI`, `payload.FRANCE`), the transport label
records carry, and where the OUI and the layout come from (`source`).

Both decode paths read `current()`: the streaming path (`remoteid.transport_wifi_beacon`)
lifts a payload out of each element the table names; the batch kernel (`fastpath`) gets
the table as an array (`TransportTable.kernel_rows`), decodes the entries marked
`in_kernel` itself (ASTM message packs) and hands every frame with an element of any other
entry to the streaming path, so a transport added here is decoded on both paths. A vendor
element the table does not name (the WPA element 00:50:F2, a router maker's own, a known
OUI with other bytes after it) carries no broadcast, on either path.

Not here: Remote ID over Wi-Fi NAN (Wi-Fi Alliance OUI 50:6F:9A type 0x13) travels in
public action frames, not in beacon elements, and `remoteid.transport_wifi_nan` reads it;
Bluetooth service data is read by `remoteid.transport_bluetooth` (and by the batch kernel
itself). `KERNEL_TRANSPORTS` names the transports of the kernel's message rows.

`registered(entry)` puts one more transport in force for both paths for the length of a
`with` block: a transport being tried out, or a test's made-up one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.dji.wifi import PREFIX as DJI_MAGIC
from dronevet.broadcast.payload import (
    ASTM,
    BT_EXTENDED,
    BT_LEGACY,
    DJI,
    DJI_WIFI,
    FRANCE,
    WIFI_BEACON,
    BroadcastPayload,
)
from dronevet.capture.packets import LinkLayerError

PROTOCOLS: Final = frozenset({ASTM, DJI, FRANCE})
"""The protocols the streaming path has a decoder for (`pipeline.decode_broadcast`)."""

ROW_OUI, ROW_IN_KERNEL, ROW_MATCH_LENGTH, ROW_MATCH = 0, 1, 2, 3
"""Columns of `TransportTable.kernel_rows`: the OUI as a 24-bit integer, 1 where the kernel
decodes the entry itself, the length of `match`, then the bytes of `match`."""
KERNEL_TRANSPORTS: Final = (WIFI_BEACON, BT_LEGACY, BT_EXTENDED)
"""The transports of the batch kernels' message rows: each row holds its transport's index."""
KERNEL_WIFI_BEACON, KERNEL_BT_LEGACY, KERNEL_BT_EXTENDED = range(len(KERNEL_TRANSPORTS))


@dataclass(frozen=True, slots=True)
class BeaconTransport:
    """One broadcast transport in a beacon's vendor element: which element, which payload.

    `counter`: a 1-byte message counter follows `match`, the payload follows the counter.
    `keep_match`: the payload starts at `match` (DJI's decoder reads its magic), else after
    it. `in_kernel`: the batch kernel decodes it itself, which it can only for an ASTM
    message pack after a counter (its rows are labelled `payload.WIFI_BEACON`:
    `KERNEL_WIFI_BEACON`).
    """

    name: str
    oui: bytes
    match: bytes
    protocol: str
    transport: str
    source: str
    counter: bool = False
    keep_match: bool = False
    in_kernel: bool = False

    def __post_init__(self) -> None:
        if len(self.oui) != 3 or not self.match:
            raise ValueError(f"{self.name}: an OUI is 3 bytes and a transport needs bytes after it")
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"{self.name}: no decoder for protocol {self.protocol!r}")
        kernel_reads = self.protocol == ASTM and self.counter and not self.keep_match
        if self.in_kernel and not (kernel_reads and self.transport == WIFI_BEACON):
            raise ValueError(f"{self.name}: the batch kernel reads only ASTM packs after a "
                             f"counter, and labels them {WIFI_BEACON}")

    @property
    def label(self) -> str:
        """The element's first bytes as people write them: `FA:0B:BC 0D`."""
        return f"{self.oui.hex(':').upper()} {self.match.hex(' ').upper()}"

    def lift(self, mac: str, rest: bytes) -> BroadcastPayload:
        """The payload of an element whose bytes after the OUI are `rest` (starting `match`);
        `LinkLayerError` if the element stops before its message counter."""
        if not self.counter:
            data = rest if self.keep_match else rest[len(self.match) :]
            return BroadcastPayload(self.transport, mac, data, protocol=self.protocol)
        at = len(self.match)
        if len(rest) <= at:
            raise LinkLayerError(f"{self.name} element without message counter")
        data = rest if self.keep_match else rest[at + 1 :]
        return BroadcastPayload(self.transport, mac, data, counter=rest[at],
                                protocol=self.protocol)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TransportTable:
    """Beacon transports, found by OUI; of two entries with one OUI, neither `match` may
    begin the other (an element would belong to both)."""

    entries: tuple[BeaconTransport, ...]
    by_oui: dict[bytes, tuple[BeaconTransport, ...]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_oui: dict[bytes, tuple[BeaconTransport, ...]] = {}
        for entry in self.entries:
            for other in by_oui.get(entry.oui, ()):
                if entry.match.startswith(other.match) or other.match.startswith(entry.match):
                    raise ValueError(f"{entry.name} ({entry.label}) and {other.name} "
                                     f"({other.label}) would claim the same elements")
            by_oui[entry.oui] = (*by_oui.get(entry.oui, ()), entry)
        object.__setattr__(self, "by_oui", by_oui)

    def find(self, oui: bytes, rest: bytes) -> BeaconTransport | None:
        """The transport of a vendor element (`rest` follows the OUI), None if it is none."""
        for entry in self.by_oui.get(oui, ()):
            if rest.startswith(entry.match):
                return entry
        return None

    def with_entry(self, entry: BeaconTransport) -> TransportTable:
        """This table and one more transport."""
        return TransportTable((*self.entries, entry))

    def kernel_rows(self) -> npt.NDArray[np.int64]:
        """The table as the batch kernel reads it: one row per entry (columns `ROW_*`)."""
        width = ROW_MATCH + max((len(entry.match) for entry in self.entries), default=0)
        rows = np.zeros((len(self.entries), width), dtype=np.int64)
        for row, entry in zip(rows, self.entries, strict=True):
            row[ROW_OUI] = int.from_bytes(entry.oui, "big")
            row[ROW_IN_KERNEL] = entry.in_kernel
            row[ROW_MATCH_LENGTH] = len(entry.match)
            row[ROW_MATCH : ROW_MATCH + len(entry.match)] = list(entry.match)
        return rows


ASTM_BEACON: Final = BeaconTransport(
    "Remote ID beacon", bytes.fromhex("fa0bbc"), b"\x0d", ASTM, WIFI_BEACON,
    "ASTM F3411-22a Wi-Fi Beacon transport / ASD-STAN prEN 4709-002: OUI FA:0B:BC "
    "(ASD-STAN), vendor type 0x0D, a 1-byte message counter and a message pack, also in "
    "probe responses (as implemented in opendroneid-core-c, wifi.c, read 2026-11-23)",
    counter=True, in_kernel=True,
)  # fmt: skip
DJI_SOURCE: Final = (
    "DJI DroneID over Wi-Fi as public receivers observe it (research notes, shared "
    "broadcast-formats.md): OUI 26:37:12 (some receivers also accept 60:60:1F, 48:1C:B9 "
    "and 34:D2:62), a body that starts 58 62 13, then the subcommand"
)
FRENCH_BEACON: Final = BeaconTransport(
    "French beacon", bytes.fromhex("6a5c35"), b"\x01", FRANCE, WIFI_BEACON,
    "The French national beacon, décret 2019-1114 and arrêté du 27 décembre 2019 "
    "(`dronevet.broadcast.fr_beacon`): OUI 6A:5C:35, vendor type 0x01, then TLVs",
)  # fmt: skip

BEACON_TRANSPORTS: Final = TransportTable((
    ASTM_BEACON,
    *(BeaconTransport("DJI DroneID", bytes.fromhex(oui), DJI_MAGIC, DJI, DJI_WIFI, DJI_SOURCE,
                      keep_match=True) for oui in ("263712", "60601f", "481cb9", "34d262")),
    FRENCH_BEACON,
))  # fmt: skip
"""The beacon transports dronevet decodes."""

_in_force: list[TransportTable] = [BEACON_TRANSPORTS]
"""The table both paths read now: the built-in one, then one per `registered` block."""


def current() -> TransportTable:
    """The table in force: `BEACON_TRANSPORTS`, with the entries of open `registered` blocks."""
    return _in_force[-1]


@contextmanager
def registered(entry: BeaconTransport) -> Iterator[TransportTable]:
    """Decode `entry` too, on both paths, until the block ends; yields the table in force."""
    table = current().with_entry(entry)
    _in_force.append(table)
    try:
        yield table
    finally:
        _in_force.pop()  # `with` blocks nest: the last opened is the first closed
