"""The channel coding of one DroneID burst: 173 bytes <-> 7200 scrambled coded bits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.lte.chain import (
    CODED_BITS,
    DATA_BYTES,
    decode_codeword,
    encode_codeword,
    systematic_llrs,
)
from dronevet.broadcast.dji.lte.crc import crc24a, crc24a_bits_ok
from dronevet.errors import BadInputError

# Es/N0 of -6 dB per coded bit (noise variance 2 per real dimension) is Eb/N0 = 1.1 dB at
# DroneID's rate 1408/7200: the turbo decoder's working region, hopeless for the systematic
# bits alone, which need about 13 dB more for 90% of blocks (measured by bench/bench_turbo.py).
HARD_SIGMA = np.sqrt(2.0)


def noisy_burst(block: bytes, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """LLRs (log P(0)/P(1)) of a BPSK-modulated burst after an AWGN channel."""
    received = (1.0 - 2.0 * encode_codeword(block)) + rng.normal(0.0, sigma, CODED_BITS)
    return 2.0 * received / sigma**2


def systematic_decodes(llrs: np.ndarray) -> bool:
    return crc24a_bits_ok((systematic_llrs(llrs) < 0).astype(np.uint8))


def test_encoded_burst_has_7200_bits() -> None:
    bits = encode_codeword(bytes(range(DATA_BYTES)))
    assert bits.shape == (CODED_BITS,)
    assert bits.dtype == np.uint8
    assert set(np.unique(bits)) <= {0, 1}


@settings(max_examples=15, deadline=None)
@given(st.binary(min_size=DATA_BYTES, max_size=DATA_BYTES))
def test_noise_free_bursts_round_trip(block: bytes) -> None:
    result = decode_codeword(3.0 * (1.0 - 2.0 * encode_codeword(block)))
    assert result.crc24_ok
    assert result.block == block
    assert result.iterations == 0  # the channel decisions already pass the CRC


def test_hard_bits_are_the_transport_block_with_its_crc() -> None:
    block = bytes(np.random.default_rng(1).integers(0, 256, DATA_BYTES, dtype=np.uint8))
    result = decode_codeword(1.0 - 2.0 * encode_codeword(block))
    transport = np.packbits(result.hard_bits).tobytes()
    assert transport[:DATA_BYTES] == block
    assert crc24a(transport) == 0


def test_turbo_decoding_recovers_bursts_the_systematic_bits_cannot() -> None:
    rng = np.random.default_rng(20230227)
    turbo_ok = systematic_ok = 0
    for _ in range(10):
        block = rng.bytes(DATA_BYTES)
        llrs = noisy_burst(block, HARD_SIGMA, rng)
        result = decode_codeword(llrs)
        turbo_ok += result.block == block
        systematic_ok += systematic_decodes(llrs)
    assert turbo_ok >= 9
    assert systematic_ok == 0


def test_both_decode_a_clean_burst() -> None:
    # Es/N0 = +10 dB: few enough errors for the systematic bits alone.
    rng = np.random.default_rng(11)
    block = rng.bytes(DATA_BYTES)
    llrs = noisy_burst(block, np.sqrt(0.05), rng)
    assert systematic_decodes(llrs)
    assert decode_codeword(llrs).block == block


def test_iterations_stop_early_once_the_crc_holds() -> None:
    rng = np.random.default_rng(12)
    block = rng.bytes(DATA_BYTES)
    llrs = noisy_burst(block, HARD_SIGMA, rng)
    result = decode_codeword(llrs, max_iterations=16)
    assert result.crc24_ok
    assert 1 <= result.iterations < 16
    capped = decode_codeword(llrs, max_iterations=1)
    assert capped.iterations == 1
    assert not capped.crc24_ok and capped.block is None


def test_failed_burst_reports_crc_failure_with_hard_bits() -> None:
    rng = np.random.default_rng(13)
    llrs = noisy_burst(rng.bytes(DATA_BYTES), 4.0, rng)  # Es/N0 = -15 dB
    result = decode_codeword(llrs, max_iterations=4)
    assert not result.crc24_ok
    assert result.block is None
    assert result.iterations == 4
    assert result.hard_bits.shape == (1408,)


def test_llr_sign_convention_positive_means_zero() -> None:
    block = bytes(DATA_BYTES)
    llrs = 2.0 * (1.0 - 2.0 * encode_codeword(block))
    assert decode_codeword(llrs).block == block
    assert not decode_codeword(-llrs).crc24_ok


def test_systematic_llrs_follow_transport_block_order() -> None:
    block = bytes(np.random.default_rng(14).integers(0, 256, DATA_BYTES, dtype=np.uint8))
    llrs = 1.0 - 2.0 * encode_codeword(block)
    sys = systematic_llrs(llrs)
    assert sys.shape == (1408,)
    assert np.packbits((sys < 0).astype(np.uint8)).tobytes()[:DATA_BYTES] == block


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_random_llrs_never_crash_and_fail_the_crc(seed: int) -> None:
    llrs = np.random.default_rng(seed).normal(0.0, 3.0, CODED_BITS)
    result = decode_codeword(llrs, max_iterations=2)
    assert not result.crc24_ok


@pytest.mark.parametrize(
    "llrs",
    [
        np.zeros(7199),
        np.zeros((2, 3600)),
        np.where(np.arange(7200) == 17, np.nan, 1.0),
        np.where(np.arange(7200) == 5, np.inf, 1.0),
        np.zeros(7200, dtype=np.complex64),
        np.array(["1"] * 7200),
    ],
)
def test_malformed_llrs_are_rejected(llrs: np.ndarray) -> None:
    with pytest.raises(BadInputError):
        decode_codeword(llrs)
    with pytest.raises(BadInputError):
        systematic_llrs(llrs)


def test_nan_position_is_named() -> None:
    with pytest.raises(BadInputError, match="LLR 17"):
        decode_codeword(np.where(np.arange(7200) == 17, np.nan, 1.0))


@pytest.mark.parametrize("size", [0, 172, 176])
def test_encoder_takes_exactly_173_data_bytes(size: int) -> None:
    with pytest.raises(BadInputError):
        encode_codeword(bytes(size))
