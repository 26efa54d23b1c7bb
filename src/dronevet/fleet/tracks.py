"""Verdict tracks: one product's verdict under one policy, use and mission, over all time.

A verdict can only change on a date where something it reads starts or ends: the
policy's own dates (its periods for the use, its rules' and exemptions' starts and ends,
`policy_dates`) and the knowledge the product's makers lead to (designations, links,
direction laws, the product's list statuses, its release, `knowledge_dates`). Between two
such dates every day gets the verdict of the first, so a track vets the product once
before the first date and once on each date, never day by day. `Track.on(grid)` gives its
verdict codes on any finer set of dates.

Codes are ordered by severity (`SEVERITY`: not applicable, permitted, review,
prohibited), so the strictest of several verdicts is their maximum.

A mission changes a verdict only through the policy's mission tiers or its scope
(`Assessor.assess`); under any other policy every mission gets the verdict of none, so
`verdict_mission` folds them together and a fleet's many missions cost one track there.
Tracks are memoised in the knowledge base's memo, with one shared `Assessor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from dronevet.api import _for_policy
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Product, Use
from dronevet.policy.batch import knowledge_dates, policy_dates
from dronevet.policy.evaluate import Assessor
from dronevet.policy.model import Policy, VerdictKind

SEVERITY: tuple[VerdictKind, ...] = (
    VerdictKind.not_applicable,
    VerdictKind.permitted,
    VerdictKind.review,
    VerdictKind.prohibited,
)
CODE = {kind: i for i, kind in enumerate(SEVERITY)}
PROHIBITED = CODE[VerdictKind.prohibited]
PERMITTED = CODE[VerdictKind.permitted]
ALWAYS = date.min.toordinal()
"""The start of a track's first epoch: it holds from the beginning of time."""


def verdict_mission(policy: Policy, mission: str | None) -> str | None:
    """The mission as the verdict reads it under `policy`: as `dronevet.vet` passes it
    on, and None where the policy has neither mission tiers nor a scope."""
    seen = _for_policy(policy, mission)
    return seen if policy.missions or policy.scope else None


@dataclass(frozen=True, slots=True)
class Track:
    """A product's verdicts under a policy, use and mission: `codes[e]` holds from
    `starts[e]` (a date ordinal) until the next start."""

    product: Product
    policy: Policy
    use: Use
    mission: str | None
    starts: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int8]

    def epochs(self, days: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        """The epoch each date ordinal falls in."""
        return np.searchsorted(self.starts, days, side="right") - 1

    def on(self, days: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        """The verdict code on each date ordinal."""
        return self.codes[self.epochs(days)]


def fleet_assessor(kb: KnowledgeBase) -> Assessor:
    """The assessor every timeline over `kb` shares (its findings are memoised)."""
    return kb.memo.get("fleet-assessor", lambda: Assessor(kb))


def track(
    kb: KnowledgeBase, product: Product, policy: Policy, use: Use, mission: str | None
) -> Track:
    """The track of `product` under `policy` for `use` and `mission` (already folded by
    `verdict_mission`), memoised."""
    table: dict[tuple[str, str, Use, str | None], Track] = kb.memo.table("fleet-tracks")
    key = (product.id, policy.id, use, mission)
    found = table.get(key)
    if found is None:
        found = table[key] = _build(kb, product, policy, use, mission)
    return found


def _build(
    kb: KnowledgeBase, product: Product, policy: Policy, use: Use, mission: str | None
) -> Track:
    dates: dict[str, frozenset[date]] = kb.memo.table("fleet-knowledge-dates")
    seen = dates.get(product.id)
    if seen is None:
        seen = dates[product.id] = frozenset(knowledge_dates(kb, product))
    bounds = sorted(seen | policy_dates(policy))
    before = bounds[0] - timedelta(days=1) if bounds and bounds[0] > date.min else date.min
    assess = fleet_assessor(kb).assess
    codes = [CODE[assess(product, policy, use, day, mission).verdict] for day in (before, *bounds)]
    return Track(
        product,
        policy,
        use,
        mission,
        np.array([ALWAYS, *(d.toordinal() for d in bounds)], dtype=np.int64),
        np.array(codes, dtype=np.int8),
    )
