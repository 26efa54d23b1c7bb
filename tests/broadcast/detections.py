"""Detections for tracker tests, written as the records a reader of `rid decode` sees.

A test states what a drone sent as a contract record (`time` as ISO 8601 text or a
datetime, `transport`, `mac`, `frame`, then the message's fields); `detected` makes the
`Detection` a decoding path would have produced for it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dronevet.broadcast.detection import Detection
from dronevet.broadcast.payload import ASTM, DJI, DJI_WIFI, FRANCE

HEAD = ("time", "transport", "mac", "frame")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ns(time: str | datetime) -> int:
    when = datetime.fromisoformat(time) if isinstance(time, str) else time
    return (when - EPOCH) // timedelta(microseconds=1) * 1000


def detected(record: dict[str, Any]) -> Detection:
    """The detection of one contract record."""
    transport = record.get("transport", "wifi-beacon")
    protocol = (DJI if transport == DJI_WIFI
                else FRANCE if record.get("msg_type") == "fr_beacon" else ASTM)  # fmt: skip
    fields = {key: value for key, value in record.items() if key not in HEAD}
    return Detection.of(_ns(record["time"]), protocol, transport, record.get("mac", ""),
                        record.get("frame", 0), fields)  # fmt: skip
