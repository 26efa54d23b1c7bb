"""The shared Mavic Air 2 recording (50 Msps, 4.5 ms) decodes with both CRCs valid.

The published Python decoder (RUB-SysSec DroneSecurity) decodes one burst of it (sequence
591, payload CRC only); every burst it decodes must be decoded here with CRC-24 verified.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dronevet.broadcast.dji.ocusync.payload import visible_serial
from dronevet.broadcast.dji.ocusync.receiver import BurstResult, decode_samples
from shared_files import shared_path

RECORDING = "captures/droneid-iq/mavic_air_2.fc32"


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    north = math.radians(lat2 - lat1) * 6_371_000
    east = math.radians(lon2 - lon1) * 6_371_000 * math.cos(math.radians(lat1))
    return math.hypot(north, east)


@pytest.fixture(scope="module")
def bursts() -> list[BurstResult]:
    samples = np.fromfile(shared_path(RECORDING), dtype=np.complex64)
    return decode_samples(samples, 50e6)


def test_every_droneid_burst_passes_crc24(bursts: list[BurstResult]) -> None:
    assert len(bursts) == 3
    assert all(burst.crc24_ok for burst in bursts)


def test_burst_decoded_by_dronesecurity_is_decoded_with_both_crcs(
    bursts: list[BurstResult],
) -> None:
    flights = [burst.flight for burst in bursts if burst.flight is not None]
    by_sequence = {flight.sequence: flight for flight in flights}
    assert 591 in by_sequence
    assert all(flight.crc_ok for flight in flights)


def test_two_bursts_are_flight_information_and_the_first_is_message_type_0x11(
    bursts: list[BurstResult],
) -> None:
    # decoded block byte 1: 0x11 in the burst at 1.86 ms, 0x10 (flight info) in the others
    assert [burst.message_type for burst in bursts] == [0x11, 0x10, 0x10]
    assert bursts[0].flight is None
    assert bursts[0].failure is None  # decoded, only of a layout no public source describes
    assert bursts[0].block is not None and bursts[1].flight is not None
    # its bytes carry the aircraft's serial as plain text, the one flight information names
    assert visible_serial(bursts[0].block) == bursts[1].flight.serial
    assert [burst.flight.sequence for burst in bursts[1:] if burst.flight] == [589, 591]


def test_fields_are_a_mavic_air_2_near_its_pilot_and_home(bursts: list[BurstResult]) -> None:
    flights = [burst.flight for burst in bursts if burst.message_type == 0x10]
    assert len(flights) == 2  # every flight-information burst is checked, none skipped
    for flight in flights:
        assert flight is not None
        assert flight.product == "Mavic Air 2"
        assert flight.serial.isalnum() and len(flight.serial) == 14
        assert 47 < flight.lat < 55 and 5 < flight.lon < 15  # Germany
        assert _distance_m(flight.lat, flight.lon, flight.pilot_lat, flight.pilot_lon) < 100
        assert _distance_m(flight.lat, flight.lon, flight.home_lat, flight.home_lon) < 100
        assert 0 <= flight.height < 120
        assert abs(flight.v_up) < 20 and -180 <= flight.yaw <= 180
        assert flight.time is not None and flight.time.year == 2022


def test_link_measurements_are_plausible(bursts: list[BurstResult]) -> None:
    for burst in bursts:
        assert 15 < burst.snr_db < 45
        assert abs(burst.cfo_hz) < 25e6  # inside the 50 MHz recording
        assert 0 < burst.time_s < 0.0045
