"""Fleet roll-ups from a timeline: what a programme manager reads first.

Only aircraft in service count (every status but `retired`); mission coverage counts only
`active` ones.

- Counts: for each policy and use, how many aircraft get each verdict on `as_of`, and on
  every later date where any of them changes.
- Grounded: aircraft whose operation a binding policy prohibits on `as_of` or later, from
  the day that prohibition took hold (past or future; None when it always held as far as
  is known) until the day it lifts (None when no end is known), with the first policy
  that prohibits it and why.
- Value at risk: the summed prices of aircraft whose operation or funding is prohibited on
  `as_of` or later, by the organisation's fiscal year of the first such day on or after
  `as_of` (an aircraft already prohibited counts in the current year); aircraft without a
  price are counted apart.
- Missions left uncovered: each mission the active aircraft fly, from the day no active
  aircraft flying it may operate for it any more (its verdict for that mission permitted
  or not regulated under every binding policy that regulates operation), until the day
  one may again.

Each value is computed with numpy over the timeline's groups of alike aircraft, weighted by
how many aircraft each holds, never aircraft by aircraft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.fleet.model import AircraftStatus
from dronevet.fleet.timeline import Timeline
from dronevet.fleet.tracks import PERMITTED, PROHIBITED, SEVERITY
from dronevet.knowledge.model import Use
from dronevet.policy.model import VerdictKind

Counts = Mapping[tuple[str, Use], Mapping[VerdictKind, int]]


@dataclass(frozen=True, slots=True)
class Grounding:
    """An aircraft whose operation is prohibited from `start` until `until`."""

    serial: str
    start: date | None
    until: date | None
    policy: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "from": self.start.isoformat() if self.start else None,
            "until": self.until.isoformat() if self.until else None,
            "policy": self.policy,
            "explanation": self.text,
        }


@dataclass(frozen=True, slots=True)
class Exposure:
    """Aircraft first prohibited (operation or funding) in one fiscal year, and their
    summed prices."""

    fiscal_year: int
    aircraft: int
    value: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "aircraft": self.aircraft,
            "value": str(self.value),
        }


@dataclass(frozen=True, slots=True)
class Gap:
    """A mission no active aircraft may fly from `start` until `until`; `aircraft` active
    aircraft fly it."""

    mission: str
    start: date | None
    until: date | None
    aircraft: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "mission": self.mission,
            "from": self.start.isoformat() if self.start else None,
            "until": self.until.isoformat() if self.until else None,
            "aircraft": self.aircraft,
        }


def _counts_dict(counts: Counts) -> dict[str, dict[str, dict[str, int]]]:
    found: dict[str, dict[str, dict[str, int]]] = {}
    for (policy, use), by_verdict in counts.items():
        found.setdefault(policy, {})[use.value] = {k.value: n for k, n in by_verdict.items()}
    return found


@dataclass(frozen=True, slots=True)
class Rollup:
    """The roll-ups of one timeline (see the module docstring)."""

    as_of: date
    in_service: int
    retired: int
    counts: tuple[tuple[date, Counts], ...]
    """On `as_of`, then on each later date where a verdict changes."""
    grounded: tuple[Grounding, ...]
    value_at_risk: tuple[Exposure, ...]
    unpriced: int
    """Aircraft at risk without a price."""
    uncovered: tuple[Gap, ...]

    def to_dict(self) -> dict[str, Any]:
        """The `totals` of the `dronevet fleet status --format json` contract."""
        return {
            "aircraft": self.in_service,
            "retired": self.retired,
            "counts": _counts_dict(self.counts[0][1]) if self.counts else {},
            "counts_by_date": [
                {"date": day.isoformat(), "counts": _counts_dict(c)} for day, c in self.counts
            ],
            "grounded": {
                "aircraft": len(self.grounded),
                "list": [g.to_dict() for g in self.grounded],
            },
            "value_at_risk": {
                "total": str(sum((e.value for e in self.value_at_risk), Decimal(0))),
                "by_fiscal_year": [e.to_dict() for e in self.value_at_risk],
                "unpriced": self.unpriced,
            },
            "missions_uncovered": [g.to_dict() for g in self.uncovered],
        }


def _windows(
    flags: npt.NDArray[np.bool_], now: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For each row of `flags[row, grid date]`: the grid index where the run of True that
    holds at `now` (else the next one after it) starts, and where it ends; -1 for none."""
    index = np.arange(flags.shape[1])
    before = np.zeros((flags.shape[0], 1), dtype=bool)
    shifted = np.concatenate([before, flags[:, :-1]], axis=1)
    rising = flags & ~shifted
    falling = ~flags & shifted
    past = np.where(rising & (index <= now), index, -1).max(axis=1, initial=-1)
    ahead = rising & (index > now)
    upcoming = np.where(ahead.any(axis=1), ahead.argmax(axis=1), -1)
    start = np.where(flags[:, now], past, upcoming)
    after = falling & (index > start[:, None]) & (start[:, None] >= 0)
    end = np.where(after.any(axis=1), after.argmax(axis=1), -1)
    return start.astype(np.intp), end.astype(np.intp)


@dataclass(frozen=True, slots=True)
class _Fleet:
    """Per group: how many aircraft in service and active it holds."""

    in_service: npt.NDArray[np.int64]
    active: npt.NDArray[np.int64]
    serving: npt.NDArray[np.bool_]
    """Per aircraft: in service."""


def _fleet(timeline: Timeline) -> _Fleet:
    statuses = [a.status for a in timeline.aircraft]
    serving = np.array([s is not AircraftStatus.retired for s in statuses], dtype=bool)
    active = np.array([s is AircraftStatus.active for s in statuses], dtype=bool)
    groups = len(timeline.groups)
    group_of = timeline.group_of
    return _Fleet(
        np.bincount(group_of[serving], minlength=groups).astype(np.int64),
        np.bincount(group_of[active], minlength=groups).astype(np.int64),
        serving,
    )


def _counts_on(timeline: Timeline, weights: npt.NDArray[np.int64], g: int) -> Counts:
    found: dict[tuple[str, Use], Mapping[VerdictKind, int]] = {}
    for p, column in enumerate(timeline.columns):
        n = np.bincount(timeline.codes[:, p, g], weights=weights, minlength=len(SEVERITY))
        found[(column.policy.id, column.use)] = {k: int(n[c]) for c, k in enumerate(SEVERITY)}
    return found


def _counts(timeline: Timeline, fleet: _Fleet) -> tuple[tuple[date, Counts], ...]:
    now = timeline.now
    held = timeline.codes[fleet.in_service > 0]
    changed = (held[:, :, 1:] != held[:, :, :-1]).any(axis=(0, 1))
    later = [g for g in (np.flatnonzero(changed) + 1).tolist() if g > now]
    found = [(timeline.as_of, _counts_on(timeline, fleet.in_service, now))]
    for g in later:
        day = timeline.day(g)
        assert day is not None  # a change never happens at the beginning of time
        found.append((day, _counts_on(timeline, fleet.in_service, g)))
    return tuple(found)


def _columns(timeline: Timeline, *uses: Use) -> list[int]:
    return [p for p, c in enumerate(timeline.columns) if c.use in uses]


def _prohibited(timeline: Timeline, *uses: Use) -> npt.NDArray[np.bool_]:
    """[group, grid date]: some binding policy prohibits one of `uses`."""
    wanted = _columns(timeline, *uses)
    shape = (len(timeline.groups), len(timeline.days))
    found: npt.NDArray[np.bool_] = np.zeros(shape, dtype=bool)
    if wanted:
        found = (timeline.codes[:, wanted, :] == PROHIBITED).any(axis=1).reshape(shape)
    return found


def _why(timeline: Timeline, k: int, g: int) -> tuple[str, str]:
    """The operating ban on group k that grounds it from grid date g: its policy and the
    sentence. For a grounding already under way on `as_of` (g not later), a ban in force
    then, preferring one that has held since g, so that the reason given is the one behind
    the date given; for one to come, a ban that starts on g."""
    now = timeline.now
    operate = _columns(timeline, Use.operate)
    columns = [p for p in operate if timeline.codes[k, p, max(g, now)] == PROHIBITED]
    if g <= now:
        held = (timeline.codes[k, columns, g:now + 1] == PROHIBITED).all(axis=1)
        since = [p for p, kept in zip(columns, held.tolist(), strict=True) if kept]
        line = timeline.line(k, (since or columns)[0])
        return line.column.policy.id, line.text
    for p in columns:
        line = timeline.line(k, p)
        change = next((c for c in line.changes if c.day == timeline.day(g)), None)
        if change is not None:
            return line.column.policy.id, change.text
    raise AssertionError("no prohibition at a grounding's start")  # pragma: no cover


def _grounded(timeline: Timeline, fleet: _Fleet) -> tuple[Grounding, ...]:
    start, end = _windows(_prohibited(timeline, Use.operate), timeline.now)
    held = {}
    for k in np.flatnonzero((start >= 0) & (fleet.in_service > 0)).tolist():
        until = timeline.day(int(end[k])) if end[k] >= 0 else None
        held[k] = (timeline.day(int(start[k])), until, *_why(timeline, k, int(start[k])))
    found = [
        Grounding(one.serial, *held[k])
        for one, k, serving in zip(
            timeline.aircraft, timeline.group_of.tolist(), fleet.serving.tolist(), strict=True
        )
        if serving and k in held
    ]
    return tuple(sorted(found, key=lambda g: (g.start or date.min, g.serial)))


def _at_risk(timeline: Timeline, fleet: _Fleet) -> tuple[tuple[Exposure, ...], int]:
    start, _ = _windows(_prohibited(timeline, Use.operate, Use.fund), timeline.now)
    year_of = {
        k: timeline.org.fiscal_year(max(timeline.day(int(start[k])) or date.min, timeline.as_of))
        for k in np.flatnonzero(start >= 0).tolist()
    }
    prices: dict[int, list[Decimal]] = {}
    unpriced = 0
    for one, k, serving in zip(
        timeline.aircraft, timeline.group_of.tolist(), fleet.serving.tolist(), strict=True
    ):
        if serving and k in year_of:
            if one.price is None:
                unpriced += 1
            else:
                prices.setdefault(year_of[k], []).append(one.price)
    exposures = tuple(
        Exposure(y, len(prices[y]), sum(prices[y], Decimal(0))) for y in sorted(prices)
    )
    return exposures, unpriced


def _uncovered(timeline: Timeline, fleet: _Fleet) -> tuple[Gap, ...]:
    flying = fleet.active > 0
    operate = _columns(timeline, Use.operate)
    slots = timeline.track_of.shape[2]
    cleared: npt.NDArray[np.bool_] = np.ones(
        (len(timeline.groups), slots, len(timeline.days)), dtype=bool
    )  # [group, slot, grid date]
    if operate:
        per_slot = timeline.track_codes[timeline.track_of[:, operate, :]]  # [k, p, slot, g]
        cleared = np.all(per_slot <= PERMITTED, axis=1)
    covered: dict[str, npt.NDArray[np.bool_]] = {}
    pilots: dict[str, int] = {}
    for k in np.flatnonzero(flying).tolist():
        missions = timeline.groups[k].missions
        for j, mission in enumerate(missions):
            if mission is None:
                continue
            seen = covered.setdefault(mission, np.zeros(len(timeline.days), dtype=bool))
            seen |= cleared[k, j]
            pilots[mission] = pilots.get(mission, 0) + int(fleet.active[k])
    if not covered:
        return ()
    names = list(covered)
    start, end = _windows(~np.stack([covered[m] for m in names]), timeline.now)
    return tuple(
        Gap(
            mission,
            timeline.day(int(start[m])),
            timeline.day(int(end[m])) if end[m] >= 0 else None,
            pilots[mission],
        )
        for m, mission in enumerate(names)
        if start[m] >= 0
    )


def rollup(timeline: Timeline) -> Rollup:
    """The roll-ups of `timeline` (see the module docstring)."""
    fleet = _fleet(timeline)
    exposures, unpriced = _at_risk(timeline, fleet)
    serving = int(fleet.serving.sum())
    return Rollup(
        as_of=timeline.as_of,
        in_service=serving,
        retired=len(timeline.aircraft) - serving,
        counts=_counts(timeline, fleet),
        grounded=_grounded(timeline, fleet),
        value_at_risk=exposures,
        unpriced=unpriced,
        uncovered=_uncovered(timeline, fleet),
    )
