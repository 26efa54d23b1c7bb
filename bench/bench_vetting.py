"""Vetting throughput: verdicts per second in batch, all products x all policies x dates x uses.

Target (issue 2): at least 50,000 verdicts/s on a 2-core machine. Prints the cold figure
(fresh memo: every determination and rule finding computed) and the warm one (a second
pass over the same grid shares the memo, as a fleet re-check does), the ratio to the target,
and for comparison the per-call `vet()` rate with explanations built.

    python bench/bench_vetting.py [--dates N]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

from dronevet.knowledge import load_builtin
from dronevet.knowledge.model import Use
from dronevet.policy.batch import vet_batch
from dronevet.policy.evaluate import Assessor, vet
from dronevet.policy.loader import builtin_policies

TARGET = 50_000.0


def dates(count: int) -> tuple[date, ...]:
    """`count` dates spread from 2019-06-01 to 2029-06-01, plus the boundaries that matter."""
    first, last = date(2019, 6, 1), date(2029, 6, 1)
    step = (last - first) / max(count - 1, 1)
    spread = {first + timedelta(days=round(i * step.days)) for i in range(count)}
    spread |= {date(2023, 12, 22), date(2025, 12, 22), date(2026, 1, 7), date(2028, 12, 22)}
    return tuple(sorted(spread))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=12)
    args = parser.parse_args()
    kb = load_builtin()
    book = builtin_policies(kb)
    products = list(kb.products.values())
    policies = list(book)
    uses = tuple(Use)
    days = dates(args.dates)
    cells = len(products) * len(policies) * len(uses) * len(days)

    assessor = Assessor(kb)
    started = time.perf_counter()
    grid = vet_batch(kb, products, policies, uses, days, assessor=assessor)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    vet_batch(kb, products, policies, uses, days, assessor=assessor)
    warm = time.perf_counter() - started

    sample = products[:10]
    started = time.perf_counter()
    explained = 0
    explain_assessor = Assessor(kb)
    for product in sample:
        for policy in policies:
            for use in policy.regulations:
                for day in days:
                    vet(kb, product, policy, use, day, assessor=explain_assessor)
                    explained += 1
    per_call = time.perf_counter() - started

    print(
        f"grid: {len(products)} products x {len(policies)} policies x {len(uses)} uses x "
        f"{len(days)} dates = {cells:,} verdicts; "
        + ", ".join(f"{kind.value} {n:,}" for kind, n in grid.counts().items())
    )
    for label, seconds in (("batch, cold memo", cold), ("batch, warm memo", warm)):
        rate = cells / seconds
        print(
            f"{label:18s} {seconds * 1000:8.1f} ms  {rate:12,.0f} verdicts/s  "
            f"target {TARGET:,.0f}/s  ratio {rate / TARGET:5.2f}"
        )
    rate = explained / per_call
    print(
        f"{'vet() explained':18s} {per_call * 1000:8.1f} ms  {rate:12,.0f} verdicts/s  "
        f"({explained:,} in-scope verdicts with reasons and facts)"
    )


if __name__ == "__main__":
    main()
