"""Channel, phase drift and noise estimated from the two Zadoff-Chu symbols of a burst.

The least-squares channel of each ZC symbol is the received subcarrier divided by the known
sequence (|ZC| = 1, so a product with its conjugate). Between symbols 3 and 5 a residual
frequency offset turns the phase by a constant per symbol; that rotation is measured,
removed and then applied again to every symbol by its index, so data symbols away from the
ZC symbols are equalised with the right phase. The two estimates are averaged and smoothed
across frequency (after removing the phase slope a timing error leaves, so that the slope
does not cancel itself in the average). Their difference measures the noise variance,
from which come the soft-bit weights and the reported SNR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d

from dronevet.broadcast.dji.ocusync.ofdm import (
    FFT_SIZE,
    SAMPLE_RATE,
    SYMBOL_COUNT,
    ZC_ROOTS,
    ZC_SYMBOLS,
    zadoff_chu,
)

SMOOTHING_SUBCARRIERS = 9
"""Moving-average width across frequency: 135 kHz, well inside the coherence bandwidth of
the short echoes a DroneID burst meets (the 4.7 us cyclic prefix bounds them)."""


@dataclass(frozen=True, slots=True)
class ChannelEstimate:
    """Per-symbol, per-subcarrier channel of a burst and what it says about the link."""

    gains: NDArray[np.complex128]
    """(9, 601) complex gain of every symbol and subcarrier."""
    noise_variance: float
    """Complex noise variance per subcarrier, on the grid's scale."""
    snr_db: float
    """Mean channel power over noise variance (per-subcarrier Es/N0)."""
    residual_cfo_hz: float
    """Frequency offset left after synchronisation, tracked as phase per symbol."""


def estimate_channel(grid: NDArray[np.complex128]) -> ChannelEstimate:
    """Channel estimate of the burst whose (9, 601) subcarrier grid is `grid`."""
    first, second = (
        grid[symbol] * np.conj(zadoff_chu(root))
        for symbol, root in zip(ZC_SYMBOLS, ZC_ROOTS, strict=True)
    )
    gap = ZC_SYMBOLS[1] - ZC_SYMBOLS[0]
    step = float(np.angle(np.vdot(first, second))) / gap
    half_turn = np.exp(0.5j * step * gap)
    difference = first * half_turn - second / half_turn
    noise_variance = max(float(np.mean(np.abs(difference) ** 2)) / 2, 1e-30)
    average = (first * half_turn + second / half_turn) / 2
    slope = np.angle(np.vdot(average[:-1], average[1:]))
    ramp = np.exp(1j * slope * np.arange(len(average)))
    flat = average / ramp
    smooth = uniform_filter1d(flat.real, SMOOTHING_SUBCARRIERS, mode="nearest") + 1j * (
        uniform_filter1d(flat.imag, SMOOTHING_SUBCARRIERS, mode="nearest")
    )
    centre = (ZC_SYMBOLS[0] + ZC_SYMBOLS[1]) / 2
    rotation = np.exp(1j * step * (np.arange(SYMBOL_COUNT) - centre))
    gains = rotation[:, None] * (smooth * ramp)[None, :]
    # the ZC-symbol difference also holds what smoothing removes from the channel estimate;
    # the symbol spacing in time converts the phase step to hertz
    symbol_seconds = (FFT_SIZE + 72) / SAMPLE_RATE
    snr = float(np.mean(np.abs(smooth) ** 2)) / noise_variance
    return ChannelEstimate(
        gains=gains,
        noise_variance=noise_variance,
        snr_db=float(10 * np.log10(max(snr, 1e-12))),
        residual_cfo_hz=step / (2 * np.pi * symbol_seconds),
    )
