"""CRC-24A of LTE transport blocks (3GPP TS 36.212 section 5.1.1).

    g_CRC24A(D) = D^24 + D^23 + D^18 + D^17 + D^14 + D^11 + D^10 + D^7 + D^6 + D^5 + D^4
                  + D^3 + D + 1                          (0x864CFB without the D^24 term)

No initial value, no final XOR, bits taken most significant first; the 24 parity bits are
appended most significant first, so a block with its CRC attached has remainder 0 (this is the
"CRC-24/LTE-A" entry of the CRC RevEng catalogue, check value 0xCDE703 over b"123456789").
DroneID bursts carry 173 bytes of data followed by this CRC (176 bytes, one code block).

Two forms: `crc24a` over bytes (table driven, for building blocks), and `crc24a_bits_ok` over
hard-decision bits, a vectorised syndrome test the turbo decoder runs after every iteration.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

CRC24A_POLY = 0x864CFB
CRC24A_BITS = 24
_MASK = (1 << CRC24A_BITS) - 1
_TOP = 1 << (CRC24A_BITS - 1)


def _byte_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        reg = byte << (CRC24A_BITS - 8)
        for _ in range(8):
            reg = ((reg << 1) ^ CRC24A_POLY) if reg & _TOP else (reg << 1)
        table.append(reg & _MASK)
    return tuple(table)


_TABLE = _byte_table()


def crc24a(data: bytes) -> int:
    """CRC-24A of `data` as a 24-bit integer (0 when `data` already ends in its own CRC)."""
    reg = 0
    for byte in data:
        reg = ((reg << 8) & _MASK) ^ _TABLE[(reg >> (CRC24A_BITS - 8)) ^ byte]
    return reg


def append_crc24a(data: bytes) -> bytes:
    """`data` followed by its CRC-24A, most significant byte first."""
    return data + crc24a(data).to_bytes(3, "big")


@lru_cache(maxsize=8)
def _syndrome_columns(n_bits: int) -> npt.NDArray[np.uint32]:
    # Bit i of an n-bit block contributes D^(n-1-i) * D^24 mod g to the remainder; the CRC is
    # linear (no init, no final XOR), so the remainder is the XOR of the columns of the 1 bits.
    columns = np.empty(n_bits, dtype=np.uint32)
    reg = CRC24A_POLY  # D^24 mod g, the contribution of the last bit
    for i in range(n_bits - 1, -1, -1):
        columns[i] = reg
        reg = ((reg << 1) ^ CRC24A_POLY) if reg & _TOP else (reg << 1)
        reg &= _MASK
    columns.setflags(write=False)
    return columns


def crc24a_bits_ok(bits: npt.NDArray[np.uint8]) -> bool:
    """True when the hard bits of a block (CRC-24A included, MSB first) have remainder 0."""
    columns = _syndrome_columns(len(bits))
    return int(np.bitwise_xor.reduce(columns[bits.astype(bool)], initial=0)) == 0
