"""Benchmark of the DroneID channel decoder: speed, and error rates against the no-turbo baseline.

Synthetic bursts: random 173-byte blocks -> `encode_codeword` -> BPSK per coded bit -> AWGN ->
LLRs. Two decoders on the same noisy bursts:

- turbo: `decode_codeword` (max-log-MAP, up to 8 iterations, early stop on CRC-24A);
- systematic: the baseline of decoders without turbo decoding (RUB-SysSec/DroneSecurity reads
  the systematic bits only): hard decisions of `systematic_llrs`, success when the CRC-24A holds.

Prints codewords per second (with the share of a burst period of 600 ms that one decode takes),
then frame success rate and bit error rate against Es/N0 per coded bit and Eb/N0 per
transport-block bit (Eb/N0 = Es/N0 + 10 log10(7200 / 1408)), and the SNR each decoder needs for
90% frame success. Run: `python bench/bench_turbo.py [--bursts N] [--quick]`.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from dronevet.broadcast.dji.lte.chain import (
    BLOCK_BITS,
    CODED_BITS,
    DATA_BYTES,
    decode_codeword,
    encode_codeword,
    systematic_llrs,
)
from dronevet.broadcast.dji.lte.crc import crc24a_bits_ok

BURST_PERIOD_S = 0.6
EB_OFFSET_DB = 10 * math.log10(CODED_BITS / BLOCK_BITS)


def noisy_llrs(
    bits: npt.NDArray[np.uint8], es_n0_db: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    sigma = math.sqrt(1.0 / (2.0 * 10 ** (es_n0_db / 10)))
    received = (1.0 - 2.0 * bits) + rng.normal(0.0, sigma, bits.shape)
    return 2.0 * received / sigma**2


def systematic_bits(llrs: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]:
    return (systematic_llrs(llrs) < 0).astype(np.uint8)


def per_second(work: Callable[[], object], items: int) -> float:
    start = time.perf_counter()
    for _ in range(items):
        work()
    return items / (time.perf_counter() - start)


def speed(rng: np.random.Generator, count: int) -> None:
    block = rng.bytes(DATA_BYTES)
    bits = encode_codeword(block)
    cases = {
        "clean (channel bits pass CRC)": noisy_llrs(bits, 12.0, rng),
        "Es/N0 -5 dB (turbo region)": noisy_llrs(bits, -5.0, rng),
        "Es/N0 -12 dB (fails, 8 iter)": noisy_llrs(bits, -12.0, rng),
    }
    print(f"{'decoder / input':44s} {'codewords/s':>12s} {'ms each':>8s} {'of 600 ms':>9s}")
    for name, llrs in cases.items():
        iterations = decode_codeword(llrs).iterations
        rate = per_second(lambda llrs=llrs: decode_codeword(llrs), count)
        label = f"turbo, {name} [{iterations} it]"
        print(f"{label:44s} {rate:12.0f} {1e3 / rate:8.3f} {100 / rate / BURST_PERIOD_S:8.4f}%")
    llrs = cases["Es/N0 -5 dB (turbo region)"]
    rate = per_second(lambda: crc24a_bits_ok(systematic_bits(llrs)), count)
    print(f"{'systematic-only baseline':44s} {rate:12.0f} {1e3 / rate:8.3f}")
    rate = per_second(lambda: encode_codeword(block), count)
    print(f"{'encode_codeword':44s} {rate:12.0f} {1e3 / rate:8.3f}")


def success_threshold(snrs: list[float], success: list[float], target: float) -> float:
    """Lowest SNR at which the success rate reaches `target` (linear between grid points)."""
    for i, rate in enumerate(success):
        if rate >= target and all(later >= target for later in success[i:]):
            if i == 0:
                return snrs[0]
            lo, hi = success[i - 1], rate
            return snrs[i - 1] + (target - lo) / (hi - lo) * (snrs[i] - snrs[i - 1])
    return math.nan


def error_rates(rng: np.random.Generator, bursts: int, snrs: list[float]) -> None:
    print(
        f"\n{'Es/N0 dB':>8s} {'Eb/N0 dB':>8s} {'turbo FSR':>9s} {'turbo BER':>10s} "
        f"{'mean it':>7s} {'sys FSR':>8s} {'sys BER':>9s}"
    )
    turbo_fsr: list[float] = []
    sys_fsr: list[float] = []
    for snr in snrs:
        turbo_ok = sys_ok = turbo_errors = sys_errors = iterations = 0
        for _ in range(bursts):
            block = rng.bytes(DATA_BYTES)
            sent = np.unpackbits(np.frombuffer(block, dtype=np.uint8))
            llrs = noisy_llrs(encode_codeword(block), snr, rng)
            result = decode_codeword(llrs)
            turbo_ok += result.block == block
            iterations += result.iterations
            turbo_errors += np.count_nonzero(result.hard_bits[: sent.size] != sent)
            hard = systematic_bits(llrs)
            sys_ok += crc24a_bits_ok(hard)
            sys_errors += np.count_nonzero(hard[: sent.size] != sent)
        turbo_fsr.append(turbo_ok / bursts)
        sys_fsr.append(sys_ok / bursts)
        n_bits = bursts * 8 * DATA_BYTES
        print(
            f"{snr:8.1f} {snr + EB_OFFSET_DB:8.2f} {turbo_fsr[-1]:9.2f} "
            f"{turbo_errors / n_bits:10.2e} {iterations / bursts:7.2f} "
            f"{sys_fsr[-1]:8.2f} {sys_errors / n_bits:9.2e}"
        )
    turbo_90 = success_threshold(snrs, turbo_fsr, 0.9)
    sys_90 = success_threshold(snrs, sys_fsr, 0.9)
    print(
        f"\n90% frame success at Es/N0: turbo {turbo_90:.2f} dB, systematic-only {sys_90:.2f} dB "
        f"-> turbo decoding gains {sys_90 - turbo_90:.1f} dB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=40, help="bursts per SNR point")
    parser.add_argument("--speed-count", type=int, default=300, help="decodes per speed case")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--quick", action="store_true", help="few bursts, coarse SNR grid")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    decode_codeword(noisy_llrs(encode_codeword(bytes(DATA_BYTES)), -12.0, rng))  # compile
    if args.quick:
        bursts, count, snrs = 10, 50, [-8.0, -6.0, -4.0, 0.0, 4.0, 6.0, 8.0, 10.0]
    else:
        bursts, count = args.bursts, args.speed_count
        snrs = [x / 2 for x in range(-16, 21)]  # -8 .. +10 dB in 0.5 dB steps
    speed(rng, count)
    error_rates(rng, bursts, snrs)


if __name__ == "__main__":
    main()
