"""QPP interleaver parameters of the LTE turbo code (36.212 Table 5.1.3-3)."""

from __future__ import annotations

import numpy as np
import pytest

from dronevet.broadcast.dji.lte.qpp import QPP_TABLE, qpp_parameters, qpp_permutation
from dronevet.errors import BadInputError

# The block sizes of Table 5.1.3-3: steps of 8, 16, 32 and 64 bits.
SPEC_BLOCK_SIZES = (
    list(range(40, 513, 8))
    + list(range(528, 1025, 16))
    + list(range(1056, 2049, 32))
    + list(range(2112, 6145, 64))
)


def test_table_lists_every_block_size_of_the_spec_once() -> None:
    assert [k for k, _, _ in QPP_TABLE] == SPEC_BLOCK_SIZES
    assert len(QPP_TABLE) == 188


@pytest.mark.parametrize(("k", "f1", "f2"), QPP_TABLE)
def test_every_table_entry_is_a_permutation(k: int, f1: int, f2: int) -> None:
    perm = qpp_permutation(k)
    assert perm.shape == (k,)
    assert np.array_equal(np.sort(perm), np.arange(k))


@pytest.mark.parametrize(
    ("k", "f1", "f2"),
    # Rows read from Table 5.1.3-3: first, DroneID's K = 1408 (176 bytes), and last.
    [(40, 3, 10), (1408, 43, 88), (6144, 263, 480)],
)
def test_table_values_for_droneid_and_the_table_ends(k: int, f1: int, f2: int) -> None:
    assert qpp_parameters(k) == (f1, f2)
    perm = qpp_permutation(k)
    for i in (0, 1, 2, k // 2, k - 1):
        assert perm[i] == (f1 * i + f2 * i * i) % k


@pytest.mark.parametrize("k", [0, 39, 1409, 6208])
def test_block_size_outside_the_table_is_rejected(k: int) -> None:
    with pytest.raises(BadInputError):
        qpp_permutation(k)
