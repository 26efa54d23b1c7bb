"""What a sensor's message says: one detection (the `rid decode` JSON contract), checked.

Sensors publish to `<prefix>/detections/<sensor_id>`; the last level of the topic names the
sensor. The payload is one detection record: `time` (ISO 8601 UTC, or null when the capture
had none), `transport`, `mac`, `frame`, `msg_type`, then the message's fields. Anything else
is malformed and refused with a reason that names the topic; nothing in a payload can make
the parser raise anything but `MalformedMessage`.

A detection's key is the SHA-256 of the sensor and the record in canonical form, so the same
message delivered twice (QoS 1 redelivery, a replayed file) has one key, and the store keeps
it once; two sensors hearing the same broadcast give two detections.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from dronevet.broadcast.detection import Detection
from dronevet.broadcast.dji.ocusync.drones import OCUSYNC
from dronevet.broadcast.payload import ASTM, DJI, DJI_WIFI, FRANCE
from dronevet.errors import BadInputError

MAX_PAYLOAD = 64 * 1024
"""The longest payload read: a detection record is well under a kilobyte."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""When a detection without a capture time is filed as heard."""
DJI_TRANSPORTS = frozenset({OCUSYNC, DJI_WIFI})
"""Transports that carry DJI DroneID rather than Remote ID."""
_REQUIRED = (("transport", str), ("mac", str), ("frame", int), ("msg_type", str))
_ENVELOPE = ("time", "transport", "mac", "frame")


class MalformedMessage(BadInputError):
    """A message that is not a detection record; its text names the topic and the reason."""


@dataclass(frozen=True, slots=True)
class SensorMessage:
    """One detection as a sensor reported it, with its key and when it was heard."""

    sensor_id: str
    key: str
    heard_at: datetime
    record: Mapping[str, Any]
    detection: Detection


def sensor_of(topic: str) -> str:
    """The sensor a topic names: its last level."""
    return topic.rsplit("/", 1)[-1]


def protocol_of(record: Mapping[str, Any]) -> str:
    """The broadcast protocol a record comes from: DJI DroneID, the French beacon or ASTM."""
    if record.get("transport") in DJI_TRANSPORTS:
        return DJI
    return FRANCE if record.get("msg_type") == "fr_beacon" else ASTM


def parse_time(text: Any) -> datetime | None:
    """A record's `time` as an aware UTC datetime; None for null; ValueError otherwise."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("time is not a string")
    found = datetime.fromisoformat(text)
    if found.tzinfo is None:
        raise ValueError("time has no time zone")
    return found.astimezone(UTC)


def detection_of(record: Mapping[str, Any]) -> Detection:
    """The typed detection a record describes (as the decoders built it)."""
    heard = parse_time(record.get("time"))
    time_ns = None
    if heard is not None:
        time_ns = int(heard.timestamp()) * 1_000_000_000 + heard.microsecond * 1000
    fields = {name: value for name, value in record.items() if name not in _ENVELOPE}
    return Detection.of(time_ns, protocol_of(record), record["transport"], record["mac"],
                        record["frame"], fields)  # fmt: skip


def detection_key(sensor_id: str, record: Mapping[str, Any]) -> str:
    """The detection's idempotency key (see the module docstring)."""
    canonical = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(sensor_id.encode() + b"\n" + canonical).hexdigest()


def _checked(topic: str, payload: bytes) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD:
        raise MalformedMessage(f"topic {topic}: the payload is {len(payload)} bytes, over "
                               f"the {MAX_PAYLOAD} a detection may take")  # fmt: skip
    try:
        record = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise MalformedMessage(f"topic {topic}: the payload is not JSON ({error})") from None
    if not isinstance(record, dict):
        raise MalformedMessage(f"topic {topic}: the payload is not a JSON object")
    for name, kind in _REQUIRED:
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise MalformedMessage(
                f"topic {topic}: the detection has no {name} ({kind.__name__}) field"
            )
    for name in ("lat", "lon", "operator_lat", "operator_lon", "pilot_lat", "pilot_lon"):
        value = record.get(name)
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise MalformedMessage(f"topic {topic}: the detection's {name} is not a number")
    return record


def parse_message(topic: str, payload: bytes) -> SensorMessage:
    """The detection a message on `topic` carries; MalformedMessage naming the topic if none."""
    sensor = sensor_of(topic)
    if not sensor:
        raise MalformedMessage(f"topic {topic!r} does not end with a sensor id")
    record = _checked(topic, payload)
    try:
        heard = parse_time(record.get("time"))
        detection = detection_of(record)
    except (ValueError, OverflowError, OSError) as error:
        raise MalformedMessage(f"topic {topic}: the detection's time is not ISO 8601 UTC "
                               f"({error})") from None  # fmt: skip
    return SensorMessage(sensor, detection_key(sensor, record), heard or EPOCH, record,
                         detection)  # fmt: skip
