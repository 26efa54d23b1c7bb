"""What a sensor's message says: one detection (the `rid decode` JSON contract), checked.

Sensors publish to `<prefix>/detections/<sensor_id>`; the last level of the topic names the
sensor. The payload is one detection record: `time` (ISO 8601 UTC, or null when the capture
had none), `transport`, `mac`, `frame`, `msg_type`, then the message's fields; and, from a
sensor that knows where it stands (`--sensor-position`), `sensor`: `{"position": {"lat",
"lon", "alt"}}` (WGS-84 degrees, metres or null), which is about the receiver, not the
drone. Anything else is malformed and refused with a reason that names the topic; nothing in
a payload can make the parser raise anything but `MalformedMessage`.

A detection's key is the SHA-256 of the sensor and the record in canonical form, so the same
message delivered twice (QoS 1 redelivery, a replayed file) has one key, and the store keeps
it once; two sensors hearing the same broadcast give two detections.
"""

from __future__ import annotations

import hashlib
import math
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
_ENVELOPE = ("time", "transport", "mac", "frame", "sensor")


def _within(name: str, value: object, high: float, low: float | None = None) -> float:
    """`value` as a float from `low` (default: -`high`) to `high`; ValueError otherwise."""
    low = -high if low is None else low
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"the {name} {value!r} is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"the {name} {value:g} is not between {low:g} and {high:g}")
    return float(value)


@dataclass(frozen=True, slots=True)
class SensorPosition:
    """Where a receiver stands: WGS-84 latitude and longitude (degrees), altitude (metres)."""

    lat: float
    lon: float
    alt: float | None = None

    @classmethod
    def checked(cls, lat: object, lon: object, alt: object = None) -> SensorPosition:
        """The position of these values; ValueError saying which is wrong otherwise."""
        return cls(_within("latitude", lat, 90), _within("longitude", lon, 180),
                   None if alt is None else _within("altitude", alt, 100_000, -1000))  # fmt: skip

    @classmethod
    def parse(cls, text: str) -> SensorPosition:
        """`LAT,LON` or `LAT,LON,ALT` (degrees, metres); ValueError saying what is wrong."""
        parts = [part.strip() for part in text.split(",")]
        if len(parts) not in (2, 3):
            raise ValueError("write LAT,LON or LAT,LON,ALT, for example 52.0907,5.1214,12")
        numbers: list[float] = []
        for name, part in zip(("latitude", "longitude", "altitude"), parts, strict=False):
            try:
                numbers.append(float(part))
            except ValueError:
                raise ValueError(f"the {name} {part!r} is not a number") from None
        return cls.checked(*numbers)

    def to_dict(self) -> dict[str, float | None]:
        return {"lat": self.lat, "lon": self.lon, "alt": self.alt}


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
    position: SensorPosition | None = None
    """Where the sensor said it stands (its `sensor` object), if it said."""


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


def _position(topic: str, record: Mapping[str, Any]) -> SensorPosition | None:
    """The sensor's position a record carries, None when it carries none."""
    if "sensor" not in record:
        return None
    about = record["sensor"]
    if not isinstance(about, dict) or not isinstance(about.get("position", {}), dict):
        raise MalformedMessage(f"topic {topic}: the sensor object is not "
                               '{"position": {"lat", "lon", "alt"}}')  # fmt: skip
    where = about.get("position")
    if where is None:
        return None
    try:
        return SensorPosition.checked(where.get("lat"), where.get("lon"), where.get("alt"))
    except ValueError as error:
        raise MalformedMessage(f"topic {topic}: the sensor's position: {error}") from None


def parse_message(topic: str, payload: bytes) -> SensorMessage:
    """The detection a message on `topic` carries; MalformedMessage naming the topic if none."""
    sensor = sensor_of(topic)
    if not sensor:
        raise MalformedMessage(f"topic {topic!r} does not end with a sensor id")
    record = _checked(topic, payload)
    position = _position(topic, record)
    try:
        heard = parse_time(record.get("time"))
        detection = detection_of(record)
    except (ValueError, OverflowError, OSError) as error:
        raise MalformedMessage(f"topic {topic}: the detection's time is not ISO 8601 UTC "
                               f"({error})") from None  # fmt: skip
    return SensorMessage(sensor, detection_key(sensor, record), heard or EPOCH, record,
                         detection, position)  # fmt: skip
