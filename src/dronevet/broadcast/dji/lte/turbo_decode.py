"""Iterative max-log-MAP decoder of the LTE turbo code (the code of `turbo_encode`).

LLR convention throughout: L = log P(b=0) / P(b=1), positive means 0.

Each constituent decoder is a BCJR run over the 8-state trellis in the max-log
approximation: branch metric gamma = (s(u) * (Ls + La) + s(z) * Lp) / 2 with s(0) = +1,
s(1) = -1; forward metrics alpha from state 0, backward metrics beta from state 0 after the
3 tail steps (whose inputs are fixed by the state, so they carry only channel LLRs). The two
decoders exchange extrinsic LLRs through the QPP interleaver, scaled by 0.7, the usual
correction of the max-log approximation's over-confidence (Vogt and Finger, "Improving the
max-log-MAP turbo decoder", Electronics Letters 36(23), 2000).

After each full iteration the a-posteriori hard decisions go to an optional stop test (the
CRC-24A check of the block); decoding stops as soon as it passes, or after `max_iterations`.
The recursions are compiled with numba; one iteration of a K = 1408 block is two passes over
1411 trellis steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from dronevet.broadcast.dji.lte.qpp import qpp_permutation
from dronevet.broadcast.dji.lte.turbo_encode import (
    N_STATES,
    NEXT_STATE,
    PARITY,
    TAIL_INPUT,
    TAIL_STEPS,
    split_tail,
)
from dronevet.errors import BadInputError

EXTRINSIC_SCALE = 0.7
_NEG = -1.0e30  # "impossible" metric; finite so that sums never produce inf - inf


def _branch_tables() -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]
]:
    """For each state, its two predecessors and the input/parity signs of those branches."""
    prev = np.empty((N_STATES, 2), dtype=np.int64)
    prev_input_sign = np.empty((N_STATES, 2))
    prev_parity_sign = np.empty((N_STATES, 2))
    filled = [0] * N_STATES
    for s in range(N_STATES):
        for u in (0, 1):
            ns = int(NEXT_STATE[s, u])
            j = filled[ns]
            prev[ns, j] = s
            prev_input_sign[ns, j] = 1.0 - 2.0 * u
            prev_parity_sign[ns, j] = 1.0 - 2.0 * float(PARITY[s, u])
            filled[ns] += 1
    return prev, prev_input_sign, prev_parity_sign


# Trellis tables as module constants: numba freezes them into the compiled code.
# Signs are +1 / -1 for bit 0 / 1 of the input or parity on a branch.
_FROM, _FROM_IN, _FROM_PAR = _branch_tables()
_PARITY_SIGN = 1.0 - 2.0 * PARITY.astype(np.float64)
_TAIL_SIGN = 1.0 - 2.0 * TAIL_INPUT.astype(np.float64)
_TAIL_PARITY_SIGN = np.array([_PARITY_SIGN[s, TAIL_INPUT[s]] for s in range(N_STATES)])
_TAIL_NEXT = np.array([NEXT_STATE[s, TAIL_INPUT[s]] for s in range(N_STATES)], dtype=np.int64)


@numba.njit(cache=True, fastmath=True)
def _siso(
    sys: npt.NDArray[np.float64],
    par: npt.NDArray[np.float64],
    apriori: npt.NDArray[np.float64],
    tail_x: npt.NDArray[np.float64],
    tail_z: npt.NDArray[np.float64],
    posterior: npt.NDArray[np.float64],
) -> None:
    """One max-log-MAP pass: writes the a-posteriori LLRs of the K input bits to `posterior`."""
    k_len = sys.shape[0]
    alpha = np.empty((k_len + 1, N_STATES))
    alpha[0, :] = _NEG
    alpha[0, 0] = 0.0
    for k in range(k_len):
        ls = 0.5 * (sys[k] + apriori[k])
        lp = 0.5 * par[k]
        for ns in range(N_STATES):
            m0 = alpha[k, _FROM[ns, 0]] + _FROM_IN[ns, 0] * ls + _FROM_PAR[ns, 0] * lp
            m1 = alpha[k, _FROM[ns, 1]] + _FROM_IN[ns, 1] * ls + _FROM_PAR[ns, 1] * lp
            alpha[k + 1, ns] = max(m0, m1)
        # State 0 is reachable at every step (input 0 keeps it), so its metric is finite.
        top = alpha[k + 1, 0]
        for s in range(N_STATES):
            alpha[k + 1, s] -= top

    beta = np.full(N_STATES, _NEG)
    beta[0] = 0.0
    later = np.empty(N_STATES)
    for t in range(TAIL_STEPS - 1, -1, -1):
        later[:] = beta
        for s in range(N_STATES):
            beta[s] = later[_TAIL_NEXT[s]] + 0.5 * (
                _TAIL_SIGN[s] * tail_x[t] + _TAIL_PARITY_SIGN[s] * tail_z[t]
            )

    for k in range(k_len - 1, -1, -1):
        ls = 0.5 * (sys[k] + apriori[k])
        lp = 0.5 * par[k]
        later[:] = beta
        best0 = _NEG
        best1 = _NEG
        for s in range(N_STATES):
            g0 = ls + _PARITY_SIGN[s, 0] * lp + later[NEXT_STATE[s, 0]]
            g1 = -ls + _PARITY_SIGN[s, 1] * lp + later[NEXT_STATE[s, 1]]
            beta[s] = max(g0, g1)
            a = alpha[k, s]
            best0 = max(best0, a + g0)
            best1 = max(best1, a + g1)
        posterior[k] = best0 - best1
        top = beta[0]
        for s in range(N_STATES):
            beta[s] -= top


@dataclass(frozen=True, slots=True, eq=False)
class TurboDecoding:
    """Result of turbo decoding one code block.

    `llrs`: a-posteriori LLRs of the K block bits (natural order); `bits`: their hard
    decisions (uint8 0/1); `iterations`: full iterations run (0 when the channel decisions
    already passed the stop test); `stopped_early`: the stop test passed.
    """

    llrs: npt.NDArray[np.float64]
    bits: npt.NDArray[np.uint8]
    iterations: int
    stopped_early: bool


def _hard(llrs: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]:
    return (llrs < 0).astype(np.uint8)


def turbo_decode(
    streams: npt.NDArray[np.float64],
    *,
    max_iterations: int = 8,
    stop: Callable[[npt.NDArray[np.uint8]], bool] | None = None,
) -> TurboDecoding:
    """Decode the (3, K + 4) LLRs of streams d0, d1, d2 (as `turbo_encode` lays them out).

    `stop(bits)` is tried on the channel decisions and after every iteration; decoding ends
    when it returns True.
    """
    if streams.ndim != 2 or streams.shape[0] != 3 or streams.shape[1] < 5:
        raise BadInputError(f"turbo decoder expects (3, K + 4) stream LLRs, got {streams.shape}")
    if max_iterations < 1:
        raise BadInputError(f"max_iterations must be at least 1 (got {max_iterations})")
    if not np.all(np.isfinite(streams)):
        raise BadInputError("turbo decoder input holds NaN or infinite LLRs")
    # Max-log-MAP decisions do not change when all LLRs are scaled by the same positive factor:
    # decoding runs on LLRs scaled to a peak of 1, so that any receiver's scale (they differ by
    # orders of magnitude) keeps path metrics far from overflow and from `_NEG`.
    streams = streams.astype(np.float64)
    peak = float(np.max(np.abs(streams)))
    if peak > 0.0:
        streams = streams / peak
    else:
        peak = 1.0
    k_len = streams.shape[1] - 4
    perm = qpp_permutation(k_len)
    sys = streams[0, :k_len].copy()
    par1 = streams[1, :k_len].copy()
    par2 = streams[2, :k_len].copy()
    x1, z1, x2, z2 = split_tail(streams[:, k_len:])
    sys_interleaved = sys[perm]

    bits = _hard(sys)
    if stop is not None and stop(bits):
        return TurboDecoding(sys * peak, bits, 0, True)

    apriori1 = np.zeros(k_len)
    post1 = np.empty(k_len)
    post2 = np.empty(k_len)
    posterior = np.empty(k_len)
    stopped = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 (reported after the loop)
        _siso(sys, par1, apriori1, x1, z1, post1)
        apriori2 = EXTRINSIC_SCALE * (post1 - sys - apriori1)[perm]
        _siso(sys_interleaved, par2, apriori2, x2, z2, post2)
        apriori1[perm] = EXTRINSIC_SCALE * (post2 - sys_interleaved - apriori2)
        posterior[perm] = post2
        bits = _hard(posterior)
        if stop is not None and stop(bits):
            stopped = True
            break
    return TurboDecoding(posterior * peak, bits, iteration, stopped)
