"""Small planning problems for the planner's tests: an organisation, aircraft needs,
candidates at quoted prices, and a vet function that answers from a table (the planner
takes the vet function as a parameter, so a test decides the verdicts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.planner_inputs import Candidate, ReplacementNeed, Requirements
from dronevet.knowledge.model import Source
from dronevet.policy.model import VerdictKind

QUOTE = Source("Test quote", date(2026, 1, 5))
POLICY = "test-policy"
ORG = Organisation("Test Sheriff", (Binding(POLICY, ("procure",)),), "us-fl", 10)


@dataclass(frozen=True)
class TableVet:
    """Verdicts from a table: a product banned from a date on is `prohibited` (or the
    verdict given) under every policy from that date; everything else is permitted."""

    banned_from: Mapping[str, date] = field(default_factory=dict)
    verdict: VerdictKind = VerdictKind.prohibited

    def __call__(self, product_id: str, *, policy: str, use: str, as_of: date) -> VerdictKind:
        start = self.banned_from.get(product_id)
        return self.verdict if start is not None and as_of >= start else VerdictKind.permitted


def candidate(product_id: str, price: int, *, capabilities: tuple[str, ...] = (),
              flight: float | None = None) -> Candidate:
    return Candidate(product_id, product_id.replace("-", " ").title(), Decimal(price), QUOTE,
                     frozenset(capabilities), flight)


def need(serial: str, deadline: date, *, capabilities: tuple[str, ...] = (),
         flight: float | None = None, trade_in: int = 0, aircraft: Aircraft | None = None,
         ) -> ReplacementNeed:
    return ReplacementNeed(
        aircraft or Aircraft(serial, "DJI Matrice 30T"),
        deadline,
        Requirements(frozenset(capabilities), flight),
        Decimal(trade_in),
    )


def budgets(**by_year: int) -> dict[int, Decimal]:
    """`budgets(fy2026=10_000)` -> {2026: Decimal(10000)}."""
    return {int(k.removeprefix("fy")): Decimal(v) for k, v in by_year.items()}
