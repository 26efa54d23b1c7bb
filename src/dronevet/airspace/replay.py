"""Files through the ingest path: a capture (pcap, pcapng) decoded, or detection records as
JSON lines (what `rid decode --format jsonl` writes), handed to `Ingest.accept` as messages
of one sensor, exactly as that sensor would have published them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from dronevet.airspace.ingest import BATCH, Ingest
from dronevet.broadcast.run import decode_capture

JSON_LINES = (".jsonl", ".json", ".ndjson")


def _payloads(path: Path) -> Iterator[bytes]:
    if path.suffix.lower() in JSON_LINES:
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    yield line.strip()
        return
    run = decode_capture(path)
    try:
        for record in run:
            yield orjson.dumps(record)
    finally:
        run.close()


def replay(ingest: Ingest, path: Path, prefix: str, sensor: str) -> None:
    """Ingest every detection of `path` as if `sensor` had published it under `prefix`."""
    topic = f"{prefix}/detections/{sensor}"
    batch: list[tuple[str, bytes]] = []
    for payload in _payloads(path):
        batch.append((topic, payload))
        if len(batch) >= BATCH:
            ingest.accept(batch)
            batch = []
    if batch:
        ingest.accept(batch)
    ingest.write_tally()
    ingest.evaluate()
