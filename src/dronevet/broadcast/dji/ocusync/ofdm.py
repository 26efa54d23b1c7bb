"""OFDM numerology of a DroneID burst, and the FFT between samples and the subcarrier grid.

A DroneID burst at the receiver's working rate of 15.36 Msps (facts from the RUB-SysSec
DroneSecurity decoder and the proto17 dji_droneid notes, confirmed on the shared Mavic Air 2
recording by decoding it)::

    symbol (0-based)   0     1     2     3     4     5     6     7     8
    content           ref  data  data   ZC   data   ZC   data  data  data
    cyclic prefix      80    72    72    72    72    72    72    72    80   samples
    body             1024  1024  ... (FFT size 1024, 15 kHz subcarrier spacing)

Each symbol occupies 601 subcarriers, k = -300..300 (about 9.015 MHz). Data symbols carry
QPSK on the 600 subcarriers other than DC; the two Zadoff-Chu symbols carry a length-601
ZC sequence (roots 600 and 147) on all 601. The grid here is an array of shape
(symbols, 601), column `k + 300`, lowest frequency first.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

SAMPLE_RATE = 15.36e6
FFT_SIZE = 1024
SUBCARRIER_SPACING = SAMPLE_RATE / FFT_SIZE
USED_SUBCARRIERS = 601
HALF = USED_SUBCARRIERS // 2
CYCLIC_PREFIXES = (80, 72, 72, 72, 72, 72, 72, 72, 80)
SYMBOL_COUNT = len(CYCLIC_PREFIXES)
ZC_SYMBOLS = (3, 5)
ZC_ROOTS = (600, 147)
DATA_SYMBOLS = (1, 2, 4, 6, 7, 8)
BITS_PER_BURST = len(DATA_SYMBOLS) * (USED_SUBCARRIERS - 1) * 2

SYMBOL_STARTS = tuple(
    int(sum(cp + FFT_SIZE for cp in CYCLIC_PREFIXES[:i])) for i in range(SYMBOL_COUNT)
)
"""Offset of each symbol's cyclic prefix from the start of the burst, in samples."""
BODY_STARTS = tuple(s + cp for s, cp in zip(SYMBOL_STARTS, CYCLIC_PREFIXES, strict=True))
"""Offset of each symbol's FFT window (after its cyclic prefix) from the start of the burst."""
BURST_LENGTH = SYMBOL_STARTS[-1] + CYCLIC_PREFIXES[-1] + FFT_SIZE
"""9880 samples: 643.2 microseconds."""

_BINS = np.arange(-HALF, HALF + 1) % FFT_SIZE
DATA_COLUMNS = np.delete(np.arange(USED_SUBCARRIERS), HALF)
"""Grid columns of the 600 data subcarriers (all but DC)."""


@cache
def zadoff_chu(root: int) -> NDArray[np.complex128]:
    """The length-601 ZC sequence of `root` as placed on subcarriers -300..300."""
    n = np.arange(USED_SUBCARRIERS, dtype=np.float64)
    sequence = np.exp(-1j * np.pi * root * n * (n + 1) / USED_SUBCARRIERS)
    sequence.setflags(write=False)
    return np.asarray(sequence, dtype=np.complex128)


def grid_from_bodies(bodies: NDArray[np.complexfloating]) -> NDArray[np.complex128]:
    """FFT each row of `bodies` (symbols x 1024 samples) and keep the 601 used subcarriers."""
    spectrum = np.fft.fft(bodies, axis=-1)
    return np.asarray(spectrum[..., _BINS], dtype=np.complex128)


def bodies_from_grid(grid: NDArray[np.complexfloating]) -> NDArray[np.complex128]:
    """Inverse of `grid_from_bodies`: place the 601 subcarriers and IFFT to 1024 samples."""
    spectrum = np.zeros((*grid.shape[:-1], FFT_SIZE), dtype=np.complex128)
    spectrum[..., _BINS] = grid
    return np.asarray(np.fft.ifft(spectrum, axis=-1), dtype=np.complex128)


def extract_grid(samples: NDArray[np.complexfloating], start: int) -> NDArray[np.complex128]:
    """The (9, 601) subcarrier grid of a burst whose first cyclic prefix begins at `start`."""
    index = start + np.asarray(BODY_STARTS)[:, None] + np.arange(FFT_SIZE)[None, :]
    return grid_from_bodies(samples[index])


def burst_from_grid(grid: NDArray[np.complexfloating]) -> NDArray[np.complex128]:
    """Time-domain burst (9880 samples at 15.36 Msps) with cyclic prefixes from a (9, 601) grid."""
    bodies = bodies_from_grid(grid)
    parts = [
        np.concatenate((body[FFT_SIZE - cp :], body))
        for body, cp in zip(bodies, CYCLIC_PREFIXES, strict=True)
    ]
    return np.concatenate(parts)
