"""Writing detection records as JSON lines, CSV, GeoJSON or KML, streaming, a batch at a time.

The writers stream: a 2 GB capture's records are never all in memory. JSON is written by
orjson (shortest round-trip floats, NaN as null, UTF-8 kept as is) for the records of both
decoding paths, so the streaming and batch paths print byte-identical output. CSV has one
column per key of the `dronevet rid` JSON contract (or of the per-drone summary with
`--tracks`); GeoJSON (`geojson`) and KML (`kml`) place the records that carry a position
(`positions`) and leave the others out, or with `--tracks` each drone's position, path,
operator and home.

Every format is a document of lines: a header, one line (or none) per record, a footer.
`record_line` writes one record's line as the document holds it; `template` is the same
format for the batch path's compiled writer (`row_writer`), which renders the lines of
millions of records straight from the columns; `RecordWriter` frames either.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO

import orjson

if TYPE_CHECKING:
    from dronevet.broadcast.row_writer import Template

Record = dict[str, Any]
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

FORMATS = ("jsonl", "csv", "geojson", "kml")


def dumps(value: Any) -> str:
    """One JSON document as text (the encoding every `rid` output uses)."""
    return orjson.dumps(value).decode()


def _cell(value: Any) -> Any:
    return dumps(value) if isinstance(value, list | dict) else value


def record_line(fmt: str, columns: Sequence[str] = CONTRACT_COLUMNS) -> Callable[[Record], bytes]:
    """How `fmt` writes one record (`columns`: of CSV): its line, UTF-8, as in the document."""
    if fmt == "geojson":
        from dronevet.broadcast.geojson import feature_line

        return feature_line
    if fmt == "kml":
        from dronevet.broadcast.kml import placemark_line

        return placemark_line
    from dronevet.broadcast.batch_records import record_line as line_of

    return partial(line_of, fmt, columns)


def template(fmt: str, columns: Sequence[str] = CONTRACT_COLUMNS) -> Template:
    """The compiled writer's template of `fmt`: the bytes `record_line` writes."""
    if fmt == "geojson":
        from dronevet.broadcast import geojson

        return geojson.template()
    if fmt == "kml":
        from dronevet.broadcast import kml

        return kml.template()
    from dronevet.broadcast import row_writer

    return row_writer.template(fmt, columns)


def _track_line(fmt: str) -> Callable[[Record], bytes]:
    if fmt == "geojson":
        from dronevet.broadcast.geojson import track_features

        return track_features
    from dronevet.broadcast.kml import track_folder

    return track_folder


def _frame(fmt: str) -> tuple[str, str, int]:
    """(header, footer, bytes to drop before the first line) of a map document."""
    if fmt == "geojson":
        from dronevet.broadcast import geojson

        return geojson.HEADER, geojson.FOOTER, len(geojson.SEPARATOR)
    from dronevet.broadcast import kml

    return kml.HEADER, kml.FOOTER, 0


class RecordWriter:
    """Write records (`tracks`: per-drone summaries) to a text stream in one format;
    `close()` ends the document."""

    def __init__(self, stream: TextIO, fmt: str, *, tracks: bool = False) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown record format {fmt}")
        self.stream, self.format, self.tracks = stream, fmt, tracks
        self.columns = TRACK_COLUMNS if tracks else CONTRACT_COLUMNS
        self._csv: csv.DictWriter[str] | None = None
        self._footer, self._drop = "", 0
        self._line: Callable[[Record], bytes] | None = None
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, self.columns, extrasaction="ignore")
            self._csv.writeheader()
        elif fmt != "jsonl":
            header, self._footer, self._drop = _frame(fmt)
            self._line = _track_line(fmt) if tracks else record_line(fmt)
            stream.write(header)

    def write(self, record: Record) -> None:
        """Write one record (records without a position are left out of maps)."""
        self.write_many((record,))

    def write_many(self, records: Iterable[Record]) -> None:
        """Write records in order, as one write to the stream where the format allows."""
        if self._csv is not None:
            if self.tracks:
                records = ({k: _cell(v) for k, v in r.items()} for r in records)
            self._csv.writerows(records)
        elif self._line is not None:
            self.write_lines(b"".join(self._line(r) for r in records))
        else:
            option = orjson.OPT_APPEND_NEWLINE
            self.stream.write(b"".join(orjson.dumps(r, option=option) for r in records).decode())

    def write_lines(self, chunk: bytes | memoryview) -> None:
        """Write lines already rendered in this writer's format (UTF-8: `record_line`'s)."""
        if self._drop and chunk:  # the separator before the document's first line
            chunk, self._drop = chunk[self._drop :], 0
        self.stream.flush()
        self.stream.buffer.write(chunk)

    def close(self) -> None:
        """Finish the document (the footer of a map)."""
        self.stream.write(self._footer)
        self.stream.flush()
