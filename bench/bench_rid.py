"""`dronevet rid decode` as a user runs it, beside tshark with the Open Drone ID dissector.

The shared Wi-Fi beacon capture (5 Remote ID messages a frame) is replicated to --frames
frames, written both as pcap and as pcapng (Wireshark's default format). In one run:

1. The command as a person runs it: `dronevet rid decode FILE --format jsonl > /dev/null`
   in a fresh process (interpreter start, imports, reading, decoding, formatting and
   writing every record all included), on each file: frames/s and messages/s. Then the
   same command on a one-frame file (start-up alone), for scale.
2. The peer, same files, same run: tshark with the Open Drone ID Lua dissector in its
   fastest faithful mode for the same fields, `-T fields` with every field the dissector
   declares (59; one line per frame written to /dev/null), process start included; and
   tshark reading without decoding (`-T fields -e frame.number`) for scale. Ratios are
   dronevet's rate over tshark's on the same file, both measured from the outside.
3. In-process figures, warm (compiled kernels loaded, file in the page cache), labelled
   as such: the batch decoder filling columns only; columns rendered as JSON lines (the
   command's path, `DecodeRun.lines`); the same lines written to /dev/null; from these,
   the share of time spent decoding, formatting and writing. The older path through one
   dict per record is timed too, for scale.
4. Memory: peak RSS of the command on the pcap file and on one twice its size.

The dissector is not part of dronevet: fetch opendroneid/wireshark-dissector outside the
repository and pass --lua PATH/opendroneid-dissector.lua (never commit it).

Usage: python bench/bench_rid.py --lua /tmp/odid/opendroneid-dissector.lua [--frames N]
       [--compare]
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out"))
SHARED = Path(os.environ.get("DRONEVET_SHARED", ROOT.parent / "shared")) / "captures" / "remoteid"
BEACONS = SHARED / "odid_wifi_bcn_sample.pcap"
BLUETOOTH = SHARED / "odid_bt5_lr_sample.pcapng"
DRONEVET = Path(sys.executable).with_name("dronevet")
PEER_TIMEOUT_S = 1800


def _pcap_records(raw: bytes) -> list[tuple[int, int, bytes]]:
    """(seconds, microseconds, frame) of each record of a little-endian pcap file."""
    found, pos = [], 24
    while pos + 16 <= len(raw):
        seconds, micros, caplen, _ = struct.unpack_from("<IIII", raw, pos)
        found.append((seconds, micros, raw[pos + 16 : pos + 16 + caplen]))
        pos += 16 + caplen
    return found


def replicate(source: Path, target: Path, frames: int | None = None,
              size: int | None = None) -> int:
    """Write `target` (pcap): the header of `source`, then its records repeated; frames."""
    raw = source.read_bytes()
    header, records = raw[:24], raw[24:]
    per_copy = len(_pcap_records(raw))
    copies = -(-frames // per_copy) if frames else -(-(size or 0) // len(records))
    block = max(1, (8 << 20) // len(records))
    with target.open("wb") as handle:
        handle.write(header)
        for start in range(0, copies, block):
            handle.write(records * min(block, copies - start))
    return copies * per_copy


def replicate_pcapng(source: Path, target: Path, frames: int) -> int:
    """The same frames as `replicate`, as pcapng: a section, one radiotap interface
    (microsecond time stamps), and one Enhanced Packet Block per frame."""
    raw = source.read_bytes()
    linktype = struct.unpack_from("<I", raw, 20)[0] & 0xFFFF
    records = _pcap_records(raw)
    shb = struct.pack("<IIIHHq", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1) + struct.pack("<I", 28)
    idb = struct.pack("<IIHHI", 1, 20, linktype, 0, 65535) + struct.pack("<I", 20)
    blocks = bytearray()
    for seconds, micros, frame in records:
        ticks = seconds * 1_000_000 + micros
        padded = frame + b"\0" * (-len(frame) % 4)
        total = 32 + len(padded)
        blocks += struct.pack("<IIIIIII", 6, total, 0, ticks >> 32, ticks & 0xFFFFFFFF,
                              len(frame), len(frame))
        blocks += padded + struct.pack("<I", total)
    copies = -(-frames // len(records))
    with target.open("wb") as handle:
        handle.write(shb + idb)
        for _ in range(copies):
            handle.write(blocks)
    return copies * len(records)


def replicate_ble(source: Path, target: Path, frames: int) -> int:
    """`source`'s packets (one link type, e.g. the shared Bluetooth 5 long-range capture)
    repeated into a pcap file of about `frames` frames; the frames written."""
    from dronevet.capture.files import open_capture

    packets = list(open_capture(source))
    records = b"".join(
        struct.pack("<IIII", (p.time_ns or 0) // 10**9, (p.time_ns or 0) // 1000 % 10**6,
                    len(p.data), len(p.data)) + p.data
        for p in packets)  # fmt: skip
    copies = max(1, frames // len(packets))
    with target.open("wb") as handle:
        handle.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, packets[0].linktype))
        for _ in range(copies):
            handle.write(records)
    return copies * len(packets)


def dissector_fields(lua: Path) -> list[str]:
    """Every field the Open Drone ID dissector declares."""
    return re.findall(r'ProtoField\.\w+\("(OpenDroneID\.\w+)"', lua.read_text())


def wall(command: list[str]) -> float:
    """Seconds a command takes from the outside, its output to /dev/null."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   timeout=PEER_TIMEOUT_S)
    return time.perf_counter() - started


def line(label: str, frames: int, seconds: float, messages: int | None = None) -> float:
    rate = frames / seconds
    extra = f" {messages / seconds:>12,.0f} messages/s" if messages else ""
    print(f"  {label:<58} {seconds:8.2f} s {rate:>11,.0f} frames/s{extra}")
    return rate


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def columns(path: Path) -> int:
    from dronevet.broadcast.fastpath import BatchDecoder

    return sum(len(batch) for batch in BatchDecoder(path).batches())


def rendered(path: Path, sink: int | None = None) -> int:
    """Render every record of `path` as JSON lines as the command does; bytes rendered.
    With `sink` (a file descriptor) each chunk is also written there."""
    from dronevet.broadcast.run import decode_capture

    run = decode_capture(path)
    total = 0
    for chunk in run.lines("jsonl"):
        total += len(chunk)
        if sink is not None:
            os.write(sink, chunk)
    run.close()
    return total


def through_dicts(path: Path) -> None:
    """The records as one dict each, written by `RecordWriter` (the pre-columns path)."""
    from dronevet.broadcast.batch_records import BatchRecords
    from dronevet.broadcast.output import RecordWriter

    gc.disable()  # as `rid decode` does: the records are acyclic dicts
    try:
        with open(os.devnull, "w") as sink:
            writer = RecordWriter(sink, "jsonl")
            for batch in BatchRecords(path):
                writer.write_many(batch)
            writer.close()
    finally:
        gc.enable()


def peak_rss(path: Path) -> float:
    """Peak RSS (MB) of `dronevet rid decode` on `path`, as the kernel counts it."""
    process = subprocess.Popen([str(DRONEVET), "rid", "decode", str(path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lua", type=Path, help="opendroneid-dissector.lua (kept outside)")
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--compare", action="store_true",
                        help="also compare decoded values with the dissector")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    pcap, pcapng, one = OUT / "rid_beacons.pcap", OUT / "rid_beacons.pcapng", OUT / "one.pcap"
    frames = replicate(BEACONS, pcap, frames=args.frames)
    replicate_pcapng(BEACONS, pcapng, frames)
    raw = BEACONS.read_bytes()
    one.write_bytes(raw[: 24 + 16 + int.from_bytes(raw[32:36], "little")])
    messages = 5 * frames
    for path in (pcap, pcapng):
        print(f"capture: {path.name}: {frames:,} frames, {messages:,} messages, "
              f"{path.stat().st_size / 1e6:.0f} MB")
    wall([str(DRONEVET), "rid", "decode", str(one)])  # compiled kernels loaded once

    print("1. as a user runs it: dronevet rid decode FILE --format jsonl > /dev/null "
          "(fresh process)")
    start_up = min(wall([str(DRONEVET), "rid", "decode", str(one)]) for _ in range(3))
    print(f"  start-up alone (a one-frame file): {start_up:.2f} s")
    ours = {
        path.suffix: line(f"dronevet, {path.suffix[1:]}", frames,
                          wall([str(DRONEVET), "rid", "decode", str(path), "--format", "jsonl"]),
                          messages)
        for path in (pcap, pcapng)
    }

    print("2. peers, same files, same run (fresh process, output to /dev/null)")
    plain = ["tshark", "-r", str(pcap), "-T", "fields", "-e", "frame.number"]
    line("tshark reading, no decoding (pcap)", frames, wall(plain))
    if args.lua:
        fields = [arg for name in dissector_fields(args.lua) for arg in ("-e", name)]
        for path in (pcap, pcapng):
            lua = ["tshark", "-X", f"lua_script:{args.lua}", "-r", str(path), "-T", "fields",
                   *fields]
            theirs = line(f"tshark + Open Drone ID dissector, -T fields ({path.suffix[1:]})",
                          frames, wall(lua))
            print(f"    dronevet / tshark + dissector on {path.suffix[1:]}: "
                  f"{ours[path.suffix] / theirs:,.1f}x")
        ble = OUT / "rid_bluetooth.pcap"
        ble_frames = replicate_ble(BLUETOOTH, ble, frames // 5)
        print(f"  Bluetooth 5 long range ({BLUETOOTH.name} replicated, {ble_frames:,} frames, "
              "Nordic sniffer; about 12% of frames have CRC errors or empty packs):")
        mine = line("dronevet, Bluetooth pcap", ble_frames,
                    wall([str(DRONEVET), "rid", "decode", str(ble), "--format", "jsonl"]))
        lua = ["tshark", "-X", f"lua_script:{args.lua}", "-r", str(ble), "-T", "fields", *fields]
        theirs = line("tshark + Open Drone ID dissector, -T fields (Bluetooth)", ble_frames,
                      wall(lua))
        print(f"    dronevet / tshark + dissector on Bluetooth: {mine / theirs:,.1f}x")
        ble.unlink()
    else:
        print("  (no --lua: tshark with the Open Drone ID dissector not run)")

    print("3. in-process, warm (kernels loaded, file cached): where the time goes")
    decode = min(timed(lambda: columns(pcap)) for _ in range(3))
    formatting = min(timed(lambda: rendered(pcap)) for _ in range(3))
    with open(os.devnull, "wb") as null:
        whole = min(timed(lambda: rendered(pcap, null.fileno())) for _ in range(3))
    line("batch decoder, columns only (best of 3)", frames, decode, messages)
    line("columns rendered as JSON lines (best of 3)", frames, formatting, messages)
    line("rendered and written to /dev/null (best of 3)", frames, whole, messages)
    line("for scale: one dict per record, then RecordWriter", frames,
         timed(lambda: through_dicts(pcap)), messages)
    writing = max(0.0, whole - formatting)  # below the timer's noise when the sink is /dev/null
    print(f"  share: decoding {decode / whole:.0%}, formatting {(formatting - decode) / whole:.0%}"
          f", writing {writing / whole:.0%} of {whole:.2f} s in-process "
          f"(the command: {frames / ours['.pcap']:.2f} s with start-up {start_up:.2f} s)")

    print("4. memory of the command (peak RSS)")
    print(f"  {pcap.stat().st_size / 1e6:.0f} MB pcap: {peak_rss(pcap):.0f} MB")
    double = OUT / "rid_beacons_double.pcap"
    replicate(BEACONS, double, frames=2 * frames)
    print(f"  {double.stat().st_size / 1e6:.0f} MB pcap: {peak_rss(double):.0f} MB")
    double.unlink()
    if args.compare and args.lua:
        sys.path.insert(0, str(ROOT / "bench"))
        from lua_compare import compare_all

        compare_all(args.lua, sorted(SHARED.glob("*.pcap*")))


if __name__ == "__main__":
    main()
