"""The JSON API under load, with 10,000 aircraft stored, on SQLite and on PostgreSQL.

    python bench/bench_api.py [--aircraft N] [--seconds S] [--rate R] [--sqlite-only]

For each store (an SQLite file in a temporary home; a fresh PostgreSQL database on the
local server, `DRONEVET_BENCH_POSTGRES_URL`, default the `postgres` superuser), in one run:

1. The store is filled: one organisation bound by every policy for every use it regulates,
   N aircraft (default 10,000) generated with bench_fleet's fixed seed, a program manager
   and a bearer token for them.
2. `dronevet serve` starts as its own process on a free loopback port.
3. `POST /api/v1/vet` (single verdicts, a fixed cycle of products, policies and uses):
   - open loop: requests sent at a fixed R per second (default 200) for S seconds
     (default 10) whatever the answers do, each latency counted from the moment it was due
     (so a stalled server is not hidden by the client waiting for it), from one asyncio
     client writing HTTP/1.1 by hand over keep-alive connections (httpx's client cost
     more CPU than the server here);
   - closed loop, the peer beside it: Debian's `wrk` (4 connections, 1 thread, S seconds,
     a Lua script for the POST and its token): throughput and latency distribution.
   Target: p99 under 50 ms at 200 requests/s (the open loop).
4. `GET /api/v1/status`: the totals of the whole fleet and the first page of aircraft, one
   request after another (median and worst of 10) while the register is unchanged, and
   right after a change (the report made anew, median of 3); then every aircraft's lines,
   page after page; beside the whole report built in-process without HTTP
   (`fleet_report`). Target: under 300 ms per request.

Client and server share this machine's two cores (and, here, other work): the figures are
noisy and the load generator takes some of the CPU the server would have.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import orjson
import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from bench_fleet import every_policy, generated
from dronevet import accounts
from dronevet.access import Role
from dronevet.fleet.register import Register, open_register
from dronevet.fleet.reports import fleet_report
from dronevet.knowledge import load_builtin
from dronevet.knowledge.base import KnowledgeBase
from dronevet.settings import Settings

VET_P99_TARGET = 0.050
STATUS_TARGET = 0.300
AS_OF = date(2025, 6, 1)
ORG = "bench"
USER = "bench-pm"
PASSWORD = "bench password, not a secret"
STATUS_RUNS = 10
WRK_CONNECTIONS = 4
QUESTIONS = [
    {"product": product, "policy": policy, "use": use, "as_of": "2026-03-02"}
    for product in ("DJI M30T", "Skydio X10D", "Autel EVO Max 4T", "DJI Mavic 3 Thermal")
    for policy, use in (("asda", "operate"), ("asda", "procure"), ("florida", "operate"),
                        ("ndaa-848", "procure"))
]  # fmt: skip
POSTGRES = os.environ.get("DRONEVET_BENCH_POSTGRES_URL",
                          "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Store:
    label: str
    url: str
    home: Path


def timed(label: str, seconds: float, target: float | None = None, extra: str = "") -> None:
    verdict = ""
    if target is not None:
        verdict = f"  target < {target * 1000:.0f} ms: {'met' if seconds < target else 'MISSED'}"
    print(f"   {label:44s} {seconds * 1000:9.1f} ms{verdict}{extra}")


def fill(store: Store, count: int) -> str:
    """Store the fleet and the account; the account's bearer token."""
    kb = load_builtin()
    register = open_register(Settings.at(store.home, database_url=store.url))
    started = time.perf_counter()
    register.save_organisation(every_policy(kb), actor="bench", kb=kb)
    register.import_aircraft(ORG, generated(kb, count), actor="bench")
    user = accounts.add_user(register, USER, PASSWORD, Role.program_manager, ORG, actor="bench")
    token = accounts.sign_in(register, user, kind=accounts.BEARER).token
    print(f"   stored {count:,} aircraft in {time.perf_counter() - started:.1f} s")
    in_process(register, kb)
    register.sessions.kw["bind"].dispose()
    return token


def in_process(register: Register, kb: KnowledgeBase) -> None:
    """The status report without HTTP: the baseline for 4."""
    org = register.organisation(ORG)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        orjson.dumps(fleet_report(register, kb, org, AS_OF, changes=False))
        times.append(time.perf_counter() - started)
    timed("status in-process (read, report, JSON)", statistics.median(times))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(store: Store) -> Iterator[str]:
    """`dronevet serve` on a free port, until the block ends; its base URL."""
    port = free_port()
    env = {**os.environ, "DRONEVET_HOME": str(store.home), "DRONEVET_DATABASE_URL": store.url}
    process = subprocess.Popen([sys.executable, "-m", "dronevet.cli", "serve", "--port",
                                str(port)], env=env, stdout=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/api/v1/openapi.json", timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise SystemExit("dronevet serve stopped before it answered") from None
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, written and read by hand: the
    load generator must cost far less CPU than the server it loads."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, request: bytes) -> int:
        """Send one request; its status, once the whole answer has been read."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = re.search(rb"(?i)content-length:\s*(\d+)", head)
        assert length is not None, head
        await self.reader.readexactly(int(length.group(1)))
        return status


def vet_requests(port: int, token: str) -> list[bytes]:
    """The POST /api/v1/vet requests, as bytes on the wire."""
    found = []
    for question in QUESTIONS:
        body = orjson.dumps(question)
        found.append(
            f"POST /api/v1/vet HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        )
    return found


async def open_loop(base: str, token: str, rate: float, seconds: float) -> tuple[list[float], int]:
    """Latencies of `rate` POSTs per second for `seconds`, each from when it was due; a
    request due while every connection is busy opens another one."""
    port = int(base.rsplit(":", 1)[1])
    requests = itertools.cycle(vet_requests(port, token))
    idle: list[Connection] = []
    latencies: list[float] = []
    failed = 0

    async def connect() -> Connection:
        return Connection(*await asyncio.open_connection("127.0.0.1", port))

    async def one(due: float, request: bytes) -> None:
        nonlocal failed
        connection = idle.pop() if idle else await connect()
        try:
            status = await connection.post(request)
        except (asyncio.IncompleteReadError, ConnectionError):
            # the server closes a connection idle for 5 s (uvicorn's keep-alive) before
            # reading from it again: the request was not taken, so send it on a new one
            connection = await connect()
            status = await connection.post(request)
        latencies.append(time.perf_counter() - due)
        failed += status != 200
        idle.append(connection)

    for _ in range(40):  # connections open, the server's caches warm
        await one(time.perf_counter(), next(requests))
    latencies.clear()
    tasks = []
    start = time.perf_counter() + 0.1
    for i in range(int(rate * seconds)):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(due, next(requests))))
    await asyncio.gather(*tasks)
    for connection in idle:
        connection.writer.close()
    return latencies, failed


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local bodies = {{ {bodies} }}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
"""


def closed_loop(base: str, token: str, seconds: float, folder: Path) -> None:
    """wrk's figures for POST /vet."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("   wrk is not installed (apt-get install wrk): closed loop not measured")
        return
    bodies = ", ".join("[[" + orjson.dumps(q).decode() + "]]" for q in QUESTIONS)
    script = folder / "vet.lua"
    script.write_text(LUA.format(token=token, bodies=bodies), encoding="utf-8")
    done = subprocess.run([wrk, "-t1", f"-c{WRK_CONNECTIONS}", f"-d{int(seconds)}s",
                           "--latency", "-s", str(script), f"{base}/api/v1/vet"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    out = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    spread = dict(re.findall(r"^\s+(\d+%)\s+([\d.]+\w+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(f"   wrk closed loop, {WRK_CONNECTIONS} connections: "
          f"{float(rate.group(1)) if rate else 0:,.0f} requests/s; latency "
          + ", ".join(f"p{k[:-1]} {v}" for k, v in spread.items())
          + (f"; {errors.group(1)} non-2xx answers" if errors else ""))


def bench_vet(base: str, token: str, rate: float, seconds: float, folder: Path) -> None:
    latencies, failed = asyncio.run(open_loop(base, token, rate, seconds))
    print(f"   POST /api/v1/vet, open loop at {rate:.0f} requests/s for {seconds:.0f} s "
          f"({len(latencies):,} requests, {failed} not 200):")
    timed("p50", percentile(latencies, 0.50))
    timed("p90", percentile(latencies, 0.90))
    timed("p99", percentile(latencies, 0.99), VET_P99_TARGET)
    timed("worst", max(latencies))
    closed_loop(base, token, seconds, folder)


def _status(client: httpx.Client, **params: object) -> tuple[float, int, dict[str, object]]:
    """One `GET /api/v1/status`: seconds until the whole answer was read, its size, page."""
    started = time.perf_counter()
    answer = client.get("/api/v1/status", params={"as_of": AS_OF.isoformat(), **params})
    took = time.perf_counter() - started
    assert answer.status_code == 200, answer.text[:300]
    page: dict[str, object] = orjson.loads(answer.content)["page"]
    return took, len(answer.content), page


def bench_status(base: str, token: str) -> None:
    """The fleet's status as a client meets it: the totals of the whole fleet with the
    first page of aircraft, while the register is unchanged (the report is kept) and
    right after a change (made anew); then every aircraft's lines, page after page."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=120.0) as client:  # fmt: skip
        _status(client)  # the first warms the knowledge base's memos
        warm = [_status(client) for _ in range(STATUS_RUNS)]
        cold = []
        for n in range(3):
            added = client.post("/api/v1/aircraft", json={
                "serial": f"BENCH-{n}", "model": "DJI M30T", "purchase_date": "2022-01-01"})
            assert added.status_code == 201, added.text[:300]
            cold.append(_status(client))
        started, offset, size, pages = time.perf_counter(), 0, 0, 0
        while offset is not None:
            _, got, page = _status(client, limit=1000, offset=offset)
            size, pages, offset = size + got, pages + 1, page["next"]  # type: ignore[assignment]
        whole = time.perf_counter() - started
    print(f"   GET /api/v1/status (totals of all {warm[0][2]['aircraft']:,} aircraft, the "
          f"first {warm[0][2]['limit']} aircraft: {warm[0][1] / 1e3:.0f} kB), one after "
          "another:")
    timed(f"unchanged register, median of {STATUS_RUNS}",
          statistics.median(t for t, _, _ in warm), STATUS_TARGET)
    timed("unchanged register, worst", max(t for t, _, _ in warm), STATUS_TARGET)
    timed("just after a change, median of 3", statistics.median(t for t, _, _ in cold),
          STATUS_TARGET)
    timed(f"every aircraft's lines, {pages} pages of 1,000 ({size / 1e6:.1f} MB)", whole)


def load() -> str:
    """The machine's load average: how much else wanted these two cores meanwhile."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def run(store: Store, count: int, rate: float, seconds: float) -> None:
    print(f"{store.label} ({load()}):")
    store.home.mkdir(parents=True, exist_ok=True)
    token = fill(store, count)
    with served(store) as base:
        bench_vet(base, token, rate, seconds, store.home)
        bench_status(base, token)
    print(f"   ({load()} at the end)")


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh database on the local server (None when none answers)."""
    name = f"dronevet_bench_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        print(f"PostgreSQL: not reachable at {make_url(POSTGRES).host} ({error}); skipped")
        yield None
        return
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aircraft", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        sqlite = Store("SQLite file", f"sqlite:///{folder / 'sqlite' / 'dronevet.sqlite3'}",
                       folder / "sqlite")
        run(sqlite, args.aircraft, args.rate, args.seconds)
        if args.sqlite_only:
            return
        with postgres_database() as url:
            if url is not None:
                run(Store("PostgreSQL (fresh database)", url, folder / "pg"), args.aircraft,
                    args.rate, args.seconds)


if __name__ == "__main__":
    main()
