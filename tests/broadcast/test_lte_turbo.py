"""LTE turbo encoder (36.212 5.1.3.2) and the max-log-MAP turbo decoder."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.lte.qpp import qpp_permutation
from dronevet.broadcast.dji.lte.turbo_decode import turbo_decode
from dronevet.broadcast.dji.lte.turbo_encode import turbo_encode
from dronevet.errors import BadInputError


def reference_rsc(bits: list[int]) -> tuple[list[int], list[int], list[int], list[int]]:
    """Shift register of G(D) = [1, (1 + D + D^3) / (1 + D^2 + D^3)] with 36.212 termination.

    Returns parity, tail systematic, tail parity and the final register contents.
    """
    reg = [0, 0, 0]  # D, D^2, D^3
    parity = []
    for c in bits:
        a = c ^ reg[1] ^ reg[2]
        parity.append(a ^ reg[0] ^ reg[2])
        reg = [a, reg[0], reg[1]]
    tail_x, tail_z = [], []
    for _ in range(3):  # switch moved to the feedback: the input cancels it
        x = reg[1] ^ reg[2]
        tail_x.append(x)
        tail_z.append(0 ^ reg[0] ^ reg[2])
        reg = [0, reg[0], reg[1]]
    return parity, tail_x, tail_z, reg


def test_streams_follow_the_spec_layout_for_a_droneid_block() -> None:
    k = 1408
    bits = np.random.default_rng(1408).integers(0, 2, k, dtype=np.uint8)
    d = turbo_encode(bits)
    z, x_tail, z_tail, final = reference_rsc(bits.tolist())
    z2, x2_tail, z2_tail, final2 = reference_rsc(bits[qpp_permutation(k)].tolist())
    assert final == final2 == [0, 0, 0]  # both encoders end in state 0
    assert d.shape == (3, k + 4)
    assert np.array_equal(d[0, :k], bits)  # systematic bits are the input
    assert d[1, :k].tolist() == z
    assert d[2, :k].tolist() == z2
    # 36.212 5.1.3.2.2: d0 = x_K z_K+1 x'_K z'_K+1, d1 = z_K x_K+2 z'_K x'_K+2,
    # d2 = x_K+1 z_K+2 x'_K+1 z'_K+2.
    assert d[0, k:].tolist() == [x_tail[0], z_tail[1], x2_tail[0], z2_tail[1]]
    assert d[1, k:].tolist() == [z_tail[0], x_tail[2], z2_tail[0], x2_tail[2]]
    assert d[2, k:].tolist() == [x_tail[1], z_tail[2], x2_tail[1], z2_tail[2]]


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([40, 128, 1408]), st.integers(0, 2**32 - 1))
def test_code_is_linear(k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, k, dtype=np.uint8)
    b = rng.integers(0, 2, k, dtype=np.uint8)
    assert np.array_equal(turbo_encode(a ^ b), turbo_encode(a) ^ turbo_encode(b))


def test_encoder_rejects_non_bits_and_unknown_sizes() -> None:
    with pytest.raises(BadInputError):
        turbo_encode(np.full(40, 2, dtype=np.uint8))
    with pytest.raises(BadInputError):
        turbo_encode(np.zeros(41, dtype=np.uint8))


def bpsk_llrs(d: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    received = (1.0 - 2.0 * d) + rng.normal(0.0, sigma, d.shape)
    return 2.0 * received / sigma**2


@pytest.mark.parametrize("k", [40, 512, 1408])
def test_noise_free_streams_decode_in_one_iteration(k: int) -> None:
    bits = np.random.default_rng(k).integers(0, 2, k, dtype=np.uint8)
    decoding = turbo_decode(4.0 * (1.0 - 2.0 * turbo_encode(bits)), max_iterations=1)
    assert decoding.iterations == 1
    assert np.array_equal(decoding.bits, bits)


def test_decoder_corrects_a_noisy_rate_one_third_block() -> None:
    # Eb/N0 = 1.5 dB at rate 1/3: the hard decisions of the systematic bits carry
    # about 9% errors, the turbo decoder removes them all.
    rng = np.random.default_rng(2024)
    k = 1408
    bits = rng.integers(0, 2, k, dtype=np.uint8)
    sigma = float(np.sqrt(1.0 / (2.0 * (k / (3 * k + 12)) * 10 ** (1.5 / 10))))
    llrs = bpsk_llrs(turbo_encode(bits), sigma, rng)
    assert np.count_nonzero((llrs[0, :k] < 0) != bits) > 80
    decoding = turbo_decode(llrs, max_iterations=8)
    assert np.array_equal(decoding.bits, bits)


def test_stop_test_ends_decoding_as_soon_as_it_passes() -> None:
    rng = np.random.default_rng(5)
    bits = rng.integers(0, 2, 1408, dtype=np.uint8)
    llrs = bpsk_llrs(turbo_encode(bits), 1.0, rng)
    seen: list[int] = []

    def stop(decided: np.ndarray) -> bool:
        seen.append(int(np.count_nonzero(decided != bits)))
        return seen[-1] == 0

    decoding = turbo_decode(llrs, max_iterations=8, stop=stop)
    assert decoding.stopped_early
    assert seen[0] > 0  # the channel decisions alone were wrong
    assert decoding.iterations == len(seen) - 1 < 8


def test_stop_test_that_never_passes_runs_every_iteration() -> None:
    llrs = np.random.default_rng(6).normal(0.0, 1.0, (3, 1412))
    decoding = turbo_decode(llrs, max_iterations=3, stop=lambda _: False)
    assert decoding.iterations == 3
    assert not decoding.stopped_early


@pytest.mark.parametrize(
    "llrs", [np.zeros((2, 1412)), np.zeros((3, 1413)), np.full((3, 1412), np.nan)]
)
def test_decoder_rejects_malformed_stream_llrs(llrs: np.ndarray) -> None:
    with pytest.raises(BadInputError):
        turbo_decode(llrs)


def test_decoder_rejects_zero_iterations() -> None:
    with pytest.raises(BadInputError):
        turbo_decode(np.zeros((3, 1412)), max_iterations=0)


def test_huge_llrs_do_not_overflow_the_path_metrics() -> None:
    bits = np.random.default_rng(9).integers(0, 2, 1408, dtype=np.uint8)
    decoding = turbo_decode(1e300 * (1.0 - 2.0 * turbo_encode(bits)))
    assert np.all(np.isfinite(decoding.llrs))
    assert np.array_equal(decoding.bits, bits)


@pytest.mark.parametrize("scale", [1e-6, 1e3, 1e9])
def test_decisions_do_not_depend_on_the_receivers_llr_scale(scale: float) -> None:
    rng = np.random.default_rng(10)
    bits = rng.integers(0, 2, 1408, dtype=np.uint8)
    llrs = bpsk_llrs(turbo_encode(bits), 1.2, rng)
    base = turbo_decode(llrs, max_iterations=4)
    scaled = turbo_decode(scale * llrs, max_iterations=4)
    assert np.array_equal(scaled.bits, base.bits)
    assert np.allclose(scaled.llrs, scale * base.llrs, rtol=1e-9, atol=0.0)
