"""LTE pseudo-random (Gold) sequence and scrambler (3GPP TS 36.211 section 7.2).

    c(n)      = (x1(n + Nc) + x2(n + Nc)) mod 2,                     Nc = 1600
    x1(n+31)  = (x1(n+3) + x1(n)) mod 2,                             x1(0) = 1, x1(1..30) = 0
    x2(n+31)  = (x2(n+3) + x2(n+2) + x2(n+1) + x2(n)) mod 2,         c_init = sum x2(i) * 2^i

DroneID bursts scramble their 7200 coded bits with c_init = 0x12345678 (x2(0) is the least
significant bit), as used by the published decoders RUB-SysSec/DroneSecurity and
proto17/dji_droneid, and confirmed on the shared Mavic Air 2 recording (its bursts pass the
CRC-24A after descrambling with it).

The registers advance 28 bits per step: with the 31 most recent bits of a register held in an
integer (bit j = x(n+j)), the next 28 bits only depend on bits already present.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from dronevet.errors import BadInputError

GOLD_NC = 1600
DRONEID_C_INIT = 0x12345678

_STEP = 28
_STEP_MASK = (1 << _STEP) - 1


def _m_sequences(c_init: int, n_bits: int) -> tuple[int, int]:
    """x1 and x2 from n = 0 to at least n_bits, each packed in an int (bit n = x(n))."""
    x1 = x2 = 0
    s1, s2 = 1, c_init  # 31-bit windows starting at n = 0
    filled = 0
    while filled < n_bits:
        x1 |= (s1 & _STEP_MASK) << filled
        x2 |= (s2 & _STEP_MASK) << filled
        new1 = (s1 ^ (s1 >> 3)) & _STEP_MASK
        new2 = (s2 ^ (s2 >> 1) ^ (s2 >> 2) ^ (s2 >> 3)) & _STEP_MASK
        s1 = (s1 >> _STEP) | (new1 << 3)
        s2 = (s2 >> _STEP) | (new2 << 3)
        filled += _STEP
    return x1, x2


@lru_cache(maxsize=8)
def _gold(c_init: int, length: int, nc: int) -> npt.NDArray[np.uint8]:
    x1, x2 = _m_sequences(c_init, nc + length)
    c = ((x1 ^ x2) >> nc) & ((1 << length) - 1)
    packed = np.frombuffer(c.to_bytes((length + 7) // 8, "little"), dtype=np.uint8)
    bits = np.unpackbits(packed, bitorder="little")[:length]
    bits.setflags(write=False)
    return bits


def gold_sequence(c_init: int, length: int, *, nc: int = GOLD_NC) -> npt.NDArray[np.uint8]:
    """c(0 .. length-1) for `c_init` as 0/1 uint8 (read-only, cached)."""
    if not 0 <= c_init < (1 << 31):
        raise BadInputError(f"Gold sequence c_init {c_init:#x} does not fit the 31-bit register")
    if length < 0 or nc < 0:
        raise BadInputError(f"Gold sequence length {length} and offset Nc {nc} must be >= 0")
    return _gold(c_init, length, nc)


def scramble_bits(bits: npt.NDArray[np.uint8], c_init: int) -> npt.NDArray[np.uint8]:
    """Bits XOR the Gold sequence (scrambling and descrambling are the same operation)."""
    return bits ^ gold_sequence(c_init, len(bits))


def descramble_llrs(llrs: npt.NDArray[np.float64], c_init: int) -> npt.NDArray[np.float64]:
    """LLRs (log P(0)/P(1)) with their sign flipped where the Gold bit is 1."""
    signs = 1.0 - 2.0 * gold_sequence(c_init, len(llrs))
    return llrs * signs
