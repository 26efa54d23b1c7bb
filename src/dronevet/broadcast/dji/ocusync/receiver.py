"""The DroneID receiver: IQ blocks in, one result per detected burst out.

Per burst: detect (power and bandwidth, at the recording's rate) -> mix the band to 0 Hz and
resample the burst's window only to 15.36 Msps -> timing and frequency from the cyclic
prefixes and ZC symbols -> FFT -> channel from the ZC symbols -> soft QPSK bits -> LTE
descrambling, rate de-matching and turbo decoding with CRC-24 (`dronevet.broadcast.dji.lte`)
-> payload with its CRC-16. Every burst that carries the two ZC symbols yields a
`BurstResult`: a decoded frame, or the reason it could not be decoded. Candidates without
them (video downlink, other bursts of the same length) are only counted.

Blocks are processed with an overlap of one burst window, so a burst cut by a block
boundary is decoded whole from the next buffer; memory stays constant in recording length.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dronevet.broadcast.dji import flight_info
from dronevet.broadcast.dji.flight_info import DjiFlightInfo, FlightInfoError
from dronevet.broadcast.dji.lte.chain import decode_codeword
from dronevet.broadcast.dji.ocusync.demap import qpsk_llrs
from dronevet.broadcast.dji.ocusync.detect import BurstCandidate, detect_bursts
from dronevet.broadcast.dji.ocusync.equalize import ChannelEstimate, estimate_channel
from dronevet.broadcast.dji.ocusync.ofdm import SAMPLE_RATE, extract_grid
from dronevet.broadcast.dji.ocusync.payload import parse_flight_info, visible_serial
from dronevet.broadcast.dji.ocusync.sync import synchronise, to_ofdm_rate, zc_score
from dronevet.capture.iq import IqBlock
from dronevet.errors import BadInputError

WINDOW_MARGIN_S = 40e-6
"""Samples kept on either side of a detected burst before resampling."""
OVERLAP_S = 1.2e-3
"""Samples carried from one buffer to the next: a whole burst window with its margins."""
ZC_THRESHOLD = 0.12
"""Normalised ZC correlation a burst needs to count as DroneID (noise: about 0.04)."""


@dataclass(frozen=True, slots=True)
class BurstResult:
    """What the receiver made of one DroneID burst."""

    sample: int
    """Index in the recording of the burst's first sample."""
    time_s: float
    """Start of the burst in seconds from the start of the recording."""
    snr_db: float
    cfo_hz: float
    """Burst centre frequency relative to the recording's centre frequency."""
    crc24_ok: bool
    iterations: int
    """Turbo decoder iterations run (0 when the channel decisions already passed)."""
    block: bytes | None
    """The 173 decoded data bytes when the CRC-24 holds."""
    message_type: int | None
    flight: DjiFlightInfo | None
    failure: str | None
    """Why no frame came out of this burst; None when one did."""

    def to_dict(self, centre_freq: float | None = None) -> dict[str, Any]:
        """The JSON contract of one burst (`dronevet droneid decode`): where the burst was,
        the flight information under the keys of `flight_info.RECORD_KEYS` (all None when
        the burst carried none), the checks and the link measurements."""
        flight = self.flight
        layout = None
        if self.block is not None:
            layout = "flight_info" if flight is not None else "unknown"
        fields = dict.fromkeys(flight_info.RECORD_KEYS) if flight is None else (
            flight_info.record(flight)
        )
        record: dict[str, Any] = {
            "time_s": round(self.time_s, 7),
            "layout": layout,
            **fields,
            "crc_ok": False,
            "crc24_ok": self.crc24_ok,
            "snr_db": round(self.snr_db, 2),
            "cfo_hz": round(self.cfo_hz, 1),
            "frequency_hz": None if centre_freq is None else round(centre_freq + self.cfo_hz),
            "message_type": self.message_type,
            "error": self.failure,
        }
        if flight is not None:
            record["crc_ok"] = self.crc24_ok and bool(flight.crc_ok)
            if not flight.crc_ok:
                record["error"] = "payload CRC-16 does not match"
        elif self.block is not None:
            # Decoded (CRC-24 holds) but of a layout no public source describes: its bytes
            # as received, and the serial number it carries as plain text, if it does.
            record.update(
                serial=visible_serial(self.block),
                crc_ok=None,
                payload_hex=self.block.hex(),
            )
        return record


def check_sample_rate(sample_rate: float, *, path: str | None = None) -> None:
    """`BadInputError` (naming `path`) unless `sample_rate` can carry a DroneID burst."""
    if not sample_rate >= SAMPLE_RATE * 0.999:
        raise BadInputError(
            f"sample rate {sample_rate:g} Hz is below 15.36 Msps: a DroneID burst is "
            "9 MHz wide and needs at least that rate",
            path=path,
        )


class OcuSyncReceiver:
    """Streaming DroneID receiver for one recording at `sample_rate`."""

    def __init__(
        self, sample_rate: float, *, max_iterations: int = 8, path: str | None = None
    ) -> None:
        check_sample_rate(sample_rate, path=path)
        self.sample_rate = float(sample_rate)
        self.max_iterations = max_iterations
        self.rejected = 0
        """Candidates with a burst's duration and bandwidth but no DroneID ZC symbols."""
        self._margin = round(WINDOW_MARGIN_S * sample_rate)
        self._overlap = round(OVERLAP_S * sample_rate)
        self._pending: NDArray[np.complex64] = np.zeros(0, np.complex64)
        self._pending_first = 0
        self._done_until = 0
        self.bursts = 0
        """DroneID bursts seen (ZC symbols found)."""
        self.decoded = 0
        """Bursts whose codeword passed the CRC-24."""

    def feed(self, block: IqBlock) -> list[BurstResult]:
        """Results for the bursts that are complete once `block` has arrived."""
        if len(self._pending) == 0:
            self._pending_first = block.first_sample
        buffer = np.concatenate((self._pending, block.samples))
        results = self._process(buffer, final=False)
        keep = min(self._overlap, len(buffer))
        self._pending = buffer[len(buffer) - keep :]
        self._pending_first += len(buffer) - keep
        return results

    def finish(self) -> list[BurstResult]:
        """Results for bursts left in the last buffer at the end of the recording."""
        results = self._process(self._pending, final=True)
        self._pending = np.zeros(0, np.complex64)
        return results

    def results(self, blocks: Iterable[IqBlock]) -> Iterator[BurstResult]:
        """Results of every burst in consecutive `blocks`, each as soon as it is complete."""
        for block in blocks:
            yield from self.feed(block)
        yield from self.finish()

    def summary(self, where: str) -> str:
        """One sentence for people: bursts seen, decoded, failed, and look-alikes ignored."""
        return (
            f"{where}: {self.bursts} DroneID bursts, {self.decoded} decoded (CRC-24 valid), "
            f"{self.bursts - self.decoded} failed to decode, {self.rejected} other bursts of "
            "the same length ignored"
        )

    def _process(self, buffer: NDArray[np.complex64], *, final: bool) -> list[BurstResult]:
        candidates, _ = detect_bursts(buffer, self.sample_rate)
        results = []
        for candidate in candidates:
            first = self._pending_first + candidate.start
            if first < self._done_until:
                continue
            if not final and candidate.stop + self._margin > len(buffer):
                continue  # comes whole with the next block
            self._done_until = self._pending_first + candidate.stop
            result = self._decode(buffer, candidate)
            if result is None:
                self.rejected += 1
            else:
                results.append(result)
        return results

    def _decode(
        self, buffer: NDArray[np.complex64], candidate: BurstCandidate
    ) -> BurstResult | None:
        burst = demodulate(buffer, candidate, self.sample_rate, margin=self._margin)
        if burst is None:
            return None
        sample = self._pending_first + burst.sample
        channel = burst.channel
        self.bursts += 1
        codeword = decode_codeword(burst.llrs, max_iterations=self.max_iterations)
        flight = None
        message_type = None
        failure = None
        self.decoded += codeword.crc24_ok
        if codeword.block is None:
            failure = f"CRC-24 failed after {codeword.iterations} turbo iterations"
        else:
            message_type = codeword.block[1]
            with contextlib.suppress(FlightInfoError):  # then a frame of unknown layout
                flight = parse_flight_info(codeword.block)
        return BurstResult(
            sample=sample,
            time_s=sample / self.sample_rate,
            snr_db=channel.snr_db,
            cfo_hz=burst.cfo_hz,
            crc24_ok=codeword.crc24_ok,
            iterations=codeword.iterations,
            block=codeword.block,
            message_type=message_type,
            flight=flight,
            failure=failure,
        )


@dataclass(frozen=True, slots=True, eq=False)
class DemodulatedBurst:
    """A DroneID burst brought down to soft bits, before channel decoding."""

    sample: int
    """Index of the burst's first sample in the buffer it was found in."""
    cfo_hz: float
    channel: ChannelEstimate
    llrs: NDArray[np.float32]
    """The 7200 soft bits in transmission order (see `demap`)."""


def demodulate(
    buffer: NDArray[np.complexfloating],
    candidate: BurstCandidate,
    sample_rate: float,
    *,
    margin: int,
) -> DemodulatedBurst | None:
    """Soft bits of the burst `candidate` found in `buffer`; None when it has no DroneID
    ZC symbols."""
    lo = max(candidate.start - margin, 0)
    window = to_ofdm_rate(
        buffer[lo : candidate.stop + margin], sample_rate, candidate.band_centre_hz
    )
    timing, corrected = synchronise(window)
    if timing is None:
        return None
    grid = extract_grid(corrected, timing.start)
    if zc_score(grid) < ZC_THRESHOLD:
        return None
    channel = estimate_channel(grid)
    return DemodulatedBurst(
        sample=lo + round(timing.start * sample_rate / SAMPLE_RATE),
        cfo_hz=candidate.band_centre_hz + timing.cfo_hz + channel.residual_cfo_hz,
        channel=channel,
        llrs=qpsk_llrs(grid, channel),
    )


def decode_blocks(
    blocks: Iterable[IqBlock], sample_rate: float, *, path: str | None = None
) -> Iterator[BurstResult]:
    """Every DroneID burst result of a recording given as consecutive blocks."""
    return OcuSyncReceiver(sample_rate, path=path).results(blocks)


def decode_samples(samples: NDArray[np.complexfloating], sample_rate: float) -> list[BurstResult]:
    """Every DroneID burst result of a recording held in memory."""
    block = IqBlock(0, np.ascontiguousarray(samples, dtype=np.complex64))
    return list(decode_blocks([block], sample_rate))
