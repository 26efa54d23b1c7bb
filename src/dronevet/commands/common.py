"""What every command shares: errors as one sentence and an exit code, output formats, printing.

Exit codes: 0 ok, 2 usage error (a missing or conflicting argument; Typer's own), 3 bad
input (`DronevetError`: an unknown name, a bad date or number, a malformed file).

Whatever a user typed, and every path, is printed literally: messages go out as `Text`
(never as console markup), so `[/x]` in a name is shown as written and never crashes.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import orjson
import typer
from rich.console import Console
from rich.status import Status
from rich.text import Text

from dronevet.errors import BadInputError, DronevetError, UsageError

if TYPE_CHECKING:
    from dronevet.airspace.messages import SensorPosition

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class TextOrJson(StrEnum):
    """Output formats of commands that write a report: text for people, json for scripts."""

    text = "text"
    json = "json"


FORMAT_HELP = "text for people, json for scripts"



SensorOption = Annotated[
    str | None,
    typer.Option("--sensor", help="this receiver's name, the last level of the MQTT topic "
                 "(default: each transmitter's MAC)"),
]
"""`--sensor NAME` of the commands that publish detections to MQTT (`rid live`,
`droneid live`)."""
SensorPositionOption = Annotated[
    str | None,
    typer.Option("--sensor-position", metavar="LAT,LON[,ALT]",
                 help="where this receiver stands (WGS-84 degrees, altitude in metres), sent "
                 "with each detection to MQTT"),
]  # fmt: skip
"""`--sensor-position LAT,LON[,ALT]` of the same commands."""


def sensor_with_mqtt(sensor: str | None, mqtt: str | None,
                     position: str | None = None) -> SensorPosition | None:  # fmt: skip
    """`--sensor` and `--sensor-position` describe a receiver on MQTT: a UsageError without
    `--mqtt`; the position read (None when not given), or bad input saying what is wrong."""
    for option, value in (("--sensor", sensor), ("--sensor-position", position)):
        if value is not None and mqtt is None:
            raise UsageError(f"{option} describes this receiver on MQTT: give --mqtt too.")
    if position is None:
        return None
    from dronevet.airspace.messages import SensorPosition

    try:
        return SensorPosition.parse(position)
    except ValueError as error:
        raise BadInputError(f"--sensor-position {position!r}: {error}.") from None


def say(*parts: str | tuple[str, str] | Text, err: bool = False) -> None:
    """Print a line made of plain strings (printed literally) and (text, style) pairs."""
    (err_console if err else console).print(Text.assemble(*parts), soft_wrap=True)


def error_line(error: DronevetError) -> Text:
    return Text.assemble(("error: ", "bold red"), str(error))


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command; show a `DronevetError` as one clear sentence and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DronevetError as error:
            err_console.print(error_line(error), soft_wrap=True)
            raise typer.Exit(code=error.exit_code) from None

    return wrapper


def screening_status(what: str) -> Status:
    """A spinner on the terminal's stderr while names are screened: the first run on a
    machine compiles the screening engine (about 20 s), later runs take a moment."""
    return err_console.status(
        Text(f"{what} (the first run on a machine also compiles the screening engine, about 20 s)")
    )


def parse_date(text: str | None, *, option: str = "--as-of") -> date:
    """Parse an ISO date given on the command line; today when absent."""
    from dronevet.api import parse_day

    return parse_day(text, option=option)


def finite(value: float | None, option: str, *, positive: bool = False) -> float | None:
    """A number option checked: finite, and above zero where `positive`."""
    if value is None:
        return None
    if not math.isfinite(value) or (positive and value <= 0):
        need = "a positive number" if positive else "a finite number"
        raise BadInputError(f"{option} {value} is not {need}.")
    return value


def existing_file(path: Path) -> Path:
    """`path` when it names a readable file; otherwise bad input naming it."""
    try:
        found = path.is_file()
    except OSError as error:  # a name too long for the file system, say
        raise BadInputError(f"cannot read it ({error.strerror}).", path=str(path)) from None
    if not found:
        raise BadInputError("is not a file.", path=str(path))
    return path


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """Serialise to JSON with dates as ISO strings and non-ASCII kept readable (orjson: a
    fleet's status runs to a hundred megabytes)."""
    if indent == 2:
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
                                default=_default).decode()  # fmt: skip
        except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits
            pass
    return json.dumps(data, indent=indent, ensure_ascii=False, default=_default)


def write_json(data: Any) -> None:
    """Print one JSON document to standard output."""
    sys.stdout.write(dump_json(data) + "\n")
