"""OcuSync flight information: identifiers at their full field width, and values that stay.

DJI serial numbers fill the 16-byte field (e.g. `1581F4XFC22B000B`, 16 characters) and the
app's UUID may fill its 20 bytes; a transmitter simulation built with `build_flight_info`
must carry them whole. A decoded `DjiFlightInfo` is shared by the tracker and the writers and
must not be changeable by any of them.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from dronevet.broadcast.dji.flight_info import DjiFlightInfo
from dronevet.broadcast.dji.ocusync.payload import build_flight_info, parse_flight_info

INFO = DjiFlightInfo(
    sequence=7, state=0x0235, serial="1581F4XFC22B000B", lat=48.1374, lon=11.5755,
    alt=520, height=60, v_north=0.0, v_east=0.0, v_up=0.0, yaw=45.0,
    time=datetime(2024, 5, 1, 12, 30, tzinfo=UTC), pilot_lat=48.137, pilot_lon=11.576,
    home_lat=48.1372, home_lon=11.5758, product_type=58, uuid="11436355321715343366",
    crc_ok=True,
)  # fmt: skip


def test_a_16_character_serial_and_a_20_character_uuid_are_carried_whole() -> None:
    assert (len(INFO.serial), len(INFO.uuid)) == (16, 20)
    parsed = parse_flight_info(build_flight_info(INFO))
    assert (parsed.serial, parsed.uuid) == ("1581F4XFC22B000B", "11436355321715343366")
    assert parsed.crc_ok


def test_a_flight_info_cannot_be_changed_by_its_reader() -> None:
    parsed = parse_flight_info(build_flight_info(INFO))
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.lat = 0.0  # type: ignore[misc]
