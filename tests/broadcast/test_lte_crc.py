"""CRC-24A of LTE transport blocks (36.212 5.1.1), as DroneID bursts end in it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.lte.crc import append_crc24a, crc24a, crc24a_bits_ok

# g_CRC24A(D) exponents as printed in 36.212 section 5.1.1.
GENERATOR_EXPONENTS = (24, 23, 18, 17, 14, 11, 10, 7, 6, 5, 4, 3, 1, 0)


def reference_parity(message_bits: list[int]) -> list[int]:
    """Long division of message(D) * D^24 by g(D) over GF(2), one bit at a time."""
    generator = [1 if 24 - i in GENERATOR_EXPONENTS else 0 for i in range(25)]
    work = list(message_bits) + [0] * 24
    for i in range(len(message_bits)):
        if work[i]:
            for j, g in enumerate(generator):
                work[i + j] ^= g
    return work[-24:]


def to_bits(data: bytes) -> list[int]:
    return [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]


def test_check_value_of_the_crc_catalogue() -> None:
    # CRC RevEng catalogue, CRC-24/LTE-A: check = 0xCDE703 over the ASCII string "123456789".
    assert crc24a(b"123456789") == 0xCDE703


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_table_crc_equals_polynomial_division(data: bytes) -> None:
    parity = reference_parity(to_bits(data))
    assert crc24a(data) == int("".join(map(str, parity)), 2)


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_block_with_its_crc_attached_has_zero_remainder(data: bytes) -> None:
    block = append_crc24a(data)
    assert len(block) == len(data) + 3
    assert crc24a(block) == 0
    assert crc24a_bits_ok(np.array(to_bits(block), dtype=np.uint8))


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=173, max_size=173), st.integers(0, 176 * 8 - 1))
def test_any_single_bit_error_in_a_droneid_block_is_detected(data: bytes, flip: int) -> None:
    bits = np.array(to_bits(append_crc24a(data)), dtype=np.uint8)
    bits[flip] ^= 1
    assert not crc24a_bits_ok(bits)


def test_error_bursts_up_to_24_bits_are_detected() -> None:
    rng = np.random.default_rng(24)
    bits = np.array(to_bits(append_crc24a(rng.bytes(173))), dtype=np.uint8)
    for start in range(0, len(bits) - 24, 97):
        for length in (2, 7, 24):
            damaged = bits.copy()
            pattern = rng.integers(0, 2, length, dtype=np.uint8)
            pattern[0] = pattern[-1] = 1
            damaged[start : start + length] ^= pattern
            assert not crc24a_bits_ok(damaged)
