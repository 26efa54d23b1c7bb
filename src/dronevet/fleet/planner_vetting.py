"""Which candidates an organisation may buy as replacements: those no binding policy
objects to, for any use it binds, as of the aircraft's deadline.

A candidate is admissible on a day when every (policy, use) of the organisation's
bindings answers `permitted` or `not_applicable` (the policy says nothing about that use
then); `prohibited` excludes it, and so does `review`, since a person must decide before
it can be planned. A binding without uses binds for every use. The vet function is a
parameter so that callers (and tests) choose the verdicts; `core_vet` is the core's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from dronevet.fleet.model import Binding
from dronevet.knowledge.model import Use
from dronevet.policy.model import VerdictKind

if TYPE_CHECKING:
    from dronevet.knowledge.base import KnowledgeBase

ACCEPTED = frozenset({VerdictKind.permitted, VerdictKind.not_applicable})


class VetFunction(Protocol):
    """May `use` of `product_id` go ahead under `policy` on `as_of`?"""

    def __call__(self, product_id: str, *, policy: str, use: str, as_of: date) -> VerdictKind:
        ...


def core_vet(kb: KnowledgeBase | None = None) -> VetFunction:
    """The core's verdicts (`dronevet.api.vet`) against `kb` (default: the user's base)."""
    from dronevet.api import vet

    def verdict(product_id: str, *, policy: str, use: str, as_of: date) -> VerdictKind:
        return vet(product_id, policy=policy, use=use, as_of=as_of, kb=kb).verdict

    return verdict


@dataclass(frozen=True, slots=True)
class Objection:
    """A binding policy's verdict that keeps a candidate out of the plan."""

    product_id: str
    policy: str
    use: str
    verdict: VerdictKind
    as_of: date

    @property
    def phrase(self) -> str:
        """'prohibited under us-fl-934-50 for procure'."""
        what = "needs a person's review" if self.verdict is VerdictKind.review else "is prohibited"
        return f"{what} under {self.policy} for {self.use}"

    def to_dict(self) -> dict[str, Any]:
        return {"product_id": self.product_id, "policy": self.policy, "use": self.use,
                "verdict": self.verdict.value, "as_of": self.as_of.isoformat()}


class Admissibility:
    """The objections to each candidate on each day, each asked of the vet function once."""

    def __init__(self, bindings: Sequence[Binding], vet: VetFunction):
        self._checks = tuple(
            (b.policy, use) for b in bindings for use in (b.uses or tuple(u.value for u in Use))
        )
        self._vet = vet
        self._memo: dict[tuple[str, date], tuple[Objection, ...]] = {}

    def objections(self, product_id: str, as_of: date) -> tuple[Objection, ...]:
        """Every binding (policy, use) that does not let `product_id` in on `as_of`."""
        key = (product_id, as_of)
        if key not in self._memo:
            found = []
            for policy, use in self._checks:
                verdict = VerdictKind(self._vet(product_id, policy=policy, use=use, as_of=as_of))
                if verdict not in ACCEPTED:
                    found.append(Objection(product_id, policy, use, verdict, as_of))
            self._memo[key] = tuple(found)
        return self._memo[key]
