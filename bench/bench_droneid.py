"""DroneID receiver speed, side by side with the published Python decoder, like for like.

1. The shared real recording (Mavic Air 2, 50 Msps, 4.5 ms), as a person runs each tool
   (a fresh process: interpreter start, imports, reading the file, output discarded):
   `dronevet droneid decode FILE --sample-rate 50e6` and RUB-SysSec DroneSecurity's
   `droneid_receiver_offline` (run from a copy kept outside the repository); the ratio.
2. The same, in-process, labelled: dronevet's first call in a fresh process (cold: the
   compiled kernels loaded from their cache, FFT plans made) and its warm median of N;
   DroneSecurity's `main()` once in a fresh process, imports excluded (it has no caches to
   warm). The work is not the same, and is printed: dronevet detects the bursts, turbo-
   decodes each codeword and checks CRC-24 and the payload CRC-16; DroneSecurity detects
   the bursts and reads the systematic bits without turbo decoding (payload CRC only).
3. Real-time factor (seconds of signal per second of wall time, file reading included) on
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


COLD = """
import sys, time
import numpy as np
from dronevet.broadcast.dji.ocusync.receiver import decode_samples
samples = np.fromfile(sys.argv[1], dtype=np.complex64)
started = time.perf_counter()
decode_samples(samples, float(sys.argv[2]))
print(time.perf_counter() - started)
"""
DRONEVET = Path(sys.executable).with_name("dronevet")


def wall(command: list[str], cwd: Path | None = None) -> float:
    """Seconds a command takes from the outside, its output discarded."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   cwd=cwd)
    return time.perf_counter() - started


def time_ours(samples: np.ndarray, repeats: int) -> tuple[float, float, list]:
    """dronevet in-process: the first call in a fresh process, and the warm median."""
    cold = float(subprocess.run([sys.executable, "-c", COLD, str(REAL), str(REAL_RATE)],
                                capture_output=True, text=True, check=True).stdout)
    decode_samples(samples, REAL_RATE)
    times, results = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        results = decode_samples(samples, REAL_RATE)
        times.append(time.perf_counter() - started)
    return cold, statistics.median(times), results


def dronesecurity_runner(source_dir: Path) -> Path | None:
    if not (source_dir / "droneid_receiver_offline.py").exists():
        return None
    runner = OUT / "run_dronesecurity.py"
    runner.write_text(RUNNER)
    return runner


def time_dronesecurity(source_dir: Path, deps: str) -> dict | None:
    runner = dronesecurity_runner(source_dir)
    if runner is None:
        return None
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
    print(f"real recording ({len(samples) / REAL_RATE * 1e3:.1f} ms at 50 Msps):")
    ours_user = statistics.median(
        wall([str(DRONEVET), "droneid", "decode", str(REAL), "--sample-rate", "50e6"])
        for _ in range(args.repeats)
    )
    runner = dronesecurity_runner(args.dronesecurity)
    print("1. as a person runs each tool (fresh process, start-up and reading included):")
    print(f"  dronevet droneid decode:  {ours_user * 1e3:8.1f} ms (median of {args.repeats})")
    if runner is not None:
        theirs_user = statistics.median(
            wall([sys.executable, str(runner), str(REAL), str(REAL_RATE),
                  str(args.dronesecurity), args.dronesecurity_deps], cwd=args.dronesecurity)
            for _ in range(min(args.repeats, 3))
        )
        print(f"  DroneSecurity offline:    {theirs_user * 1e3:8.1f} ms")
        print(f"  ratio: dronevet {theirs_user / ours_user:.1f}x faster as a person runs it")
    cold, warm, results = time_ours(samples, args.repeats)
    decoded = [r for r in results if r.crc24_ok]
    print("2. in-process (imports excluded):")
    print(f"  dronevet, first call in a fresh process (cold): {cold * 1e3:8.1f} ms")
    print(f"  dronevet, warm median of {args.repeats}:              {warm * 1e3:8.1f} ms  "
          f"{len(results)} bursts, {len(decoded)} with CRC-24 valid, sequences "
          f"{[r.flight.sequence for r in decoded if r.flight]} (detection, turbo decoding, "
          "CRC-24 and CRC-16)")
    peer = time_dronesecurity(args.dronesecurity, args.dronesecurity_deps)
    if peer is None:
        print("  DroneSecurity: not run (give --dronesecurity DIR, its src/ folder)")
    else:
        print(f"  DroneSecurity main(), one run in a fresh process: {peer['seconds'] * 1e3:8.1f} ms"
              f"  {peer['detection']}; {peer['decoder']} (detection, systematic bits only)")
        print(f"  ratio, cold to cold: {peer['seconds'] / cold:.1f}x; DroneSecurity to warm "
              f"dronevet: {peer['seconds'] / warm:.1f}x (target >= 20x)")

    for rate, seconds, name in ((REAL_RATE, args.seconds_50, "50msps"),
                                (SAMPLE_RATE, args.seconds_15, "15msps")):
        path = OUT / f"droneid_long_{name}.ci16"
        expected = OUT / f"droneid_long_{name}.bursts"
        if not path.exists() or not expected.exists():
            expected.write_text(str(build_recording(path, rate, seconds)))
        factor, elapsed, found, ok = real_time_factor(path, rate)
        print(f"3. long recording {seconds:.1f} s at {rate / 1e6:.2f} Msps: real-time factor "
              f"{factor:.2f} ({elapsed:.2f} s wall), {found} bursts, {ok} decoded of "
              f"{expected.read_text()} sent")


if __name__ == "__main__":
    main()
