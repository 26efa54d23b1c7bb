"""DroneID receiver speed, side by side with the published Python decoder.

1. The shared real recording (Mavic Air 2, 50 Msps, 4.5 ms): this receiver and
   RUB-SysSec DroneSecurity (`droneid_receiver_offline.main`, run from a copy kept outside
   the repository, in a subprocess, imports excluded from its time), bursts found and
   decoded by each, and the speed ratio.
2. Real-time factor (seconds of signal per second of wall time, file reading included) on
   long recordings built into bench/out/ (ci16): noise at the real recording's floor with a
   burst every 600 ms, the first one the real burst, the others synthetic bursts with random
   contents, SNR and band; one at 50 Msps, one at 15.36 Msps.

    python bench/bench_droneid.py [--dronesecurity DIR] [--dronesecurity-deps DIR]

DIR is DroneSecurity's `src/` folder (or $DRONESECURITY_DIR); its extra packages (crcmod,
bitarray) may sit in a folder given by --dronesecurity-deps ($DRONESECURITY_DEPS).
NumPy 2 removed `np.complex`, which DroneSecurity uses; the runner restores that alias.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import signal

from dronevet.broadcast.dji.ocusync.ofdm import SAMPLE_RATE
from dronevet.broadcast.dji.ocusync.receiver import decode_blocks, decode_samples
from dronevet.broadcast.dji.ocusync.transmitter import Impairments, burst_samples, impair
from dronevet.capture.iq import raw_source, read_blocks

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SHARED = Path(os.environ.get("DRONEVET_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "captures" / "droneid-iq" / "mavic_air_2.fc32"
REAL_RATE = 50e6
REAL_BURST = (165_000, 198_500)
"""The burst DroneSecurity decodes (sequence 591), samples of the real recording."""
REAL_BAND_HZ = -12.4634e6
NOISE_POWER = 10 ** (-44.0 / 10)
"""Noise power per sample of the real recording between bursts (50 Msps)."""
SPACING_S = 0.6

RUNNER = '''
import contextlib, io, json, sys, time, types
import numpy as np
np.complex = complex
sys.path[:0] = [p for p in sys.argv[3:] if p]
import matplotlib
matplotlib.use("Agg")
import droneid_receiver_offline as offline
args = types.SimpleNamespace(input_file=sys.argv[1], sample_rate=float(sys.argv[2]), gui=False,
    legacy=False, debug=False, disable_zc_detection=True, skip_detection=False)
offline.args = args
log = io.StringIO()
started = time.perf_counter()
with contextlib.redirect_stdout(log):
    offline.main(args)
seconds = time.perf_counter() - started
text = log.getvalue()
found = [l for l in text.splitlines() if l.startswith("Frame detection:")]
decoded = [l for l in text.splitlines() if l.startswith("Decoder:")]
print(json.dumps({"seconds": seconds, "detection": found[-1] if found else "",
                  "decoder": decoded[-1] if decoded else ""}))
'''


def time_ours(samples: np.ndarray, repeats: int) -> tuple[float, list]:
    decode_samples(samples, REAL_RATE)  # compile caches, FFT plans
    times, results = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        results = decode_samples(samples, REAL_RATE)
        times.append(time.perf_counter() - started)
    return statistics.median(times), results


def time_dronesecurity(source_dir: Path, deps: str) -> dict | None:
    if not (source_dir / "droneid_receiver_offline.py").exists():
        return None
    runner = OUT / "run_dronesecurity.py"
    runner.write_text(RUNNER)
    done = subprocess.run(
        [sys.executable, str(runner), str(REAL), str(REAL_RATE), str(source_dir), deps],
        capture_output=True, text=True, check=False, cwd=source_dir,
    )
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _real_burst(rate: float) -> np.ndarray:
    segment = np.fromfile(REAL, dtype=np.complex64)[REAL_BURST[0] : REAL_BURST[1]]
    if rate == REAL_RATE:
        return segment.astype(np.complex128)
    t = np.arange(len(segment)) / REAL_RATE
    mixed = segment * np.exp(-2j * np.pi * REAL_BAND_HZ * t)
    return signal.resample_poly(mixed, 384, 1250)


def build_recording(path: Path, rate: float, seconds: float, seed: int = 4) -> int:
    """Write a ci16 recording; returns the number of bursts in it."""
    rng = np.random.default_rng(seed)
    total = round(seconds * rate)
    noise_power = NOISE_POWER * rate / REAL_RATE  # same noise density as the real recording
    events: list[tuple[int, np.ndarray]] = [(round(0.3 * rate), _real_burst(rate))]
    time_s = 0.3 + SPACING_S
    while time_s + 0.01 < seconds:
        snr = rng.uniform(8, 25)
        band = rng.uniform(-15e6, 15e6) if rate > 20e6 else rng.uniform(-2e6, 2e6)
        clean = impair(burst_samples(bytes(rng.integers(0, 256, 91, dtype=np.uint8))),
                       Impairments(cfo_hz=band, delay_samples=rng.uniform(0, 1)),
                       sample_rate=rate, length=round(700e-6 * rate), offset=100, rng=rng)
        reference = rate / SAMPLE_RATE / (1024 * 10 ** (snr / 10))  # noise of a unit burst
        events.append((round(time_s * rate), clean * np.sqrt(noise_power / reference)))
        time_s += SPACING_S
    block = 1 << 22
    scale = 32767 / 0.5
    with path.open("wb") as out:
        for first in range(0, total, block):
            count = min(block, total - first)
            noise = rng.standard_normal(2 * count, dtype=np.float32)
            noise *= np.float32(np.sqrt(noise_power / 2))
            samples = noise.view(np.complex64)
            for start, wave in events:
                lo, hi = max(start, first), min(start + len(wave), first + count)
                if lo < hi:
                    samples[lo - first : hi - first] += wave[lo - start : hi - start]
            ints = np.clip(np.round(samples.view(np.float32) * scale), -32768, 32767)
            ints.astype("<i2").tofile(out)
    return len(events)


def real_time_factor(path: Path, rate: float) -> tuple[float, float, int, int]:
    source = raw_source(str(path), sample_rate=rate, sample_type_name="ci16")
    started = time.perf_counter()
    results = list(decode_blocks(read_blocks(source), rate, path=str(path)))
    wall = time.perf_counter() - started
    seconds = (source.sample_count or 0) / rate
    return seconds / wall, wall, len(results), sum(r.crc24_ok for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dronesecurity", type=Path,
                        default=Path(os.environ.get("DRONESECURITY_DIR", "")))
    parser.add_argument("--dronesecurity-deps", default=os.environ.get("DRONESECURITY_DEPS", ""))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds-50", type=float, default=1.8)
    parser.add_argument("--seconds-15", type=float, default=2.4)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    samples = np.fromfile(REAL, dtype=np.complex64)
    ours, results = time_ours(samples, args.repeats)
    decoded = [r for r in results if r.crc24_ok]
    print(f"real recording ({len(samples) / REAL_RATE * 1e3:.1f} ms at 50 Msps):")
    print(f"  dronevet:       {ours * 1e3:8.1f} ms  {len(results)} bursts, {len(decoded)} with "
          f"CRC-24 valid, sequences {[r.flight.sequence for r in decoded if r.flight]}")
    peer = time_dronesecurity(args.dronesecurity, args.dronesecurity_deps)
    if peer is None:
        print("  DroneSecurity:  not run (give --dronesecurity DIR, its src/ folder)")
    else:
        print(f"  DroneSecurity:  {peer['seconds'] * 1e3:8.1f} ms  {peer['detection']}; "
              f"{peer['decoder']}")
        print(f"  speed ratio:    {peer['seconds'] / ours:8.1f}x faster (target >= 20x)")

    for rate, seconds, name in ((REAL_RATE, args.seconds_50, "50msps"),
                                (SAMPLE_RATE, args.seconds_15, "15msps")):
        path = OUT / f"droneid_long_{name}.ci16"
        expected = OUT / f"droneid_long_{name}.bursts"
        if not path.exists() or not expected.exists():
            expected.write_text(str(build_recording(path, rate, seconds)))
        factor, wall, found, ok = real_time_factor(path, rate)
        print(f"long recording {seconds:.1f} s at {rate / 1e6:.2f} Msps: real-time factor "
              f"{factor:.2f} ({wall:.2f} s wall), {found} bursts, {ok} decoded of "
              f"{expected.read_text()} sent")


if __name__ == "__main__":
    main()
