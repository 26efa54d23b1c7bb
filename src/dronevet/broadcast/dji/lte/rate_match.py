"""Rate matching of turbo-coded LTE transport channels (3GPP TS 36.212 section 5.1.4.1).

Each of the three streams d0, d1, d2 (D = K + 4 bits) goes through the sub-block interleaver:
R = ceil(D / 32) rows of 32 columns, N_D = 32R - D <NULL> bits in front, filled row by row,
columns permuted by P (Table 5.1.4-1) and read column by column. d2 is read with the shifted
pattern pi(k) = (P[k // R] + 32 * (k mod R) + 1) mod 32R. The circular buffer w holds v0, then
v1 and v2 interleaved bit by bit (K_w = 3 * 32R). Transmission reads E bits from
k0 = R * (2 * ceil(N_cb / (8R)) * rv + 2), skipping <NULL>s and wrapping around, so when
E > 3D bits are repeated. N_cb = K_w (no soft-buffer limit, as in the DroneID decoders).

DroneID: K = 1408, D = 1412, R = 45, N_D = 28, K_w = 4320 with 4236 real bits, E = 7200,
rv = 0 (k0 = 90): 2964 bits are sent twice. The systematic stream starts 4148 bits into the
burst (offset used by RUB-SysSec/DroneSecurity), consistent with these parameters.

The whole mapping is one index array (transmitted bit i = d.flat[index[i]]), so matching is a
gather and de-matching a `bincount` that adds the LLRs of repeated bits (soft combining).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dronevet.errors import BadInputError

SUBBLOCK_COLUMNS = 32
# Table 5.1.4-1: inter-column permutation pattern of the sub-block interleaver.
COLUMN_PERMUTATION = np.array(
    [0, 16, 8, 24, 4, 20, 12, 28, 2, 18, 10, 26, 6, 22, 14, 30,
     1, 17, 9, 25, 5, 21, 13, 29, 3, 19, 11, 27, 7, 23, 15, 31],
    dtype=np.int64,
)  # fmt: skip
_NULL = -1


def _subblock_read_order(d_len: int, *, shifted: bool) -> npt.NDArray[np.int64]:
    """Index into the stream read at each interleaver output position (-1 for <NULL>)."""
    rows = -(-d_len // SUBBLOCK_COLUMNS)
    k_pi = rows * SUBBLOCK_COLUMNS
    n_dummy = k_pi - d_len
    k = np.arange(k_pi, dtype=np.int64)
    y_index = COLUMN_PERMUTATION[k // rows] + SUBBLOCK_COLUMNS * (k % rows)
    if shifted:
        y_index = (y_index + 1) % k_pi
    d_index = y_index - n_dummy
    d_index[d_index < 0] = _NULL
    return d_index


@lru_cache(maxsize=8)
def _indices(d_len: int, e_len: int, rv: int) -> npt.NDArray[np.int64]:
    v0 = _subblock_read_order(d_len, shifted=False)
    v2 = _subblock_read_order(d_len, shifted=True)
    k_pi = v0.shape[0]
    rows = k_pi // SUBBLOCK_COLUMNS
    w = np.empty(3 * k_pi, dtype=np.int64)
    w[:k_pi] = v0
    w[k_pi::2] = np.where(v0 >= 0, v0 + d_len, _NULL)
    w[k_pi + 1 :: 2] = np.where(v2 >= 0, v2 + 2 * d_len, _NULL)
    n_cb = w.shape[0]
    k0 = rows * (2 * -(-n_cb // (8 * rows)) * rv + 2)
    circular = np.roll(w, -k0)
    circular = circular[circular != _NULL]
    index = np.resize(circular, e_len)
    index.setflags(write=False)
    return index


def rate_match_indices(d_len: int, e_len: int, rv: int = 0) -> npt.NDArray[np.int64]:
    """For each of the `e_len` transmitted bits, its flat index into the (3, d_len) streams."""
    if d_len < 1 or e_len < 1:
        raise BadInputError(f"rate matching needs D >= 1 and E >= 1 (got D={d_len}, E={e_len})")
    if rv not in (0, 1, 2, 3):
        raise BadInputError(f"redundancy version must be 0..3 (got {rv})")
    return _indices(d_len, e_len, rv)


def rate_match(d: npt.NDArray[np.uint8], e_len: int, rv: int = 0) -> npt.NDArray[np.uint8]:
    """The `e_len` bits sent for the (3, D) turbo-coded streams `d`, in transmission order."""
    if d.ndim != 2 or d.shape[0] != 3:
        raise BadInputError(f"rate matching expects 3 coded streams, got shape {d.shape}")
    return d.ravel()[rate_match_indices(d.shape[1], e_len, rv)]


def rate_dematch(llrs: npt.NDArray[np.float64], d_len: int, rv: int = 0) -> npt.NDArray[np.float64]:
    """(3, d_len) stream LLRs from received LLRs; repeated bits add up, unsent bits get 0."""
    index = rate_match_indices(d_len, len(llrs), rv)
    combined = np.bincount(index, weights=llrs, minlength=3 * d_len)
    return combined.astype(np.float64, copy=False).reshape(3, d_len)
