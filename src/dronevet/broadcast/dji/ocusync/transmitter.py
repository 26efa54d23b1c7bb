"""A DroneID transmitter model, to test and measure the receiver on known frames.

Frame: flight-information frame (91 bytes with its CRC-16, `ocusync.payload`) padded with
zeros to the 173-byte transport block -> `dronevet.broadcast.dji.lte.chain.encode_codeword`
(CRC-24, turbo code, rate matching, scrambling) -> 7200 bits -> QPSK on the six data
symbols -> the two ZC symbols -> OFDM with cyclic prefixes at 15.36 Msps.
Symbol 0 carries QPSK of the first 1200 bits of the scrambling Gold sequence, which is what
DroneSecurity compares it with (its check is disabled there; unverified); the receiver does
not use it. The DC subcarrier is left empty in every symbol.

Impairments, applied in this order: multipath (taps at 15.36 Msps sample delays), timing
offset and sample-clock error (one interpolation from an 8x oversampled copy), resampling
to the recording's rate, frequency offset, then white Gaussian noise at an SNR defined as
Es/N0 per occupied subcarrier (unit-power QPSK over the noise in one 15 kHz subcarrier).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import signal

from dronevet.broadcast.dji.flight_info import DjiFlightInfo
from dronevet.broadcast.dji.lte.chain import DATA_BYTES, encode_codeword
from dronevet.broadcast.dji.lte.gold import DRONEID_C_INIT, gold_sequence
from dronevet.broadcast.dji.ocusync.demap import data_grid, qpsk_symbols
from dronevet.broadcast.dji.ocusync.ofdm import (
    DATA_COLUMNS,
    DATA_SYMBOLS,
    FFT_SIZE,
    HALF,
    SAMPLE_RATE,
    SYMBOL_COUNT,
    USED_SUBCARRIERS,
    ZC_ROOTS,
    ZC_SYMBOLS,
    burst_from_grid,
    zadoff_chu,
)
from dronevet.broadcast.dji.ocusync.payload import build_flight_info

OVERSAMPLING = 8


@dataclass(frozen=True, slots=True)
class Impairments:
    """What the air and a cheap radio do to a burst."""

    snr_db: float | None = None
    """Es/N0 per subcarrier; None: no noise."""
    cfo_hz: float = 0.0
    delay_samples: float = 0.0
    """Extra delay of the burst, in 15.36 Msps samples (fractions allowed)."""
    clock_ppm: float = 0.0
    """Sample-clock error of the receiver in parts per million."""
    multipath: tuple[tuple[int, complex], ...] = ()
    """Echo taps (delay in 15.36 Msps samples, complex gain) added to the direct path."""


def transport_block(payload: bytes) -> bytes:
    """The 173-byte transport block carrying `payload` (zero padded)."""
    return payload.ljust(DATA_BYTES, b"\0")[:DATA_BYTES]


def burst_grid(block: bytes) -> NDArray[np.complex128]:
    """The (9, 601) subcarrier grid of one burst carrying a 173-byte transport block."""
    grid = np.zeros((SYMBOL_COUNT, USED_SUBCARRIERS), dtype=np.complex128)
    grid[np.asarray(DATA_SYMBOLS)[:, None], DATA_COLUMNS[None, :]] = data_grid(
        encode_codeword(block)
    )
    reference = gold_sequence(DRONEID_C_INIT, 2 * len(DATA_COLUMNS))
    grid[0, DATA_COLUMNS] = qpsk_symbols(reference)
    for symbol, root in zip(ZC_SYMBOLS, ZC_ROOTS, strict=True):
        grid[symbol] = zadoff_chu(root)
        grid[symbol, HALF] = 0
    return grid


def burst_samples(frame: DjiFlightInfo | bytes) -> NDArray[np.complex128]:
    """The clean burst at 15.36 Msps (9880 samples; per-sample power about 601 / 1024^2)."""
    payload = build_flight_info(frame) if isinstance(frame, DjiFlightInfo) else frame
    return burst_from_grid(burst_grid(transport_block(payload)))


def noise_std(snr_db: float, sample_rate: float) -> float:
    """Per-component noise standard deviation giving Es/N0 `snr_db` at `sample_rate`."""
    variance = sample_rate / SAMPLE_RATE / (FFT_SIZE * 10 ** (snr_db / 10))
    return float(np.sqrt(variance / 2))


def impair(
    burst: NDArray[np.complex128],
    impairments: Impairments,
    *,
    sample_rate: float = SAMPLE_RATE,
    length: int,
    offset: int,
    rng: np.random.Generator,
) -> NDArray[np.complex64]:
    """`length` samples at `sample_rate` holding `burst` (at 15.36 Msps) from sample
    `offset` on, with `impairments` applied (noise over the whole length)."""
    echoed = burst.astype(np.complex128)
    if impairments.multipath:
        longest = max(delay for delay, _ in impairments.multipath)
        echoed = np.concatenate((echoed, np.zeros(longest, np.complex128)))
        for delay, gain in impairments.multipath:
            echoed[delay : delay + len(burst)] += gain * burst
    fine = signal.resample_poly(echoed, OVERSAMPLING, 1)
    out = np.zeros(length, dtype=np.complex128)
    span = int(np.ceil(len(echoed) * sample_rate / SAMPLE_RATE)) + 2
    stop = min(length, offset + span)
    if stop > offset:
        n = np.arange(stop - offset, dtype=np.float64)
        clock = 1 + impairments.clock_ppm * 1e-6
        position = (n * clock * SAMPLE_RATE / sample_rate - impairments.delay_samples)
        position *= OVERSAMPLING
        grid = np.arange(len(fine), dtype=np.float64)
        part = np.interp(position, grid, fine.real, left=0, right=0) + 1j * np.interp(
            position, grid, fine.imag, left=0, right=0
        )
        if impairments.cfo_hz:
            part *= np.exp(2j * np.pi * impairments.cfo_hz / sample_rate * (n + offset))
        out[offset:stop] = part
    if impairments.snr_db is not None:
        std = noise_std(impairments.snr_db, sample_rate)
        out += rng.normal(0, std, length) + 1j * rng.normal(0, std, length)
    return out.astype(np.complex64)
