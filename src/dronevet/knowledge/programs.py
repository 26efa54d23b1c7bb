"""Replacement programmes: public money that pays part of replacing a drone a policy bars.

Read from `data/replacement_programs.yaml` and validated on load; every problem names the
file and the programme. One programme, as written in the data file:

```yaml
- id: us-fl-fdle-drp-2023          # stable slug
  title: Florida FDLE Drone Replacement Program, FY2023-24
  jurisdiction: us-fl               # whose agencies may apply (us, us-fl, gb...)
  start: 2023-07-01                 # open on [start, end)
  end: 2024-07-01
  eligible: Florida law enforcement agencies ...   # who may apply, in words
  source: fdle-drp-fy23             # id in sources.yaml, or an inline {citation, date, verified}
  surrender:                        # pays a share of the surrendered drone's purchase price
    purchased_before: 2022-01-01    # only drones bought before this day
    source: {citation: ..., date: ..., verified: true}   # the schedule's own document
    share_by_flight_hours:          # up to and including `hours`; more hours than the
    - {hours: 25, share: 1.0}       # last bracket earn nothing
  new_drone: {cap: 25000, currency: USD}   # or: pays the new drone's price up to a cap
  notes: funds first come, first served
```

A programme has exactly one of `surrender` and `new_drone`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

from dronevet.errors import KnowledgeError
from dronevet.knowledge.loader import data_dir, load_builtin, read_yaml
from dronevet.knowledge.model import Source
from dronevet.knowledge.sources import SourceRegistry, parse_date

PROGRAMS_FILE = "replacement_programs.yaml"


@dataclass(frozen=True, slots=True)
class HoursBracket:
    """Drones flown up to `hours` (inclusive) earn `share` of their purchase price."""

    hours: float
    share: Decimal


@dataclass(frozen=True, slots=True)
class SurrenderTerms:
    """What a programme pays for a drone given up to it: a share of the price paid for
    it, by its flight hours, for drones bought before `purchased_before`."""

    brackets: tuple[HoursBracket, ...]
    source: Source
    purchased_before: date | None = None

    def share(self, flight_hours: float) -> Decimal:
        """The share of the purchase price earned after `flight_hours` (0 past the last
        bracket)."""
        return next((b.share for b in self.brackets if flight_hours <= b.hours), Decimal(0))


@dataclass(frozen=True, slots=True)
class NewDroneTerms:
    """What a programme pays toward each new compliant drone: its price, up to `cap`."""

    cap: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class ReplacementProgram:
    """A dated, sourced programme that pays part of a replacement in its jurisdiction."""

    id: str
    title: str
    jurisdiction: str
    start: date
    end: date
    eligible: str
    source: Source
    surrender: SurrenderTerms | None = None
    new_drone: NewDroneTerms | None = None
    notes: str = ""

    def covers(self, jurisdiction: str | None) -> bool:
        """True when agencies of `jurisdiction` (`us-fl`, or a part such as `us-fl-orange`)
        fall under this programme."""
        return jurisdiction is not None and (
            jurisdiction == self.jurisdiction or jurisdiction.startswith(self.jurisdiction + "-")
        )


def _decimal(value: Any, *, where: str, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise KnowledgeError(f"{where}: {what} must be a number.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise KnowledgeError(f"{where}: {what} {value!r} is not a number.") from None
    if not number.is_finite() or number < 0:
        raise KnowledgeError(f"{where}: {what} {value!r} must be zero or more.")
    return number


def _brackets(raw: Any, *, where: str) -> tuple[HoursBracket, ...]:
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError(f"{where}: share_by_flight_hours must be a non-empty list.")
    brackets = []
    for index, item in enumerate(raw):
        at = f"{where}, bracket {index + 1}"
        if not isinstance(item, Mapping) or set(item) != {"hours", "share"}:
            raise KnowledgeError(f"{at}: a bracket is {{hours, share}}.")
        share = _decimal(item["share"], where=at, what="share")
        if share > 1:
            raise KnowledgeError(f"{at}: share {share} is more than 1 (the whole price).")
        brackets.append(HoursBracket(float(_decimal(item["hours"], where=at, what="hours")),
                                     share))
    if any(a.hours >= b.hours for a, b in pairwise(brackets)):
        raise KnowledgeError(f"{where}: brackets must rise in hours.")
    return tuple(brackets)


def _surrender(raw: Any, sources: SourceRegistry, *, where: str) -> SurrenderTerms:
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: surrender must be a mapping.")
    if "source" not in raw:
        raise KnowledgeError(f"{where}: the surrender schedule needs its source.")
    return SurrenderTerms(
        brackets=_brackets(raw.get("share_by_flight_hours"), where=where),
        source=sources.resolve(raw["source"], where=where),
        purchased_before=parse_date(raw.get("purchased_before"), where=where),
    )


def _new_drone(raw: Any, *, where: str) -> NewDroneTerms:
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: new_drone must be a mapping.")
    return NewDroneTerms(
        cap=_decimal(raw.get("cap"), where=where, what="cap"),
        currency=str(raw.get("currency") or "USD"),
    )


def parse_program(raw: Any, sources: SourceRegistry, *, where: str) -> ReplacementProgram:
    """One programme mapping from the data file."""
    if not isinstance(raw, Mapping):
        raise KnowledgeError(f"{where}: a programme must be a mapping.")
    missing = [k for k in ("id", "title", "jurisdiction", "start", "end", "eligible", "source")
               if not raw.get(k)]
    if missing:
        raise KnowledgeError(f"{where}: a programme needs {', '.join(missing)}.")
    where = f"{where} ({raw['id']})"
    if ("surrender" in raw) == ("new_drone" in raw):
        raise KnowledgeError(f"{where}: a programme has exactly one of surrender, new_drone.")
    start = parse_date(raw["start"], where=where)
    end = parse_date(raw["end"], where=where)
    if start is None or end is None or start >= end:
        raise KnowledgeError(f"{where}: it must start before it ends.")
    return ReplacementProgram(
        id=str(raw["id"]),
        title=str(raw["title"]),
        jurisdiction=str(raw["jurisdiction"]).strip().lower(),
        start=start,
        end=end,
        eligible=str(raw["eligible"]),
        source=sources.resolve(raw["source"], where=where),
        surrender=_surrender(raw["surrender"], sources, where=f"{where}, surrender")
        if "surrender" in raw
        else None,
        new_drone=_new_drone(raw["new_drone"], where=f"{where}, new_drone")
        if "new_drone" in raw
        else None,
        notes=str(raw.get("notes") or ""),
    )


def read_programs(path: Path, sources: SourceRegistry) -> dict[str, ReplacementProgram]:
    """Every programme in the file at `path`, by id; any problem names the file."""
    raw = read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeError("must be a list of programmes", path=str(path))
    programs: dict[str, ReplacementProgram] = {}
    for index, item in enumerate(raw):
        program = parse_program(item, sources, where=f"{path}, programme {index + 1}")
        if program.id in programs:
            raise KnowledgeError(f"duplicate programme id {program.id!r}", path=str(path))
        programs[program.id] = program
    return programs


@functools.cache
def builtin_programs() -> Mapping[str, ReplacementProgram]:
    """The built-in programmes, read once per process, citing the built-in sources."""
    return MappingProxyType(read_programs(data_dir() / PROGRAMS_FILE, load_builtin().sources))
