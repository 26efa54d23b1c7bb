"""The fleet compliance report: where an organisation's fleet stands on a date, which
aircraft are grounded from when and why, the value at risk, the waivers, and the clauses
and sources behind every verdict.

```python
report = compliance_report(register, kb, register.organisation("County Sheriff"),
                           as_of=date(2025, 12, 22), prepared_on=date.today())
render_compliance(report)   # HTML with the charts inline (reports/render.py)
```

The status and the timeline are the fleet's own JSON (`fleet/reports.py`: what `dronevet
fleet status` and `fleet timeline` print), read once. The basis of the verdicts is the
engine's explanation of each distinct case in the fleet - one product under one policy,
use and mission - as the policy reads it before any waiver, with the number of aircraft
it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dronevet.fleet.model import Organisation
from dronevet.fleet.waivers import Waiver
from dronevet.knowledge.base import KnowledgeBase
from dronevet.policy.model import Verdict
from dronevet.policy.summary import Explanation, summarise

if TYPE_CHECKING:
    from dronevet.fleet.register import Register


@dataclass(frozen=True, slots=True)
class Basis:
    """One distinct case of the fleet: a product under a policy, use and mission, its
    verdict and explanation, and the serials of the aircraft it concerns."""

    verdict: Verdict
    explanation: Explanation
    serials: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """What a program manager hands to the legal office (see the module docstring)."""

    organisation: Organisation
    as_of: date
    prepared_on: date
    status: dict[str, Any]
    """The `dronevet fleet status --format json` contract."""
    timeline: dict[str, Any]
    """The `dronevet fleet timeline --format json` contract (every change to come)."""
    prices: dict[str, Decimal | None]
    """Per serial, what was paid."""
    waivers: tuple[Waiver, ...]
    basis: tuple[Basis, ...]

    @property
    def unverified(self) -> bool:
        """Whether any verdict rests on a fact or source not yet verified."""
        return any(b.explanation.unverified for b in self.basis)


def _cases(status: dict[str, Any]) -> dict[tuple[str, str, str, str | None], list[str]]:
    cases: dict[tuple[str, str, str, str | None], list[str]] = {}
    for aircraft in status["aircraft"]:
        if aircraft["product_id"] is None:
            continue
        for line in aircraft["verdicts"]:
            key = (aircraft["product_id"], line["policy"], line["use"], line["mission"])
            cases.setdefault(key, []).append(aircraft["serial"])
    return cases


def compliance_report(register: Register, kb: KnowledgeBase, organisation: Organisation, *,
                      as_of: date, prepared_on: date) -> ComplianceReport:
    """The report on `organisation`'s fleet as of `as_of` (see the module docstring)."""
    from dronevet.api import vet
    from dronevet.fleet.reports import fleet_report

    status = fleet_report(register, kb, organisation, as_of, changes=False)
    timeline = fleet_report(register, kb, organisation, as_of, changes=True)
    basis = []
    for (product, policy, use, mission), serials in _cases(status).items():
        verdict = vet(product, policy=policy, use=use, as_of=as_of, mission=mission, kb=kb)
        basis.append(Basis(verdict, summarise(kb, verdict), tuple(serials)))
    return ComplianceReport(
        organisation=organisation,
        as_of=as_of,
        prepared_on=prepared_on,
        status=status,
        timeline=timeline,
        prices={a.serial: a.price for a in register.aircraft(organisation.name)},
        waivers=tuple(register.waivers(organisation.name)),
        basis=tuple(basis),
    )
