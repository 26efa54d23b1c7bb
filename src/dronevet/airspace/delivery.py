"""Delivering alerts: to webhooks (signed, retried) and to MQTT `<prefix>/alerts/<zone>`.

A webhook receives each alert as a JSON POST (the alert's `to_dict()`), signed with
HMAC-SHA256 over the body under the site's shared secret: the header
`X-Dronevet-Signature: sha256=<hex>` lets the receiver check that the alert came from this
site unaltered. A delivery that fails (no connection, a timeout, a 5xx or 429 answer) is
retried with a doubling wait; one that still fails is logged, never fatal. An alert outside
any zone goes to `<prefix>/alerts/none`.

`Deliveries` runs the sinks on a thread of its own, so a slow webhook never holds up ingest.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Protocol

import orjson
import paho.mqtt.client as mqtt

from dronevet.airspace.alert_store import StoredAlert
from dronevet.errors import BadInputError

SIGNATURE_HEADER = "X-Dronevet-Signature"
NO_ZONE = "none"
log = logging.getLogger("dronevet.airspace.delivery")


class AlertSink(Protocol):
    """Somewhere alerts go."""

    def deliver(self, alert: StoredAlert) -> None: ...


def alert_body(alert: StoredAlert) -> bytes:
    """The JSON every sink sends for an alert."""
    return orjson.dumps(alert.to_dict())


def signature(secret: bytes, body: bytes) -> str:
    """The signature header's value for `body`: `sha256=` and the HMAC-SHA256 in hex."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def topic_level(name: str | None) -> str:
    """A zone's name as one MQTT topic level (`/`, `+`, `#` replaced by `_`)."""
    if not name:
        return NO_ZONE
    return "".join("_" if char in "/+#\0" else char for char in name)


class WebhookSink:
    """POST each alert to a URL, signed; retried `attempts` times, waits doubling from `wait`."""

    def __init__(self, url: str, secret: bytes, *, attempts: int = 5, wait: float = 0.5,
                 timeout: float = 10.0) -> None:  # fmt: skip
        if urllib.parse.urlsplit(url).scheme not in ("http", "https") or not secret:
            raise BadInputError(f"webhook {url!r}: give an http:// or https:// URL and a "
                                "secret to sign the alerts with")  # fmt: skip
        self.url, self.secret = url, secret
        self.attempts, self.wait, self.timeout = attempts, wait, timeout
        self.delivered = self.failed = 0

    def _post(self, body: bytes) -> None:
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: signature(self.secret, body),
        })  # fmt: skip
        with urllib.request.urlopen(request, timeout=self.timeout):
            pass

    def deliver(self, alert: StoredAlert) -> None:
        body, wait = alert_body(alert), self.wait
        for attempt in range(1, self.attempts + 1):
            try:
                self._post(body)
            except urllib.error.HTTPError as error:
                reason = f"it answered {error.code}"
                if error.code < 500 and error.code != 429:
                    self.failed += 1
                    log.warning("webhook %s refused alert %s: %s", self.url, alert.id, reason)
                    return
            except (urllib.error.URLError, OSError) as error:
                reason = str(getattr(error, "reason", error))
            else:
                self.delivered += 1
                return
            if attempt < self.attempts:
                time.sleep(wait)
                wait *= 2
        self.failed += 1
        log.warning("webhook %s: alert %s not delivered after %d attempts (%s)",
                    self.url, alert.id, self.attempts, reason)  # fmt: skip


class MqttAlertSink:
    """Publish each alert at QoS 1 on `<prefix>/alerts/<zone>` with a connected client."""

    def __init__(self, client: mqtt.Client, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def deliver(self, alert: StoredAlert) -> None:
        topic = f"{self.prefix}/alerts/{topic_level(alert.alert.zone)}"
        self.client.publish(topic, alert_body(alert), qos=1).wait_for_publish(timeout=10)


class Deliveries:
    """Hands alerts to the sinks on a thread of its own; `close` waits for the queue."""

    def __init__(self, sinks: Sequence[AlertSink]) -> None:
        self.sinks = tuple(sinks)
        self._queue: queue.Queue[StoredAlert | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="alert-delivery", daemon=True)
        self._thread.start()

    def send(self, alerts: Sequence[StoredAlert]) -> None:
        for alert in alerts:
            self._queue.put(alert)

    def _run(self) -> None:
        while (alert := self._queue.get()) is not None:
            for sink in self.sinks:
                try:
                    sink.deliver(alert)
                except Exception:  # a sink's failure must not end the others' deliveries
                    log.exception("alert %s: a sink failed", alert.id)

    def close(self) -> None:
        """Deliver what is queued, then stop the thread (again: nothing)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
