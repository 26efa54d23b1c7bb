"""Batch vetting: products x policies x uses x dates in one pass, as a verdict array.

The work is arranged so each verdict costs little:

- whether a policy applies at all (use regulated, date inside [start, end)) is decided for
  every (policy, use, date) at once with numpy, before any product is looked at;
- dates are grouped into epochs between the boundaries of everything a verdict depends on
  (designation, link, law and list-status dates, the policies' own dates): one date per
  epoch is evaluated and the others copy its verdicts;
- rule findings are memoised per (product, rule, date) and shared by every use and mission
  (`Assessor`), and coverage determinations per (entity, date, criteria) (`CoverageCache`);
- only in-force cells reach the rule loop, which combines a few memoised findings.

`vet_batch` returns a `VerdictGrid`: an int8 array indexed [product, policy, use, date]
with codes `CODES`, and `explain(i, j, k, l)` to get the full `Verdict` of one cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from dronevet.knowledge.loader import KnowledgeBase
from dronevet.knowledge.model import Product, Use
from dronevet.policy.evaluate import Assessor, check_mission, explain
from dronevet.policy.model import Policy, Verdict, VerdictKind

CODES: tuple[VerdictKind, ...] = (
    VerdictKind.permitted,
    VerdictKind.review,
    VerdictKind.prohibited,
)
_CODE = {kind: np.int8(i) for i, kind in enumerate(CODES)}


@dataclass(frozen=True, slots=True)
class VerdictGrid:
    """Verdict codes for every (product, policy, use, date), and how to explain one."""

    products: tuple[Product, ...]
    policies: tuple[Policy, ...]
    uses: tuple[Use, ...]
    dates: tuple[date, ...]
    mission: str | None
    codes: npt.NDArray[np.int8]
    assessor: Assessor

    def verdict(self, i: int, j: int, k: int, m: int) -> VerdictKind:
        return CODES[int(self.codes[i, j, k, m])]

    def explain(self, i: int, j: int, k: int, m: int) -> Verdict:
        """The full verdict of one cell (reasons, facts, exemptions), from the shared memo."""
        product, policy, use, day = self.products[i], self.policies[j], self.uses[k], self.dates[m]
        assessment = self.assessor.assess(product, policy, use, day, self.mission)
        return explain(assessment, product, policy, use, day, self.mission)

    def counts(self) -> dict[VerdictKind, int]:
        found = np.bincount(self.codes.ravel(), minlength=len(CODES))
        return {kind: int(found[i]) for i, kind in enumerate(CODES)}


def in_force(
    policies: Sequence[Policy], uses: Sequence[Use], dates: Sequence[date]
) -> npt.NDArray[np.bool_]:
    """[policy, use, date] mask: the policy regulates the use and is in force on the date."""
    days = np.array([d.toordinal() for d in dates], dtype=np.int64)
    mask = np.zeros((len(policies), len(uses), len(dates)), dtype=bool)
    for j, policy in enumerate(policies):
        for k, use in enumerate(uses):
            regulation = policy.regulations.get(use)
            if regulation is None:
                continue
            start = regulation.start.toordinal()
            end = regulation.end.toordinal() if regulation.end else np.iinfo(np.int64).max
            mask[j, k] = (days >= start) & (days < end)
    return mask


def boundaries(
    kb: KnowledgeBase, products: Sequence[Product], policies: Sequence[Policy]
) -> npt.NDArray[np.int64]:
    """Every date on which something a verdict depends on starts or ends (ordinals, sorted):
    designations, links, direction laws, product list statuses, and the policies' own dates."""
    found: set[date | None] = set()
    for d in kb.designations:
        found.update((d.listed, d.start, d.end))
    for link in kb.links:
        found.update((link.start, link.end))
    for law in kb.laws:
        found.update((law.start, law.end))
    for product in products:
        for status in product.list_statuses:
            found.update((status.start, status.end))
    for policy in policies:
        for regulation in policy.regulations.values():
            found.update((regulation.start, regulation.end))
        for rule in policy.rules:
            found.update((rule.start, rule.end))
        for route in policy.exemptions:
            found.update((route.start, route.end))
    return np.array(sorted(d.toordinal() for d in found if d is not None), dtype=np.int64)


def epochs(
    kb: KnowledgeBase,
    products: Sequence[Product],
    policies: Sequence[Policy],
    dates: Sequence[date],
) -> npt.NDArray[np.intp]:
    """For each date, the index of the interval between boundaries it falls in: dates with
    the same index see the same knowledge and the same policy text, so the same verdicts."""
    days = np.array([d.toordinal() for d in dates], dtype=np.int64)
    return np.searchsorted(boundaries(kb, products, policies), days, side="right")


def vet_batch(
    kb: KnowledgeBase,
    products: Sequence[Product],
    policies: Sequence[Policy],
    uses: Sequence[Use],
    dates: Sequence[date],
    mission: str | None = None,
    *,
    assessor: Assessor | None = None,
) -> VerdictGrid:
    """Verdicts for every product under every policy, use and date (see module docstring)."""
    for policy in policies:
        check_mission(policy, mission)
    assessor = assessor or Assessor(kb)
    mask = in_force(policies, uses, dates)
    codes = np.zeros((len(products), len(policies), len(uses), len(dates)), dtype=np.int8)
    epoch = epochs(kb, products, policies, dates)
    # One date per epoch is evaluated; the others in the same epoch copy its verdicts.
    first: dict[int, int] = {}
    for m, e in enumerate(epoch.tolist()):
        first.setdefault(e, m)
    leaders = np.array([first[e] for e in epoch.tolist()])
    cells = np.argwhere(mask)
    cells = cells[leaders[cells[:, 2]] == cells[:, 2]]
    assess = assessor.assess
    for i, product in enumerate(products):
        row = codes[i]
        for j, k, m in cells.tolist():
            verdict = assess(product, policies[j], uses[k], dates[m], mission).verdict
            if verdict is not VerdictKind.permitted:
                row[j, k, m] = _CODE[verdict]
    followers = np.flatnonzero(leaders != np.arange(len(dates)))
    if followers.size:
        codes[:, :, :, followers] = codes[:, :, :, leaders[followers]]
    return VerdictGrid(
        tuple(products), tuple(policies), tuple(uses), tuple(dates), mission, codes, assessor
    )
