"""Batch vetting: products x policies x uses x dates in one pass, as a verdict array.

The work is arranged so each verdict costs little:

- whether a policy applies at all (use regulated, date inside [start, end)) is decided for
  every (policy, use, date) at once with numpy, before any product is looked at;
- for each (product, policy), dates are grouped into epochs between the boundaries of what
  that verdict can depend on (designations and links reachable from the product's makers,
  direction laws, the product's list statuses, the policy's own dates): one date per epoch
  is evaluated and the others copy its verdict;
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

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.model import Product, Use
from dronevet.policy.evaluate import Assessor, check_mission, explain
from dronevet.policy.model import Policy, Verdict, VerdictKind

CODES: tuple[VerdictKind, ...] = (
    VerdictKind.permitted,
    VerdictKind.review,
    VerdictKind.prohibited,
    VerdictKind.not_applicable,
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
        cautions = self.assessor.cautions(product, policy, day)
        return explain(assessment, product, policy, use, day, self.mission, cautions=cautions)

    def counts(self) -> dict[VerdictKind, int]:
        found = np.bincount(self.codes.ravel(), minlength=len(CODES))
        return {kind: int(found[i]) for i, kind in enumerate(CODES)}


def in_force(
    policies: Sequence[Policy], uses: Sequence[Use], dates: Sequence[date]
) -> npt.NDArray[np.bool_]:
    """[policy, use, date] mask: the policy regulates the use and is in force on the date
    (for at least one group it binds)."""
    days = np.array([d.toordinal() for d in dates], dtype=np.int64)
    mask = np.zeros((len(policies), len(uses), len(dates)), dtype=bool)
    never = np.iinfo(np.int64).max
    for j, policy in enumerate(policies):
        for k, use in enumerate(uses):
            for period in policy.regulations.get(use, ()):
                start = period.start.toordinal()
                end = period.end.toordinal() if period.end else never
                mask[j, k] |= (days >= start) & (days < end)
    return mask


def knowledge_dates(kb: KnowledgeBase, product: Product) -> set[date]:
    """Dates on which anything screening can see from this product starts or ends: the
    designations and outgoing links of every entity reachable from its maker and component
    makers (followed to the end, whatever the link kind), direction laws, and the product's
    own list statuses."""
    found: set[date | None] = set()
    frontier = [product.manufacturer, *(c.maker for c in product.components if c.maker)]
    seen: set[str] = set()
    while frontier:
        entity = frontier.pop()
        if not entity or entity in seen:
            continue
        seen.add(entity)
        for designation in kb.designations_of.get(entity, ()):
            found.update((designation.listed, designation.start, designation.end))
        for link in kb.links_from.get(entity, ()):
            found.update((link.start, link.end))
            frontier.append(link.object)
    for law in kb.laws:
        found.update((law.start, law.end))
    for status in product.list_statuses:
        found.update((status.start, status.end))
    found.add(product.released)
    return {d for d in found if d is not None}


def policy_dates(policy: Policy) -> set[date]:
    """Dates on which a policy's regulations, rules or exemptions start or end."""
    found: set[date | None] = set()
    for periods in policy.regulations.values():
        for regulation in periods:
            found.update((regulation.start, regulation.end))
    for rule in policy.rules:
        found.update((rule.start, rule.end))
    for route in policy.exemptions:
        found.update((route.start, route.end))
    return {d for d in found if d is not None}


def epochs(boundaries: set[date], dates: Sequence[date]) -> npt.NDArray[np.intp]:
    """For each date, the index of the interval between `boundaries` it falls in: dates
    with the same index see the same facts, so get the same verdict."""
    edges = np.array(sorted(d.toordinal() for d in boundaries), dtype=np.int64)
    days = np.array([d.toordinal() for d in dates], dtype=np.int64)
    return np.searchsorted(edges, days, side="right")


def leaders(epoch: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """For each date, the first date of its epoch (the one that is evaluated)."""
    _, first, inverse = np.unique(epoch, return_index=True, return_inverse=True)
    return first[inverse]


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
    shape = (len(products), len(policies), len(uses), len(dates))
    codes = np.full(shape, _CODE[VerdictKind.not_applicable], dtype=np.int8)
    own_dates = [policy_dates(policy) for policy in policies]
    assess = assessor.assess
    for i, product in enumerate(products):
        seen = knowledge_dates(kb, product)
        for j, policy in enumerate(policies):
            lead = leaders(epochs(seen | own_dates[j], dates))
            evaluated = np.flatnonzero(lead == np.arange(len(dates)))
            for k, use in enumerate(uses):
                row = codes[i, j, k]
                for m in evaluated.tolist():
                    if mask[j, k, m]:
                        row[m] = _CODE[assess(product, policy, use, dates[m], mission).verdict]
                codes[i, j, k] = row[lead]
    return VerdictGrid(
        tuple(products), tuple(policies), tuple(uses), tuple(dates), mission, codes, assessor
    )
