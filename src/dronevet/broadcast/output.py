"""Writing detection records as JSON lines, CSV or GeoJSON, streaming, a batch at a time.

The writers stream: a 2 GB capture's records are never all in memory. JSON is written by
orjson (shortest round-trip floats, NaN as null, UTF-8 kept as is) for the records of both
decoding paths, so the streaming and batch paths print byte-identical output. CSV has one
column per key of the `dronevet rid` JSON contract (or of the per-drone summary with
`--tracks`); GeoJSON has a Point per record that carries a position (aircraft position
for location and DJI records, operator position for system records, the latest position
of a track) and leaves the others out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

import orjson

CONTRACT_COLUMNS = (
    "time", "transport", "mac", "frame", "msg_type",
    "uas_id", "id_type", "ua_type",
    "lat", "lon", "alt_baro", "alt_geo", "height", "speed_h", "speed_v", "direction", "status",
    "operator_lat", "operator_lon", "operator_alt", "operator_id",
    "serial", "alt", "home_lat", "home_lon", "pilot_lat", "pilot_lon", "product_type", "uuid",
)  # fmt: skip
TRACK_COLUMNS = (
    "key", "uas_ids", "macs", "id_type", "ua_type", "operator_id", "serial", "product", "uuid",
    "lat", "lon", "alt_geo", "alt_baro", "alt", "height", "speed_h", "speed_v", "direction",
    "status", "operator_lat", "operator_lon", "operator_alt", "home_lat", "home_lon",
    "first_seen", "last_seen", "messages", "transports", "identity", "covered_status",
)  # fmt: skip
"""CSV columns of a per-drone summary; lists and counts are written as JSON text."""

FORMATS = ("jsonl", "csv", "geojson")
LINE_FORMATS = ("jsonl", "csv")
"""Formats whose records can be rendered as lines elsewhere (`DecodeRun.lines`)."""


def dumps(value: Any) -> str:
    """One JSON document as text (the encoding every `rid` output uses)."""
    return orjson.dumps(value).decode()


def _position(record: dict[str, Any]) -> tuple[float, float, str] | None:
    for lat_key, lon_key, role in (("lat", "lon", "aircraft"), ("operator_lat", "operator_lon",
                                                                 "operator")):
        lat, lon = record.get(lat_key), record.get(lon_key)
        if isinstance(lat, float | int) and isinstance(lon, float | int):
            return float(lat), float(lon), role
    return None


def _cell(value: Any) -> Any:
    return dumps(value) if isinstance(value, list | dict) else value


class RecordWriter:
    """Write records to a text stream in one format; `close()` ends the document."""

    def __init__(
        self, stream: TextIO, fmt: str, columns: Sequence[str] = CONTRACT_COLUMNS
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown record format {fmt}")
        self.stream, self.format = stream, fmt
        self._csv: csv.DictWriter[str] | None = None
        self._flatten = columns != CONTRACT_COLUMNS  # contract records hold no lists
        self._features = 0
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, columns, extrasaction="ignore")
            self._csv.writeheader()
        elif fmt == "geojson":
            stream.write('{"type":"FeatureCollection","features":[\n')

    def write(self, record: dict[str, Any]) -> None:
        """Write one record (records without a position are left out of GeoJSON)."""
        self.write_many((record,))

    def write_many(self, records: Iterable[dict[str, Any]]) -> None:
        """Write records in order, as one write to the stream where the format allows."""
        if self._csv is not None:
            if self._flatten:
                records = ({k: _cell(v) for k, v in r.items()} for r in records)
            self._csv.writerows(records)
        elif self.format == "jsonl":
            option = orjson.OPT_APPEND_NEWLINE
            self.stream.write(b"".join(orjson.dumps(r, option=option) for r in records).decode())
        else:
            self.stream.write("".join(self._feature(r) for r in records))

    def write_lines(self, chunk: bytes | memoryview) -> None:
        """Write JSON lines or CSV rows already rendered in this writer's format (UTF-8)."""
        if self.format not in LINE_FORMATS:
            raise ValueError(f"{self.format} is not written line by line")
        self.stream.flush()
        self.stream.buffer.write(chunk)

    def _feature(self, record: dict[str, Any]) -> str:
        position = _position(record)
        if position is None:
            return ""
        lat, lon, role = position
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {**record, "role": role},
        }
        prefix = ",\n" if self._features else ""
        self._features += 1
        return prefix + dumps(feature)

    def close(self) -> None:
        """Finish the document (GeoJSON's closing brackets)."""
        if self.format == "geojson":
            self.stream.write("\n]}\n")
        self.stream.flush()
