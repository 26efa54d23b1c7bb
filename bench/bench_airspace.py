"""Airspace ingest under load, beside the broker's own rate for the same messages.

A Mosquitto of the benchmark's own (free port, temporary directory) and a database of its own
on the local PostgreSQL server; `--workers` ingest workers run as separate processes
(`dronevet airspace ingest`, one shared subscription). Loopback only.

1. The broker alone: the burst's messages published as fast as one client can to a plain
   QoS 1 subscriber (no store), messages per second.
2. Sustained: `--rate` detections a second for `--seconds` from `--sensors` simulated sensors
   (50 drones, Basic ID and Location); each detection's latency from publication to visible in
   the store (a reader polls the detections table every 20 ms, as the API would read it):
   p50, p99, max; published = stored.
3. A burst of `--burst` detections published at once: time until every one is stored, the rate
   absorbed, and none lost.

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
            "frame": number}  # fmt: skip
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


class Reader:
    """Polls the store for detections as they become visible; notes when each was seen."""

    def __init__(self, url: str) -> None:
        self.seen: dict[str, float] = {}
        self._url, self._stop = url, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with psycopg.connect(self._url, autocommit=True) as connection:
            since = datetime(1970, 1, 1, tzinfo=UTC)
            while not self._stop.is_set():
                rows = connection.execute(
                    "SELECT key, received_at FROM detections WHERE received_at >= %s", (since,)
                ).fetchall()
                now = time.time()
                for key, received in rows:
                    self.seen.setdefault(key, now)
                    since = max(since, received - timedelta(seconds=2))
                time.sleep(0.02)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


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
        time.sleep(0.05)
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
    workers: list[subprocess.Popen[bytes]] = []
    try:
        migrations.upgrade(url)
        plain = broker_alone(port, args.burst)
        for number in range(args.workers):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "dronevet.cli", "airspace", "ingest", "--mqtt",
                 f"mqtt://127.0.0.1:{port}/{PREFIX}", "--database", url,
                 "--client-id", f"bench-worker-{number}"],
                stderr=subprocess.PIPE))  # fmt: skip
        for worker in workers:
            assert worker.stderr is not None
            worker.stderr.readline()  # "listening on ...": subscribed
        time.sleep(1)
        reader = Reader(url)
        publisher = client(port, "bench-sensors")
        total = int(args.rate * args.seconds)
        sustained = publish(publisher, range(total), args.rate, args.sensors)
        wait_for(reader, sustained, 60)
        latencies = [reader.seen[k] - t for k, t in sustained.items() if k in reader.seen]
        burst_started = time.time()
        burst = publish(publisher, range(total, total + args.burst), None, args.sensors)
        burst_done = wait_for(reader, burst, 120)
        burst_stored = len(burst.keys() & reader.seen.keys())
        reader.close()
        publisher.disconnect()
        publisher.loop_stop()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            worker.wait(30)
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
          f"{args.workers} workers: stored {len(latencies):,} of {total:,}; publish to "
          f"visible p50 {statistics.median(ms):.0f} ms, p99 {percentile(ms, 0.99):.0f} ms, "
          f"max {max(ms):.0f} ms")  # fmt: skip
    print(f"burst: {args.burst:,} detections published at once: stored {burst_stored:,}, in "
          f"{burst_done - burst_started:.2f} s ({absorbed:,.0f}/s, "
          f"{absorbed / plain:.2f} of the broker's own rate)")  # fmt: skip


if __name__ == "__main__":
    main()
