"""Vetting throughput, counted only where a verdict is worked out, cold and warm.

    python bench/bench_vetting.py [--dates N] [--cli-runs N]

What is measured, in one run:

1. The command as a person runs it: `dronevet vet M30T --policy all --use all --format
   json` in a fresh process each time (start-up, knowledge loading, every regulated
   policy x use, JSON written), median of N runs, and `dronevet vet M30T --policy asda
   --use operate` (one explained verdict, text).
2. The batch grid (`policy.batch.vet_batch`): all products x all policies x all uses x the
   dates. Only cells where the policy regulates the use and is in force on the date do
   work; the others are `not_applicable` by a table look-up and are reported apart. Of
   the working cells, dates inside one epoch (no fact or rule changes between them) copy
   one computed verdict: both the cells computed and the cells answered are printed, and
   the rate is given over the cells computed too.
   - cold: a fresh knowledge-base value (no determination memoised) and a fresh assessor;
   - warm: the same grid again on the same assessor (a fleet re-check).
3. `vet()` one verdict at a time with full explanations, over the in-force (product,
   policy, use, date) cells of 10 products: cold (fresh knowledge-base value and
   assessor) and warm (again, same assessor), labelled as such.

Target (issue 2): at least 50,000 verdicts/s on a 2-core machine, read here against the
cells that do work.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from dronevet.knowledge import load_builtin
from dronevet.knowledge.model import Use
from dronevet.policy.batch import (
    epochs,
    in_force,
    knowledge_dates,
    leaders,
    policy_dates,
    vet_batch,
)
from dronevet.policy.evaluate import Assessor, vet
from dronevet.policy.loader import builtin_policies

TARGET = 50_000.0
DRONEVET = Path(sys.executable).with_name("dronevet")


def dates(count: int) -> tuple[date, ...]:
    """`count` dates spread from 2019-06-01 to 2029-06-01, plus the boundaries that matter."""
    first, last = date(2019, 6, 1), date(2029, 6, 1)
    step = (last - first) / max(count - 1, 1)
    spread = {first + timedelta(days=round(i * step.days)) for i in range(count)}
    spread |= {date(2023, 12, 22), date(2025, 12, 22), date(2026, 1, 7), date(2028, 12, 22)}
    return tuple(sorted(spread))


def cli(args: list[str], runs: int) -> float:
    """Median wall time of `dronevet ARGS` in a fresh process (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(DRONEVET), *args], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=12)
    parser.add_argument("--cli-runs", type=int, default=5)
    args = parser.parse_args()

    print("1. the command as a person runs it (fresh process each time, median):")
    matrix = ["vet", "M30T", "--policy", "all", "--use", "all", "--format", "json"]
    single = ["vet", "M30T", "--policy", "us-asda-2023", "--use", "operate"]
    print(f"   dronevet {' '.join(matrix)}: {cli(matrix, args.cli_runs) * 1000:.0f} ms")
    print(f"   dronevet {' '.join(single)}: {cli(single, args.cli_runs) * 1000:.0f} ms")

    base = load_builtin()
    kb = replace(base)  # a fresh value: nothing memoised yet
    book = builtin_policies(kb)
    products = list(kb.products.values())
    policies = list(book)
    uses = tuple(Use)
    days = dates(args.dates)
    cells = len(products) * len(policies) * len(uses) * len(days)
    mask = in_force(policies, uses, days)
    working = int(mask.sum()) * len(products)
    computed = 0
    for product in products:
        seen = knowledge_dates(kb, product)
        for j, policy in enumerate(policies):
            lead = leaders(epochs(seen | policy_dates(policy), days))
            first = lead == np.arange(len(days))
            computed += int((mask[j] & first).sum())

    started = time.perf_counter()
    assessor = Assessor(kb)
    grid = vet_batch(kb, products, policies, uses, days, assessor=assessor)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    vet_batch(kb, products, policies, uses, days, assessor=assessor)
    warm = time.perf_counter() - started
    print(
        f"2. grid: {len(products)} products x {len(policies)} policies x {len(uses)} uses x "
        f"{len(days)} dates = {cells:,} cells; {cells - working:,} not applicable by table "
        f"(use not regulated or not in force), {working:,} in force, of which {computed:,} "
        "computed and the rest copied within their epoch"
    )
    print("   verdicts: " + ", ".join(f"{k.value} {n:,}" for k, n in grid.counts().items()))
    for label, seconds in (("cold (fresh knowledge value)", cold), ("warm (same assessor)", warm)):
        answered, worked = working / seconds, computed / seconds
        print(
            f"   {label:29s} {seconds * 1000:8.1f} ms  {answered:10,.0f} in-force verdicts/s "
            f"({worked:,.0f} computed/s)  target {TARGET:,.0f}/s: "
            f"{'met' if answered >= TARGET else 'missed'}"
        )

    sample = products[:10]
    todo = [
        (product, policy, use, day)
        for product in sample
        for policy in policies
        for use in policy.regulations
        for day in days
        if mask[policies.index(policy), uses.index(use), days.index(day)]
    ]
    fresh = replace(base)
    explainer = Assessor(fresh)
    for label in ("cold", "warm"):
        started = time.perf_counter()
        for product, policy, use, day in todo:
            vet(fresh, product, policy, use, day, assessor=explainer)
        seconds = time.perf_counter() - started
        print(
            f"3. vet() explained, {label}: {len(todo):,} in-force verdicts with reasons and "
            f"facts in {seconds * 1000:.1f} ms = {len(todo) / seconds:,.0f}/s"
        )


if __name__ == "__main__":
    main()
