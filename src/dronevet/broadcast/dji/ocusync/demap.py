"""QPSK between bits and subcarriers, with soft decisions (log-likelihood ratios).

Mapping (LTE, 3GPP TS 36.211 section 7.1.2): bits (b0, b1) -> ((1 - 2 b0) + j (1 - 2 b1)) / sqrt 2.
The shared Mavic Air 2 recording decodes with CRC-24 under this mapping once the channel
is equalised against the ZC symbols, which fixes the absolute phase (DroneSecurity, which
does not equalise, tries the four rotations instead).

The 7200 coded bits of a burst fill data symbols 1, 2, 4, 6, 7, 8 in order, each symbol's
600 non-DC subcarriers from the lowest frequency up, two bits per subcarrier.
An LLR is log P(b = 0) / P(b = 1): for y = H s + n with complex noise variance N0,
LLR(b0) = 2 sqrt 2 Re(H* y) / N0 and LLR(b1) = 2 sqrt 2 Im(H* y) / N0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dronevet.broadcast.dji.ocusync.equalize import ChannelEstimate
from dronevet.broadcast.dji.ocusync.ofdm import DATA_COLUMNS, DATA_SYMBOLS

_SCALE = 1 / np.sqrt(2)


def qpsk_llrs(grid: NDArray[np.complex128], channel: ChannelEstimate) -> NDArray[np.float32]:
    """The 7200 LLRs of a burst's data subcarriers, in transmission order."""
    rows = np.asarray(DATA_SYMBOLS)[:, None]
    received = grid[rows, DATA_COLUMNS[None, :]]
    gains = channel.gains[rows, DATA_COLUMNS[None, :]]
    matched = np.conj(gains) * received * (2 * np.sqrt(2) / channel.noise_variance)
    llrs = np.empty((*matched.shape, 2), dtype=np.float32)
    llrs[..., 0] = matched.real
    llrs[..., 1] = matched.imag
    return llrs.reshape(-1)


def qpsk_symbols(bits: NDArray[np.integer]) -> NDArray[np.complex128]:
    """Unit-power QPSK symbols for an even number of bits (0/1)."""
    pairs = np.asarray(bits, dtype=np.float64).reshape(-1, 2)
    symbols = ((1 - 2 * pairs[:, 0]) + 1j * (1 - 2 * pairs[:, 1])) * _SCALE
    return np.asarray(symbols, dtype=np.complex128)


def data_grid(bits: NDArray[np.integer]) -> NDArray[np.complex128]:
    """The (6, 600) QPSK symbols carrying 7200 coded bits, in data-symbol order."""
    return qpsk_symbols(bits).reshape(len(DATA_SYMBOLS), len(DATA_COLUMNS))
