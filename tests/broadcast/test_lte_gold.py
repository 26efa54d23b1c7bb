"""LTE Gold sequence (36.211 7.2) that scrambles the 7200 bits of a DroneID burst."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.lte.gold import (
    DRONEID_C_INIT,
    descramble_llrs,
    gold_sequence,
    scramble_bits,
)
from dronevet.errors import BadInputError


def reference_gold(c_init: int, length: int, nc: int = 1600) -> list[int]:
    """36.211 7.2 written out literally: two m-sequences, one bit per step."""
    total = nc + length + 31
    x1 = [1] + [0] * (total - 1)
    x2 = [(c_init >> i) & 1 for i in range(31)] + [0] * (total - 31)
    for n in range(total - 31):
        x1[n + 31] = (x1[n + 3] + x1[n]) % 2
        x2[n + 31] = (x2[n + 3] + x2[n + 2] + x2[n + 1] + x2[n]) % 2
    return [(x1[n + nc] + x2[n + nc]) % 2 for n in range(length)]


def test_droneid_scrambler_matches_the_definition_over_a_whole_burst() -> None:
    assert gold_sequence(DRONEID_C_INIT, 7200).tolist() == reference_gold(0x12345678, 7200)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, (1 << 31) - 1), st.integers(0, 300), st.sampled_from([0, 5, 1600]))
def test_any_c_init_matches_the_definition(c_init: int, length: int, nc: int) -> None:
    assert gold_sequence(c_init, length, nc=nc).tolist() == reference_gold(c_init, length, nc)


def test_c_init_counts_x2_0_as_least_significant_bit() -> None:
    # c_init = 1 sets x2(0) only; with Nc = 0 the first output is x1(0) + x2(0) = 1 + 1 = 0,
    # and c_init = 2 (x2(1)) gives x1(0) + x2(0) = 1.
    assert gold_sequence(1, 1, nc=0)[0] == 0
    assert gold_sequence(2, 1, nc=0)[0] == 1


def test_scrambling_twice_restores_the_bits() -> None:
    bits = np.random.default_rng(7).integers(0, 2, 7200, dtype=np.uint8)
    scrambled = scramble_bits(bits, DRONEID_C_INIT)
    assert np.count_nonzero(scrambled != bits) > 3000
    assert np.array_equal(scramble_bits(scrambled, DRONEID_C_INIT), bits)


def test_descrambling_llrs_flips_the_sign_where_the_gold_bit_is_one() -> None:
    bits = np.random.default_rng(8).integers(0, 2, 7200, dtype=np.uint8)
    sent = scramble_bits(bits, DRONEID_C_INIT)
    llrs = 3.0 * (1.0 - 2.0 * sent)  # positive LLR = bit 0
    recovered = (descramble_llrs(llrs, DRONEID_C_INIT) < 0).astype(np.uint8)
    assert np.array_equal(recovered, bits)


@pytest.mark.parametrize(("c_init", "length"), [(-1, 10), (1 << 31, 10), (5, -1)])
def test_out_of_range_parameters_are_rejected(c_init: int, length: int) -> None:
    with pytest.raises(BadInputError):
        gold_sequence(c_init, length)
