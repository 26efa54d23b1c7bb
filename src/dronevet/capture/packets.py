"""Captured packets, the tally of what a reader skipped, and what every capture reader offers.

A reader yields `Packet`s one at a time and never holds the file in memory. What it cannot
read (a truncated last record, an unknown block) is counted in its `SkipTally`, with the
first frame numbers or offsets as examples, instead of stopping the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dronevet.errors import DronevetError


class LinkLayerError(DronevetError):
    """A frame's link-layer content is malformed: the frame is counted as skipped, not fatal."""


@dataclass(frozen=True, slots=True)
class Packet:
    """One captured frame: where it sits in the capture, when it was captured, its bytes."""

    number: int
    """Frame number, 1-based, in file order (what Wireshark shows)."""
    time_ns: int | None
    """Capture time in nanoseconds since 1970-01-01 UTC; None where the format has none (SPB)."""
    linktype: int
    data: bytes
    orig_len: int
    interface: int = 0
    comment: str | None = None


@dataclass(slots=True)
class SkipTally:
    """Counts of skipped items by reason, with the first few locations of each as examples."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)
    max_examples: int = 5

    def add(self, reason: str, where: int, count: int = 1) -> None:
        """Count `count` items skipped for `reason`, first seen at frame or offset `where`."""
        self.counts[reason] = self.counts.get(reason, 0) + count
        seen = self.examples.setdefault(reason, [])
        if len(seen) < self.max_examples:
            seen.append(where)

    def merge(self, other: SkipTally) -> None:
        """Add another tally's counts and examples into this one."""
        for reason, count in other.counts.items():
            self.counts[reason] = self.counts.get(reason, 0) + count
            seen = self.examples.setdefault(reason, [])
            room = self.max_examples - len(seen)
            seen.extend(other.examples.get(reason, [])[: max(room, 0)])

    @property
    def total(self) -> int:
        """How many items were skipped, all reasons together."""
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, dict[str, object]]:
        """`{reason: {"count": n, "examples": [...]}}`: most frequent first, ties by first seen."""

        def rank(item: tuple[str, int]) -> tuple[int, int, str]:
            seen = self.examples.get(item[0]) or [0]
            return -item[1], min(seen), item[0]

        return {
            reason: {"count": count, "examples": list(self.examples.get(reason, []))}
            for reason, count in sorted(self.counts.items(), key=rank)
        }


class CaptureReader(Protocol):
    """What every capture reader offers: its path, its packets in order, what it skipped."""

    path: Path
    skipped: SkipTally

    def __iter__(self) -> Iterator[Packet]: ...

    def close(self) -> None: ...
