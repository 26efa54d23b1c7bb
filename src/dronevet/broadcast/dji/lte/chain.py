"""The channel coding of one DJI DroneID burst, end to end (encode and decode).

Transmit side, per burst (parameters as used by proto17/dji_droneid and
RUB-SysSec/DroneSecurity, and consistent with each other):

    173 data bytes --CRC-24A--> 176-byte transport block = one code block, K = 1408 bits
      --turbo code--> 3 streams of D = 1412 bits --rate matching, rv 0--> E = 7200 bits
      --XOR Gold sequence, c_init 0x12345678--> 7200 bits in transmission order
      (6 data OFDM symbols x 600 subcarriers x 2 QPSK bits; the receiver handles that part)

Bytes become bits most significant bit first. The CRC-24A covers all 173 data bytes. The
DroneID payload takes the first 91 of them (length byte .. its CRC-16); what the other 82 carry
is not known (proto17/dji_droneid saw them change between power cycles and sends zeros).

`decode_codeword` takes the 7200 LLRs of a burst before descrambling (log P(0)/P(1)),
descrambles, de-rate-matches (adding repeated copies), turbo decodes with early stop on the
CRC-24A and returns the 173 data bytes (CRC removed) when the CRC holds.
`systematic_llrs` is the no-turbo-decoding baseline: the combined LLRs of the 1408 block bits.

Confirmed on the shared Mavic Air 2 recording: its three DroneID bursts pass the CRC-24A, and
re-encoding each decoded block reproduces all 7200 received bits, parity and repeated bits
included (tests/broadcast/test_lte_real_burst.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.dji.lte.crc import append_crc24a, crc24a_bits_ok
from dronevet.broadcast.dji.lte.gold import DRONEID_C_INIT, descramble_llrs, scramble_bits
from dronevet.broadcast.dji.lte.rate_match import rate_dematch, rate_match
from dronevet.broadcast.dji.lte.turbo_decode import turbo_decode
from dronevet.broadcast.dji.lte.turbo_encode import turbo_encode
from dronevet.errors import BadInputError

DATA_BYTES = 173
BLOCK_BYTES = DATA_BYTES + 3
BLOCK_BITS = 8 * BLOCK_BYTES  # K = 1408
STREAM_BITS = BLOCK_BITS + 4  # D = 1412
CODED_BITS = 7200  # E
REDUNDANCY_VERSION = 0


@dataclass(frozen=True, slots=True, eq=False)
class CodewordResult:
    """One decoded DroneID codeword.

    `block`: the 173 data bytes (CRC-24 removed) when `crc24_ok`, else None.
    `crc24_ok`: the CRC-24A over the 176-byte transport block holds.
    `iterations`: turbo iterations run (0: the channel decisions already passed the CRC).
    `hard_bits`: the 1408 decided bits of the transport block, CRC-24 included (uint8 0/1),
    also when the CRC fails, for callers that want to look at a damaged block.
    """

    block: bytes | None
    crc24_ok: bool
    iterations: int
    hard_bits: npt.NDArray[np.uint8]


def _checked_llrs(llrs: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    values = np.asarray(llrs)
    if values.ndim != 1 or values.shape[0] != CODED_BITS:
        raise BadInputError(
            f"a DroneID codeword has {CODED_BITS} LLRs, got an array of shape {values.shape}"
        )
    if not np.issubdtype(values.dtype, np.number) or np.iscomplexobj(values):
        raise BadInputError(f"codeword LLRs must be real numbers, got dtype {values.dtype}")
    values = values.astype(np.float64, copy=False)
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise BadInputError(f"codeword LLR {bad} is not a finite number ({values[bad]})")
    return values


def _stream_llrs(llrs: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    descrambled = descramble_llrs(_checked_llrs(llrs), DRONEID_C_INIT)
    return rate_dematch(descrambled, STREAM_BITS, REDUNDANCY_VERSION)


def decode_codeword(llrs: npt.NDArray[np.floating], *, max_iterations: int = 8) -> CodewordResult:
    """Decode the 7200 LLRs of one burst (transmission order, before descrambling)."""
    decoding = turbo_decode(_stream_llrs(llrs), max_iterations=max_iterations, stop=crc24a_bits_ok)
    ok = decoding.stopped_early
    block = np.packbits(decoding.bits[: 8 * DATA_BYTES]).tobytes() if ok else None
    return CodewordResult(block, ok, decoding.iterations, decoding.bits)


def systematic_llrs(llrs: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """The combined channel LLRs of the 1408 transport-block bits (CRC-24 included), in order."""
    return _stream_llrs(llrs)[0, :BLOCK_BITS]


def encode_codeword(block: bytes) -> npt.NDArray[np.uint8]:
    """The 7200 bits (uint8 0/1, transmission order) that carry 173 data bytes."""
    if len(block) != DATA_BYTES:
        raise BadInputError(
            f"a DroneID transport block holds {DATA_BYTES} data bytes before its CRC-24, "
            f"got {len(block)}"
        )
    bits = np.unpackbits(np.frombuffer(append_crc24a(bytes(block)), dtype=np.uint8))
    coded = rate_match(turbo_encode(bits), CODED_BITS, REDUNDANCY_VERSION)
    return scramble_bits(coded, DRONEID_C_INIT)
