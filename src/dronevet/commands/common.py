"""What every command shares: turning errors into one sentence and an exit code, output formats.

Exit codes: 0 ok, 2 usage error (Typer's own), 3 bad input (`DronevetError`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.status import Status

from dronevet.errors import BadInputError, DronevetError

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)


def text_or_json(fmt: OutputFormat) -> None:
    """Refuse an output format other than text or json, for commands that offer only those."""
    if fmt not in (OutputFormat.text, OutputFormat.json):
        raise BadInputError(f"--format {fmt.value} is not offered here; use text or json.")


def screening_status(what: str) -> Status:
    """A spinner on the terminal's stderr while names are screened: the first run on a
    machine compiles the screening engine (about 20 s), later runs take a moment."""
    return err_console.status(
        f"{what} (the first run on a machine also compiles the screening engine, about 20 s)"
    )


class OutputFormat(StrEnum):
    """Output formats; each command accepts the subset that fits it."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    html = "html"


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command; show a `DronevetError` as one clear sentence and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DronevetError as error:
            err_console.print(f"[bold red]error:[/] {error}", highlight=False, markup=True)
            raise typer.Exit(code=error.exit_code) from None

    return wrapper


def parse_date(text: str | None, *, option: str = "--as-of") -> date:
    """Parse an ISO date given on the command line; today when absent."""
    if text is None or text == "today":
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInputError(
            f"{option} {text!r} is not a date; write it as YYYY-MM-DD, for example 2025-12-22."
        ) from None


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """Serialise to JSON with dates as ISO strings and non-ASCII kept readable."""
    return json.dumps(data, indent=indent, ensure_ascii=False, default=_default)


def write_json(data: Any) -> None:
    """Print one JSON document to standard output."""
    sys.stdout.write(dump_json(data) + "\n")
