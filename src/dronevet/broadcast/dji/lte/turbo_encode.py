"""LTE turbo encoder (3GPP TS 36.212 section 5.1.3.2) and its constituent-code trellis.

Two 8-state recursive systematic convolutional (RSC) encoders, the second fed through the QPP
interleaver, each with transfer function G(D) = [1, g1(D)/g0(D)]:

    g0(D) = 1 + D^2 + D^3    (feedback)        a_k = c_k + r2 + r3
    g1(D) = 1 + D + D^3      (parity)          z_k = a_k + r1 + r3
                                               state (r1, r2, r3) <- (a_k, r1, r2)

State s packs the shift register as s = 4*r1 + 2*r2 + r3. Each encoder is driven back to state 0
by 3 tail steps whose input is the feedback (a_k = 0). The output streams, K + 4 bits each:

    d0 = x_0 .. x_{K-1}, x_K,     z_{K+1}, x'_K,     z'_{K+1}
    d1 = z_0 .. z_{K-1}, z_K,     x_{K+2}, z'_K,     x'_{K+2}
    d2 = z'_0 .. z'_{K-1}, x_{K+1}, z_{K+2}, x'_{K+1}, z'_{K+2}

(x systematic, z parity of encoder 1; x', z' the same for encoder 2 during its tail).
The trellis tables below are shared with the decoder (`turbo_decode`).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from dronevet.broadcast.dji.lte.qpp import qpp_permutation
from dronevet.errors import BadInputError

N_STATES = 8
TAIL_STEPS = 3


def _trellis() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    next_state = np.empty((N_STATES, 2), dtype=np.int64)
    parity = np.empty((N_STATES, 2), dtype=np.uint8)
    tail_input = np.empty(N_STATES, dtype=np.uint8)
    for s in range(N_STATES):
        r1, r2, r3 = (s >> 2) & 1, (s >> 1) & 1, s & 1
        tail_input[s] = r2 ^ r3
        for u in (0, 1):
            a = u ^ r2 ^ r3
            parity[s, u] = a ^ r1 ^ r3
            next_state[s, u] = (a << 2) | (r1 << 1) | r2
    for table in (next_state, parity, tail_input):
        table.setflags(write=False)
    return next_state, parity, tail_input


# NEXT_STATE[s, u], PARITY[s, u]: the branch leaving state s on input u; TAIL_INPUT[s]: the input
# that the termination feeds in state s.
NEXT_STATE, PARITY, TAIL_INPUT = _trellis()


@numba.njit(cache=True)
def _rsc_encode(
    bits: npt.NDArray[np.uint8],
    next_state: npt.NDArray[np.int64],
    parity: npt.NDArray[np.uint8],
    tail_input: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    k = bits.shape[0]
    z = np.empty(k, dtype=np.uint8)
    state = 0
    for i in range(k):
        u = bits[i]
        z[i] = parity[state, u]
        state = next_state[state, u]
    tail_x = np.empty(TAIL_STEPS, dtype=np.uint8)
    tail_z = np.empty(TAIL_STEPS, dtype=np.uint8)
    for i in range(TAIL_STEPS):
        u = tail_input[state]
        tail_x[i] = u
        tail_z[i] = parity[state, u]
        state = next_state[state, u]
    return z, tail_x, tail_z


def turbo_encode(bits: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Streams d0, d1, d2 (shape (3, K + 4), uint8) of a K-bit code block of 0/1 values."""
    bits = np.ascontiguousarray(bits, dtype=np.uint8)
    if bits.ndim != 1 or np.any(bits > 1):
        raise BadInputError("turbo encoder input must be a 1-D array of 0/1 bits")
    k = bits.shape[0]
    perm = qpp_permutation(k)
    z1, x1_tail, z1_tail = _rsc_encode(bits, NEXT_STATE, PARITY, TAIL_INPUT)
    z2, x2_tail, z2_tail = _rsc_encode(bits[perm], NEXT_STATE, PARITY, TAIL_INPUT)
    d = np.empty((3, k + 4), dtype=np.uint8)
    d[0, :k] = bits
    d[1, :k] = z1
    d[2, :k] = z2
    d[:, k:] = tail_streams(x1_tail, z1_tail, x2_tail, z2_tail)
    return d


def tail_streams(
    x1: npt.NDArray[np.generic],
    z1: npt.NDArray[np.generic],
    x2: npt.NDArray[np.generic],
    z2: npt.NDArray[np.generic],
) -> npt.NDArray[np.generic]:
    """The (3, 4) tail columns of d0, d1, d2 from the 3-step tails of both encoders."""
    return np.array(
        [
            [x1[0], z1[1], x2[0], z2[1]],
            [z1[0], x1[2], z2[0], x2[2]],
            [x1[1], z1[2], x2[1], z2[2]],
        ]
    )


def split_tail(
    tail: npt.NDArray[np.float64],
) -> tuple[
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]:
    """Inverse of `tail_streams`: (x, z, x', z') tails from the (3, 4) tail columns."""
    x1 = np.array([tail[0, 0], tail[2, 0], tail[1, 1]])
    z1 = np.array([tail[1, 0], tail[0, 1], tail[2, 1]])
    x2 = np.array([tail[0, 2], tail[2, 2], tail[1, 3]])
    z2 = np.array([tail[1, 2], tail[0, 3], tail[2, 3]])
    return x1, z1, x2, z2
