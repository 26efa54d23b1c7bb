"""`dronevet droneid live`: IQ from a SoapySDR radio into the DroneID receiver.

What runs here for real: the message when this Python has no SoapySDR bindings (the
project's virtual environment has none: they are not on PyPI), the argument checks, and,
where the system Python has Debian's `python3-soapysdr`, SoapySDR's own "null" device and a
driver that does not exist. No radio is attached here, so the stream itself is read from a
stand-in with the `SoapySDR.Device` calls the source makes, playing the shared recording.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from dronevet.api import decode_iq
from dronevet.broadcast.dji.ocusync.receiver import OcuSyncReceiver
from dronevet.broadcast.geo import distance_m
from dronevet.capture.soapy import OVERFLOW, RX, TIMEOUT, SoapySource
from dronevet.cli import app
from dronevet.commands.droneid import burst_line
from dronevet.errors import BadInputError
from shared_files import shared_path

SRC = Path(__file__).resolve().parents[2] / "src"
SYSTEM_PYTHON = "/usr/bin/python3"
RECORDING = "captures/droneid-iq/mavic_air_2.fc32"
LIVE = ["droneid", "live", "--device", "driver=hackrf", "-c", "2.4145e9", "-r", "20e6"]


def _live(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*LIVE, *args])
    return result.exit_code, result.output


@pytest.mark.skipif(
    importlib.util.find_spec("SoapySDR") is not None, reason="this Python has SoapySDR"
)
def test_without_the_bindings_live_says_how_to_get_them_and_exits_2() -> None:
    code, output = _live()
    assert code == 2
    message = " ".join(output.split())
    assert "SoapySDR Python bindings are not installed for this Python" in message
    assert sys.executable in message
    assert "apt install python3-soapysdr soapysdr-module-<your radio>" in message
    assert "--system-site-packages" in message
    assert "| dronevet droneid decode - -r" in message  # the standard-input way


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["droneid", "live", "-c", "2.4e9", "-r", "20e6"], 2, "Missing option '--device'"),
        (["droneid", "live", "-d", "driver=hackrf", "-r", "20e6"], 2, "--center-freq"),
        ([*LIVE[:-1], "10e6"], 3, "below 15.36 Msps"),
        ([*LIVE[:-1], "nan"], 3, "--sample-rate nan is not a positive number"),
        ([*LIVE, "--seconds", "-1"], 3, "--seconds -1.0 is not a positive number"),
        ([*LIVE, "--gain", "inf"], 3, "--gain inf is not a finite number"),
        ([*LIVE, "--mqtt", "mqtt://127.0.0.1:1/x", "--sensor-position", "45.5,190"], 3,
         "--sensor-position '45.5,190': the longitude 190 is not between -180 and 180"),
        ([*LIVE, "--sensor-position", "45.5,19"], 2, "--sensor-position describes this "
         "receiver on MQTT: give --mqtt too"),
    ],
)
def test_bad_arguments_are_refused_before_any_radio_is_opened(
    args: list[str], code: int, says: str
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code
    assert says in " ".join(result.output.split())


def _system_python_has_soapysdr() -> bool:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    found = subprocess.run([SYSTEM_PYTHON, "-c", "import SoapySDR, numpy"],
                           capture_output=True, check=False)  # fmt: skip
    return found.returncode == 0


@pytest.mark.skipif(
    not _system_python_has_soapysdr(),
    reason="no system Python with SoapySDR (Debian: apt install python3-soapysdr)",
)
@pytest.mark.parametrize(
    ("device", "says"),
    [
        ("driver=null", "driver=null: the SoapySDR device has no receive channel 0"),
        ("driver=no-such-radio", "no SoapySDR device opens with 'driver=no-such-radio'"),
    ],
)
def test_real_soapysdr_devices_that_cannot_stream_are_refused_clearly(
    device: str, says: str
) -> None:
    script = (
        "import sys\n"
        "from dronevet.capture.soapy import open_soapy\n"
        "from dronevet.errors import BadInputError\n"
        "try:\n"
        f"    open_soapy({device!r}, sample_rate=20e6, centre_freq=2.4145e9)\n"
        "except BadInputError as error:\n"
        "    print(error)\n"
        "    sys.exit(error.exit_code)\n"
    )
    done = subprocess.run([SYSTEM_PYTHON, "-c", script], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(SRC)}, check=False)  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert says in done.stdout


class PlaybackRadio:
    """Stands in for a `SoapySDR.Device` (there is no radio here): plays samples back in
    reads of at most `mtu`, after one timeout and one overflow, as a driver may. Its
    methods have SoapySDR's names."""

    def __init__(self, samples: np.ndarray, *, mtu: int = 65_536, rate_error: float = 0.0) -> None:
        self.samples, self.mtu, self.position = samples, mtu, 0
        self.events = [TIMEOUT, OVERFLOW]
        self.settings: dict[str, object] = {}
        self.stream_open = False
        self.rate_offset = rate_error

    def getNumChannels(self, direction: int) -> int:
        return 1 if direction == RX else 0

    def setSampleRate(self, direction: int, channel: int, rate: float) -> None:
        self.settings["rate"] = rate + self.rate_offset

    def getSampleRate(self, direction: int, channel: int) -> float:
        return float(self.settings["rate"])

    def setFrequency(self, direction: int, channel: int, frequency: float) -> None:
        self.settings["frequency"] = frequency

    def getFrequency(self, direction: int, channel: int) -> float:
        return float(self.settings["frequency"])

    def hasGainMode(self, direction: int, channel: int) -> bool:
        return True

    def setGainMode(self, direction: int, channel: int, automatic: bool) -> None:
        self.settings["automatic"] = automatic

    def setGain(self, direction: int, channel: int, gain: float) -> None:
        self.settings["gain"] = gain

    def setupStream(self, direction: int, kind: str, channels: list[int]) -> str:
        assert (direction, kind, channels) == (RX, "CF32", [0])
        return "rx stream"

    def activateStream(self, stream: str) -> None:
        self.stream_open = True

    def deactivateStream(self, stream: str) -> None:
        self.stream_open = False

    def closeStream(self, stream: str) -> None:
        assert not self.stream_open

    def readStream(self, stream, buffers, count, timeoutUs):
        if self.events:
            return SimpleNamespace(ret=self.events.pop(0), flags=0, timeNs=0)
        got = min(count, self.mtu, len(self.samples) - self.position)
        if got == 0:
            return SimpleNamespace(ret=TIMEOUT, flags=0, timeNs=0)
        buffers[0][:got] = self.samples[self.position : self.position + got]
        self.position += got
        return SimpleNamespace(ret=got, flags=0, timeNs=0)


def _recording() -> np.ndarray:
    return np.fromfile(shared_path(RECORDING), dtype=np.complex64)


def test_streamed_blocks_are_the_samples_in_order_and_numbered() -> None:
    samples = _recording()
    radio = PlaybackRadio(samples, mtu=7_777)
    source = SoapySource(radio, args="driver=playback", sample_rate=50e6, centre_freq=2.4e9,
                         gain=32.0, block_samples=100_000)  # fmt: skip
    blocks = list(source.blocks(len(samples)))
    assert [b.first_sample for b in blocks] == list(range(0, len(samples), 100_000))
    assert np.array_equal(np.concatenate([b.samples for b in blocks]), samples)
    assert source.overflows == 1 and not radio.stream_open
    assert radio.settings == {"rate": 50e6, "frequency": 2.4e9, "automatic": False, "gain": 32.0}


def test_the_receiver_decodes_a_stream_as_it_decodes_the_file() -> None:
    samples = _recording()
    source = SoapySource(PlaybackRadio(samples), args="driver=playback", sample_rate=50e6,
                         centre_freq=2.4e9)  # blocks of the file reader's size
    receiver = OcuSyncReceiver(source.sample_rate)
    live = [r.to_dict(source.centre_freq) for r in receiver.results(source.blocks(len(samples)))]
    from_file = list(decode_iq(shared_path(RECORDING), sample_rate=50e6, centre_freq=2.4e9))
    assert live == from_file and len(live) == 3
    assert {record["serial"] for record in live} == {"1WNBH3900201N1"}


def test_the_rate_the_radio_picked_is_the_rate_used() -> None:
    radio = PlaybackRadio(_recording(), rate_error=-1_000.0)
    source = SoapySource(radio, args="driver=playback", sample_rate=20e6, centre_freq=2.4e9)
    assert source.sample_rate == 20e6 - 1_000.0 and radio.settings["automatic"] is True


def test_a_radio_that_stops_sending_or_fails_is_an_error_naming_it() -> None:
    radio = PlaybackRadio(np.zeros(10, np.complex64))
    source = SoapySource(radio, args="driver=playback", sample_rate=20e6, centre_freq=2.4e9,
                         block_samples=100)  # fmt: skip
    with pytest.raises(BadInputError, match=r"driver=playback: no samples .* for 5 s"):
        list(source.blocks())
    assert not radio.stream_open
    radio = PlaybackRadio(np.zeros(10, np.complex64))
    radio.events = [-2]
    source = SoapySource(radio, args="driver=playback", sample_rate=20e6, centre_freq=2.4e9)
    with pytest.raises(BadInputError, match="reading from the SoapySDR device failed: STREAM"):
        list(source.blocks())


def test_each_decoded_burst_is_one_line_saying_who_and_where() -> None:
    started = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    unknown, flight, _ = decode_iq(shared_path(RECORDING), sample_rate=50e6)
    line = burst_line(flight, started)
    when = started + timedelta(seconds=flight["time_s"])
    away = distance_m(flight["pilot_lat"], flight["pilot_lon"], flight["lat"], flight["lon"])
    assert line.startswith(f"{when:%H:%M:%S}.{when.microsecond // 1000:03d}  1WNBH3900201N1")
    assert f"Mavic Air 2  drone {flight['lat']:.5f}, {flight['lon']:.5f}, altitude 141 m" in line
    pilot = f"pilot {flight['pilot_lat']:.5f}, {flight['pilot_lon']:.5f} ({away:,.0f} m away)"
    assert pilot in line
    assert "1WNBH3900201N1  frame of unknown layout (message type 0x11)" in burst_line(
        unknown, started
    )
