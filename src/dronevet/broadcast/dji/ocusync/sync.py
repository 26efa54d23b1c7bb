"""Bring a burst candidate to 15.36 Msps and find its start and frequency offset.

Steps, each cheap:
1. mix the candidate's band to 0 Hz (coarse offset from `detect.occupied_band`) and resample
   to 15.36 Msps with a polyphase filter (only the candidate's window is resampled);
2. timing and fractional frequency offset from the cyclic prefixes (van de Beek): the
   product x[n + 1024] x*[n], summed over the 9 prefixes at their known offsets, peaks at
   the burst start and its phase is 2 pi CFO 1024 / Fs (unambiguous within +-7.5 kHz);
3. the integer number of subcarriers left is found from the second ZC symbol (root 147):
   a shift of m subcarriers turns its sequence into itself delayed by about 250 m samples
   (ZC shift property), so the shift whose apparent delay is nearest zero is the right one
   (the root-600 symbol cannot tell: there a shift looks like a 1.7-sample delay);
4. the timing is refined from the phase slope across the ZC subcarriers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy import signal

from dronevet.broadcast.dji.ocusync.ofdm import (
    BURST_LENGTH,
    CYCLIC_PREFIXES,
    FFT_SIZE,
    SAMPLE_RATE,
    SUBCARRIER_SPACING,
    SYMBOL_STARTS,
    ZC_ROOTS,
    ZC_SYMBOLS,
    extract_grid,
    zadoff_chu,
)

SHORT_PREFIX = min(CYCLIC_PREFIXES)
INTEGER_SEARCH = 4
"""Integer subcarrier offsets tried on either side of the coarse estimate."""
FFT_BACKOFF = 3
"""Samples the FFT window is moved back into the cyclic prefix, to stay clear of the next
symbol when the timing is slightly late or the channel has echoes."""


@dataclass(frozen=True, slots=True)
class BurstTiming:
    """Where a burst starts in a 15.36 Msps window and how far off frequency it is."""

    start: int
    """Sample where the first cyclic prefix begins (FFT back-off included)."""
    cfo_hz: float
    """Frequency offset corrected in the window, on top of the coarse mix."""
    timing_metric: float
    """Normalised cyclic-prefix correlation at the start (0..1; about 0 for noise)."""


@cache
def _rational(sample_rate: float) -> tuple[int, int]:
    ratio = Fraction(SAMPLE_RATE / sample_rate).limit_denominator(4096)
    return ratio.numerator, ratio.denominator


@cache
def _resampling_filter(up: int, down: int) -> NDArray[np.float64]:
    # half-band of the slower side, with a narrower transition than scipy's default:
    # DroneID occupies +-4.5 MHz of the 15.36 MHz output, so a +-6 MHz passband is plenty
    rate = max(up, down)
    taps = 2 * 8 * rate + 1
    taper: NDArray[np.float64] = signal.firwin(taps, 0.92 / rate, window=("kaiser", 6.0))
    return taper * up


def to_ofdm_rate(
    window: NDArray[np.complexfloating], sample_rate: float, centre_hz: float
) -> NDArray[np.complex128]:
    """`window` mixed down by `centre_hz` and resampled from `sample_rate` to 15.36 Msps."""
    t = np.arange(len(window)) * (-2j * np.pi * centre_hz / sample_rate)
    mixed = window * np.exp(t)
    up, down = _rational(sample_rate)
    if up == down:
        return np.asarray(mixed, dtype=np.complex128)
    resampled = signal.resample_poly(mixed, up, down, window=_resampling_filter(up, down))
    return np.asarray(resampled, dtype=np.complex128)


def mix(samples: NDArray[np.complexfloating], offset_hz: float) -> NDArray[np.complex128]:
    """Shift `samples` (at 15.36 Msps) down in frequency by `offset_hz`."""
    phase = np.arange(len(samples)) * (-2j * np.pi * offset_hz / SAMPLE_RATE)
    return np.asarray(samples * np.exp(phase), dtype=np.complex128)


def cyclic_prefix_metric(
    samples: NDArray[np.complexfloating],
) -> tuple[NDArray[np.complex128], NDArray[np.float64]]:
    """Summed prefix correlation and the matching energy, for every candidate start."""
    products = samples[FFT_SIZE:] * np.conj(samples[:-FFT_SIZE])
    energy = np.abs(samples[FFT_SIZE:]) ** 2 + np.abs(samples[:-FFT_SIZE]) ** 2
    running = np.concatenate(([0], np.cumsum(products)))
    running_energy = np.concatenate(([0.0], np.cumsum(energy)))
    count = len(samples) - BURST_LENGTH + 1
    if count <= 0:
        return np.zeros(0, np.complex128), np.zeros(0)
    total = np.zeros(count, dtype=np.complex128)
    total_energy = np.zeros(count)
    for offset, prefix in zip(SYMBOL_STARTS, CYCLIC_PREFIXES, strict=True):
        first = offset + prefix - SHORT_PREFIX  # the last 72 samples of every prefix
        total += running[first + SHORT_PREFIX : first + SHORT_PREFIX + count]
        total -= running[first : first + count]
        total_energy += running_energy[first + SHORT_PREFIX : first + SHORT_PREFIX + count]
        total_energy -= running_energy[first : first + count]
    return total, total_energy


def _zc_differential(grid: NDArray[np.complex128]) -> float:
    score = 0.0
    for symbol, root in zip(ZC_SYMBOLS, ZC_ROOTS, strict=True):
        received = grid[symbol]
        expected = zadoff_chu(root)
        diff_rx = received[1:] * np.conj(received[:-1])
        diff_zc = expected[1:] * np.conj(expected[:-1])
        score += abs(np.vdot(diff_zc, diff_rx))
    return score


def _apparent_delay(products: NDArray[np.complex128]) -> float:
    """Delay in samples that the phase slope of least-squares channel values implies."""
    return float(-np.angle(np.vdot(products[:-1], products[1:])) * FFT_SIZE / (2 * np.pi))


def _integer_offset(grid: NDArray[np.complex128]) -> int:
    received = grid[ZC_SYMBOLS[1]]
    expected = np.conj(zadoff_chu(ZC_ROOTS[1]))
    shifts = range(-INTEGER_SEARCH, INTEGER_SEARCH + 1)
    return min(shifts, key=lambda m: abs(_apparent_delay(np.roll(received, -m) * expected)))


def _timing_error(grid: NDArray[np.complex128]) -> float:
    """Timing error in samples (positive: the FFT windows start late) from the ZC symbols."""
    slope = 0j
    for symbol, root in zip(ZC_SYMBOLS, ZC_ROOTS, strict=True):
        ls = grid[symbol] * np.conj(zadoff_chu(root))
        slope += np.vdot(ls[:-1], ls[1:])
    return float(np.angle(slope) * FFT_SIZE / (2 * np.pi))


def zc_score(grid: NDArray[np.complex128]) -> float:
    """Normalised differential correlation of the ZC symbols with their sequences: about 1
    for a clean DroneID burst, about 0.04 for noise or another signal."""
    power = sum(float(np.sum(np.abs(grid[symbol]) ** 2)) for symbol in ZC_SYMBOLS)
    return _zc_differential(grid) / max(power, np.finfo(np.float64).tiny)


def synchronise(
    samples: NDArray[np.complex128],
) -> tuple[BurstTiming | None, NDArray[np.complex128]]:
    """Timing and frequency of the burst in `samples` (15.36 Msps, burst near the middle),
    and the samples with that frequency offset removed; None when the window is shorter
    than a burst."""
    metric, energy = cyclic_prefix_metric(samples)
    if len(metric) == 0:
        return None, samples
    score = np.abs(metric) / np.maximum(energy / 2, np.finfo(np.float64).tiny)
    start = int(np.argmax(np.abs(metric)))
    fractional = float(np.angle(metric[start]) * SAMPLE_RATE / (2 * np.pi * FFT_SIZE))
    corrected = mix(samples, fractional)
    grid = extract_grid(corrected, start)
    best = _integer_offset(grid)
    cfo = fractional + best * SUBCARRIER_SPACING
    if best:
        corrected = mix(samples, cfo)
        grid = extract_grid(corrected, start)
    late = round(_timing_error(grid))
    limit = len(samples) - BURST_LENGTH
    start = min(max(start - late - FFT_BACKOFF, 0), limit)
    return BurstTiming(start=start, cfo_hz=cfo, timing_metric=float(score[start])), corrected
