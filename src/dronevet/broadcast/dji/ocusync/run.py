"""One IQ recording decoded: `decode_iq(path, sample_rate=...)` and the run it returns.

The run reads the recording block by block (raw interleaved IQ, standard input, or SigMF,
whose metadata carries the rate and centre frequency), feeds the OcuSync receiver and yields
one record per DroneID burst (the `BurstResult.to_dict()` contract). Counts of bursts,
decoded frames and rejected look-alikes are complete once the records are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dronevet.broadcast.dji.ocusync.receiver import OcuSyncReceiver
from dronevet.capture.iq import IqBlock, IqSource, raw_source, read_blocks
from dronevet.capture.sigmf import is_sigmf, sigmf_source
from dronevet.errors import BadInputError

SAMPLE_TYPES = ("cf32", "ci16", "ci8")


def iq_source(
    path: str,
    *,
    sample_rate: float | None = None,
    centre_freq: float | None = None,
    dtype: str = "cf32",
) -> IqSource:
    """Where the samples of a recording are and what they are; a SigMF recording's own rate
    and centre frequency are used unless given."""
    if is_sigmf(path):
        source = sigmf_source(path)
        if sample_rate is None and centre_freq is None:
            return source
        return raw_source(
            source.path,
            sample_rate=source.sample_rate if sample_rate is None else sample_rate,
            sample_type_name=source.sample_type.name,
            centre_freq=source.centre_freq if centre_freq is None else centre_freq,
        )
    if sample_rate is None:
        raise BadInputError(
            "a raw IQ recording needs --sample-rate (SigMF recordings carry it)", path=path
        )
    return raw_source(path, sample_rate=sample_rate, sample_type_name=dtype,
                      centre_freq=centre_freq)


@dataclass(slots=True)
class IqDecodeRun:
    """The bursts of one recording; iterate for records, then read the counts."""

    source: IqSource
    receiver: OcuSyncReceiver
    samples_read: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bursts(self) -> int:
        return self.receiver.bursts

    @property
    def decoded(self) -> int:
        return self.receiver.decoded

    @property
    def rejected(self) -> int:
        return self.receiver.rejected

    def __iter__(self) -> Iterator[dict[str, Any]]:
        centre = self.source.centre_freq
        for result in self.receiver.results(self._counted(read_blocks(self.source))):
            yield result.to_dict(centre)

    def _counted(self, blocks: Iterator[IqBlock]) -> Iterator[IqBlock]:
        for block in blocks:
            self.samples_read += len(block.samples)
            yield block

    def summary(self) -> str:
        """One sentence for people: bursts seen, decoded, failed, and look-alikes ignored."""
        return self.receiver.summary(self.source.path)


def decode_iq(
    path: str,
    *,
    sample_rate: float | None = None,
    centre_freq: float | None = None,
    dtype: str = "cf32",
) -> IqDecodeRun:
    """Decode every DroneID burst of an IQ recording (`-` for standard input)."""
    source = iq_source(path, sample_rate=sample_rate, centre_freq=centre_freq, dtype=dtype)
    return IqDecodeRun(source, OcuSyncReceiver(source.sample_rate, path=path))
