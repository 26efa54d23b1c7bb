"""A fleet's compliance status as of a date: its timeline and its roll-ups, as one value.

`fleet_status(kb, org, aircraft, as_of)` is what `dronevet fleet status` shows, and its
`to_dict()` is that command's JSON contract: `{"org", "as_of", "aircraft": [{"serial",
"model", "product_id", "verdicts": [{"policy", "use", "verdict", "next_change": {"date",
"verdict"} | null, ...}]}], "totals": {...}}` (see `timeline.py` and `rollup.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dronevet.fleet.model import Aircraft, Organisation
from dronevet.fleet.rollup import Rollup, rollup
from dronevet.fleet.timeline import Timeline, fleet_timeline
from dronevet.knowledge.base import KnowledgeBase


@dataclass(frozen=True, slots=True)
class FleetStatus:
    """A fleet's timeline as of a date, and its roll-ups."""

    timeline: Timeline
    totals: Rollup

    def to_dict(self) -> dict[str, Any]:
        """The `dronevet fleet status --format json` contract."""
        return {**self.timeline.to_dict(changes=False), "totals": self.totals.to_dict()}


def fleet_status(
    kb: KnowledgeBase,
    org: Organisation,
    aircraft: tuple[Aircraft, ...] | list[Aircraft],
    as_of: date,
) -> FleetStatus:
    """The status of `org`'s `aircraft` as of `as_of`."""
    timeline = fleet_timeline(kb, org, aircraft, as_of)
    return FleetStatus(timeline, rollup(timeline))
