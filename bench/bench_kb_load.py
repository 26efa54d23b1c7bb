"""Load time of the built-in knowledge base, measured in fresh processes.

Each run starts a new interpreter that imports dronevet and calls `load_builtin()` once (the
cold path every CLI command pays); the figure is the median over the runs. The budget is
0.5 s per load.

Usage: python bench/bench_kb_load.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys

_PROBE = """
import time
t0 = time.perf_counter()
from dronevet.knowledge import load_builtin
t1 = time.perf_counter()
kb = load_builtin()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, len(kb.entities), len(kb.products))
"""
BUDGET_S = 0.5


def measure(runs: int) -> tuple[list[float], list[float], str]:
    imports, loads, sizes = [], [], ""
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
        ).stdout.split()
        imports.append(float(out[0]))
        loads.append(float(out[1]))
        sizes = f"{out[2]} entities, {out[3]} products"
    return imports, loads, sizes


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    imports, loads, sizes = measure(runs)
    load = statistics.median(loads)
    print(f"built-in knowledge base ({sizes}), {runs} fresh processes")
    print(f"  import dronevet.knowledge: median {statistics.median(imports) * 1000:.1f} ms")
    print(f"  load_builtin():            median {load * 1000:.1f} ms "
          f"(min {min(loads) * 1000:.1f}, max {max(loads) * 1000:.1f})")
    print(f"  budget {BUDGET_S * 1000:.0f} ms: {'within' if load <= BUDGET_S else 'OVER'} "
          f"({load / BUDGET_S:.2f} of budget)")


if __name__ == "__main__":
    main()
