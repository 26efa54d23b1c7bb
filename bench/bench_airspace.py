"""Airspace ingest under load, seen through the API, beside the broker's own rate for the
same messages.

A Mosquitto of the benchmark's own (free port, temporary directory) and a database of its own
on the local PostgreSQL server; `--workers` ingest workers run as separate processes
(`dronevet airspace ingest`, one shared subscription), and so does the API (`dronevet serve`
on a free port, signed in to as an account the benchmark adds). Loopback only.

1. The broker alone: the burst's messages published as fast as one client can to a plain
   QoS 1 subscriber (no store), messages per second.
2. Sustained: `--rate` detections a second for `--seconds` from `--sensors` simulated sensors
   (50 drones, Basic ID and Location; each sensor sends its position with each detection);
   each detection's latency from publication to visible through the API (a reader follows
   `GET /api/v1/airspace/detections?after=CURSOR` over one kept-alive connection, asking
   again at once after a full page, else after 20 ms, and matches each detection's key to
   its publication): p50, p95, p99, max; seen = published, none seen twice.
3. A burst of `--burst` detections published at once: time until the API shows every one,
   the rate absorbed, and none lost.

    python bench/bench_airspace.py [--rate 1000] [--seconds 60] [--sensors 20] [--workers 2]
        [--burst 10000] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion
from psycopg import sql
from sqlalchemy.engine import make_url

from dronevet.airspace.messages import detection_key
from dronevet.store import migrations

PREFIX = "bench"
DRONES = 50
START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
FEED = "/api/v1/airspace/detections"
PAGE = 5000
ACCOUNT, PASSWORD = "bench-reader", secrets.token_urlsafe(18)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_broker(directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    config = directory / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n"
                      "max_inflight_messages 1000\nmax_queued_messages 0\n")  # fmt: skip
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("mosquitto did not start")


def detection(number: int, sensors: int = 20) -> tuple[str, dict[str, Any]]:
    """The sensor and record of detection `number`: drones take turns, sensors too."""
    drone, sensor = number % DRONES, f"sensor-{number % sensors:02d}"
    when = (START + timedelta(milliseconds=number)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    head = {"time": when, "transport": "wifi-beacon", "mac": f"02:00:00:00:00:{drone:02x}",
            "frame": number, "sensor": {"position": {"lat": 52.0 + (number % sensors) * 1e-3,
                                                     "lon": 4.0, "alt": 10.0}}}  # fmt: skip
    if number % 2:
        return sensor, {**head, "msg_type": "basic_id", "version": 2,
                        "uas_id": f"BENCH{drone:04d}", "id_type": "serial_number"}  # fmt: skip
    return sensor, {**head, "msg_type": "location", "version": 2, "lat": 52.0 + drone * 1e-3,
                    "lon": 4.0 + (number % 1000) * 1e-5, "alt_geo": 100.0}  # fmt: skip


def client(port: int, name: str) -> mqtt.Client:
    found = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name, protocol=mqtt.MQTTv5)
    found.max_inflight_messages_set(1000)
    found.connect("127.0.0.1", port)
    found.loop_start()
    return found


def broker_alone(port: int, count: int) -> float:
    """Messages per second through the broker to a plain QoS 1 subscriber."""
    got, done = [0], threading.Event()

    def on_message(*_args: Any) -> None:
        got[0] += 1
        if got[0] == count:
            done.set()

    subscriber = client(port, "bench-plain-subscriber")
    subscriber.on_message = on_message
    subscriber.subscribe(f"plain/{PREFIX}/detections/+", qos=1)
    time.sleep(0.5)
    publisher = client(port, "bench-plain-publisher")
    payloads = [(s, orjson.dumps(r)) for s, r in map(detection, range(count))]
    started = time.perf_counter()
    for sensor, payload in payloads:
        publisher.publish(f"plain/{PREFIX}/detections/{sensor}", payload, qos=1)
    done.wait(120)
    elapsed = time.perf_counter() - started
    for each in (publisher, subscriber):
        each.disconnect()
        each.loop_stop()
    return got[0] / elapsed


def dronevet(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "dronevet.cli", *arguments]


def start_api(url: str, home: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """`dronevet serve` on the store, on a free port: the process, its address and a bearer
    token of an account added for the benchmark."""
    env = {**os.environ, "DRONEVET_DATABASE_URL": url, "DRONEVET_HOME": str(home)}
    subprocess.run(dronevet("user", "add", ACCOUNT, "--role", "admin", "--password-stdin"),
                   input=f"{PASSWORD}\n".encode(), env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    port = free_port()
    process = subprocess.Popen(dronevet("serve", "--port", str(port)), env=env,
                               stdout=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise SystemExit("dronevet serve stopped before answering")
        try:
            signed = httpx.post(f"{base}/api/v1/auth/token", timeout=5,
                                data={"username": ACCOUNT, "password": PASSWORD})  # fmt: skip
            break
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise SystemExit("dronevet serve did not answer within 60 s") from None
            time.sleep(0.2)
    signed.raise_for_status()
    return process, base, str(signed.json()["access_token"])


class Reader:
    """Follows the API's detection feed; notes when each detection was first seen."""

    def __init__(self, base: str, token: str) -> None:
        self.seen: dict[str, float] = {}
        self.repeated = 0
        self.failure: str | None = None
        self._client = httpx.Client(base_url=base, timeout=10,
                                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        cursor = 0
        while not self._stop.is_set():
            answer = self._client.get(FEED, params={"after": cursor, "limit": PAGE})
            if answer.status_code != 200:
                self.failure = f"{FEED} answered {answer.status_code}: {answer.text[:200]}"
                return
            page = orjson.loads(answer.content)
            now = time.time()
            for item in page["detections"]:
                if item["key"] in self.seen:
                    self.repeated += 1
                self.seen.setdefault(item["key"], now)
            cursor = page["next"]
            if len(page["detections"]) < PAGE:
                time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._client.close()


def publish(
    publisher: mqtt.Client, numbers: range, rate: float | None, sensors: int
) -> dict[str, float]:
    """Publish detections (paced at `rate` a second, or as fast as possible); key -> time."""
    sent: dict[str, float] = {}
    started = time.perf_counter()
    for index, number in enumerate(numbers):
        if rate:
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        sensor, record = detection(number, sensors)
        sent[detection_key(sensor, record)] = time.time()
        publisher.publish(f"{PREFIX}/detections/{sensor}", orjson.dumps(record), qos=1)
    return sent


def wait_for(reader: Reader, keys: dict[str, float], seconds: float) -> float:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not keys.keys() <= reader.seen.keys():
        if reader.failure:
            raise SystemExit(reader.failure)
        time.sleep(0.01)
    return time.time()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sensors", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get(
        "DRONEVET_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="dronevet-bench-"))
    broker, port = start_broker(directory)
    name = f"dronevet_bench_{secrets.token_hex(4)}"
    admin = psycopg.connect(args.postgres, autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    processes: list[subprocess.Popen[bytes]] = []  # the API, then the workers
    try:
        migrations.upgrade(url)
        plain = broker_alone(port, args.burst)
        api, base, token = start_api(url, directory / "home")
        processes.append(api)
        for number in range(args.workers):
            processes.append(subprocess.Popen(
                dronevet("airspace", "ingest", "--mqtt", f"mqtt://127.0.0.1:{port}/{PREFIX}",
                         "--database", url, "--client-id", f"bench-worker-{number}"),
                stderr=subprocess.PIPE))  # fmt: skip
        for worker in processes[1:]:
            assert worker.stderr is not None
            worker.stderr.readline()  # "listening on ...": subscribed
        time.sleep(1)
        reader = Reader(base, token)
        publisher = client(port, "bench-sensors")
        total = int(args.rate * args.seconds)
        sustained = publish(publisher, range(total), args.rate, args.sensors)
        wait_for(reader, sustained, 60)
        latencies = [reader.seen[k] - t for k, t in sustained.items() if k in reader.seen]
        burst_started = time.time()
        burst = publish(publisher, range(total, total + args.burst), None, args.sensors)
        burst_done = wait_for(reader, burst, 120)
        burst_stored = len(burst.keys() & reader.seen.keys())
        repeated = reader.repeated
        reader.close()
        publisher.disconnect()
        publisher.loop_stop()
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(30)
        broker.terminate()
        broker.wait()
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))  # fmt: skip
        admin.close()
        shutil.rmtree(directory, ignore_errors=True)
    ms = [value * 1000 for value in latencies]
    absorbed = args.burst / (burst_done - burst_started)
    print(f"broker alone (mosquitto, one QoS 1 subscriber): {plain:,.0f} messages/s")
    print(f"sustained: {total:,} detections at {args.rate:,.0f}/s from {args.sensors} sensors, "
          f"{args.workers} workers: seen through the API {len(latencies):,} of {total:,} "
          f"published; publish to visible through the API p50 {statistics.median(ms):.0f} ms, "
          f"p95 {percentile(ms, 0.95):.0f} ms, p99 {percentile(ms, 0.99):.0f} ms, "
          f"max {max(ms):.0f} ms")  # fmt: skip
    print(f"burst: {args.burst:,} detections published at once: seen through the API "
          f"{burst_stored:,} of {args.burst:,}, all within {burst_done - burst_started:.2f} s "
          f"({absorbed:,.0f}/s, {absorbed / plain:.2f} of the broker's own rate)")  # fmt: skip
    print(f"detections the API gave twice: {repeated}")


if __name__ == "__main__":
    main()
