"""SigMF recordings: a `.sigmf-meta` JSON description beside a `.sigmf-data` sample file.

Read from the metadata (SigMF specification v1.x, sigmf.org): ``global.core:datatype``
(``cf32_le``, ``ci16_le``, ``ci8``...; real-valued and unsigned types are refused),
``global.core:sample_rate``, ``captures[0].core:frequency`` (centre frequency, optional),
``captures[0].core:sample_start`` and ``global.core:offset`` are not needed here. The JSON
is parsed with the standard library; the `sigmf` package is not required.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dronevet.capture.iq import IqSource, raw_source, sample_type
from dronevet.errors import CaptureFormatError

META_SUFFIX = ".sigmf-meta"
DATA_SUFFIX = ".sigmf-data"


def is_sigmf(path: str) -> bool:
    """Whether `path` names one half of a SigMF recording (by its suffix)."""
    return path.endswith((META_SUFFIX, DATA_SUFFIX))


def _pair(path: str) -> tuple[Path, Path]:
    base = path.removesuffix(META_SUFFIX).removesuffix(DATA_SUFFIX)
    return Path(base + META_SUFFIX), Path(base + DATA_SUFFIX)


def _load(meta: Path) -> dict[str, Any]:
    try:
        text = meta.read_text(encoding="utf-8")
    except OSError as error:
        raise CaptureFormatError(
            f"cannot read SigMF metadata: {error.strerror}", path=str(meta)
        ) from None
    except UnicodeDecodeError:
        raise CaptureFormatError("SigMF metadata is not UTF-8 text", path=str(meta)) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CaptureFormatError(
            f"SigMF metadata is not valid JSON: {error.msg}", path=str(meta), line=error.lineno
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("global"), dict):
        raise CaptureFormatError("SigMF metadata has no \"global\" object", path=str(meta))
    return document


def _number(value: object, key: str, meta: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaptureFormatError(f"SigMF {key} must be a number, got {value!r}", path=str(meta))
    return float(value)


def sigmf_source(path: str) -> IqSource:
    """An `IqSource` for the SigMF recording named by either of its two files."""
    meta, data = _pair(path)
    document = _load(meta)
    header = document["global"]
    datatype = header.get("core:datatype")
    if not isinstance(datatype, str):
        raise CaptureFormatError("SigMF global has no core:datatype", path=str(meta))
    if not datatype.startswith("c"):
        raise CaptureFormatError(
            f"SigMF datatype {datatype!r} is real-valued; IQ (complex) samples are needed",
            path=str(meta),
        )
    kind = sample_type(datatype, path=str(meta))
    if "core:sample_rate" not in header:
        raise CaptureFormatError("SigMF global has no core:sample_rate", path=str(meta))
    rate = _number(header["core:sample_rate"], "core:sample_rate", meta)
    centre = None
    captures = document.get("captures")
    if isinstance(captures, list) and captures and isinstance(captures[0], dict):
        frequency = captures[0].get("core:frequency")
        if frequency is not None:
            centre = _number(frequency, "core:frequency", meta)
    return raw_source(str(data), sample_rate=rate, sample_type_name=kind.name, centre_freq=centre)
