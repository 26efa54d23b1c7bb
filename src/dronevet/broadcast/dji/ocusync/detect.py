"""Find DroneID burst candidates in a block of IQ samples, cheaply, at the recording's rate.

Detection runs before any resampling, so it must cost little per sample: the power of the
block is averaged over 2-microsecond bins (one pass over the samples), smoothed over 20
microseconds, and compared with the block's noise floor (a low percentile of the bins).
A run of bins above the floor whose length is that of a DroneID burst (643.2 us, 9
OFDM symbols) is a candidate. Each candidate's spectrum must then show one occupied band
9.015 MHz wide (601 subcarriers at 15 kHz): this rejects the 20 MHz video downlink and
narrow control bursts, and its centre is the coarse frequency offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from dronevet.broadcast.dji.ocusync.ofdm import (
    BURST_LENGTH,
    SAMPLE_RATE,
    SUBCARRIER_SPACING,
    USED_SUBCARRIERS,
)

BIN_SECONDS = 2e-6
SMOOTH_BINS = 10
BURST_SECONDS = BURST_LENGTH / SAMPLE_RATE
DURATION_TOLERANCE = 45e-6
NOISE_PERCENTILE = 10.0
EDGE_HZ = 1.0e6
MERGE_BINS = 10
"""Runs above the floor closer than 20 us are one run (noise dips inside a weak burst)."""


@dataclass(frozen=True, slots=True)
class BurstCandidate:
    """A stretch of samples with a DroneID burst's duration and bandwidth."""

    start: int
    """First sample of the stretch (index into the block given to `detect_bursts`)."""
    stop: int
    """One past the last sample of the stretch."""
    band_centre_hz: float
    """Centre of the occupied band relative to the recording's centre frequency."""
    band_width_hz: float
    power_over_noise_db: float


@numba.njit(cache=True, nogil=True)
def _bin_sums(values: NDArray[np.float32], width: int) -> NDArray[np.float64]:  # pragma: no cover
    count = len(values) // width
    out = np.empty(count)
    for i in range(count):
        total = np.float32(0.0)
        for j in range(i * width, (i + 1) * width):
            total += values[j] * values[j]
        out[i] = total
    return out


def bin_powers(samples: NDArray[np.complexfloating], bin_size: int) -> NDArray[np.float64]:
    """Mean power of consecutive `bin_size`-sample bins (the tail that does not fill a bin is
    left out). One pass over the samples, no temporaries: this is the per-sample cost of
    the whole receiver."""
    count = len(samples) // bin_size
    if count == 0:
        return np.zeros(0)
    values = np.ascontiguousarray(samples[: count * bin_size]).view(samples.real.dtype)
    return np.asarray(_bin_sums(values.astype(np.float32, copy=False), 2 * bin_size)) / bin_size


def detect_bursts(
    samples: NDArray[np.complexfloating], sample_rate: float
) -> tuple[list[BurstCandidate], float]:
    """Candidates in `samples` and the noise power per sample of the block."""
    bin_size = max(1, round(BIN_SECONDS * sample_rate))
    powers = bin_powers(samples, bin_size)
    if len(powers) < SMOOTH_BINS:
        return [], 0.0
    kernel = np.full(SMOOTH_BINS, 1.0 / SMOOTH_BINS)
    smooth = np.convolve(powers, kernel, mode="same")
    floor = max(float(np.percentile(smooth, NOISE_PERCENTILE)), np.finfo(np.float64).tiny)
    above = smooth > floor * 10 ** (1.0 / 10)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], above.view(np.int8), [0]))))
    runs = edges.reshape(-1, 2)
    if len(runs) > 1:
        keep = np.concatenate(([True], runs[1:, 0] - runs[:-1, 1] > MERGE_BINS))
        runs = np.column_stack(
            (runs[keep, 0], np.append(runs[np.flatnonzero(keep)[1:] - 1, 1], runs[-1, 1]))
        )
    candidates = []
    for first, last in runs:
        level = float(np.median(smooth[first:last]))
        # refine the edges at half the burst's level over the floor
        half = floor + (level - floor) / 2
        run = np.flatnonzero(smooth[first:last] > half)
        if len(run) == 0:
            continue
        lo, hi = first + run[0], first + run[-1] + 1
        duration = (hi - lo) * bin_size / sample_rate
        if abs(duration - BURST_SECONDS) > DURATION_TOLERANCE:
            continue
        start, stop = lo * bin_size, hi * bin_size
        band = occupied_band(samples[start:stop], sample_rate, floor)
        if band is None:
            continue
        centre, width = band
        candidates.append(
            BurstCandidate(
                start=int(start),
                stop=int(stop),
                band_centre_hz=float(centre),
                band_width_hz=float(width),
                power_over_noise_db=float(10 * np.log10(level / floor)),
            )
        )
    return candidates, floor


def occupied_band(
    window: NDArray[np.complexfloating], sample_rate: float, noise_power: float
) -> tuple[float, float] | None:
    """Centre and width (Hz) of a DroneID-wide band in `window`, or None when the power is
    not in one such band.

    The averaged spectrum is correlated with a 9.015 MHz box (the 601 subcarriers); the
    best position is the centre. The band counts as DroneID-wide when the 1 MHz just inside
    either edge is well above the noise (not a narrower signal) and the 1 MHz just outside
    either edge is near it (not the 20 MHz video downlink).
    """
    size = 1 << int(np.ceil(np.log2(sample_rate / 25e3)))
    segments = len(window) // size
    if segments == 0:
        return None
    spectra = np.fft.fft(window[: segments * size].reshape(segments, size), axis=1)
    excess = np.fft.fftshift((np.abs(spectra) ** 2).mean(axis=0)) / size - noise_power
    hz_per_bin = sample_rate / size
    width = round(USED_SUBCARRIERS * SUBCARRIER_SPACING / hz_per_bin)
    edge = max(1, round(EDGE_HZ / hz_per_bin))
    if width + 2 * edge >= size:
        return None
    running = np.concatenate(([0.0], np.cumsum(excess)))
    box = running[width:] - running[:-width]
    lo = int(np.argmax(box[edge : len(box) - edge])) + edge
    inside = box[lo] / width
    if inside <= 0:
        return None

    def mean(a: int, b: int) -> float:
        return float((running[b] - running[a]) / (b - a))

    inner = min(mean(lo, lo + edge), mean(lo + width - edge, lo + width))
    outer = max(mean(lo - edge, lo), mean(lo + width, lo + width + edge))
    if inner < 0.25 * inside or outer > 0.35 * inside:
        return None
    centre = (lo + width / 2 - 0.5 - size // 2) * hz_per_bin
    return centre, width * hz_per_bin
