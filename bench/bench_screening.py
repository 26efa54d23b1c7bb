"""Screening: the command as a person runs it, the engine with every memo off, quality held out.

    python bench/bench_screening.py [--entities 1000000] [--brute-sample 30] [--cli-runs 5]

What is measured, in one run:

1. `dronevet screen NAME --format json` in a fresh process (start-up, knowledge loading,
   the compiled engine loaded from its cache, one answer written): median of N runs.
2. The engine in-process on the built-in knowledge base, the development queries screened
   one by one (`Screener.screen`: name -> entity -> covered status on a date) with EVERY
   memo off: no result cache, and the knowledge base's determination memo cleared before
   each query, so covered-status answers are worked out every time. The only caches left
   are word-level (a query word's vocabulary id), named as such. First pass and repeated
   passes (median, slowest and fastest: the machine is shared). Then, labelled apart, the
   same with the memos on.
3. Quality at the default threshold on two sets: the development set
   (`screening_data/variants.tsv`, which tests and tuning use) and the held-out evaluation
   set (`screening_data/evaluation.tsv`, built from other kinds of source; nothing is tuned
   on it), each also on its hard part: the queries that do not normalise to a name the
   knowledge base holds whole.
4. With N synthetic entities added: load and index build time and memory, rate (memos
   off), and quality on both sets; beside it, rapidfuzz brute force
   (`process.extractOne(query, all_names, scorer=WRatio)` over every name, WRatio >= 90
   counting as a match) on a sample, and the ratio.

Precision = correct matches / all matches returned; recall = correct matches / queries
whose expected entity is not NONE. A match to the wrong entity counts against both.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.loader import data_dir, load_builtin, load_from
from dronevet.screening.model import DEFAULT_THRESHOLD
from dronevet.screening.normalize import name_tokens
from dronevet.screening.score import ALGORITHM
from dronevet.screening.screen import Screener
from dronevet.screening.search import names_of

HERE = Path(__file__).resolve().parent
DEVELOPMENT = HERE / "screening_data" / "variants.tsv"
EVALUATION = HERE / "screening_data" / "evaluation.tsv"
OUT = HERE / "out"
AS_OF = date(2025, 12, 31)
DRONEVET = Path(sys.executable).with_name("dronevet")
Rows = list[tuple[str, str]]


def labelled(path: Path) -> Rows:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(parts[0], parts[1]) for parts in (line.split("\t") for line in lines)]


def hard(kb: KnowledgeBase, rows: Rows) -> Rows:
    """Rows whose query does not normalise to a name the knowledge base holds whole."""
    whole = {
        tuple(dict.fromkeys(name_tokens(name)))
        for entity in kb.entities.values()
        for name in entity.names
    }
    return [row for row in rows if tuple(dict.fromkeys(name_tokens(row[0]))) not in whole]


def precision_recall(predicted: list[str | None], expected: list[str]) -> tuple[float, float]:
    returned = sum(p is not None for p in predicted)
    correct = sum(p is not None and p == e for p, e in zip(predicted, expected, strict=True))
    positives = sum(e != "NONE" for e in expected)
    return correct / max(returned, 1), correct / max(positives, 1)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_queries(
    kb: KnowledgeBase, screener: Screener, queries: list[str], repeat: int = 1,
    *, memos: bool = False,
) -> tuple[list[str | None], np.ndarray]:
    """Screen every query `repeat` times; with `memos` off, the knowledge base's
    determination memo is emptied before each query (outside the timing)."""
    determinations = kb.memo.table("determinations")
    times = []
    predicted: list[str | None] = []
    clock = time.perf_counter
    for r in range(repeat):
        for q in queries:
            if not memos:
                determinations.clear()
            t0 = clock()
            result = screener.screen(q, AS_OF)
            times.append(clock() - t0)
            if r == 0:
                predicted.append(result.match.entity_id if result.match else None)
    return predicted, np.array(times)


def report(label: str, times: np.ndarray, target: tuple[float, float] | None = None) -> float:
    rate = len(times) / times.sum()
    p50, p99 = np.percentile(times, [50, 99]) * 1000
    verdict = ""
    if target is not None:
        ok = rate >= target[0] and p99 < target[1]
        verdict = f"  [target >= {target[0]:,.0f} q/s, p99 < {target[1]} ms: "
        verdict += "met]" if ok else "missed]"
    print(f"  {label}: {rate:,.0f} q/s, p50 {p50:.3f} ms, p99 {p99:.3f} ms{verdict}")
    return float(rate)


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def quality(kb: KnowledgeBase, sets: dict[str, Rows]) -> list[tuple[float, float]]:
    """Print precision and recall on each set and its hard part; return (P, R) per set."""
    screener = Screener(kb, cache_size=0)
    found = []
    for label, rows in sets.items():
        for part, chosen in ((label, rows), (f"{label}, hard part", hard(kb, rows))):
            predicted, _ = run_queries(kb, screener, [q for q, _ in chosen], memos=True)
            p, r = precision_recall(predicted, [e for _, e in chosen])
            print(f"  {part:<28} {len(chosen):4d} queries: precision {p:.3f}, recall {r:.3f}")
            if part == label:
                found.append((p, r))
    return found


def cli(runs: int) -> None:
    command = [str(DRONEVET), "screen", "Da Jiang Innovations", "--format", "json"]
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)  # compile cache warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    print(f"1. dronevet screen 'Da Jiang Innovations' --format json, fresh process: median "
          f"{statistics.median(times) * 1000:.0f} ms of {runs} ({load_average()})")


def bench_builtin(sets: dict[str, Rows]) -> None:
    kb = replace(load_builtin())  # a fresh value: nothing memoised
    rows = sets["development"]
    print(f"2. built-in knowledge base, {len(rows)} development queries, algorithm {ALGORITHM}"
          f" ({load_average()})")
    queries = [q for q, _ in rows]
    screener = Screener(kb, cache_size=0)
    screener.screen("warm up the index and the compiled loop", AS_OF)
    _, times = run_queries(kb, screener, queries)
    report("every memo off, first pass      ", times)
    passes = 20
    _, times = run_queries(kb, screener, queries, repeat=passes)
    report("every memo off, repeated passes ", times, target=(20_000, 2.0))
    rates = sorted(len(queries) / t.sum() for t in np.split(times, passes))
    median = float(np.median(rates))
    verdict = "met" if median >= 20_000 else "missed"
    print(
        f"    per pass ({passes} passes): median {median:,.0f} q/s [target >= 20,000: {verdict}],"
        f" slowest {rates[0]:,.0f}, fastest {rates[-1]:,.0f} (only word-level caches left)"
    )
    _, times = run_queries(kb, Screener(kb), queries, repeat=10, memos=True)
    report("memos on: result cache and determinations (apart)", times)
    print("3. quality at the default threshold "
          f"{DEFAULT_THRESHOLD} (hard part: not a name the knowledge base holds whole)")
    quality(kb, sets)


def bench_large(sets: dict[str, Rows], entities: int, brute_sample: int) -> None:
    path = OUT / f"synthetic-{entities}.ftm.jsonl"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, str(HERE / "screening_data" / "generate_entities.py"),
             str(entities), str(path)],
            check=True,
        )
        print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s")
    print(f"4. built-in + {entities:,} synthetic entities ({load_average()})")
    before = rss_mb()
    t0 = time.perf_counter()
    kb = load_from(data_dir(), [path])
    print(f"  load: {time.perf_counter() - t0:.1f} s ({len(kb.entities):,} entities)")
    loaded = rss_mb()
    t0 = time.perf_counter()
    index = names_of(kb).index
    build = time.perf_counter() - t0
    print(
        f"  index build: {build:.1f} s, {index.size:,} names, {len(index.vocab):,} tokens, "
        f"peak RSS +{rss_mb() - loaded:,.0f} MB (process {rss_mb():,.0f} MB, "
        f"{before:,.0f} before loading)"
    )
    rows = sets["development"]
    queries = [q for q, _ in rows]
    screener = Screener(kb, cache_size=0)
    screener.screen("warm up", AS_OF)
    predicted, times = run_queries(kb, screener, queries)
    first = report("every memo off, first pass      ", times)
    _, times = run_queries(kb, screener, queries, repeat=3)
    report("every memo off, repeated passes ", times)
    (p, r), _evaluation = quality(kb, sets)
    met = "met" if first >= 1000 and min(p, r) >= 0.98 else "missed"
    print(f"  [target >= 1,000 q/s first pass, development P and R >= 0.98: {met}]")

    print(f"  rapidfuzz brute force over all {index.size:,} names, {brute_sample} queries")
    owners: list[str] = []
    names: list[str] = []
    for entity in kb.entities.values():
        for name in entity.names:
            owners.append(entity.id)
            names.append(name)
    processed = [utils.default_process(n) for n in names]
    step = max(1, len(rows) // brute_sample)
    sample = rows[::step][:brute_sample]
    brute: list[str | None] = []
    t0 = time.perf_counter()
    for q, _ in sample:
        hit = process.extractOne(
            utils.default_process(q), processed, scorer=fuzz.WRatio, score_cutoff=90
        )
        brute.append(owners[hit[2]] if hit else None)
    elapsed = time.perf_counter() - t0
    brute_rate = len(sample) / elapsed
    bp, br = precision_recall(brute, [e for _, e in sample])
    mine = [predicted[rows.index(row)] for row in sample]
    mp, mr = precision_recall(mine, [e for _, e in sample])
    print(f"  brute force: {brute_rate:,.2f} q/s, precision {bp:.3f}, recall {br:.3f}")
    print(f"  dronevet on the same sample: precision {mp:.3f}, recall {mr:.3f}")
    ratio = first / brute_rate
    met = "met" if ratio >= 50 else "missed"
    print(f"  speed ratio dronevet (first pass, memos off) / brute force: {ratio:,.0f}x "
          f"[>= 50x: {met}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=0, help="synthetic entities to add")
    parser.add_argument("--brute-sample", type=int, default=30)
    parser.add_argument("--cli-runs", type=int, default=5)
    args = parser.parse_args()
    print(__doc__.split("\n\n")[-1].strip())
    sets = {"development": labelled(DEVELOPMENT), "evaluation": labelled(EVALUATION)}
    cli(args.cli_runs)
    bench_builtin(sets)
    if args.entities:
        bench_large(sets, args.entities, args.brute_sample)


if __name__ == "__main__":
    main()
