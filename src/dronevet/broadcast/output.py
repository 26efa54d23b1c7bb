"""Writing detection records as JSON lines, CSV or GeoJSON, one record at a time.

The writers stream: a 2 GB capture's records are never all in memory. CSV has one
column per key of the `dronevet rid` JSON contract; GeoJSON has a Point per record that
carries a position (aircraft position for location and DJI records, operator position
for system records) and leaves the others out.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

CONTRACT_COLUMNS = (
    "time", "transport", "mac", "frame", "msg_type",
    "uas_id", "id_type", "ua_type",
    "lat", "lon", "alt_baro", "alt_geo", "height", "speed_h", "speed_v", "direction", "status",
    "operator_lat", "operator_lon", "operator_alt", "operator_id",
    "serial", "alt", "home_lat", "home_lon", "pilot_lat", "pilot_lon", "product_type", "uuid",
)  # fmt: skip


def _position(record: dict[str, Any]) -> tuple[float, float, str] | None:
    for lat_key, lon_key, role in (("lat", "lon", "aircraft"), ("operator_lat", "operator_lon",
                                                                 "operator")):
        lat, lon = record.get(lat_key), record.get(lon_key)
        if isinstance(lat, float | int) and isinstance(lon, float | int):
            return float(lat), float(lon), role
    return None


class RecordWriter:
    """Write records to a text stream in one format; `close()` ends the document."""

    def __init__(self, stream: TextIO, fmt: str) -> None:
        if fmt not in ("jsonl", "csv", "geojson"):
            raise ValueError(f"unknown record format {fmt}")
        self.stream, self.format = stream, fmt
        self._csv: csv.DictWriter[str] | None = None
        self._features = 0
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, CONTRACT_COLUMNS, extrasaction="ignore")
            self._csv.writeheader()
        elif fmt == "geojson":
            stream.write('{"type":"FeatureCollection","features":[\n')

    def write(self, record: dict[str, Any]) -> None:
        """Write one record (records without a position are left out of GeoJSON)."""
        if self._csv is not None:
            self._csv.writerow(record)
        elif self.format == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            position = _position(record)
            if position is None:
                return
            lat, lon, role = position
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {**record, "role": role},
            }
            prefix = ",\n" if self._features else ""
            self.stream.write(prefix + json.dumps(feature, ensure_ascii=False))
            self._features += 1

    def close(self) -> None:
        """Finish the document (GeoJSON's closing brackets)."""
        if self.format == "geojson":
            self.stream.write("\n]}\n")
        self.stream.flush()
