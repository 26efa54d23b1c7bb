"""The rows of a register file: CSV text, or one sheet of an XLSX workbook.

`read_table(data, name)` gives the header row and every non-blank row after it, each
with its line number (the CSV line a record starts on, or the sheet's row number), so
that errors can say where they are. It assumes hostile input and reports, as a
`BadInputError` naming the file (and the line where there is one), what it cannot read:
an empty file, a binary file or a workbook under a `.csv` name, text that is not UTF-8,
a cell beyond the CSV reader's limit, a file or sheet too large, a sheet that does not
exist, a damaged workbook.

CSV: UTF-8 with or without a byte-order mark; the delimiter is the one `csv.Sniffer`
finds among `,;<tab>|` in the first lines (a header that only splits with another of
them is split with that one). XLSX: openpyxl in read-only mode, the first sheet or the
one named (its name matched regardless of case); cells keep their types (numbers, dates).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.cells import Cell, text
from dronevet.suggest import close_matches

MAX_BYTES = 64 * 1024 * 1024
"""The largest register file read (a register of 100,000 aircraft is about 10 MB)."""
MAX_ROWS = 1_000_000
"""The most rows read from one file."""
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = ",;\t|"
SNIFF_LINES = 20

_ZIP = b"PK\x03\x04"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class Table:
    """A header row and the non-blank rows under it, each with its line number."""

    path: str
    header: tuple[str, ...]
    header_line: int
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]
    sheet: str | None = None
    """The sheet read, for a workbook."""

    @property
    def line_word(self) -> str:
        """What a position is called in this file: a CSV line or a sheet row."""
        return "line" if self.sheet is None else "row"


def is_workbook(name: str) -> bool:
    """Whether a file of this name is read as an XLSX workbook (else as CSV)."""
    return PurePath(name).suffix.casefold() in XLSX_SUFFIXES


def read_table(data: bytes, name: str, *, sheet: str | None = None) -> Table:
    """The table in `data`, a file called `name` (its suffix says CSV or XLSX)."""
    if len(data) > MAX_BYTES:
        raise BadInputError(
            f"the file is {len(data):,} bytes; at most {MAX_BYTES:,} are read: split it.",
            path=name,
        )
    if is_workbook(name):
        return _xlsx_table(data, name, sheet)
    if sheet is not None:
        raise BadInputError(f"a sheet ({sheet!r}) was named, but this is a CSV file.", path=name)
    return _csv_table(data, name)


def blank(cells: Iterable[Cell]) -> bool:
    """Whether every cell is empty (None or only spaces)."""
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table(rows: Iterator[tuple[int, tuple[Cell, ...]]], name: str, sheet: str | None) -> Table:
    """The first non-blank row as the header, the non-blank rows after it as the body."""
    body: list[tuple[int, tuple[Cell, ...]]] = []
    header: tuple[str, ...] | None = None
    header_line = 0
    for line, cells in rows:
        if blank(cells):
            continue
        if header is None:
            header, header_line = _header(cells, name, line), line
        elif len(body) == MAX_ROWS:
            raise BadInputError(
                f"the file has more than {MAX_ROWS:,} rows: split it.", path=name, line=line
            )
        else:
            body.append((line, cells))
    if header is None:
        where = f"sheet {sheet!r} is empty" if sheet else "the file is empty"
        raise BadInputError(
            f"{where}: a register needs a header row (serial, model, ...) and one row per "
            "aircraft.",
            path=name,
        )
    return Table(name, header, header_line, tuple(body), sheet)


def _header(cells: tuple[Cell, ...], name: str, line: int) -> tuple[str, ...]:
    try:
        return tuple(text(c) or "" for c in cells)
    except ValueError as error:
        raise BadInputError(
            f"the header row cannot be read: {error}", path=name, line=line
        ) from None


# --- CSV -----------------------------------------------------------------------------------


def _decoded(data: bytes, name: str) -> str:
    if data.startswith(_ZIP):
        raise BadInputError(
            "this is an XLSX workbook (or another zip archive), not CSV text: give it the "
            ".xlsx extension, or save it from the spreadsheet as CSV UTF-8.",
            path=name,
        )
    if data.startswith(_UTF16):
        raise BadInputError("this is UTF-16 text: save it as CSV UTF-8.", path=name)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BadInputError(
            "this is a binary file, not CSV text (it holds NUL bytes).",
            path=name,
            line=data.count(b"\n", 0, nul) + 1,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInputError(
            f"this is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read): save it "
            "as CSV UTF-8.",
            path=name,
            line=data.count(b"\n", 0, error.start) + 1,
        ) from None


def _sample(content: str) -> str:
    end = -1
    for _ in range(SNIFF_LINES):
        end = content.find("\n", end + 1)
        if end < 0:
            return content[:65536]
    return content[: min(end, 65536)]


def _delimiter(content: str) -> str:
    """The delimiter Sniffer finds; the one that splits the header most when it finds none,
    or one that leaves the header whole. (Only the delimiter is taken from Sniffer: its
    guesses of quoting go wrong on apostrophes, and spreadsheets quote with `"`.)"""
    sample = _sample(content)
    try:
        delimiter = csv.Sniffer().sniff(sample, DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    first = sample.split("\n", 1)[0]
    if delimiter not in first:
        best = max(DELIMITERS, key=first.count)
        delimiter = best if best in first else delimiter
    return delimiter


CSV_CELL_LIMIT = 131_072
"""The longest CSV cell read (the csv module's default limit, which other libraries raise
process-wide: the importer checks it itself)."""


def _csv_rows(content: str, name: str) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(content))
    too_long = f"cannot be read as CSV: a cell is longer than {CSV_CELL_LIMIT:,} characters."
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = str(error)
            if "field larger than field limit" in message:
                raise BadInputError(too_long, path=name, line=reader.line_num) from None
            raise BadInputError(
                f"cannot be read as CSV: {message}.", path=name, line=reader.line_num
            ) from None
        if any(len(cell) > CSV_CELL_LIMIT for cell in row):
            raise BadInputError(too_long, path=name, line=reader.line_num)
        yield line, tuple(row)


def _csv_table(data: bytes, name: str) -> Table:
    return _table(_csv_rows(_decoded(data, name), name), name, None)


# --- XLSX ----------------------------------------------------------------------------------


def _sheet(workbook: Any, wanted: str | None, name: str) -> Any:
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
    if wanted is None:
        if not sheets:
            raise BadInputError("the workbook has no worksheet.", path=name)
        return sheets[0]
    for ws in sheets:
        if ws.title.casefold() == wanted.strip().casefold():
            return ws
    titles = [ws.title for ws in sheets]
    raise UnknownNameError(
        f"the workbook has no sheet {wanted!r}; its sheets: {', '.join(map(repr, titles))}.",
        path=name,
        suggestions=close_matches(wanted, titles),
    )


def _xlsx_rows(ws: Any) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    ws.reset_dimensions()  # a workbook's stated size may be wrong, or hostile
    for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
        yield line, tuple(row)


def _xlsx_table(data: bytes, name: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    if not data:
        raise BadInputError("the file is empty: it is not an XLSX workbook.", path=name)
    # openpyxl raises many kinds of error (zip, XML, key, value, type) on a damaged or
    # hostile workbook; each means the same thing to the person importing it.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise BadInputError(
            f"cannot be read as an XLSX workbook ({type(error).__name__}: {error}).", path=name
        ) from None
    try:
        ws = _sheet(workbook, sheet, name)
        try:
            return _table(_xlsx_rows(ws), name, ws.title)
        except BadInputError:
            raise
        except Exception as error:  # a damaged sheet, as above
            raise BadInputError(
                f"sheet {ws.title!r} cannot be read ({type(error).__name__}: {error}).",
                path=name,
            ) from None
    finally:
        workbook.close()
