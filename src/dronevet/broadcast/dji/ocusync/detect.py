"""Find DroneID burst candidates in a block of IQ samples, cheaply, at the recording's rate.

Detection runs before any resampling, so it must cost little per sample: the power of the
block is averaged over 2-microsecond bins (one pass over the samples), smoothed over 20
microseconds, and compared with the block's noise floor (a low percentile of the bins).
A run of bins above the floor whose length is that of a DroneID burst (643.2 us, 9
OFDM symbols) is a candidate. Each candidate's spectrum must then show one occupied band
7-11 MHz wide (601 subcarriers at 15 kHz span 9.015 MHz): this rejects the 20 MHz video
downlink and narrow control bursts, and its centre is the coarse frequency offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dronevet.broadcast.dji.ocusync.ofdm import BURST_LENGTH, SAMPLE_RATE

BIN_SECONDS = 2e-6
SMOOTH_BINS = 10
BURST_SECONDS = BURST_LENGTH / SAMPLE_RATE
DURATION_TOLERANCE = 45e-6
NOISE_PERCENTILE = 10.0
BAND_MIN_HZ = 7.0e6
BAND_MAX_HZ = 11.0e6


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


def bin_powers(samples: NDArray[np.complexfloating], bin_size: int) -> NDArray[np.float64]:
    """Mean power of consecutive `bin_size`-sample bins (the tail that does not fill a bin is
    left out)."""
    count = len(samples) // bin_size
    if count == 0:
        return np.zeros(0)
    pairs = samples[: count * bin_size].view(samples.real.dtype).reshape(count, 2 * bin_size)
    return np.einsum("ij,ij->i", pairs, pairs, dtype=np.float64) / bin_size


def detect_bursts(
    samples: NDArray[np.complexfloating],
    sample_rate: float,
    *,
    noise_power: float | None = None,
) -> tuple[list[BurstCandidate], float]:
    """Candidates in `samples` and the noise power per sample that was used.

    `noise_power` overrides the block's own estimate (the receiver passes the floor of a
    longer stretch when a block is mostly bursts).
    """
    bin_size = max(1, round(BIN_SECONDS * sample_rate))
    powers = bin_powers(samples, bin_size)
    if len(powers) < SMOOTH_BINS:
        return [], noise_power or 0.0
    kernel = np.full(SMOOTH_BINS, 1.0 / SMOOTH_BINS)
    smooth = np.convolve(powers, kernel, mode="same")
    floor = float(np.percentile(smooth, NOISE_PERCENTILE)) if noise_power is None else noise_power
    floor = max(floor, np.finfo(np.float64).tiny)
    above = smooth > floor * 10 ** (1.0 / 10)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], above.view(np.int8), [0]))))
    candidates = []
    for first, last in edges.reshape(-1, 2):
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
    """Centre and width (Hz) of the one 7-11 MHz band holding most power in `window`,
    or None when there is no such band."""
    size = 1 << int(np.ceil(np.log2(sample_rate / 25e3)))
    segments = len(window) // size
    if segments == 0:
        return None
    spectra = np.fft.fft(window[: segments * size].reshape(segments, size), axis=1)
    psd = np.fft.fftshift((np.abs(spectra) ** 2).mean(axis=0)) / size
    smooth = np.convolve(psd, np.full(9, 1 / 9), mode="same")
    peak = int(np.argmax(smooth))
    level = float(np.median(smooth[smooth > (smooth[peak] + noise_power) / 4]))
    half = noise_power + (level - noise_power) / 2
    inside = smooth > half
    # walk out from the peak to the first bins below half level on either side
    below = np.flatnonzero(~inside)
    left_edges = below[below < peak]
    right_edges = below[below > peak]
    if len(left_edges) == 0 or len(right_edges) == 0:
        return None
    left, right = left_edges[-1] + 0.5, right_edges[0] - 0.5
    hz_per_bin = sample_rate / size
    width = (right - left) * hz_per_bin
    if not BAND_MIN_HZ <= width <= BAND_MAX_HZ:
        return None
    centre = ((left + right) / 2 - size // 2) * hz_per_bin
    return centre, width
