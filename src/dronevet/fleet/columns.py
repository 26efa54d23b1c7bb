"""The columns of a fleet register file: which fields it holds, and where a file keeps each.

A register has one row per aircraft under a header row. The columns are found by their
headers, matched without regard to case, spaces, underscores or hyphens (`Purchase Date`
is `purchase_date`); a column mapping names the header of a field whose column is
called something else (`{"serial": "Serial No."}`). `serial` and `model` are required;
the other fields may be left out. Columns that hold no field are ignored (and listed).
The exporter writes these same headers, so an exported file imports as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.suggest import close_matches

FIELDS = (
    "serial",
    "model",
    "purchase_date",
    "price",
    "funding",
    "missions",
    "flight_hours",
    "status",
    "unit",
    "capabilities",
)
"""Every field a register row can hold, in the exporter's column order."""
REQUIRED = ("serial", "model")

_IGNORED = re.compile(r"[\s_\-]+")


def header_key(header: str) -> str:
    """A header as it is matched: case-folded, without spaces, underscores or hyphens."""
    return _IGNORED.sub("", header.casefold())


def check_mapping(mapping: Mapping[str, str]) -> None:
    """A column mapping may only name fields the register has, each with a header."""
    for field, header in mapping.items():
        if field not in FIELDS:
            raise UnknownNameError(
                f"the column mapping names {field!r}, which is not a register field "
                f"({', '.join(FIELDS)}).",
                suggestions=close_matches(field, FIELDS),
            )
        if not header.strip():
            raise BadInputError(f"the column mapping gives {field!r} an empty header.")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where one file keeps each field: the column index and the header as written."""

    columns: Mapping[str, int]
    headers: tuple[str, ...]
    ignored: tuple[str, ...] = ()

    def header(self, field: str) -> str:
        """The header of the column holding `field`, as the file writes it."""
        return self.headers[self.columns[field]]


def layout(headers: Sequence[str], mapping: Mapping[str, str], *, path: str, line: int) -> Layout:
    """Find each field's column in a header row (`line` of `path`), by `mapping` or by
    the field's own name; a required field without a column is a `BadInputError`."""
    check_mapping(mapping)
    by_key: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        if header.strip():
            by_key.setdefault(header_key(header), []).append(index)
    columns: dict[str, int] = {}
    for field in FIELDS:
        wanted = mapping.get(field, field)
        found = by_key.get(header_key(wanted), [])
        if len(found) > 1:
            where = " and ".join(str(i + 1) for i in found)
            raise BadInputError(
                f"columns {where} both have the header {headers[found[0]]!r} ({field}); "
                "keep one of them.",
                path=path,
                line=line,
            )
        if found:
            columns[field] = found[0]
        elif field in mapping or field in REQUIRED:
            named = [h for h in headers if h.strip()]
            raise BadInputError(
                f"no column {wanted!r} for the {field} of each aircraft; the header row has "
                f"{', '.join(map(repr, named)) or 'no names'}. Name the column that holds it "
                "in the column mapping.",
                path=path,
                line=line,
                suggestions=close_matches(wanted, named),
            )
    by_column: dict[int, list[str]] = {}
    for field, index in columns.items():
        by_column.setdefault(index, []).append(field)
    for index, fields in by_column.items():
        if len(fields) > 1:
            raise BadInputError(
                f"column {headers[index]!r} would hold both {' and '.join(fields)}: map each "
                "field to its own column.",
                path=path,
                line=line,
            )
    used = set(columns.values())
    ignored = tuple(h for i, h in enumerate(headers) if h.strip() and i not in used)
    return Layout(columns, tuple(headers), ignored)
