"""IQ samples live from a software-defined radio through SoapySDR, as blocks of complex64.

SoapySDR drives most SDRs (HackRF, USRP, LimeSDR, bladeRF, Airspy, ...) behind one API, each
radio through a driver module. Its Python bindings are not on PyPI: Debian and Ubuntu
package them for the system Python (`python3-soapysdr`, drivers as
`soapysdr-module-<radio>`), so dronevet must run from a virtual environment made with
`--system-site-packages` to import them. `SoapySource` tunes one receive channel and yields
consecutive `IqBlock`s like the file readers of `capture.iq`; it reads through the device
object only, so it does not import the bindings itself (`open_soapy` does).

Stream return codes are SoapySDR's (`SoapySDR/Errors.h`): a timeout waits again (too many in
a row is an error), an overflow means the radio dropped samples because the computer did
not keep up: counted in `overflows`, the stream goes on (a burst across the gap is lost).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Generator
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dronevet.capture.iq import DEFAULT_BLOCK_SAMPLES, IqBlock
from dronevet.errors import BadInputError, UsageError

RX = 1  # SOAPY_SDR_RX
CF32 = "CF32"  # SOAPY_SDR_CF32: complex float32, as numpy's complex64
TIMEOUT = -1
OVERFLOW = -4
ERROR_NAMES = {-1: "TIMEOUT", -2: "STREAM_ERROR", -3: "CORRUPTION", -4: "OVERFLOW",
               -5: "NOT_SUPPORTED", -6: "TIME_ERROR", -7: "UNDERFLOW"}  # fmt: skip
READ_TIMEOUT_US = 1_000_000
STALLED_READS = 5
"""Timeouts in a row (of a second each) after which the radio counts as stalled."""

HOW_TO_GET_SOAPYSDR = (
    "the SoapySDR Python bindings are not installed for this Python ({python}). They are "
    "not on PyPI: install them with the system's packages, `sudo apt install "
    "python3-soapysdr soapysdr-module-<your radio>` (e.g. soapysdr-module-hackrf, -uhd, "
    "-lms7, -bladerf), then run dronevet from a virtual environment made with `python3 -m "
    "venv --system-site-packages`. Or record with the radio's own tool and pipe the samples "
    "in: `hackrf_transfer -r - -f 2414500000 -s 20000000 | dronevet droneid decode - -r 20e6 "
    "--dtype ci8`, or `rx_sdr -d driver=lime -f 2414500000 -s 15360000 -F CF32 - | dronevet "
    "droneid decode - -r 15.36e6`."
)


class SdrUnavailableError(UsageError):
    """SoapySDR cannot be used from this Python (its bindings are missing): exit code 2."""


def soapy_module() -> ModuleType:
    """The SoapySDR bindings; `SdrUnavailableError` saying how to get them when missing."""
    try:
        import SoapySDR
    except ImportError:
        raise SdrUnavailableError(HOW_TO_GET_SOAPYSDR.format(python=sys.executable)) from None
    module: ModuleType = SoapySDR
    return module


class SoapySource:
    """Consecutive blocks of samples from one receive channel of a SoapySDR device.

    `device` is a `SoapySDR.Device` (or an object with its methods); `args` names it in
    messages. `sample_rate` and `centre_freq` are what the device reports after tuning (a
    radio may pick the nearest rate it supports). With `gain` None the radio's automatic
    gain is used where it has one.
    """

    def __init__(
        self,
        device: Any,
        *,
        args: str,
        sample_rate: float,
        centre_freq: float,
        gain: float | None = None,
        channel: int = 0,
        block_samples: int = DEFAULT_BLOCK_SAMPLES,
    ) -> None:
        self.path = args
        self.channel = channel
        self.block_samples = block_samples
        self.overflows = 0
        """Times the radio dropped samples."""
        self._device = device
        if device.getNumChannels(RX) <= channel:
            raise BadInputError(f"the SoapySDR device has no receive channel {channel}", path=args)
        try:
            device.setSampleRate(RX, channel, sample_rate)
            device.setFrequency(RX, channel, centre_freq)
            if gain is None:
                if device.hasGainMode(RX, channel):
                    device.setGainMode(RX, channel, True)
            else:
                device.setGainMode(RX, channel, False)
                device.setGain(RX, channel, gain)
        except RuntimeError as error:  # what the bindings raise for a driver's refusal
            raise BadInputError(
                f"the SoapySDR device refused a setting: {error}", path=args
            ) from None
        self.sample_rate = float(device.getSampleRate(RX, channel))
        self.centre_freq = float(device.getFrequency(RX, channel))
        if not (math.isfinite(self.sample_rate) and self.sample_rate > 0):
            raise BadInputError(
                f"the SoapySDR device runs at {self.sample_rate:g} samples per second after "
                f"being set to {sample_rate:g}",
                path=args,
            )

    def blocks(self, max_samples: int | None = None) -> Generator[IqBlock, None, None]:
        """Blocks of `block_samples` samples (the last one shorter when `max_samples` ends
        it), numbered from 0 at the start of the stream; the stream closes when the caller
        stops."""
        device = self._device
        stream = device.setupStream(RX, CF32, [self.channel])
        device.activateStream(stream)
        first = 0
        try:
            while max_samples is None or first < max_samples:
                wanted = self.block_samples
                if max_samples is not None:
                    wanted = min(wanted, max_samples - first)
                samples = self._fill(stream, wanted)
                yield IqBlock(first, samples)
                first += wanted
        finally:
            device.deactivateStream(stream)
            device.closeStream(stream)

    def _fill(self, stream: Any, count: int) -> NDArray[np.complex64]:
        samples = np.empty(count, dtype=np.complex64)
        filled = stalls = 0
        while filled < count:
            got = self._device.readStream(
                stream, [samples[filled:]], count - filled, timeoutUs=READ_TIMEOUT_US
            ).ret
            if got > 0:
                filled += got
                stalls = 0
            elif got == OVERFLOW:
                self.overflows += 1
            elif got == TIMEOUT and stalls < STALLED_READS:
                stalls += 1
            elif got == TIMEOUT:
                raise BadInputError(
                    f"no samples from the SoapySDR device for {STALLED_READS} s", path=self.path
                )
            else:
                name = ERROR_NAMES.get(got, str(got))
                raise BadInputError(f"reading from the SoapySDR device failed: {name}",
                                    path=self.path)  # fmt: skip
        return samples


def open_soapy(
    args: str, *, sample_rate: float, centre_freq: float, gain: float | None = None
) -> SoapySource:
    """The device `args` names ("driver=hackrf", "driver=uhd,serial=...") tuned for reading;
    `SdrUnavailableError` without the bindings, `BadInputError` when no device matches."""
    soapy = soapy_module()
    try:
        device = soapy.Device(args)
    except RuntimeError as error:
        raise BadInputError(
            f"no SoapySDR device opens with {args!r} ({error}); `SoapySDRUtil --find` lists "
            "the radios SoapySDR sees, and each radio needs its driver module "
            "(soapysdr-module-<radio>)"
        ) from None
    return SoapySource(device, args=args, sample_rate=sample_rate, centre_freq=centre_freq,
                       gain=gain)  # fmt: skip
