"""Import a fleet register from CSV or XLSX into `Aircraft`, all or nothing.

```python
found = read_fleet("fleet.csv", kb=kb, columns={"serial": "Serial No."})
if found.errors:            # each names the file, the line (or sheet row) and the column
    raise found.failure()   # a FleetImportError listing every bad row; exit code 3
store.add(found.aircraft)   # only ever non-empty when every row is good
```

Each row becomes one `Aircraft` (columns as in `columns.py`):

- `serial` (required, unique within the file, case aside) and `model` (required): the
  model is resolved through the knowledge base's product lookup (`find_product`: names,
  aliases, brand and alias, fuzzily), kept as written, with its `product_id`; a model it
  cannot resolve, or that fits several models, is a row error naming the close matches;
- `purchase_date`, `price`, `flight_hours`: see `cells.py` for the forms accepted;
- `missions`: each resolved through the policy book's mission vocabulary and aliases
  (`rescue` is `search-and-rescue`); `capabilities`: words, case-folded;
- `status`: `active` (when empty), `grounded` or `retired`; `funding`, `unit`: text.

A row can have several errors, one per column. Nothing is returned to commit when any
row is bad: `aircraft` is then empty, and `committable()` raises. File-level problems
(unreadable file, missing required column) raise `BadInputError` at once (`tables.py`,
`columns.py`). At most `MAX_ERRORS` row errors are kept; `error_count` counts them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dronevet.errors import AmbiguousNameError, BadInputError, UnknownNameError
from dronevet.fleet.cells import Cell, parse_amount, parse_date, parse_list, parse_price, text
from dronevet.fleet.columns import FIELDS, Layout, layout
from dronevet.fleet.model import Aircraft, AircraftStatus
from dronevet.fleet.tables import MAX_BYTES, Table, blank, read_table
from dronevet.knowledge.base import KnowledgeBase
from dronevet.policy.loader import PolicyBook, builtin_policies
from dronevet.policy.subjects import find_product

MAX_ERRORS = 1000
"""Row errors kept (and shown) from one file; the rest are counted."""
STATUSES = tuple(s.value for s in AircraftStatus)


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong with one cell (or a whole row, when `column` is None)."""

    path: str
    line: int
    column: str | None
    field: str | None
    message: str
    line_word: str = "line"
    """`line` for a CSV file, `row` for a sheet."""

    @property
    def location(self) -> str:
        where = f"{self.line_word} {self.line}"
        return where + (f", column {self.column!r}" if self.column else "")

    def __str__(self) -> str:
        return f"{self.path}, {self.location}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


@dataclass(eq=False)
class FleetImportError(BadInputError):
    """A register with bad rows: nothing of it was imported. `errors` are the rows."""

    errors: tuple[RowError, ...] = ()


@dataclass(frozen=True, slots=True)
class FleetImport:
    """What a register file holds: its aircraft when every row is good, else its errors."""

    path: str
    rows: int
    aircraft: tuple[Aircraft, ...]
    errors: tuple[RowError, ...]
    error_count: int
    ignored_columns: tuple[str, ...] = ()
    sheet: str | None = None

    @property
    def ok(self) -> bool:
        return not self.error_count

    def failure(self) -> FleetImportError:
        """The error to show when rows are bad: every kept row error, one per line."""
        more = self.error_count - len(self.errors)
        lines = [f"  {e.location}: {e.message}" for e in self.errors]
        if more:
            lines.append(f"  ... and {more:,} more.")
        bad = len({e.line for e in self.errors})
        message = (
            f"{self.error_count:,} error{'s' if self.error_count != 1 else ''} in "
            f"{bad:,}{'+' if more else ''} of {self.rows:,} rows; nothing was imported:\n"
            + "\n".join(lines)
        )
        return FleetImportError(message, path=self.path, errors=self.errors)

    def committable(self) -> tuple[Aircraft, ...]:
        """The aircraft to store, or a `FleetImportError` if any row is bad."""
        if not self.ok:
            raise self.failure()
        return self.aircraft

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sheet": self.sheet,
            "rows": self.rows,
            "ok": self.ok,
            "aircraft": len(self.aircraft),
            "errors": [e.to_dict() for e in self.errors],
            "error_count": self.error_count,
            "ignored_columns": list(self.ignored_columns),
        }


@dataclass
class _Rows:
    """Turns the rows of one table into aircraft or errors (memoising model and mission
    look-ups, which repeat down a register)."""

    kb: KnowledgeBase
    book: PolicyBook
    table: Table
    layout: Layout
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    _models: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    _missions: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    _serials: dict[str, int] = field(default_factory=dict)

    def fail(self, line: int, field_name: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            column = self.layout.header(field_name) if field_name else None
            self.errors.append(
                RowError(self.table.path, line, column, field_name, message, self.table.line_word)
            )

    def product(self, written: str) -> str:
        """The product id a model names, or a `ValueError` saying why not."""
        if written not in self._models:
            self._models[written] = _resolve_model(self.kb, written)
        product_id, problem = self._models[written]
        if problem is not None:
            raise ValueError(problem)
        return product_id

    def mission(self, written: str) -> str:
        """The mission id a name or alias means, or a `ValueError` saying why not."""
        key = written.casefold()
        if key not in self._missions:
            self._missions[key] = _resolve_mission(self.book, written)
        mission, problem = self._missions[key]
        if problem is not None:
            raise ValueError(problem)
        return mission

    def serial(self, written: str, line: int) -> str:
        """`written`, unless an earlier row has the same serial (case aside)."""
        first = self._serials.setdefault(written.casefold(), line)
        if first != line:
            raise ValueError(
                f"serial {written!r} is already on {self.table.line_word} {first}: each "
                "aircraft once."
            )
        return written

    def missions(self, value: Cell) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.mission(m) for m in parse_list(value)))

    def cell(self, cells: tuple[Cell, ...], field_name: str) -> Cell:
        index = self.layout.columns.get(field_name)
        return cells[index] if index is not None and index < len(cells) else None


def _resolve_model(kb: KnowledgeBase, written: str) -> tuple[str, str | None]:
    """(product id, None), or ('', what is wrong)."""
    try:
        return find_product(kb, written).product.id, None
    except AmbiguousNameError as error:
        return "", error.message
    except UnknownNameError as error:
        close = [f"{kb.products[p].name} ({p})" for p in error.suggestions if p in kb.products]
        hint = (
            f"close matches: {', '.join(close)}"
            if close
            else "nothing close (see `dronevet models`)"
        )
        return "", f"no drone model {written!r} in the knowledge base; {hint}."


def _resolve_mission(book: PolicyBook, written: str) -> tuple[str, str | None]:
    """(mission id, None), or ('', what is wrong)."""
    try:
        return book.mission(written), None
    except UnknownNameError as error:
        close = f" Did you mean {' or '.join(error.suggestions)}?" if error.suggestions else ""
        return "", (
            f"{written!r} is not a mission any policy names.{close} Missions: "
            f"{', '.join(book.missions)}."
        )


def _status(value: Cell) -> AircraftStatus:
    written = text(value)
    if written is None:
        return AircraftStatus.active
    try:
        return AircraftStatus(written.casefold())
    except ValueError:
        raise ValueError(
            f"{written!r} is not a status; write one of {', '.join(STATUSES)}."
        ) from None


def _required(value: Cell, field_name: str) -> str:
    written = text(value)
    if written is None:
        raise ValueError(f"the {field_name} is empty: every aircraft needs one.")
    return written


_PARSERS: Mapping[str, Callable[[Cell], Any]] = {
    "purchase_date": parse_date,
    "price": parse_price,
    "flight_hours": parse_amount,
    "status": _status,
    "funding": text,
    "unit": text,
    "capabilities": lambda value: tuple(dict.fromkeys(c.casefold() for c in parse_list(value))),
}


def _row(rows: _Rows, line: int, cells: tuple[Cell, ...]) -> Aircraft | None:
    """One aircraft, or None after recording each of the row's errors."""
    before = rows.error_count
    width = len(rows.table.header)
    if not blank(cells[width:]):
        rows.fail(line, None, f"the row has cells beyond the {width} columns of the header.")
    values: dict[str, Any] = {}
    readers: dict[str, Callable[[Cell], Any]] = {
        "serial": lambda value: rows.serial(_required(value, "serial"), line),
        "model": lambda value: _required(value, "model"),
        "missions": rows.missions,
        **_PARSERS,
    }
    for name, read in readers.items():
        try:
            values[name] = read(rows.cell(cells, name))
        except ValueError as error:
            rows.fail(line, name, str(error))
    if "model" in values:
        try:
            values["product_id"] = rows.product(values["model"])
        except ValueError as error:
            rows.fail(line, "model", str(error))
    if rows.error_count > before:
        return None
    return Aircraft(**values)


def _aircraft(rows: _Rows) -> tuple[Aircraft, ...]:
    found = [_row(rows, line, cells) for line, cells in rows.table.rows]
    order = rows.layout.columns
    rows.errors.sort(key=lambda e: (e.line, order[e.field] if e.field else -1))
    return tuple(a for a in found if a is not None)


def parse_fleet(
    data: bytes,
    name: str,
    *,
    kb: KnowledgeBase,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> FleetImport:
    """The register in `data`, a file called `name` (`.xlsx`/`.xlsm`: a workbook; else
    CSV). See the module docstring."""
    table = read_table(data, name, sheet=sheet)
    where = layout(table.header, columns or {}, path=name, line=table.header_line)
    rows = _Rows(kb, builtin_policies(kb), table, where)
    aircraft = _aircraft(rows)
    return FleetImport(
        path=name,
        rows=len(table.rows),
        aircraft=() if rows.error_count else aircraft,
        errors=tuple(rows.errors),
        error_count=rows.error_count,
        ignored_columns=where.ignored,
        sheet=table.sheet,
    )


def parse_records(
    records: Sequence[Mapping[str, Cell | Sequence[str]]], name: str, *, kb: KnowledgeBase
) -> FleetImport:
    """Aircraft given as records (the HTTP API's JSON bodies) instead of a file's rows, read
    and checked as rows are: record N is "line N" of `name`, a list of missions or
    capabilities stands for its cell's `;`-separated text, and an unknown key is an error."""
    unknown = sorted({key for record in records for key in record if key not in FIELDS})
    if unknown:
        raise BadInputError(f"{name}: unknown field(s) {', '.join(unknown)}; an aircraft has "
                            f"{', '.join(FIELDS)}.")
    rows = tuple(
        (number, tuple(_cell(record.get(key)) for key in FIELDS))
        for number, record in enumerate(records, start=1)
    )
    table = Table(path=name, header=FIELDS, header_line=0, rows=rows)
    reader = _Rows(kb, builtin_policies(kb), table, layout(FIELDS, {}, path=name, line=0))
    aircraft = _aircraft(reader)
    return FleetImport(path=name, rows=len(rows), aircraft=() if reader.error_count else aircraft,
                       errors=tuple(reader.errors), error_count=reader.error_count)


def _cell(value: Cell | Sequence[str]) -> Cell:
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return value  # type: ignore[return-value]


def read_fleet(
    path: str | Path,
    *,
    kb: KnowledgeBase,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> FleetImport:
    """The register in the file at `path` (see `parse_fleet`)."""
    where = Path(path)
    try:
        if where.stat().st_size > MAX_BYTES:
            raise BadInputError(
                f"the file is larger than {MAX_BYTES:,} bytes: split it.", path=str(path)
            )
        data = where.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot read the file: {error.strerror}.", path=str(path)) from None
    return parse_fleet(data, str(path), kb=kb, columns=columns, sheet=sheet)
