"""Raw IQ and SigMF readers: sample types, blocks, standard input, malformed files."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.capture.iq import IqSource, raw_source, read_blocks, sample_type
from dronevet.capture.sigmf import sigmf_source
from dronevet.errors import CaptureFormatError

TONE = (np.exp(2j * np.pi * 0.01 * np.arange(5000)) * 0.5).astype(np.complex64)


def _read_all(source: IqSource, block: int = 1024) -> np.ndarray:
    return np.concatenate([b.samples for b in read_blocks(source, block_samples=block)])


def _write(path: Path, name: str) -> None:
    if name == "cf32":
        TONE.tofile(path)
        return
    scale = {"ci16": 32767, "ci8": 127}[name]
    dtype = {"ci16": np.int16, "ci8": np.int8}[name]
    np.round(TONE.view(np.float32) * scale).astype(dtype).tofile(path)


@pytest.mark.parametrize("name", ["cf32", "ci16", "ci8"])
def test_raw_file_reads_back_in_blocks_to_full_scale(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"tone.{name}"
    _write(path, name)
    source = raw_source(str(path), sample_rate=2e6, sample_type_name=name)
    assert source.sample_count == len(TONE)
    samples = _read_all(source)
    tolerance = {"cf32": 0, "ci16": 1e-4, "ci8": 1e-2}[name]
    np.testing.assert_allclose(samples, TONE, atol=tolerance)


def test_block_indices_are_consecutive(tmp_path: Path) -> None:
    path = tmp_path / "tone.cf32"
    TONE.tofile(path)
    blocks = list(read_blocks(raw_source(str(path), sample_rate=1e6), block_samples=1500))
    assert [b.first_sample for b in blocks] == [0, 1500, 3000, 4500]
    assert len(blocks[-1].samples) == 500


def test_standard_input_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(TONE.tobytes()))
    monkeypatch.setattr(sys, "stdin", fake)
    source = raw_source("-", sample_rate=1e6)
    assert source.sample_count is None
    np.testing.assert_array_equal(_read_all(source, 777), TONE)


def test_truncated_raw_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cut.cf32"
    path.write_bytes(TONE.tobytes()[:-3])
    with pytest.raises(CaptureFormatError, match=r"cut\.cf32: .*not a whole number of cf32"):
        raw_source(str(path), sample_rate=1e6)


def test_truncated_stream_is_reported_after_the_valid_samples(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TONE.tobytes()[:-5])))
    blocks = read_blocks(raw_source("-", sample_rate=1e6), block_samples=4096)
    first = next(blocks)
    assert len(first.samples) == 4096
    with pytest.raises(CaptureFormatError, match="ends inside sample 4999"):
        list(blocks)


def test_empty_file_and_missing_file_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.cf32"
    empty.write_bytes(b"")
    with pytest.raises(CaptureFormatError, match="no IQ samples"):
        list(read_blocks(raw_source(str(empty), sample_rate=1e6)))
    with pytest.raises(CaptureFormatError, match=r"missing\.cf32"):
        raw_source(str(tmp_path / "missing.cf32"), sample_rate=1e6)


def test_non_finite_float_samples_are_refused(tmp_path: Path) -> None:
    bad = TONE.copy()
    bad[1234] = np.nan
    path = tmp_path / "nan.cf32"
    bad.tofile(path)
    with pytest.raises(CaptureFormatError, match="sample 1234 is not a finite"):
        list(read_blocks(raw_source(str(path), sample_rate=1e6)))


def test_unknown_sample_type_lists_the_supported_ones() -> None:
    with pytest.raises(CaptureFormatError, match=r"cf32.*ci16.*ci8"):
        sample_type("cu8")


def _sigmf(tmp_path: Path, meta: object, name: str = "rec") -> Path:
    data = tmp_path / f"{name}.sigmf-data"
    np.round(TONE.view(np.float32) * 32767).astype("<i2").tofile(data)
    meta_path = tmp_path / f"{name}.sigmf-meta"
    meta_path.write_text(meta if isinstance(meta, str) else json.dumps(meta, indent=1))
    return meta_path


def test_sigmf_metadata_gives_rate_frequency_and_type(tmp_path: Path) -> None:
    meta = {
        "global": {
            "core:datatype": "ci16_le",
            "core:sample_rate": 15.36e6,
            "core:version": "1.0.0",
        },
        "captures": [{"core:sample_start": 0, "core:frequency": 2.4445e9}],
        "annotations": [],
    }
    path = _sigmf(tmp_path, meta)
    for named in (path, path.with_suffix(".sigmf-data")):
        source = sigmf_source(str(named))
        assert source.sample_rate == 15.36e6 and source.centre_freq == 2.4445e9
        assert source.sample_type.name == "ci16_le"
    np.testing.assert_allclose(_read_all(source), TONE, atol=1e-4)


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ('{"global": {"core:datatype": "cf32_le",\n  "core:sample_rate": }}', "line 2"),
        ({"global": {"core:sample_rate": 1e6}}, "no core:datatype"),
        ({"global": {"core:datatype": "rf32_le", "core:sample_rate": 1e6}}, "real-valued"),
        ({"global": {"core:datatype": "ci16_le"}}, "no core:sample_rate"),
        ({"global": {"core:datatype": "ci16_le", "core:sample_rate": "fast"}}, "number"),
        ([1, 2], 'no "global"'),
    ],
)
def test_malformed_sigmf_metadata_names_the_file(
    tmp_path: Path, meta: object, message: str
) -> None:
    path = _sigmf(tmp_path, meta)
    with pytest.raises(CaptureFormatError, match=message) as raised:
        sigmf_source(str(path))
    assert raised.value.path == str(path)


def _why_unreadable(data: bytes, name: str) -> str | None:
    """What a reader must refuse in a raw IQ stream, worked out from the bytes."""
    size = sample_type(name).sample_bytes
    whole = data[: len(data) - len(data) % size]
    if name == "cf32" and not np.isfinite(np.frombuffer(whole, "<f4")).all():
        return "not a finite number"
    if len(data) % size:
        return "truncated"
    return "no IQ samples" if not data else None


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["cf32", "ci16", "ci8"]))
def test_arbitrary_bytes_read_whole_or_fail_with_a_capture_error_saying_why(
    data: bytes, name: str
) -> None:
    reason = _why_unreadable(data, name)
    stream = io.TextIOWrapper(io.BytesIO(data))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", stream)
        source = raw_source("-", sample_rate=1e6, sample_type_name=name)
        if reason is not None:
            with pytest.raises(CaptureFormatError, match=reason):
                list(read_blocks(source, block_samples=16))
            return
        total = sum(len(b.samples) for b in read_blocks(source, block_samples=16))
    assert total * sample_type(name).sample_bytes == len(data)  # every sample, none invented
