"""The compliance timeline: each aircraft's verdict under each policy and use that binds
its organisation, as of a date, and the dates where it changes, with the engine's reasons.

```python
timeline = fleet_timeline(kb, org, aircraft, as_of=date(2025, 6, 1))
line = timeline.lines(0)[0]        # the first aircraft, the first policy and use
line.verdict, line.next_change     # not_applicable; 2025-12-22 -> prohibited
line.next_change.text              # "operation prohibited from 2025-12-22 under
                                   #  us-asda-2023 §1824: The manufacturer is a covered ..."
timeline.verdict(0, 0)             # the engine's full `Verdict`, as `dronevet.vet` gives it
```

- Columns: for each binding of the organisation, its policy (an id or an alias) for each
  use the binding names, or for every use the policy regulates when it names none.
- An aircraft flown for several missions gets, under each policy and use, the strictest
  verdict any of its missions gets, and the line names the mission as the engine read it
  (None where the policy makes no difference between missions); an aircraft with no
  mission gets the verdict `dronevet.vet` gives without one.
- Changes: the dates after `as_of` where the verdict changes (with `past=True`, the
  earlier ones too), each with the verdict from then on and the deciding reason.

How it stays fast: aircraft are grouped by what their verdicts read - the product and
the missions (no rule reads the funding source or the purchase date) - and each product,
policy, use and mission is vetted only on its own boundary dates (`tracks.py`). The tracks
are laid on one grid of every date where any of them changes, and the groups' verdicts
are numpy arrays `codes[group, column, date]`, the strictest over the group's missions;
explanations are worked out only for the lines that are read, once per track and date
(memoised with the tracks in the knowledge base's memo).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from dronevet.api import _for_policy
from dronevet.errors import BadInputError, DronevetError
from dronevet.fleet.model import Aircraft, Organisation
from dronevet.fleet.tracks import ALWAYS, SEVERITY, Track, fleet_assessor, track, verdict_mission
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Product, Use
from dronevet.policy.evaluate import explain
from dronevet.policy.evaluate import vet as decide
from dronevet.policy.loader import PolicyBook, builtin_policies
from dronevet.policy.model import Policy, Verdict, VerdictKind, VerdictReason
from dronevet.policy.subjects import find_product

USE_NOUNS = {
    Use.procure: "procurement",
    Use.operate: "operation",
    Use.fund: "funding",
    Use.import_: "import",
    Use.authorize: "authorization",
}
VERDICT_PHRASES = {
    VerdictKind.permitted: "permitted",
    VerdictKind.prohibited: "prohibited",
    VerdictKind.review: "needs review",
    VerdictKind.not_applicable: "not regulated",
}


@dataclass(frozen=True, slots=True)
class Column:
    """A policy that binds the organisation, and one use it binds it for."""

    policy: Policy
    use: Use


def binding_columns(book: PolicyBook, org: Organisation) -> tuple[Column, ...]:
    """The organisation's (policy, use) pairs, in the order its bindings name them."""
    found: dict[tuple[str, Use], Column] = {}
    for binding in org.bindings:
        policy = book.get(binding.policy)
        uses = tuple(Use.parse(u) for u in binding.uses) or tuple(policy.regulations)
        for use in uses:
            found.setdefault((policy.id, use), Column(policy, use))
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class Group:
    """Aircraft whose verdicts are alike: one product, one list of missions ((None,)
    for aircraft with none)."""

    product: Product
    missions: tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """From `day` on, the verdict is `verdict`, for the reason `text` gives."""

    day: date
    verdict: VerdictKind
    mission: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "verdict": self.verdict.value,
            "mission": self.mission,
            "explanation": self.text,
        }


@dataclass(frozen=True, slots=True)
class VerdictLine:
    """An aircraft's verdict under one policy and use on `as_of`, since when it holds,
    why, and where it changes."""

    column: Column
    as_of: date
    verdict: VerdictKind
    mission: str | None
    since: date | None
    """The day the verdict took hold; None when it always held, as far as is known."""
    text: str
    changes: tuple[Change, ...]

    @property
    def next_change(self) -> Change | None:
        return next((c for c in self.changes if c.day > self.as_of), None)

    def to_dict(self, *, changes: bool = True) -> dict[str, Any]:
        """The line as JSON; `changes`: with the list of every change."""
        upcoming = self.next_change
        found: dict[str, Any] = {
            "policy": self.column.policy.id,
            "use": self.column.use.value,
            "verdict": self.verdict.value,
            "mission": self.mission,
            "since": self.since.isoformat() if self.since else None,
            "explanation": self.text,
            "next_change": upcoming.to_dict() if upcoming else None,
        }
        if changes:
            found["changes"] = [c.to_dict() for c in self.changes]
        return found


def sentence(column: Column, verdict: VerdictKind, reason: VerdictReason | None, when: str) -> str:
    """What a verdict line says, e.g. `operation prohibited from 2025-12-22 under
    us-asda-2023 §1824: <the deciding reason>`."""
    clause = f" {reason.citation.clause}" if reason else ""
    head = f"{USE_NOUNS[column.use]} {VERDICT_PHRASES[verdict]}{when} under {column.policy.id}"
    return head + clause + (f": {reason.text}" if reason else ".")


@dataclass(frozen=True)
class Timeline:
    """The verdicts of a fleet's aircraft (see the module docstring). `days` are date
    ordinals: `codes[k, p, g]` is group k's verdict code (`SEVERITY`) under column p from
    `days[g]` until `days[g + 1]`, the strictest over the group's missions: mission slot j
    follows track `track_of[k, p, j]`, whose codes on the grid are `track_codes[t]`."""

    kb: KnowledgeBase
    org: Organisation
    as_of: date
    past: bool
    aircraft: tuple[Aircraft, ...]
    columns: tuple[Column, ...]
    groups: tuple[Group, ...]
    group_of: npt.NDArray[np.intp]
    days: npt.NDArray[np.int64]
    tracks: tuple[Track, ...]
    track_of: npt.NDArray[np.intp]
    track_codes: npt.NDArray[np.int8]
    codes: npt.NDArray[np.int8]
    _lines: dict[tuple[int, tuple[int, ...]], VerdictLine] = field(
        default_factory=dict, compare=False, repr=False
    )

    def index(self, day: date) -> int:
        """The grid date whose verdicts hold on `day`."""
        return int(np.searchsorted(self.days, day.toordinal(), side="right")) - 1

    @property
    def now(self) -> int:
        return self.index(self.as_of)

    def day(self, g: int) -> date | None:
        """Grid date `g` as a date (None for the beginning of time)."""
        ordinal = int(self.days[g])
        return None if ordinal == ALWAYS else date.fromordinal(ordinal)

    def verdict_on(self, i: int, p: int, day: date) -> VerdictKind:
        """Aircraft i's verdict under column p on any `day`."""
        return SEVERITY[int(self.codes[self.group_of[i], p, self.index(day)])]

    def slot(self, k: int, p: int, g: int) -> int:
        """The slot of group k's first mission whose verdict decides under column p at g."""
        return int(np.argmax(self.track_codes[self.track_of[k, p], g] == self.codes[k, p, g]))

    def mission_on(self, i: int, p: int, day: date) -> str | None:
        """The aircraft's own mission that decides its verdict under column p on `day`."""
        k = int(self.group_of[i])
        return self.groups[k].missions[self.slot(k, p, self.index(day))]

    def verdict(self, i: int, p: int, day: date | None = None) -> Verdict:
        """The engine's full verdict (reasons, facts, exemption routes) for aircraft i
        under column p on `day` (default `as_of`), for its deciding mission."""
        day = day or self.as_of
        column = self.columns[p]
        k = int(self.group_of[i])
        mission = _for_policy(column.policy, self.mission_on(i, p, day))
        return decide(
            self.kb,
            self.groups[k].product,
            column.policy,
            column.use,
            day,
            mission,
            assessor=fleet_assessor(self.kb),
        )

    def lines(self, i: int) -> tuple[VerdictLine, ...]:
        """Aircraft i's verdicts, one line per column."""
        return self.group_lines(int(self.group_of[i]))

    def group_lines(self, k: int) -> tuple[VerdictLine, ...]:
        """Group k's lines. A line depends only on the column and the tracks of the group's
        missions, so groups that share them share the line (worked out once)."""
        return tuple(self.line(k, p) for p in range(len(self.columns)))

    def line(self, k: int, p: int) -> VerdictLine:
        """Group k's line under column p."""
        key = (p, tuple(self.track_of[k, p].tolist()))
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = self._line(k, p)
        return found

    def _reason(self, t: int, day: date) -> VerdictReason | None:
        """The reason that decides track t's verdict on `day` (memoised with the
        knowledge base, like the tracks)."""
        one = self.tracks[t]
        table: dict[tuple[str, str, Use, str | None, date], VerdictReason | None]
        table = self.kb.memo.table("fleet-reasons")
        key = (one.product.id, one.policy.id, one.use, one.mission, day)
        if key not in table:
            assessment = fleet_assessor(self.kb).assess(
                one.product, one.policy, one.use, day, one.mission
            )
            verdict = explain(assessment, one.product, one.policy, one.use, day, one.mission)
            table[key] = verdict.decisive()
        return table[key]

    def _track_at(self, k: int, p: int, g: int) -> int:
        return int(self.track_of[k, p, self.slot(k, p, g)])

    def _change(self, k: int, p: int, g: int) -> Change:
        day = self.day(g)
        assert day is not None  # the first grid date starts no change
        t = self._track_at(k, p, g)
        verdict = SEVERITY[int(self.codes[k, p, g])]
        text = sentence(self.columns[p], verdict, self._reason(t, day), f" from {day}")
        return Change(day, verdict, self.tracks[t].mission, text)

    def _line(self, k: int, p: int) -> VerdictLine:
        row = self.codes[k, p]
        now = self.now
        changed = np.flatnonzero(row[1:] != row[:-1]) + 1
        held = changed[changed <= now]
        since = self.day(int(held[-1])) if len(held) else None
        shown = changed if self.past else changed[changed > now]
        t = self._track_at(k, p, now)
        verdict = SEVERITY[int(row[now])]
        when = f" since {since}" if since else ""
        text = sentence(self.columns[p], verdict, self._reason(t, self.as_of), when)
        return VerdictLine(
            self.columns[p],
            self.as_of,
            verdict,
            self.tracks[t].mission,
            since,
            text,
            tuple(self._change(k, p, int(g)) for g in shown),
        )

    def to_dict(self, *, changes: bool = True, only: range | None = None) -> dict[str, Any]:
        """`org`, `as_of` and `aircraft`, each with its verdict lines (`changes`: with
        every change listed, as `dronevet fleet timeline` shows them; without, the
        `dronevet fleet status` contract); `only`: the aircraft at these indexes alone (a
        page). Aircraft alike share their verdict lists and lines share their dicts: copy
        one before changing it."""
        shared: dict[int, list[dict[str, Any]]] = {}
        line_dicts: dict[int, dict[str, Any]] = {}
        listed = []
        for i in range(len(self.aircraft)) if only is None else only:
            one = self.aircraft[i]
            k = int(self.group_of[i])
            if k not in shared:
                shared[k] = []
                for line in self.group_lines(k):
                    if id(line) not in line_dicts:
                        line_dicts[id(line)] = line.to_dict(changes=changes)
                    shared[k].append(line_dicts[id(line)])
            listed.append(
                {
                    "serial": one.serial,
                    "model": one.model,
                    "product_id": self.groups[k].product.id,
                    "status": one.status.value,
                    "missions": list(one.missions),
                    "verdicts": shared[k],
                }
            )
        return {"org": self.org.name, "as_of": self.as_of.isoformat(), "aircraft": listed}


def _product(kb: KnowledgeBase, aircraft: Aircraft) -> Product:
    if aircraft.product_id is not None:
        product = kb.products.get(aircraft.product_id)
        if product is None:
            raise BadInputError(
                f"aircraft {aircraft.serial!r}: model {aircraft.product_id!r} is not in the "
                "knowledge base."
            )
        return product
    return find_product(kb, aircraft.model).product


def _mission(book: PolicyBook, named: dict[str, str], written: str) -> str:
    """The mission id `written` names (memoised in `named`)."""
    found = named.get(written)
    if found is None:
        found = named[written] = book.mission(written)
    return found


def _grouped(
    kb: KnowledgeBase, book: PolicyBook, aircraft: tuple[Aircraft, ...]
) -> tuple[tuple[Group, ...], npt.NDArray[np.intp]]:
    """The groups of alike aircraft, and each aircraft's group."""
    by_key: dict[tuple[str, tuple[str | None, ...]], int] = {}
    by_written: dict[tuple[str | None, str, tuple[str, ...]], int] = {}
    named: dict[str, str] = {}
    groups: list[Group] = []
    group_of = np.empty(len(aircraft), dtype=np.intp)
    for i, one in enumerate(aircraft):
        written = (one.product_id, one.model, one.missions)
        k = by_written.get(written)
        if k is None:
            try:
                product = _product(kb, one)
                missions = tuple(dict.fromkeys(_mission(book, named, m) for m in one.missions))
            except DronevetError as error:
                raise replace(error, message=f"aircraft {one.serial!r}: {error.message}") from None
            key = (product.id, missions or (None,))
            k = by_key.setdefault(key, len(groups))
            if k == len(groups):
                groups.append(Group(product, key[1]))
            by_written[written] = k
        group_of[i] = k
    return tuple(groups), group_of


def _padded(missions: tuple[str | None, ...], slots: int) -> tuple[str | None, ...]:
    """`missions` filled to `slots` with its first (which leaves the strictest as it is)."""
    return missions + missions[:1] * (slots - len(missions))


def _track_index(
    kb: KnowledgeBase, groups: tuple[Group, ...], columns: tuple[Column, ...]
) -> tuple[tuple[Track, ...], npt.NDArray[np.intp]]:
    """The tracks the groups need, and `track_of[group, column, mission slot]`."""
    products = {g.product.id: g.product for g in groups}
    product_ids = list(products)
    missions = list(dict.fromkeys(m for g in groups for m in g.missions))
    slots = max((len(g.missions) for g in groups), default=1)
    product_at = {p: u for u, p in enumerate(product_ids)}
    mission_at = {m: i for i, m in enumerate(missions)}
    product_of = np.array([product_at[g.product.id] for g in groups], dtype=np.intp)
    mission_of = np.array(
        [[mission_at[m] for m in _padded(g.missions, slots)] for g in groups], dtype=np.intp
    ).reshape(len(groups), slots)
    pairs = zip(np.repeat(product_of, slots), mission_of.ravel(), strict=True)
    used = {(int(u), int(m)) for u, m in pairs}
    table = np.full((len(product_ids), len(columns), len(missions)), -1, dtype=np.intp)
    found: dict[tuple[int, int, str | None], int] = {}
    tracks: list[Track] = []
    for p, column in enumerate(columns):
        for u, m in sorted(used):
            folded = verdict_mission(column.policy, missions[m])
            t = found.get((u, p, folded))
            if t is None:
                t = found[(u, p, folded)] = len(tracks)
                product = products[product_ids[u]]
                tracks.append(track(kb, product, column.policy, column.use, folded))
            table[u, p, m] = t
    track_of = table[
        product_of[:, None, None], np.arange(len(columns))[None, :, None], mission_of[:, None, :]
    ]
    return tuple(tracks), track_of


def fleet_timeline(
    kb: KnowledgeBase,
    org: Organisation,
    aircraft: tuple[Aircraft, ...] | list[Aircraft],
    as_of: date,
    *,
    past: bool = False,
) -> Timeline:
    """The timeline of `aircraft` (of `org`) as of `as_of` (see the module docstring)."""
    book = builtin_policies(kb)
    columns = binding_columns(book, org)
    fleet = tuple(aircraft)
    groups, group_of = _grouped(kb, book, fleet)
    tracks, track_of = _track_index(kb, groups, columns)
    days = np.unique(np.concatenate([np.array([ALWAYS]), *(t.starts for t in tracks)]))
    on_grid = (
        np.stack([t.on(days) for t in tracks])
        if tracks
        else np.zeros((0, len(days)), dtype=np.int8)
    )
    codes = on_grid[track_of[:, :, 0]]  # [group, column, date]
    for slot in range(1, track_of.shape[2]):
        np.maximum(codes, on_grid[track_of[:, :, slot]], out=codes)
    return Timeline(
        kb,
        org,
        as_of,
        past,
        fleet,
        columns,
        groups,
        group_of,
        days,
        tracks,
        track_of,
        on_grid,
        codes,
    )
