"""Benchmark `dronevet rid` against tshark (plain and with the Open Drone ID dissector) and scapy.

Builds two captures by replicating the frames of the shared Wi-Fi beacon capture: a large
one (>= 200,000 frames) for dronevet and plain tshark, and a smaller one (>= 20,000 frames,
--peer-frames) for the slow peers, so the run stays bounded. Every rate is measured on the
frame count it prints; nothing is extrapolated. In the same run:
- dronevet batch path: numba kernel + vectorised decoder, every message to columns;
- dronevet records: what `rid decode` prints, records built from those columns and written
  as JSON lines (to /dev/null);
- dronevet streaming path: one frame at a time to records (smaller file);
- tshark reading the large file without decoding (`-T fields -e frame.number`);
- tshark with the Open Drone ID Lua dissector (`-X lua_script:... -V`, smaller file);
- bench/scapy_receiver.py, the usual scapy + struct receiver (smaller file; its own timer,
  after its imports);
- peak RSS of the batch path on the large file and on a replicated file of --rss-gb GB.
tshark's rate is given both by wall clock and without its start-up (the time it takes on a
one-frame file), the latter, more favourable to tshark, is used for the ratios. dronevet's
rates exclude interpreter start and numba compilation (warmed up on the shared capture).
With --compare, decoded values of every shared capture are compared with the dissector.

The dissector is not part of dronevet: clone opendroneid/wireshark-dissector outside the
repository and pass --lua PATH/opendroneid-dissector.lua (never commit it).

Usage: python bench/bench_rid.py --lua /tmp/odid-dissector/opendroneid-dissector.lua [--compare]
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SHARED = Path(os.environ.get("DRONEVET_SHARED", ROOT.parent / "shared")) / "captures" / "remoteid"
BEACONS = SHARED / "odid_wifi_bcn_sample.pcap"
PEER_TIMEOUT_S = 600


def replicate(source: Path, target: Path, frames: int | None = None,
              size: int | None = None) -> int:
    """Write `target`: the pcap header of `source`, then its records repeated; frames written."""
    raw = source.read_bytes()
    header, records = raw[:24], raw[24:]
    per_copy = _count_records(records)
    copies = -(-frames // per_copy) if frames else -(-(size or 0) // len(records))
    block = max(1, (8 << 20) // len(records))  # write about 8 MB at a time
    with target.open("wb") as handle:
        handle.write(header)
        for start in range(0, copies, block):
            handle.write(records * min(block, copies - start))
    return copies * per_copy


def _count_records(records: bytes) -> int:
    count, pos = 0, 0
    while pos + 16 <= len(records):
        count += 1
        pos += 16 + int.from_bytes(records[pos + 8 : pos + 12], "little")
    return count


def report(label: str, frames: int, seconds: float, note: str = "") -> float:
    rate = frames / seconds
    print(f"{label:<46} {frames:>9,} frames {seconds:8.2f} s {rate:>12,.0f} frames/s {note}")
    return rate


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def batch(path: Path) -> int:
    from dronevet.broadcast.fastpath import BatchDecoder

    return sum(len(b) for b in BatchDecoder(path).batches())


def records(path: Path) -> int:
    from dronevet.broadcast.batch_records import BatchRecords
    from dronevet.broadcast.output import RecordWriter

    count = 0
    gc.disable()  # as `rid decode` does: the records are acyclic dicts
    try:
        with open(os.devnull, "w") as sink:
            writer = RecordWriter(sink, "jsonl")
            for found in BatchRecords(path):
                writer.write_many(found)
                count += len(found)
            writer.close()
    finally:
        gc.enable()
    return count


def stream(path: Path) -> int:
    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.packets import open_capture

    return sum(1 for d in StreamDecoder().run(open_capture(path)) for _ in [d.record()])


def shell(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True,
                          timeout=PEER_TIMEOUT_S).stdout


def tshark(label: str, frames: int, path: Path, one: Path, extra: list[str]) -> float:
    """tshark's rate on `path`, by wall clock and without start-up (timed on `one`)."""
    start_up = min(timed(lambda: shell(["tshark", *extra, "-r", str(one)])) for _ in range(2))
    seconds = timed(lambda: shell(["tshark", *extra, "-r", str(path)]))
    report(label, frames, seconds, "(wall clock)")
    return report(f"  same, less {start_up:.2f} s start-up", frames, seconds - start_up)


def rss_child(path: Path) -> None:
    messages = batch(path)
    # VmHWM belongs to this process's memory map; ru_maxrss would include the parent's at fork
    status = Path("/proc/self/status")
    found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
    peak = int(found.group(1)) if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{messages} {peak / 1024:.0f}")


def peak_rss(path: Path) -> tuple[int, float]:
    out = shell([sys.executable, __file__, "--rss-child", str(path)]).split()
    return int(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lua", type=Path, help="opendroneid-dissector.lua (kept outside)")
    parser.add_argument("--frames", type=int, default=200_000)
    parser.add_argument("--peer-frames", type=int, default=20_000)
    parser.add_argument("--rss-gb", type=float, default=2.0)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--rss-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    large, small, one = OUT / "rid_beacons.pcap", OUT / "rid_beacons_peer.pcap", OUT / "one.pcap"
    frames = replicate(BEACONS, large, frames=args.frames)
    peer_frames = replicate(BEACONS, small, frames=args.peer_frames)
    raw = BEACONS.read_bytes()
    one.write_bytes(raw[: 24 + 16 + int.from_bytes(raw[32:36], "little")])
    for path, count in ((large, frames), (small, peer_frames)):
        print(f"capture: {path.relative_to(ROOT)} ({count:,} frames, "
              f"{path.stat().st_size / 1e6:.1f} MB)")
    batch(BEACONS)  # compile (or load cached) numba kernels before timing
    records(BEACONS)
    ours = report("dronevet batch path (messages to columns)", frames,
                  min(timed(lambda: batch(large)) for _ in range(3)), "(best of 3)")
    report("dronevet rid decode records (JSON lines)", frames, timed(lambda: records(large)))
    report("dronevet streaming path (records as dicts)", peer_frames, timed(lambda: stream(small)))
    plain = tshark("tshark, no decoding", frames, large, one,
                   ["-T", "fields", "-e", "frame.number"])
    lua = None
    if args.lua:
        lua = tshark("tshark + Open Drone ID Lua dissector", peer_frames, small, one,
                     ["-X", f"lua_script:{args.lua}", "-V"])
    out = shell([sys.executable, str(ROOT / "bench" / "scapy_receiver.py"), str(small)])
    scapy_frames, rate = re.search(r"(\d+) frames, \d+ messages, ([\d,]+) frames/s", out).groups()
    scapy = float(rate.replace(",", ""))
    print(f"{'scapy receiver (bench/scapy_receiver.py)':<46} {int(scapy_frames):>9,} frames "
          f"{int(scapy_frames) / scapy:8.2f} s {scapy:>12,.0f} frames/s (its own timer)")
    print(f"dronevet batch / tshark plain: {ours / plain:,.1f}x")
    if lua:
        print(f"dronevet batch / tshark + Lua dissector: {ours / lua:,.1f}x (target >= 75x)")
    print(f"dronevet batch / scapy receiver: {ours / scapy:,.1f}x")
    if args.rss_gb > 0:
        messages, peak = peak_rss(large)
        print(f"peak RSS decoding {large.stat().st_size / 1e9:.2f} GB: {peak:.0f} MB "
              f"({messages:,} messages)")
        big = OUT / "rid_beacons_big.pcap"
        replicate(BEACONS, big, size=int(args.rss_gb * 1e9))
        start = time.perf_counter()
        messages, peak = peak_rss(big)
        seconds = time.perf_counter() - start
        print(f"peak RSS decoding {big.stat().st_size / 1e9:.2f} GB: {peak:.0f} MB "
              f"({messages:,} messages in {seconds:.1f} s with start-up; target < 300 MB)")
        big.unlink()
    if args.compare and args.lua:
        from lua_compare import compare_all

        compare_all(args.lua, sorted(SHARED.glob("*.pcap*")))


if __name__ == "__main__":
    main()
