"""Page latency of the web application with 10,000 aircraft, under `wrk` on loopback,
against the issue's targets, with the same pages timed in-process beside it.

    python bench/bench_web.py [--aircraft N] [--seconds S] [--connections C] [--runs N]

What is measured, in one run:

1. A store is made in a temporary home (an SQLite file): a county sheriff's office with N
   aircraft (default 10,000) and a fire department with a tenth as many, of real models
   of the knowledge base over every make it knows (fixed seed; mixed ages, prices, units,
   missions), both bound by Florida's s. 934.50 and, for the aircraft they fund, the
   federal grant rules, as the demo agency is; and a program manager's account.
2. `dronevet serve` is started on that home as a separate process, signed in once over
   HTTP (the session cookie a browser would get), and each page is asked for once to
   fill the fleet view the pages keep (`web.pages_fleetdata`).
3. Debian's `wrk` (`--latency`, C connections, S seconds each) asks for the dashboard
   `/` and the aircraft list `/aircraft`: its first page, a search with a sort, and a
   later page. wrk's own table gives p50/p75/p90/p99; a Lua `done()` hook prints p95
   (`latency:percentile(95)`) and the count of answers that were not 200, which must be 0.
4. The first view after a change: for each page in turn, an aircraft's record is changed
   in the store (a new audit entry, so every kept view is stale), then one request for
   the page is timed: it rebuilds the view of the fleet (its aircraft read from the
   store, their timeline, the roll-ups, the list's index).
5. In-process: the same pages through the app object (httpx's ASGI transport, no
   sockets, one request at a time), R requests each, for what the server and the network
   add.

Targets (issue 12, this 2-core machine): dashboard p95 under 300 ms, aircraft list p95
under 200 ms. The machine is shared: figures vary between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx

from dronevet.access import Role
from dronevet.accounts import add_user
from dronevet.fleet.model import Aircraft, AircraftStatus, Binding, Organisation
from dronevet.fleet.register import Register, open_register
from dronevet.knowledge import load_builtin
from dronevet.knowledge.base import KnowledgeBase
from dronevet.settings import Settings
from dronevet.web.auth import SESSION_COOKIE

SHERIFF = "Bench County Sheriff"
FIRE = "Bench County Fire Rescue"
USER = "pm.bench"
PASSWORD = "bench password, not a secret"
BINDINGS = (Binding("us-fl-934-50"), Binding("us-asda-2023", ("fund",)),
            Binding("us-doj-ojp-2020", ("fund",)))
AS_OF = date(2025, 12, 22)
TARGETS_MS = {"dashboard": 300.0, "aircraft list": 200.0}
PAGES = (
    ("dashboard", "dashboard", f"/?as_of={AS_OF}"),
    ("aircraft list", "list, first page", f"/aircraft?as_of={AS_OF}"),
    ("aircraft list", "list, search + sort", f"/aircraft?as_of={AS_OF}&q=dji&sort=price"
                                             "&order=desc"),
    ("aircraft list", "list, page 120", f"/aircraft?as_of={AS_OF}&sort=model&page=120"),
)
UNITS = ("Patrol Aviation", "SWAT", "Marine Unit", "Criminal Investigations", "Station 1",
         "Station 4", "Wildland", "Hazmat")
STATUSES = (AircraftStatus.active,) * 8 + (AircraftStatus.grounded, AircraftStatus.retired)
MISSIONS = ("law-enforcement", "search-and-rescue", "criminal-investigation", "wildfire",
            "infrastructure-inspection")
FUNDING = ("federal-grant", "state", "local")
DONE_HOOK = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("dronevet-bench %d %d %d %d %d %d %d\\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def generated(kb: KnowledgeBase, prefix: str, count: int, rng: random.Random) -> list[Aircraft]:
    """`count` aircraft of the knowledge base's models, every make in turn."""
    makes: dict[str, list[str]] = {}
    for product in sorted(kb.products.values(), key=lambda p: p.id):
        makes.setdefault(product.id.split("-")[0], []).append(product.id)
    ids = sorted(makes)
    fleet = []
    for i in range(count):
        product = kb.products[rng.choice(makes[ids[i % len(ids)]])]
        fleet.append(Aircraft(
            serial=f"{prefix}-{i:05d}",
            model=product.name,
            product_id=product.id,
            purchase_date=date(2018 + rng.randrange(7), rng.randrange(1, 13), 1),
            price=Decimal(rng.randrange(500, 30_000)) if rng.random() < 0.9 else None,
            funding=rng.choice(FUNDING),
            missions=tuple(rng.sample(MISSIONS, rng.randrange(3))),
            status=rng.choice(STATUSES),
            flight_hours=round(rng.uniform(0, 800), 1),
            unit=rng.choice(UNITS),
        ))
    return fleet


def stored(home: Path, count: int) -> Register:
    """The store of step 1 under `home`."""
    kb = load_builtin()
    register = open_register(Settings.at(home))
    rng = random.Random(12)
    for name, prefix, size in ((SHERIFF, "SO", count), (FIRE, "FR", max(1, count // 10))):
        register.save_organisation(Organisation(name, BINDINGS, "us-fl", 10), actor="bench",
                                   kb=kb)
        register.import_aircraft(name, generated(kb, prefix, size, rng), actor="bench")
    add_user(register, USER, PASSWORD, Role.program_manager, SHERIFF, actor="bench")
    return register


def changed(register: Register) -> None:
    """One aircraft's flight hours changed: a new audit entry, so every view is stale."""
    first = register.aircraft(SHERIFF)[0]
    hours = (first.flight_hours or 0.0) + 1.0
    register.import_aircraft(SHERIFF, [replace(first, flight_hours=hours)], actor="bench")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def started(home: Path, port: int) -> subprocess.Popen[bytes]:
    """`dronevet serve` on `home`, once it answers."""
    env = {**os.environ, "DRONEVET_HOME": str(home)}
    env.pop("DRONEVET_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-c", "from dronevet.cli import main; main()", "serve", "--port",
         str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("dronevet serve stopped: "
                             + (server.stderr.read().decode() if server.stderr else ""))
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("dronevet serve did not answer within 60 seconds")


def signed_in(base: str) -> str:
    """The session cookie's value after signing in on the sign-in page."""
    answer = httpx.post(f"{base}/login", data={"username": USER, "password": PASSWORD})
    cookie = answer.cookies.get(SESSION_COOKIE)
    if answer.status_code != 303 or not cookie:
        raise SystemExit(f"signing in answered {answer.status_code}: {answer.text[:200]}")
    return cookie


@dataclass(frozen=True, slots=True)
class Latency:
    """Percentiles of one page's latency, in milliseconds."""

    requests: int
    p50: float
    p90: float
    p95: float
    p99: float


def under_wrk(url: str, cookie: str, hook: Path, seconds: int, connections: int) -> Latency:
    """wrk's figures for `url` (each in microseconds from the `done()` hook)."""
    command = ["wrk", "--latency", f"-t{min(2, connections)}", f"-c{connections}",
               f"-d{seconds}s", "--timeout", "10s", "-s", str(hook),
               "-H", f"Cookie: {SESSION_COOKIE}={cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^dronevet-bench (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$",
                      output, re.MULTILINE)
    if found is None:
        raise SystemExit(f"wrk printed no figures:\n{output}")
    requests, errors, *micros = (int(g) for g in found.groups())
    if errors:
        raise SystemExit(f"{errors} of {requests} answers to {url} were errors or not 200")
    p50, p90, p95, p99, _ = (m / 1000 for m in micros)
    return Latency(requests, p50, p90, p95, p99)


def first_view(base: str, cookie: str, path: str) -> float:
    """Seconds for one request of `path`."""
    started_at = time.perf_counter()
    answer = httpx.get(base + path, cookies={SESSION_COOKIE: cookie}, timeout=60)
    answer.raise_for_status()
    return time.perf_counter() - started_at


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _in_process(home: Path, paths: list[str], runs: int) -> dict[str, list[float]]:
    from dronevet.web.app import create_app

    app = create_app(Settings.at(home))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        answer = await client.post("/login", data={"username": USER, "password": PASSWORD})
        if answer.status_code != 303:
            raise SystemExit(f"signing in in-process answered {answer.status_code}")
        times: dict[str, list[float]] = {}
        for path in paths:
            (await client.get(path)).raise_for_status()  # the view is made here
            times[path] = []
            for _ in range(runs):
                started_at = time.perf_counter()
                (await client.get(path)).raise_for_status()
                times[path].append(time.perf_counter() - started_at)
        return times


def in_process(home: Path, runs: int) -> dict[str, list[float]]:
    """Seconds per request of each page through the app object, after a first one."""
    return asyncio.run(_in_process(home, [path for _, _, path in PAGES], runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aircraft", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk's duration per page")
    parser.add_argument("--connections", type=int, default=2, help="wrk's open connections")
    parser.add_argument("--runs", type=int, default=40, help="in-process requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        made = time.perf_counter()
        register = stored(home, args.aircraft)
        print(f"1. store: {args.aircraft:,} + {max(1, args.aircraft // 10):,} aircraft of "
              f"{len({a.model for a in register.aircraft(SHERIFF)})} models, in "
              f"{time.perf_counter() - made:.1f} s (SQLite, {register.url})")
        hook = Path(folder) / "done.lua"
        hook.write_text(DONE_HOOK, encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = started(home, port)
        try:
            cookie = signed_in(base)
            warmed = {path: first_view(base, cookie, path) for _, _, path in PAGES}
            print(f"2. dronevet serve on {base}; first requests (the view made): "
                  + ", ".join(f"{label} {warmed[path] * 1000:.0f} ms"
                              for _, label, path in PAGES))
            measured = {path: under_wrk(base + path, cookie, hook, args.seconds,
                                        args.connections) for _, _, path in PAGES}
            rebuilt = {}
            for _, _, path in PAGES:
                changed(register)
                rebuilt[path] = first_view(base, cookie, path)
        finally:
            server.terminate()
            server.wait(10)
        local = in_process(home, args.runs)
    print(f"3. wrk --latency, {args.connections} connections, {args.seconds} s per page; "
          f"in-process: {args.runs} requests one at a time (ms)")
    print(f"   {'page':22s} {'requests':>8s} {'p50':>7s} {'p90':>7s} {'p95':>7s} {'p99':>7s}"
          f"   {'in-proc p50':>11s} {'p95':>7s}   target p95")
    for kind, label, path in PAGES:
        got, times = measured[path], local[path]
        target = TARGETS_MS[kind]
        print(f"   {label:22s} {got.requests:8d} {got.p50:7.1f} {got.p90:7.1f} {got.p95:7.1f} "
              f"{got.p99:7.1f}   {statistics.median(times) * 1000:11.1f} "
              f"{percentile(times, 0.95) * 1000:7.1f}   < {target:.0f}: "
              f"{'met' if got.p95 < target else 'MISSED'}")
    print("4. first view after a change (the fleet's view rebuilt): "
          + ", ".join(f"{label} {rebuilt[path] * 1000:.0f} ms"
                      for _, label, path in PAGES))


if __name__ == "__main__":
    main()
