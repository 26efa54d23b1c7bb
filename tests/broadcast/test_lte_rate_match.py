"""Rate matching of turbo-coded channels (36.212 5.1.4.1) with DroneID's D = 1412, E = 7200."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dronevet.broadcast.dji.lte.rate_match import rate_dematch, rate_match, rate_match_indices
from dronevet.errors import BadInputError

# Table 5.1.4-1, inter-column permutation pattern.
P = [0, 16, 8, 24, 4, 20, 12, 28, 2, 18, 10, 26, 6, 22, 14, 30,
     1, 17, 9, 25, 5, 21, 13, 29, 3, 19, 11, 27, 7, 23, 15, 31]  # fmt: skip
NULL = None


def reference_rate_match(d: list[list[int]], e_len: int, rv: int) -> list[int]:
    """36.212 5.1.4.1 step by step: matrices, permuted columns, circular buffer, selection."""
    d_len = len(d[0])
    rows = math.ceil(d_len / 32)
    k_pi = 32 * rows
    n_dummy = k_pi - d_len
    v = []
    for stream in (0, 1):
        y = [NULL] * n_dummy + d[stream]
        matrix = [y[r * 32 : (r + 1) * 32] for r in range(rows)]
        v.append([matrix[r][P[c]] for c in range(32) for r in range(rows)])
    y2 = [NULL] * n_dummy + d[2]
    v.append([y2[(P[k // rows] + 32 * (k % rows) + 1) % k_pi] for k in range(k_pi)])
    w = v[0] + [bit for pair in zip(v[1], v[2], strict=True) for bit in pair]
    n_cb = len(w)
    k0 = rows * (2 * math.ceil(n_cb / (8 * rows)) * rv + 2)
    out: list[int] = []
    j = 0
    while len(out) < e_len:
        candidate = w[(k0 + j) % n_cb]
        if candidate is not NULL:
            out.append(candidate)
        j += 1
    return out


@pytest.mark.parametrize(
    ("d_len", "e_len", "rv"),
    [(1412, 7200, 0), (1412, 7200, 2), (44, 100, 1), (44, 300, 3), (68, 150, 0), (6148, 5000, 0)],
)
def test_matches_the_spec_procedure(d_len: int, e_len: int, rv: int) -> None:
    d = np.random.default_rng(d_len + e_len + rv).integers(0, 2, (3, d_len), dtype=np.uint8)
    expected = reference_rate_match(d.tolist(), e_len, rv)
    assert rate_match(d, e_len, rv).tolist() == expected


def test_droneid_burst_sends_every_coded_bit_and_repeats_2964() -> None:
    counts = np.bincount(rate_match_indices(1412, 7200, 0), minlength=3 * 1412)
    assert counts.min() == 1
    assert int(np.sum(counts == 2)) == 7200 - 3 * 1412


def test_droneid_systematic_stream_sits_whole_at_bit_4148() -> None:
    # RUB-SysSec/DroneSecurity reads the 1412 systematic bits from offset 4148 of the burst.
    index = rate_match_indices(1412, 7200, 0)
    assert np.array_equal(np.sort(index[4148 : 4148 + 1412]), np.arange(1412))


def test_dematching_adds_up_the_copies_of_repeated_bits() -> None:
    d = np.random.default_rng(3).integers(0, 2, (3, 1412), dtype=np.uint8)
    llrs = 1.0 - 2.0 * rate_match(d, 7200).astype(np.float64)
    streams = rate_dematch(llrs, 1412)
    counts = np.bincount(rate_match_indices(1412, 7200, 0), minlength=3 * 1412).reshape(3, 1412)
    assert np.array_equal(streams, (1.0 - 2.0 * d) * counts)


def test_punctured_bits_get_zero_llr() -> None:
    llrs = np.ones(2000)
    streams = rate_dematch(llrs, 1412)
    assert np.count_nonzero(streams) == 2000
    assert streams.sum() == 2000


@pytest.mark.parametrize(("d_len", "e_len", "rv"), [(0, 10, 0), (10, 0, 0), (44, 100, 4)])
def test_bad_parameters_are_rejected(d_len: int, e_len: int, rv: int) -> None:
    with pytest.raises(BadInputError):
        rate_match_indices(d_len, e_len, rv)


def test_rate_matching_needs_three_streams() -> None:
    with pytest.raises(BadInputError):
        rate_match(np.zeros((2, 100), dtype=np.uint8), 300)
