"""The LTE coding chain against real DroneID bursts (shared Mavic Air 2 recording).

The receiver (`dronevet.broadcast.dji.ocusync.receiver`) hands each burst's 7200 LLRs to
`decode_codeword`; the test listens in on that call to get them. The recording's bursts are
strong (about 28 dB SNR), so they also serve to check the transmit side bit for bit and, with
noise added, the turbo decoder on a real codeword.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest

import dronevet.broadcast.dji.ocusync.receiver as receiver
from dronevet.broadcast.dji.lte.chain import (
    CODED_BITS,
    CodewordResult,
    decode_codeword,
    encode_codeword,
    systematic_llrs,
)
from dronevet.broadcast.dji.lte.crc import crc24a_bits_ok
from shared_files import shared_path

RECORDING = "captures/droneid-iq/mavic_air_2.fc32"
SAMPLE_RATE = 50e6


@pytest.fixture(scope="module")
def real_codewords() -> list[tuple[np.ndarray, CodewordResult]]:
    samples = np.fromfile(shared_path(RECORDING), dtype=np.complex64)
    heard: list[tuple[np.ndarray, CodewordResult]] = []

    def listen(llrs: np.ndarray, **options: int) -> CodewordResult:
        result = decode_codeword(llrs, **options)
        heard.append((np.array(llrs, dtype=np.float64), result))
        return result

    with mock.patch.object(receiver, "decode_codeword", listen):
        receiver.decode_samples(samples, SAMPLE_RATE)
    return heard


def test_every_burst_of_the_recording_passes_crc24(
    real_codewords: list[tuple[np.ndarray, CodewordResult]],
) -> None:
    # DroneSecurity decodes one burst of this recording (payload CRC only); all three
    # DroneID bursts carry a valid CRC-24A over their 176-byte transport block.
    assert len(real_codewords) == 3
    assert all(result.crc24_ok for _, result in real_codewords)


def test_re_encoding_a_decoded_burst_reproduces_all_7200_received_bits(
    real_codewords: list[tuple[np.ndarray, CodewordResult]],
) -> None:
    # Checks what the CRC alone cannot: turbo parity streams, trellis tails, rate matching
    # (with its repeated bits) and scrambling are those of the DJI transmitter.
    for llrs, result in real_codewords:
        assert result.block is not None
        received = (llrs < 0).astype(np.uint8)
        assert np.count_nonzero(encode_codeword(result.block) != received) < 0.005 * CODED_BITS


def test_noisy_copy_of_a_real_burst_decodes_where_systematic_bits_fail(
    real_codewords: list[tuple[np.ndarray, CodewordResult]],
) -> None:
    llrs, result = real_codewords[1]
    rng = np.random.default_rng(600)
    unit = llrs / np.mean(np.abs(llrs))
    sigma = np.sqrt(1.0 / (2.0 * 10 ** (-5.0 / 10)))  # Es/N0 = -5 dB per coded bit
    for _ in range(8):
        noisy = 2.0 * (unit + rng.normal(0.0, sigma, CODED_BITS)) / sigma**2
        assert decode_codeword(noisy).block == result.block
        assert not crc24a_bits_ok((systematic_llrs(noisy) < 0).astype(np.uint8))
