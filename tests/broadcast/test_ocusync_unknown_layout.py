"""OcuSync frames of a layout no public source describes: kept whole, with the serial number
they carry as plain text reported under `serial`."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.broadcast.dji.flight_info import DjiFlightInfo
from dronevet.broadcast.dji.lte.chain import DATA_BYTES
from dronevet.broadcast.dji.ocusync.payload import build_flight_info
from dronevet.broadcast.dji.ocusync.receiver import BurstResult, decode_samples
from dronevet.broadcast.dji.ocusync.transmitter import Impairments, burst_samples, impair

# bytes that are no upper-case letter or digit, so a serial's run ends where it ends
FILLER = st.binary(max_size=80).map(lambda raw: bytes(b if b < 0x30 or b > 0x5A else b | 0x80
                                                      for b in raw))  # fmt: skip
SERIALS = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=14, max_size=16)


def _unknown(block: bytes) -> dict[str, object]:
    result = BurstResult(sample=0, time_s=0.0, snr_db=20.0, cfo_hz=0.0, crc24_ok=True,
                         iterations=0, block=block, message_type=block[1], flight=None,
                         failure=None)  # fmt: skip
    return result.to_dict()


@settings(max_examples=200, deadline=None)
@given(FILLER, SERIALS, FILLER)
def test_a_serial_carried_as_text_anywhere_in_the_frame_is_reported(
    before: bytes, serial: str, after: bytes
) -> None:
    block = (b"\x8d\x11" + before + serial.encode() + after).ljust(DATA_BYTES, b"\0")
    record = _unknown(block[:DATA_BYTES])
    assert record["layout"] == "unknown" and record["crc_ok"] is None
    assert record["serial"] == serial
    assert bytes.fromhex(str(record["payload_hex"])) == block[:DATA_BYTES]


@settings(max_examples=100, deadline=None)
@given(FILLER)
def test_a_frame_without_text_of_a_serials_shape_reports_none(filler: bytes) -> None:
    block = (b"\x8d\x11" + filler).ljust(DATA_BYTES, b"\0")
    assert _unknown(block[:DATA_BYTES])["serial"] is None


def test_flight_information_of_an_unknown_version_is_a_frame_of_unknown_layout() -> None:
    info = DjiFlightInfo(serial="1581F4XFC22B000B", lat=50.45, lon=30.52, product_type=68)
    frame = bytearray(build_flight_info(info))
    frame[2] = 3  # version 3: no source describes it
    rate = 15.36e6
    samples = impair(burst_samples(bytes(frame)), Impairments(snr_db=25),
                     length=round(2.2e-3 * rate), offset=round(0.8e-3 * rate),
                     rng=np.random.default_rng(2))  # fmt: skip
    (result,) = decode_samples(samples, rate)
    record = result.to_dict()
    assert result.crc24_ok and result.flight is None and result.message_type == 0x10
    assert record["layout"] == "unknown" and record["error"] is None
    assert record["serial"] == "1581F4XFC22B000B"
