"""Synthetic bursts from the transmitter model decode across offsets, SNRs and channels."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from dronevet.broadcast.dji.flight_info import DjiFlightInfo
from dronevet.broadcast.dji.ocusync.payload import build_flight_info
from dronevet.broadcast.dji.ocusync.receiver import decode_samples
from dronevet.broadcast.dji.ocusync.transmitter import Impairments, burst_samples, impair

FRAME = DjiFlightInfo(
    sequence=1234,
    state=0x1FF7,
    serial="3NZCH7E0012345",
    lat=50.8503,
    lon=4.3517,
    alt=95,
    height=60,
    v_north=3.2,
    v_east=-1.5,
    v_up=0.4,
    yaw=87.25,
    time=datetime(2024, 5, 6, 7, 8, 9, 100000, tzinfo=UTC),
    pilot_lat=50.8497,
    pilot_lon=4.3502,
    home_lat=50.8498,
    home_lon=4.3505,
    product_type=66,
    uuid="98765432101234567",
    crc_ok=True,
)


def _decode(impairments: Impairments, sample_rate: float = 15.36e6, seed: int = 7) -> list:
    samples = impair(
        burst_samples(FRAME),
        impairments,
        sample_rate=sample_rate,
        length=round(2.2e-3 * sample_rate),
        offset=round(0.8e-3 * sample_rate),
        rng=np.random.default_rng(seed),
    )
    return decode_samples(samples, sample_rate)


def _assert_frame(results: list) -> None:
    assert len(results) == 1
    result = results[0]
    assert result.crc24_ok and result.flight is not None and result.flight.crc_ok
    assert build_flight_info(result.flight) == build_flight_info(FRAME)


@pytest.mark.parametrize(
    ("impairments", "sample_rate"),
    [
        (Impairments(snr_db=25), 15.36e6),
        (Impairments(snr_db=12, cfo_hz=47_300.0, delay_samples=0.37), 15.36e6),
        (Impairments(snr_db=10, cfo_hz=-3.7e6, clock_ppm=25.0), 50e6),
        (Impairments(snr_db=6, multipath=((4, 0.5j), (13, -0.25))), 15.36e6),
    ],
    ids=[
        "clean",
        "cfo-3-subcarriers-fractional-delay",
        "50msps-offset-band-clock-error",
        "two-echoes",
    ],
)
def test_synthetic_burst_decodes_to_the_frame_sent(
    impairments: Impairments, sample_rate: float
) -> None:
    _assert_frame(_decode(impairments, sample_rate))


def test_burst_at_zero_db_snr_needs_the_turbo_decoder() -> None:
    results = _decode(Impairments(snr_db=0.0, cfo_hz=8_000.0))
    _assert_frame(results)
    assert results[0].iterations >= 1


def test_reported_snr_and_offset_match_the_impairments() -> None:
    (result,) = _decode(Impairments(snr_db=15.0, cfo_hz=-21_000.0))
    assert result.snr_db == pytest.approx(15.0, abs=1.0)
    assert result.cfo_hz == pytest.approx(-21_000.0, abs=200.0)
    assert result.time_s == pytest.approx(0.8e-3, abs=2e-6)


def test_noise_alone_gives_no_burst() -> None:
    rng = np.random.default_rng(3)
    noise = (rng.normal(size=40_000) + 1j * rng.normal(size=40_000)).astype(np.complex64)
    assert decode_samples(noise, 15.36e6) == []


def test_burst_split_across_blocks_is_decoded_once() -> None:
    from dronevet.broadcast.dji.ocusync.receiver import decode_blocks
    from dronevet.capture.iq import IqBlock

    rate = 15.36e6
    samples = impair(
        burst_samples(FRAME),
        Impairments(snr_db=20),
        sample_rate=rate,
        length=60_000,
        offset=20_000,
        rng=np.random.default_rng(5),
    )
    blocks = [IqBlock(start, samples[start : start + 8192]) for start in range(0, 60_000, 8192)]
    results = list(decode_blocks(blocks, rate))
    _assert_frame(results)
    assert results[0].time_s == pytest.approx(20_000 / rate, abs=2e-6)
