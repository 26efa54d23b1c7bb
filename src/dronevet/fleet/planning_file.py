"""What each organisation plans with, kept on file: its budgets per fiscal year and the price
quotes it holds, in `planning.yaml` in the dronevet home. `dronevet fleet plan` uses them
when no budget or quote is given on its command line, and the plan page fills its form
with them; either may still be changed for one plan.

```yaml
"Springfield Police":
  budgets: {FY2027: 180000, FY2028: 150000}
  quotes:
    skydio-x10d: {price: 16000, source: "Skydio quote Q-2291", date: 2026-11-02}
```

Budgets and quotes have the shapes `fleet.planning_requests` reads (and checks) whichever
front they came through; an entry that is wrong is a `BadInputError` naming the file and
the organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dronevet.errors import BadInputError
from dronevet.fleet.planning_requests import Quote, parse_budgets, parse_quotes

PLANNING_FILE = "planning.yaml"


@dataclass(frozen=True, slots=True)
class OnFile:
    """One organisation's budgets and quotes as the file gives them (empty when none)."""

    where: str
    budgets: dict[int, Decimal]
    quotes: tuple[Quote, ...]


def on_file(home: Path, organisation: str) -> OnFile:
    """`organisation`'s entry in `home`'s planning file (nothing when there is no file or
    no entry for it)."""
    from dronevet.knowledge.loader import read_yaml

    path = home / PLANNING_FILE
    where = f"{path}, {organisation}"
    if not path.is_file():
        return OnFile(where, {}, ())
    document: Any = read_yaml(path) or {}
    if not isinstance(document, Mapping):
        raise BadInputError(f"{path}: expected organisations, each with its budgets and "
                            "quotes; found no mapping.")
    entry = document.get(organisation) or {}
    if not isinstance(entry, Mapping) or set(entry) - {"budgets", "quotes"}:
        raise BadInputError(f"{where}: an organisation's entry holds `budgets` and `quotes` "
                            "only.")
    budgets = parse_budgets(entry.get("budgets") or {}, where=f"{where}, budgets")
    quotes = parse_quotes(entry.get("quotes") or {}, where=f"{where}, quotes")
    return OnFile(where, budgets, quotes)
