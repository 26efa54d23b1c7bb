"""Fleet compliance timeline and register import, cold and warm, against the issue's targets.

    python bench/bench_fleet.py [--aircraft N] [--rows N] [--runs N]

What is measured, in one run, on a fleet generated with a fixed seed over every built-in
product (1-2 of the policy book's missions each, or none; statuses and prices mixed), for
an organisation bound by every policy for every use it regulates:

1. The timeline (`fleet.timeline.fleet_timeline`) of N aircraft (default 100,000) as of
   2025-06-01: every aircraft x every (policy, use) column, with each change date.
   - cold: a fresh knowledge-base value (no track, finding or determination memoised);
   - warm: again on the same value (a re-check after the register changed);
   each alone and with the roll-ups; then the `fleet status` JSON built and serialised.
   The baseline beside it is what the grouping saves: `vet()` called aircraft by aircraft
   for every column on as_of alone (no change dates), timed on a sample and scaled up.
2. Import of a CSV register of M rows (default 10,000), written by the exporter with the
   models as people type them: cold (fresh knowledge value: the product search is built)
   and warm.
3. The commands as a person runs them, each a fresh process, on an SQLite register in a
   temporary home: `dronevet fleet org`, `dronevet fleet import FILE` (M rows, into the
   store: validated, upserted, audited), the same import again (all unchanged), and
   `dronevet fleet status --format json > /dev/null`; median of R runs each. The library
   path without the store (`python -c`: load, import, status, JSON) is timed beside them.

Targets (issue 11, this 2-core machine): timeline for 100,000 aircraft x all policies x
uses under 2 s; import of a 10,000-row CSV under 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import orjson

from dronevet.fleet.export import fleet_csv
from dronevet.fleet.importer import parse_fleet
from dronevet.fleet.model import Aircraft, AircraftStatus, Binding, Organisation
from dronevet.fleet.rollup import rollup
from dronevet.fleet.status import FleetStatus
from dronevet.fleet.timeline import binding_columns, fleet_timeline
from dronevet.knowledge import load_builtin
from dronevet.knowledge.base import KnowledgeBase
from dronevet.policy.evaluate import Assessor, vet
from dronevet.policy.loader import builtin_policies

TIMELINE_TARGET = 2.0
IMPORT_TARGET = 5.0
AS_OF = date(2025, 6, 1)
BASELINE_SAMPLE = 300
STATUSES = (AircraftStatus.active,) * 8 + (AircraftStatus.grounded, AircraftStatus.retired)


def generated(kb: KnowledgeBase, count: int, seed: int = 11) -> list[Aircraft]:
    """`count` aircraft over every built-in product, with a fixed seed."""
    rng = random.Random(seed)
    products = sorted(kb.products.values(), key=lambda p: p.id)
    missions = list(builtin_policies(kb).missions)
    fleet = []
    for i in range(count):
        product = rng.choice(products)
        fleet.append(
            Aircraft(
                serial=f"SN{i:07d}",
                model=product.name,
                product_id=product.id,
                purchase_date=date(2018 + rng.randrange(7), rng.randrange(1, 13), 1),
                price=Decimal(rng.randrange(1_000, 30_000)) if rng.random() < 0.9 else None,
                funding=rng.choice(["federal-grant", "state", "local"]),
                missions=tuple(rng.sample(missions, rng.randrange(3))),
                status=rng.choice(STATUSES),
                flight_hours=round(rng.uniform(0, 800), 1),
                unit=f"Unit {rng.randrange(20)}",
            )
        )
    return fleet


def every_policy(kb: KnowledgeBase) -> Organisation:
    return Organisation("bench", tuple(Binding(p.id) for p in builtin_policies(kb)))


def timed(label: str, seconds: float, target: float | None = None) -> None:
    verdict = ""
    if target is not None:
        verdict = f"  target < {target:.0f} s: {'met' if seconds < target else 'MISSED'}"
    print(f"   {label:44s} {seconds * 1000:9.1f} ms{verdict}")


def bench_timeline(base: KnowledgeBase, count: int) -> None:
    kb = replace(base)  # a fresh value: nothing memoised yet
    org = every_policy(kb)
    fleet = generated(kb, count)
    started = time.perf_counter()
    cold = fleet_timeline(kb, org, fleet, AS_OF)
    cold_s = time.perf_counter() - started
    rollup(cold)
    cold_all = time.perf_counter() - started
    started = time.perf_counter()
    warm = fleet_timeline(kb, org, fleet, AS_OF)
    warm_s = time.perf_counter() - started
    totals = rollup(warm)
    warm_all = time.perf_counter() - started
    cells = len(fleet) * len(warm.columns)
    changes = int((warm.codes[:, :, 1:] != warm.codes[:, :, :-1]).sum())
    print(
        f"1. timeline: {len(fleet):,} aircraft x {len(warm.columns)} (policy, use) columns = "
        f"{cells:,} verdicts as of {AS_OF}; {len(warm.groups):,} groups of alike aircraft, "
        f"{len(warm.tracks):,} tracks, {len(warm.days)} grid dates, {changes:,} changes over "
        "groups and columns"
    )
    timed("cold (fresh knowledge value)", cold_s, TIMELINE_TARGET)
    timed("cold, with the roll-ups", cold_all, TIMELINE_TARGET)
    timed("warm (same knowledge value)", warm_s, TIMELINE_TARGET)
    timed("warm, with the roll-ups", warm_all, TIMELINE_TARGET)
    print(
        f"   grounded {len(totals.grounded):,}; value at risk "
        + ", ".join(f"FY{e.fiscal_year} {e.value:,}" for e in totals.value_at_risk)
        + f"; missions uncovered {len(totals.uncovered)}"
    )
    started = time.perf_counter()
    data = orjson.dumps(FleetStatus(warm, totals).to_dict())
    timed(f"status JSON ({len(data) / 1e6:,.0f} MB)", time.perf_counter() - started)
    del data, cold

    book = builtin_policies(kb)
    columns = binding_columns(book, org)
    assessor = Assessor(replace(base))
    sample = fleet[:BASELINE_SAMPLE]
    started = time.perf_counter()
    for one in sample:
        product = kb.products[one.product_id or ""]
        for column in columns:
            vet(assessor.kb, product, column.policy, column.use, AS_OF, assessor=assessor)
    per_aircraft = (time.perf_counter() - started) / len(sample)
    scaled = per_aircraft * len(fleet)
    print(
        f"   baseline: vet() aircraft by aircraft, every column, as_of only: "
        f"{per_aircraft * 1000:.2f} ms/aircraft -> {scaled:.1f} s for {len(fleet):,} "
        f"(timeline warm is {scaled / warm_s:,.0f}x faster, and gives the change dates too)"
    )


def bench_import(base: KnowledgeBase, rows: int, path: Path) -> None:
    fleet = generated(base, rows, seed=12)
    path.write_text(fleet_csv(fleet), encoding="utf-8")
    data = path.read_bytes()
    print(f"2. import: {rows:,} rows, {len(data) / 1e6:.1f} MB of CSV")
    kb = replace(base)
    for label in ("cold (fresh knowledge value)", "warm (same knowledge value)"):
        started = time.perf_counter()
        found = parse_fleet(data, path.name, kb=kb)
        seconds = time.perf_counter() - started
        assert found.ok and len(found.aircraft) == rows, found.errors[:3]
        timed(label, seconds, IMPORT_TARGET)


END_TO_END = """
import sys, orjson
from datetime import date
from dronevet import api
from dronevet.fleet.importer import read_fleet
from dronevet.fleet.model import Binding, Organisation
from dronevet.fleet.status import fleet_status
kb = api.load_knowledge()
org = Organisation("bench", tuple(Binding(p.id) for p in api.dronevet_policies(kb)))
found = read_fleet(sys.argv[1], kb=kb)
status = fleet_status(kb, org, found.committable(), date(2025, 6, 1))
sys.stdout.buffer.write(orjson.dumps(status.to_dict()))
"""


def bench_end_to_end(path: Path, runs: int, home: Path) -> None:
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", END_TO_END, str(path)],
            check=True,
            capture_output=True,
            env={**os.environ, "DRONEVET_HOME": str(home)},
        )
        times.append(time.perf_counter() - started)
        size = len(done.stdout)
    print(
        f"3. end to end in a fresh process (load, import {path.name}, status, JSON of "
        f"{size / 1e6:.0f} MB), median of {runs}:"
    )
    timed("python -c ...", statistics.median(times))


def bench_commands(path: Path, runs: int, home: Path) -> None:
    """The fleet commands end to end, as a person runs them, on an SQLite store."""
    dronevet = str(Path(sys.executable).with_name("dronevet"))
    env = {**os.environ, "DRONEVET_HOME": str(home)}
    env.pop("DRONEVET_DATABASE_URL", None)
    org = "Bench County"

    def command(*args: str) -> float:
        started = time.perf_counter()
        subprocess.run([dronevet, *args], check=True, stdout=subprocess.DEVNULL, env=env)
        return time.perf_counter() - started

    print(f"   the commands, each a fresh process, SQLite store, median of {runs}:")
    policies = ",".join(binding.policy for binding in every_policy(load_builtin()).bindings)
    timed("dronevet fleet org", command("fleet", "org", org, "--policies", policies))
    first = command("fleet", "import", str(path), "--org", org)
    timed(f"dronevet fleet import ({path.name}, first time)", first, 5.0)
    again = statistics.median(command("fleet", "import", str(path), "--org", org)
                              for _ in range(runs))  # fmt: skip
    timed("dronevet fleet import (again: all unchanged)", again, 5.0)
    status = statistics.median(command("fleet", "status", "--org", org, "--as-of",
                                       "2025-06-01", "--format", "json")
                               for _ in range(runs))  # fmt: skip
    timed("dronevet fleet status --format json", status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aircraft", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = load_builtin()
    bench_timeline(base, args.aircraft)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fleet.csv"
        bench_import(base, args.rows, path)
        bench_end_to_end(path, args.runs, Path(directory) / "home")
        bench_commands(path, args.runs, Path(directory) / "cli-home")


if __name__ == "__main__":
    main()
