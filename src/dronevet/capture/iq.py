"""Raw IQ recordings (files or standard input) read as blocks of complex64 samples.

Supported sample types, interleaved I then Q: ``cf32`` (float32, as written by GNU Radio
and most SDR tools), ``ci16`` (int16, full scale 32768: USRP, bladeRF, LimeSDR), ``ci8``
(int8, full scale 128: HackRF ``hackrf_transfer``), little-endian unless the name ends in
``_be``. Reading keeps memory constant in the file length: one block buffer is reused and
converted into a fresh complex64 array per block.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from dronevet.errors import CaptureFormatError

STDIN = "-"
DEFAULT_BLOCK_SAMPLES = 1 << 20


@dataclass(frozen=True, slots=True)
class SampleType:
    """How one complex sample is stored."""

    name: str
    component: np.dtype[np.generic]
    full_scale: float

    @property
    def sample_bytes(self) -> int:
        return 2 * self.component.itemsize


def _sample_types() -> dict[str, SampleType]:
    types = {}
    for base, code, scale in (("cf32", "f4", 1.0), ("ci16", "i2", 32768.0), ("ci8", "i1", 128.0)):
        for suffix, order in (("", "<"), ("_le", "<"), ("_be", ">")):
            if base == "ci8" and suffix == "_be":
                continue
            types[base + suffix] = SampleType(base + suffix, np.dtype(order + code), scale)
    return types


SAMPLE_TYPES = _sample_types()


def sample_type(name: str, *, path: str | None = None) -> SampleType:
    """The `SampleType` called `name` (cf32, ci16, ci8, with optional _le/_be)."""
    found = SAMPLE_TYPES.get(name.lower())
    if found is None:
        raise CaptureFormatError(
            f"unsupported IQ sample type {name!r}; supported: "
            + ", ".join(sorted(SAMPLE_TYPES)),
            path=path,
        )
    return found


@dataclass(frozen=True, slots=True)
class IqSource:
    """Where the samples are and what they are."""

    path: str
    """File path, or "-" for standard input."""
    sample_rate: float
    sample_type: SampleType
    centre_freq: float | None = None
    data_offset: int = 0
    """Bytes to skip before the first sample."""
    sample_count: int | None = None
    """Samples to read; None: to the end (known up front only for files)."""


@dataclass(frozen=True, slots=True)
class IqBlock:
    """Consecutive samples and the index of the first one in the recording."""

    first_sample: int
    samples: NDArray[np.complex64]


def raw_source(
    path: str,
    *,
    sample_rate: float,
    sample_type_name: str = "cf32",
    centre_freq: float | None = None,
) -> IqSource:
    """An `IqSource` for a headerless IQ file (or "-"), checked for size and rate."""
    if not (math.isfinite(sample_rate) and sample_rate > 0):
        raise CaptureFormatError(
            f"sample rate must be a positive number of samples per second, got {sample_rate}",
            path=path,
        )
    if centre_freq is not None and not math.isfinite(centre_freq):
        raise CaptureFormatError(
            f"centre frequency must be a finite number of Hz, got {centre_freq}", path=path
        )
    kind = sample_type(sample_type_name, path=path)
    count = None
    if path != STDIN:
        size = _file_size(path)
        if size % kind.sample_bytes:
            raise CaptureFormatError(
                f"file is {size} bytes, not a whole number of {kind.name} samples "
                f"({kind.sample_bytes} bytes each): truncated or not {kind.name}",
                path=path,
            )
        count = size // kind.sample_bytes
    return IqSource(path, float(sample_rate), kind, centre_freq, 0, count)


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError as error:
        raise CaptureFormatError(f"cannot read IQ file: {error.strerror}", path=path) from None


def _to_complex(raw: NDArray[np.generic], kind: SampleType) -> NDArray[np.complex64]:
    values = raw.astype(np.float32)
    if kind.full_scale != 1.0:
        values *= np.float32(1 / kind.full_scale)
    return values.view(np.complex64)


def _read_into(stream: BinaryIO, view: memoryview) -> int:
    filled = 0
    while filled < len(view):
        got = stream.readinto(view[filled:])  # type: ignore[attr-defined]
        if not got:
            break
        filled += got
    return filled


def read_blocks(
    source: IqSource, *, block_samples: int = DEFAULT_BLOCK_SAMPLES
) -> Iterator[IqBlock]:
    """Blocks of at most `block_samples` complex64 samples, in order.

    Raises `CaptureFormatError` naming the file for a stream that ends inside a sample,
    a float sample that is not finite, or a recording with no samples at all.
    """
    kind = source.sample_type
    buffer = np.empty(block_samples * 2, dtype=kind.component)
    view = buffer.data.cast("B")
    remaining = source.sample_count
    first = 0
    with _open(source) as stream:
        if source.data_offset:
            stream.seek(source.data_offset)
        while remaining is None or remaining > 0:
            wanted = block_samples if remaining is None else min(block_samples, remaining)
            got = _read_into(stream, view[: wanted * kind.sample_bytes])
            whole = got // kind.sample_bytes
            if whole:
                block = _to_complex(buffer[: 2 * whole], kind)
                if kind.name.startswith("cf32"):
                    _check_finite(block, first, source.path)
                yield IqBlock(first, block)
                first += whole
                if remaining is not None:
                    remaining -= whole
            if got % kind.sample_bytes:
                raise CaptureFormatError(
                    f"recording ends inside sample {first} ({got % kind.sample_bytes} of "
                    f"{kind.sample_bytes} bytes): truncated",
                    path=source.path,
                )
            if got < wanted * kind.sample_bytes:
                break
    if first == 0:
        raise CaptureFormatError("recording holds no IQ samples", path=source.path)


def _check_finite(block: NDArray[np.complex64], first: int, path: str) -> None:
    finite = np.isfinite(block.view(np.float32))
    if not finite.all():
        bad = first + int(np.argmin(finite)) // 2
        raise CaptureFormatError(
            f"sample {bad} is not a finite number: not a cf32 recording?", path=path
        )


def _open(source: IqSource) -> contextlib.AbstractContextManager[BinaryIO]:
    if source.path == STDIN:
        return contextlib.nullcontext(sys.stdin.buffer)
    try:
        return open(source.path, "rb")
    except OSError as error:
        raise CaptureFormatError(
            f"cannot read IQ file: {error.strerror}", path=source.path
        ) from None
