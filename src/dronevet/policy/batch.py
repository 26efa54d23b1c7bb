"""Batch vetting: products x policies x uses x dates in one pass, as a verdict array.

The work is arranged so each verdict costs little:

- whether a policy applies at all (use regulated, date inside [start, end)) is decided for
  every (policy, use, date) at once with numpy, before any product is looked at;
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
    cells = np.argwhere(mask)
    assess = assessor.assess
    for i, product in enumerate(products):
        row = codes[i]
        for j, k, m in cells.tolist():
            verdict = assess(product, policies[j], uses[k], dates[m], mission).verdict
            if verdict is not VerdictKind.permitted:
                row[j, k, m] = _CODE[verdict]
    return VerdictGrid(
        tuple(products), tuple(policies), tuple(uses), tuple(dates), mission, codes, assessor
    )
