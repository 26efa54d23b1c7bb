"""Benchmark `dronevet rid` against tshark (plain and with the Open Drone ID dissector) and scapy.

Builds bench/out/rid_beacons.pcap (>= 200,000 frames) by replicating the frames of the
shared Wi-Fi beacon capture, then measures, in the same run:
- dronevet batch path (numba kernel + vectorised decoder), frames/s;
- dronevet streaming path (one frame at a time to records), frames/s;
- tshark reading the file without decoding (`-T fields -e frame.number`);
- tshark with the Open Drone ID Lua dissector (`-X lua_script:... -V`);
- bench/scapy_receiver.py, the usual scapy + struct receiver (on the first frames only);
- peak RSS of the batch path on a large replicated file (--rss-gb, default 2 GB);
and with --compare, decoded values of every shared capture against the Lua dissector.

The dissector is not part of dronevet: clone opendroneid/wireshark-dissector outside the
repository and pass --lua PATH/opendroneid-dissector.lua (never commit it).

Usage: python bench/bench_rid.py --lua /tmp/odid-dissector/opendroneid-dissector.lua [--compare]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SHARED = Path(os.environ.get("DRONEVET_SHARED", ROOT.parent / "shared")) / "captures" / "remoteid"
BEACONS = SHARED / "odid_wifi_bcn_sample.pcap"
TARGET_FRAMES = 200_000


def replicate(source: Path, target: Path, frames: int | None = None,
              size: int | None = None) -> int:
    """Write `target`: the pcap header of `source`, then its records repeated; frames written."""
    raw = source.read_bytes()
    header, records = raw[:24], raw[24:]
    per_copy = sum(1 for _ in _records(records))
    copies = -(-frames // per_copy) if frames else -(-(size or 0) // len(records))
    with target.open("wb") as handle:
        handle.write(header)
        for _ in range(copies):
            handle.write(records)
    return copies * per_copy


def _records(records: bytes) -> list[int]:
    offsets, pos = [], 0
    while pos + 16 <= len(records):
        offsets.append(pos)
        pos += 16 + int.from_bytes(records[pos + 8 : pos + 12], "little")
    return offsets


def timed(label: str, frames: int, run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    rate = frames / seconds
    print(f"{label:<44} {frames:>9,} frames {seconds:8.2f} s {rate:>12,.0f} frames/s")
    return rate


def batch(path: Path) -> int:
    from dronevet.broadcast.fastpath import BatchDecoder

    decoder = BatchDecoder(path)
    messages = sum(len(b) for b in decoder.batches())
    return messages


def stream(path: Path) -> int:
    from dronevet.broadcast.pipeline import StreamDecoder
    from dronevet.capture.packets import open_capture

    return sum(1 for d in StreamDecoder().run(open_capture(path)) for _ in [d.record()])


def shell(command: list[str]) -> None:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def rss_child(path: Path) -> None:
    messages = batch(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{messages} {peak:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lua", type=Path, help="opendroneid-dissector.lua (kept outside)")
    parser.add_argument("--scapy-frames", type=int, default=10_000)
    parser.add_argument("--rss-gb", type=float, default=2.0)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--rss-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    capture = OUT / "rid_beacons.pcap"
    frames = replicate(BEACONS, capture, frames=TARGET_FRAMES)
    print(f"capture: {capture.relative_to(ROOT)} ({frames:,} frames, "
          f"{capture.stat().st_size / 1e6:.1f} MB)")
    batch(BEACONS)  # compile (or load cached) numba kernels before timing
    ours = timed("dronevet batch path (records as columns)", frames, lambda: batch(capture))
    timed("dronevet streaming path (records as dicts)", frames, lambda: stream(capture))
    plain = timed("tshark, no decoding", frames,
                  lambda: shell(["tshark", "-r", str(capture), "-T", "fields",
                                 "-e", "frame.number"]))
    lua = None
    if args.lua:
        lua = timed("tshark + Open Drone ID Lua dissector", frames,
                    lambda: shell(["tshark", "-X", f"lua_script:{args.lua}", "-r",
                                   str(capture), "-V"]))
    scapy_frames = min(args.scapy_frames, frames)
    scapy = timed("scapy receiver (bench/scapy_receiver.py)", scapy_frames,
                  lambda: shell([sys.executable, str(ROOT / "bench" / "scapy_receiver.py"),
                                 str(capture), str(scapy_frames)]))
    print(f"dronevet batch / tshark plain: {ours / plain:,.1f}x")
    if lua:
        print(f"dronevet batch / tshark + Lua dissector: {ours / lua:,.1f}x (target >= 75x)")
    print(f"dronevet batch / scapy receiver: {ours / scapy:,.1f}x")
    if args.rss_gb > 0:
        big = OUT / "rid_beacons_big.pcap"
        replicate(BEACONS, big, size=int(args.rss_gb * 1e9))
        result = subprocess.run([sys.executable, __file__, "--rss-child", str(big)],
                                capture_output=True, text=True, check=True).stdout.split()
        print(f"peak RSS decoding {big.stat().st_size / 1e9:.2f} GB: {float(result[1]):.0f} MB "
              f"({int(result[0]):,} messages; target < 300 MB)")
        big.unlink()
    if args.compare and args.lua:
        from lua_compare import compare_all

        compare_all(args.lua, sorted(SHARED.glob("*.pcap*")))


if __name__ == "__main__":
    main()
