"""Replacement planning at fleet scale: 500 aircraft x 20 candidates x 5 fiscal years.

    python bench/bench_planner.py [--aircraft N] [--candidates N] [--years N] [--runs N]
                                  [--time-limit S]

Fixed, seeded inputs: candidates are 20 real products of the knowledge base with seeded
prices, flight times and capabilities; aircraft need thermal or zoom or neither, a flight
time and sometimes a payload, with deadlines on eight dates. Four cases: bound by
Florida's s.934.50 and the American Security Drone Act (the core's verdicts decide
admissibility) or by nothing (every candidate admissible, the largest model), each with
budgets that cover the fleet only by deferring purchases ($8,000 per aircraft over the
years) and with budgets that cover about half of it ($3,000 per aircraft), where proving
the optimum is a hard packing problem and the plan may stop at the time limit with the
gap HiGHS proved. Printed per case: the time for `plan()` (vetting, pricing, both MILP
solves and every explanation; median of the runs), whether it is proven optimal and the
gap, and what the plan did.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date
from decimal import Decimal

from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.planner import plan
from dronevet.fleet.planner_inputs import Candidate, PlanningProblem, ReplacementNeed, Requirements
from dronevet.fleet.planner_reasons import Bound
from dronevet.fleet.planner_vetting import core_vet
from dronevet.knowledge import load_builtin
from dronevet.knowledge.model import Source

QUOTE = Source("bench: seeded prices", date(2026, 12, 1), verified=False)
DEADLINES = tuple(date(y, m, 1) for y in (2027, 2028, 2029, 2030) for m in (1, 7))
CAPABILITIES = ("thermal", "zoom", "rtk")


def problem(aircraft: int, candidates: int, years: int, *, bound: bool, per_aircraft: int,
            seed: int = 7) -> PlanningProblem:
    rng = random.Random(seed)
    kb = load_builtin()
    products = sorted(kb.products)[:candidates]
    offer = tuple(
        Candidate(pid, kb.products[pid].name, Decimal(rng.randrange(2_000, 35_000)), QUOTE,
                  frozenset(c for c in CAPABILITIES if rng.random() < 0.5),
                  float(rng.randrange(20, 55)), payload_kg=float(rng.randrange(0, 6)) or None)
        for pid in products
    )
    needs = tuple(
        ReplacementNeed(
            Aircraft(f"S-{i:04d}", "DJI Matrice 30T", capabilities=tuple(
                c for c in CAPABILITIES[:2] if rng.random() < 0.4)),
            rng.choice(DEADLINES),
            Requirements(frozenset(c for c in CAPABILITIES[:2] if rng.random() < 0.4),
                         float(rng.randrange(20, 45)),
                         min_payload_kg=2.0 if rng.random() < 0.2 else None),
            trade_in=Decimal(rng.randrange(0, 1_500)),
        )
        for i in range(aircraft)
    )
    yearly = Decimal(aircraft * per_aircraft // years)
    bindings = (Binding("us-fl-934-50", ("procure", "operate")),
                Binding("us-asda-2023", ("fund",))) if bound else ()
    organisation = Organisation("Bench County", bindings, "us-fl", 7)
    return PlanningProblem(organisation, needs, offer,
                           {2027 + y: yearly for y in range(years)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aircraft", type=int, default=500)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20.0)
    args = parser.parse_args()
    vet = core_vet(load_builtin())
    print(f"planner: {args.aircraft} aircraft x {args.candidates} candidates x {args.years} "
          f"years, median of {args.runs} runs, time limit {args.time_limit:g} s per solve")
    for bound, label in ((True, "Florida s.934.50 + ASDA"), (False, "no binding policy")):
        for per_aircraft, money in ((8_000, "deferring"), (3_000, "half the fleet")):
            case = problem(args.aircraft, args.candidates, args.years, bound=bound,
                           per_aircraft=per_aircraft)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                result = plan(case, vet, time_limit=args.time_limit)
                times.append(time.perf_counter() - start)
            totals = result.totals()
            budget = sum(1 for a in result.aircraft if a.candidate and Bound.budget in a.bound_by)
            print(f"  {label}, budgets cover {money}: {statistics.median(times):.2f} s, "
                  f"optimal={totals['optimal']} gap={totals['gap']:.2e}; replaced "
                  f"{totals['replaced']} ({budget} shaped by the budget), not replaced "
                  f"{totals['not_replaced']}, with shortfalls {totals['with_shortfalls']}, "
                  f"spend {totals['spend']} of {totals['budget']}")


if __name__ == "__main__":
    main()
