"""Publish detections to an MQTT broker: one JSON object per message on `<topic>/<sensor>`.

`mqtt://host:port/base/topic` names the broker and the base topic (default
`dronevet/detections`); each detection goes at QoS 1 to `<base>/<sensor>`, the name a site
gives its receiver (`--sensor roof-north`), so that `dronevet airspace ingest` knows which
sensor heard it; without a name, to `<base>/<mac>`, the transmitter's address. A receiver
that knows where it stands (`--sensor-position`) sends that with each detection, as the
record's `sensor` object (`airspace.messages`). Ingest
workers subscribe to `<base>/+` (MQTT v5 shared subscriptions `$share/group/<base>/+`
spread the load).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from dronevet.airspace.messages import SensorPosition
from dronevet.errors import BadInputError

DEFAULT_TOPIC = "dronevet/detections"
DEFAULT_PORT = 1883
_SENSOR = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def sensor_name(name: str) -> str:
    """A receiver's name as the last level of a topic: letters, digits and `._:-`, at most
    64; BadInputError otherwise (MQTT gives `/`, `+` and `#` meanings of their own)."""
    if not _SENSOR.match(name):
        raise BadInputError(f"--sensor {name!r}: name the receiver with letters, digits and "
                            "._:- only (at most 64), for example roof-north")
    return name


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where to publish: host, port and base topic."""

    host: str
    port: int
    topic: str

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        """Read `mqtt://host[:port][/topic]`; BadInputError for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "mqtt" or not parts.hostname:
            raise BadInputError(
                f"--mqtt {url!r} is not an MQTT URL; write mqtt://host:port/topic, "
                "for example mqtt://127.0.0.1:1883/dronevet/detections"
            )
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise BadInputError(f"--mqtt {url!r} has an invalid port") from None
        return cls(parts.hostname, port, parts.path.strip("/") or DEFAULT_TOPIC)


class DetectionPublisher:
    """A connected MQTT client that publishes detection records; use as a context manager."""

    def __init__(self, address: BrokerAddress, *, client_id: str = "",
                 sensor: str | None = None, position: SensorPosition | None = None) -> None:
        self.address = address
        self.sensor = None if sensor is None else sensor_name(sensor)
        self._about = None if position is None else {"position": position.to_dict()}
        self.published = 0
        self._last: mqtt.MQTTMessageInfo | None = None
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id)
        try:
            self._client.connect(address.host, address.port)
        except OSError as error:
            raise BadInputError(
                f"cannot reach the MQTT broker at {address.host}:{address.port}: {error}"
            ) from None
        self._client.loop_start()

    def publish(self, record: dict[str, Any]) -> None:
        """Publish one detection record on `<base>/<sensor>` (`<base>/<mac>` unnamed), with
        the sensor's position when it has one."""
        level = self.sensor or str(record.get("mac") or "unknown")
        if self._about is not None:
            record = {**record, "sensor": self._about}
        payload = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        self._last = self._client.publish(f"{self.address.topic}/{level}", payload, qos=1)
        self.published += 1

    def close(self) -> None:
        """Wait until the broker acknowledged the last message, then disconnect."""
        if self._last is not None:
            self._last.wait_for_publish(timeout=10)
        self._client.disconnect()
        self._client.loop_stop()

    def __enter__(self) -> DetectionPublisher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
