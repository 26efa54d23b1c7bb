"""A fleet as the pages read it: one organisation's aircraft, their status on a date and
their waivers, worked out once and kept while nothing changes.

A view is kept until the register or the knowledge base changes (`web.kept`, which the
API's fleet readings use too): every replica of the web app asks the shared store whether
anything changed, so none shows stale data.

The view holds the core's values and nothing of its own making: the verdict codes are the
timeline's (`timeline.codes`), with the lines approved waivers reach replaced by the
waived lines `fleet.waivers.waived_lines` gives (the same ones `/api/v1/status` sends).
Beside them it keeps what the aircraft list asks of every aircraft on every request, so
that a request only combines arrays (`ListIndex`): each aircraft's serial and model
casefolded for the search, its unit as a number, and its rank under each order the list
sorts by (worked out the first time that order is asked for).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from dronevet.fleet.tracks import CODE, SEVERITY
from dronevet.policy.model import VerdictKind

if TYPE_CHECKING:
    from fastapi import Request

    from dronevet.fleet.model import Aircraft, Organisation
    from dronevet.fleet.register import Register
    from dronevet.fleet.status import FleetStatus
    from dronevet.fleet.timeline import Column, VerdictLine
    from dronevet.fleet.waivers import Waiver
    from dronevet.knowledge.base import KnowledgeBase


ORDERS: dict[str, Callable[[Aircraft], tuple[str | date | Decimal | int, ...]]] = {
    "serial": lambda a: (a.serial.casefold(),),
    "model": lambda a: (a.model.casefold(), a.serial),
    "purchase_date": lambda a: (a.purchase_date or date.min, a.serial),
    "price": lambda a: (a.price or 0, a.serial),
    "unit": lambda a: (a.unit or "", a.serial),
}
"""The orders the aircraft list sorts by, other than by verdict (which depends on the
policies asked about): each aircraft's key, ties broken by serial."""


def ranks(keys: Sequence[tuple[str | date | Decimal | int, ...]]) -> npt.NDArray[np.int64]:
    """Each key's place in the ascending order of `keys`; equal keys share a place."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ordered = [keys[i] for i in order]
    steps = np.fromiter((a != b for a, b in pairwise(ordered)), dtype=np.int64,
                        count=max(0, len(keys) - 1))
    placed = np.empty(len(keys), dtype=np.int64)
    placed[order] = np.concatenate(([0], np.cumsum(steps)))[:len(keys)]
    return placed


@dataclass(frozen=True, slots=True)
class ListIndex:
    """What the aircraft list filters, searches and sorts on, per aircraft, made once."""

    aircraft: tuple[Aircraft, ...]
    serials: tuple[str, ...]
    """Casefolded, as the search compares them."""
    models: tuple[str, ...]
    units: tuple[str, ...]
    """The units named, sorted."""
    unit_of: npt.NDArray[np.int64]
    """Aircraft -> its place in `units` (-1: none)."""
    by_serial: npt.NDArray[np.int64]
    """Each aircraft's place in the order of serials as written (the verdict order's
    tie-breaker)."""
    ranked: dict[str, npt.NDArray[np.int64]]
    """The orders of `ORDERS` asked for so far (see `rank`)."""

    @classmethod
    def of(cls, aircraft: tuple[Aircraft, ...]) -> ListIndex:
        units = tuple(sorted({a.unit for a in aircraft if a.unit}))
        place = {unit: n for n, unit in enumerate(units)}
        return cls(
            aircraft,
            tuple(a.serial.casefold() for a in aircraft),
            tuple(a.model.casefold() for a in aircraft),
            units,
            np.array([place.get(a.unit or "", -1) for a in aircraft], dtype=np.int64),
            ranks([(a.serial,) for a in aircraft]),
            {},
        )

    def rank(self, name: str) -> npt.NDArray[np.int64]:
        """Each aircraft's place in the order `name` (`ORDERS`), worked out the first time
        it is asked for: a view made after a change pays only for the orders people use.
        Two requests that both work it out get the same array, so no lock is needed."""
        found = self.ranked.get(name)
        if found is None:
            key = ORDERS[name]
            found = self.ranked.setdefault(name, ranks([key(a) for a in self.aircraft]))
        return found

    def matching(self, needle: str) -> npt.NDArray[np.bool_]:
        """Which aircraft's serial or model contains `needle` (casefolded)."""
        found = needle.casefold()
        return np.fromiter((found in serial or found in model
                            for serial, model in zip(self.serials, self.models, strict=True)),
                           dtype=bool, count=len(self.serials))


@dataclass(frozen=True, slots=True)
class FleetView:
    """One organisation's fleet on `as_of` (see the module docstring)."""

    org: Organisation
    as_of: date
    status: FleetStatus
    waivers: tuple[Waiver, ...]
    codes: npt.NDArray[np.int8]
    """[aircraft, column]: the verdict code (`SEVERITY`) on `as_of`, waivers laid over."""
    waived: dict[int, tuple[tuple[VerdictLine, Waiver | None], ...]]
    position: dict[str, int]
    """Serial -> aircraft index."""
    deadlines: str
    """The chart of aircraft grounded by month (`reports.fleet_charts`), as SVG."""
    index: ListIndex

    @property
    def aircraft(self) -> tuple[Aircraft, ...]:
        return self.status.timeline.aircraft

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.status.timeline.columns

    def verdicts(self, i: int) -> list[VerdictKind]:
        return [SEVERITY[int(c)] for c in self.codes[i]]

    def lines(self, i: int) -> tuple[tuple[VerdictLine, Waiver | None], ...]:
        """Aircraft i's lines, each with the approved waiver that holds on it (or None)."""
        found = self.waived.get(i)
        if found is not None:
            return found
        return tuple((line, None) for line in self.status.timeline.lines(i))

    def waivers_of(self, serial: str) -> list[Waiver]:
        return [w for w in self.waivers if w.aircraft in (None, serial)]


def build_view(kb: KnowledgeBase, register: Register, org: Organisation, as_of: date,
               aircraft: tuple[Aircraft, ...] | None = None) -> FleetView:
    from dronevet.fleet.reports import read_fleet
    from dronevet.fleet.waivers import waived_lines
    from dronevet.reports.fleet_charts import deadline_chart

    reading = read_fleet(register, kb, org, as_of, aircraft=aircraft)
    status, waivers = reading.status, reading.waivers
    timeline = status.timeline
    aircraft = timeline.aircraft
    codes = np.array(timeline.codes[timeline.group_of, :, timeline.now], dtype=np.int8)
    codes = codes.reshape(len(aircraft), len(timeline.columns))
    waived = waived_lines(timeline, waivers)
    for i, lines in waived.items():
        codes[i] = [CODE[line.verdict] for line, _ in lines]
    prices = {a.serial: a.price for a in aircraft}
    chart = deadline_chart({"as_of": as_of.isoformat(), "totals": status.totals.to_dict()},
                           prices=prices)
    return FleetView(org, as_of, status, waivers, codes, waived,
                     {a.serial: i for i, a in enumerate(aircraft)}, chart,
                     ListIndex.of(tuple(aircraft)))


def fleet_view(request: Request, org: Organisation, as_of: date) -> FleetView:
    """The view of `org` on `as_of`, made anew only when the register has changed
    (`web.kept`)."""
    from dronevet.web.kept import kept

    return kept(request, "fleet_views", org, as_of,
                lambda kb, register, aircraft: build_view(kb, register, org, as_of, aircraft))
