"""Detection records as sensors publish them, for the airspace tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def record(uas_id: str, second: float, *, lat: float | None = None, lon: float | None = None,
           alt: float | None = 120.0, mac: str = "aa:bb:cc:00:00:01", frame: int = 1,
           transport: str = "wifi-beacon", **more: Any) -> dict[str, Any]:  # fmt: skip
    """A detection record: a Location message (with `lat`) or else a Basic ID, heard
    `second` seconds after `START`."""
    when = (START + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    head = {"time": when, "transport": transport, "mac": mac, "frame": frame}
    if lat is not None:
        return {**head, "msg_type": "location", "version": 2, "lat": lat, "lon": lon,
                "alt_geo": alt, "alt_baro": None, "status": "airborne", **more}  # fmt: skip
    return {**head, "msg_type": "basic_id", "version": 2, "uas_id": uas_id,
            "id_type": "serial_number", "ua_type": "helicopter_or_multirotor", **more}  # fmt: skip
