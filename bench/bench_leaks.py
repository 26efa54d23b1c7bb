"""Leak analyzer speed, side by side with tshark and a dpkt extractor, end to end, same run.

A capture of at least 100 MB (about 100,000 frames of app connections: a DNS lookup, a
TLS handshake with its ClientHello, then bulk TLS records) is generated into a temporary
folder (`dronevet.leaks.synth.bulk_frames`). Each tool then runs as a person runs it, a
fresh process with its start-up and output included:
- `dronevet leaks analyze FILE --format json` (flows, DNS, TLS with TCP reassembly, QUIC,
  attribution, findings);
- `tshark -r FILE -T fields -e dns.qry.name -e tls.handshake.extensions_server_name`;
- `bench/dpkt_extractor.py FILE` (DNS names and single-segment SNIs, no reassembly).
Printed: seconds, MB/s, packets/s, dronevet's ratio to each peer, and dronevet's peak
resident memory on the 100 MB capture and on one twice as large (flat memory: streaming).
Python's compiled byte code is kept (in the temporary folder, even where
PYTHONDONTWRITEBYTECODE is set) and each tool runs once untimed first, so no timed run
pays for compiling sources, as none does where the package is installed.

    python bench/bench_leaks.py [--megabytes 106] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from dronevet.capture import linktypes
from dronevet.leaks import synth

HERE = Path(__file__).resolve().parent


def _environment(folder: Path) -> dict[str, str]:
    """The tools' environment: byte code written to and read from `folder`."""
    kept = {name: value for name, value in os.environ.items()
            if name != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, "PYTHONPYCACHEPREFIX": str(folder / "bytecode")}


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MB) of one run, output thrown away."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss // 1024


def _best(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, int]:
    _timed(command, env)  # compiles and keeps the byte code
    results = [_timed(command, env) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def _capture(folder: Path, megabytes: int) -> tuple[Path, int]:
    path = folder / f"bulk-{megabytes}mb.pcap"
    counted = [0]

    def frames() -> Iterator[synth.IpFrame]:
        for frame in synth.bulk_frames(megabytes * 1_000_000):
            counted[0] += 1
            yield frame

    synth.write_pcap(path, linktypes.ETHERNET, frames())
    return path, counted[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=106)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ours = [sys.executable, "-m", "dronevet.cli", "leaks", "analyze"]
    with tempfile.TemporaryDirectory() as temp:
        path, packets = _capture(Path(temp), args.megabytes)
        size = path.stat().st_size / 1e6
        print(f"capture: {size:.1f} MB, {packets} packets (generated)")
        tools = {"dronevet leaks analyze --format json": [*ours, str(path), "--format", "json"]}
        tshark = shutil.which("tshark")
        if tshark:
            tools["tshark -T fields (dns.qry.name, SNI)"] = [
                tshark, "-r", str(path), "-T", "fields", "-e", "dns.qry.name",
                "-e", "tls.handshake.extensions_server_name"]
        tools["dpkt extractor (bench/dpkt_extractor.py)"] = [
            sys.executable, str(HERE / "dpkt_extractor.py"), str(path)]
        seconds, env = {}, _environment(Path(temp))
        for name, command in tools.items():
            took, memory = _best(command, args.runs, env)
            seconds[name] = took
            print(f"{name:45s} {took:6.2f} s {size / took:7.1f} MB/s "
                  f"{packets / took:9.0f} packets/s  peak {memory} MB")
        mine = seconds[next(iter(tools))]
        for name, took in list(seconds.items())[1:]:
            print(f"dronevet is {took / mine:.2f}x as fast as {name}")
        double, _ = _capture(Path(temp), args.megabytes * 2)
        _, small = _timed([*ours, str(path), "--format", "json"], env)
        _, large = _timed([*ours, str(double), "--format", "json"], env)
        print(f"dronevet peak memory: {small} MB on {size:.0f} MB, "
              f"{large} MB on {double.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
