"""Waivers: exceptions an organisation asks for under one of a policy's exemption routes,
and what an approved one does to the compliance timeline.

A `Waiver` names its legal basis (the id of an exemption route of its policy), its scope
(one aircraft or, with none, every aircraft of the organisation; some missions or, with
none, all; one policy and use) and its period: from `start` until `end`, the first day it
no longer covers. It is asked for (`requested`), then `approved` or `denied` by someone
other than who asked; an approved waiver past its end reads as `lapsed` (and the store
records it so), while over its period a lapsed waiver still reads as the approval it was.

`applies` says whether a waiver turns a verdict on a day; `waived_lines` lays the approved
waivers over a `Timeline`: inside its scope and period, a prohibited verdict reads
`permitted`, the explanation says under which waiver and what the verdict is without it,
and the line changes back on the waiver's end date. Nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from dronevet.errors import BadInputError
from dronevet.fleet.timeline import USE_NOUNS, Change, Timeline, VerdictLine, sentence
from dronevet.policy.model import VerdictKind


class WaiverState(StrEnum):
    """Where a waiver stands (the store's `WAIVER_STATES`)."""

    requested = "requested"
    approved = "approved"
    denied = "denied"
    lapsed = "lapsed"


_HELD = frozenset({WaiverState.approved, WaiverState.lapsed})
"""The states of waivers that held, or hold, over their period."""


@dataclass(frozen=True, slots=True)
class Waiver:
    """An exception asked for one organisation's aircraft (see the module docstring)."""

    organisation: str
    policy: str
    """The policy's id."""
    use: str
    legal_basis: str
    """The id of one of the policy's exemption routes."""
    start: date
    end: date
    """The first day the waiver no longer covers."""
    requested_by: str
    aircraft: str | None = None
    """The serial of the one aircraft it covers; None: every aircraft."""
    missions: tuple[str, ...] = ()
    """The mission ids it covers; all when empty."""
    controls: tuple[str, ...] = ()
    """Compensating controls ("offline operation", "Local Data Mode")."""
    evidence: tuple[str, ...] = ()
    """What supports the request (texts or URLs: a leak report, a test record)."""
    state: WaiverState = WaiverState.requested
    decided_by: str | None = None
    reason: str | None = None
    """Why it was approved or denied."""
    id: int | None = None
    """The store's number for it, once stored."""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise BadInputError(
                f"a waiver must end after it starts: {self.start} until {self.end}"
            )

    def state_on(self, day: date) -> WaiverState:
        """Its state on `day`: an approved waiver reads lapsed from its end date on, and a
        lapsed one (approved, then stored lapsed at its end) approved before it."""
        if self.state is WaiverState.approved and day >= self.end:
            return WaiverState.lapsed
        if self.state is WaiverState.lapsed and day < self.end:
            return WaiverState.approved
        return self.state

    @property
    def label(self) -> str:
        """How an explanation names it: `waiver #3 (route sar-exemption)`."""
        return f"waiver #{self.id} (route {self.legal_basis})"

    def to_dict(self, as_of: date | None = None) -> dict[str, Any]:
        """The waiver as JSON (`fleet waiver list`, and the audit log); with `as_of`, its
        state as of that day (lapsed once past its end)."""
        return {
            "id": self.id,
            "organisation": self.organisation,
            "aircraft": self.aircraft,
            "policy": self.policy,
            "use": self.use,
            "legal_basis": self.legal_basis,
            "missions": list(self.missions),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "controls": list(self.controls),
            "evidence": list(self.evidence),
            "state": (self.state if as_of is None else self.state_on(as_of)).value,
            "requested_by": self.requested_by,
            "decided_by": self.decided_by,
            "reason": self.reason,
        }


def applies(
    waiver: Waiver, serial: str, policy: str, use: str, mission: str | None, day: date
) -> bool:
    """Whether `waiver` covers aircraft `serial` under `policy` (an id) and `use`, flown
    for `mission` (None: no mission named), on `day`."""
    return (
        waiver.state_on(day) is WaiverState.approved
        and waiver.start <= day
        and waiver.policy == policy
        and waiver.use == use
        and waiver.aircraft in (None, serial)
        and (not waiver.missions or mission in waiver.missions)
    )


@dataclass(frozen=True, slots=True)
class _Reading:
    """A line's verdict on a day, and the waiver that turned it (None if none did)."""

    verdict: VerdictKind
    waiver: Waiver | None


def _reading(
    timeline: Timeline, i: int, p: int, waivers: tuple[Waiver, ...], day: date
) -> _Reading:
    verdict = timeline.verdict_on(i, p, day)
    if verdict is not VerdictKind.prohibited:
        return _Reading(verdict, None)
    column = timeline.columns[p]
    mission = timeline.mission_on(i, p, day)
    serial = timeline.aircraft[i].serial
    covering = [w for w in waivers
                if applies(w, serial, column.policy.id, column.use.value, mission, day)]
    if not covering:
        return _Reading(verdict, None)
    return _Reading(VerdictKind.permitted, max(covering, key=lambda w: w.end))


def _waived_text(
    timeline: Timeline, i: int, p: int, waiver: Waiver, day: date, when: str
) -> str:
    column = timeline.columns[p]
    without = sentence(column, VerdictKind.prohibited,
                       timeline.verdict(i, p, day).decisive(), "")  # fmt: skip
    return (f"{USE_NOUNS[column.use]} permitted{when} under {waiver.label} until "
            f"{waiver.end}; without it: {without}")  # fmt: skip


def _change(
    timeline: Timeline, i: int, p: int, line: VerdictLine, day: date, now: _Reading
) -> Change:
    mission = timeline.mission_on(i, p, day)
    if now.waiver is not None:
        text = _waived_text(timeline, i, p, now.waiver, day, f" from {day}")
        return Change(day, now.verdict, mission, text)
    same = next((c for c in line.changes if c.day == day), None)
    if same is not None:
        return same
    reason = timeline.verdict(i, p, day).decisive()
    return Change(day, now.verdict, mission,
                  sentence(timeline.columns[p], now.verdict, reason, f" from {day}"))  # fmt: skip


def _waived_line(
    timeline: Timeline, i: int, p: int, waivers: tuple[Waiver, ...]
) -> tuple[VerdictLine, Waiver | None]:
    """Aircraft i's line under column p with `waivers` laid over it, and the waiver that
    holds on the line's date (None if none does)."""
    line = timeline.lines(i)[p]
    days = {c.day for c in line.changes}
    for waiver in waivers:
        days.update((waiver.start, waiver.end))
    if not timeline.past:
        days = {d for d in days if d > timeline.as_of}
    changes = []
    for day in sorted(days):
        now = _reading(timeline, i, p, waivers, day)
        if now != _reading(timeline, i, p, waivers, day - timedelta(days=1)):
            changes.append(_change(timeline, i, p, line, day, now))
    today = _reading(timeline, i, p, waivers, timeline.as_of)
    if today.waiver is None:
        return replace(line, changes=tuple(changes)), None
    since = max(today.waiver.start, line.since) if line.since else today.waiver.start
    text = _waived_text(timeline, i, p, today.waiver, timeline.as_of, f" since {since}")
    return replace(line, verdict=today.verdict, since=since, text=text,
                   changes=tuple(changes)), today.waiver  # fmt: skip


def waived_lines(
    timeline: Timeline, waivers: list[Waiver] | tuple[Waiver, ...]
) -> dict[int, tuple[tuple[VerdictLine, Waiver | None], ...]]:
    """The lines of every aircraft that an approved waiver reaches, by aircraft index, each
    with the waiver that holds on the timeline's date. Lines no waiver reaches, and
    aircraft none reaches, are left out: they read as the timeline has them."""
    approved = tuple(w for w in waivers if w.state in _HELD)
    found: dict[int, tuple[tuple[VerdictLine, Waiver | None], ...]] = {}
    for i, one in enumerate(timeline.aircraft):
        mine = tuple(w for w in approved if w.aircraft in (None, one.serial))
        if not mine:
            continue
        lines = []
        for p, column in enumerate(timeline.columns):
            scoped = tuple(w for w in mine
                           if (w.policy, w.use) == (column.policy.id, column.use.value))
            lines.append(_waived_line(timeline, i, p, scoped) if scoped
                         else (timeline.lines(i)[p], None))  # fmt: skip
        found[i] = tuple(lines)
    return found


def timeline_dict(
    timeline: Timeline, waivers: list[Waiver] | tuple[Waiver, ...], *, changes: bool,
    only: range | None = None,
) -> dict[str, Any]:
    """`timeline.to_dict(changes=..., only=...)` with approved waivers laid over it: each
    line a waiver holds on gets `"waiver": ID` (None on the others). As there, aircraft
    alike share their verdict lists and lines their dicts (a whole fleet's status is built
    once per group of alike aircraft, not once per aircraft): copy one before changing it."""
    found = timeline.to_dict(changes=changes, only=only)
    lines = waived_lines(timeline, waivers)
    unwaived: dict[int, list[dict[str, Any]]] = {}
    marked: dict[int, dict[str, Any]] = {}
    # both by the id of a shared list or dict, alive in `found` while this runs
    listed = []
    indexes = range(len(timeline.aircraft)) if only is None else only
    for i, aircraft in zip(indexes, found["aircraft"], strict=True):
        own = lines.get(i)
        if own:
            verdicts = [{**line.to_dict(changes=changes), "waiver": waiver.id if waiver else None}
                        for line, waiver in own]  # fmt: skip
        else:
            shared = aircraft["verdicts"]
            if id(shared) not in unwaived:
                unwaived[id(shared)] = [marked.get(id(line)) or marked.setdefault(
                    id(line), {**line, "waiver": None}) for line in shared]
            verdicts = unwaived[id(shared)]
        listed.append({**aircraft, "verdicts": verdicts})
    return {**found, "aircraft": listed}
