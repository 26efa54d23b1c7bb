"""The ingest path: messages from sensors parsed, stored once each, then acknowledged.

`Ingest.accept` is the one path every message takes, from the broker or from a file: it
parses each message (`messages.parse_message`), counts and logs a malformed one with its
topic and goes on, stores the batch in one transaction (`detection_store.store_batch`),
retrying while the database is unreachable, and only then returns (the sensors' counts
follow, a second's worth at a time, in a short transaction of their own). Every few
seconds, on a thread of its own, it evaluates the alert rules over the tracks of recently
received detections and hands the new alerts to the sinks.

`MqttWorker` feeds it from an MQTT v5 broker: a shared subscription
`$share/<group>/<prefix>/detections/+` at QoS 1 spreads the sensors' messages over every
worker of the group, and a persistent session (clean start off, an hour's expiry) keeps the
unacknowledged ones across a broker restart. Acknowledgements are manual and sent only after
the batch is committed, so a detection the broker counts as delivered is in the store; one
delivered again (a worker or broker restart) has the same key and is stored once. A message
received on an earlier connection is never acknowledged on a later one (its packet id may
name another message by then): the broker sends it again, and that copy is acknowledged.

A limit of the broker, not of the worker: Mosquitto 2.0.11 does not restore shared
subscriptions from its persistence file after a restart (it restores the sessions and their
unacknowledged messages), so what sensors publish between the broker's restart and the
workers' new subscription (on reconnecting, within seconds) has no subscriber and is dropped.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from sqlalchemy.orm import Session, sessionmaker

from dronevet.airspace.delivery import Deliveries
from dronevet.airspace.detection_store import SensorTally, count_sensors, store_batch
from dronevet.airspace.messages import MalformedMessage, SensorMessage, parse_message, sensor_of
from dronevet.airspace.picture import evaluate
from dronevet.errors import BadInputError, DronevetError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.store.db import transaction
from dronevet.store.models import now

log = logging.getLogger("dronevet.airspace.ingest")
T = TypeVar("T")

EVALUATE_EVERY = 2.0
"""Seconds between two evaluations of the alert rules."""
EVALUATE_WINDOW = timedelta(seconds=15)
"""The detections an evaluation reads: those received this recently. Remote ID sends its
Basic ID and Location at least once a second, so the window holds each live drone's
identity and protocols, while an evaluation reads seconds of traffic, not minutes (a
drone's earlier positions were judged by the evaluations before)."""
SESSION_EXPIRY = 3600
"""Seconds the broker keeps a disconnected worker's session and its unacknowledged messages."""
SENSOR_TALLY_EVERY = 1.0
"""Seconds between two writes of the sensors' counts and last-heard times."""
BATCH = 500
"""The most messages stored in one transaction."""


@dataclass
class IngestCounts:
    """What a worker has done so far."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    malformed: int = 0
    alerts: int = 0
    database_retries: int = 0
    malformed_topics: Counter[str] = field(default_factory=Counter)
    """Malformed messages per topic."""


class Ingest:
    """Stores messages and raises alerts (see the module docstring)."""

    def __init__(
        self, sessions: sessionmaker[Session], kb: KnowledgeBase,
        deliveries: Deliveries | None = None, *, evaluate_every: float = EVALUATE_EVERY,
        stopping: Callable[[], bool] = lambda: False,
        on_stored: Callable[[Sequence[SensorMessage]], None] | None = None,
    ) -> None:  # fmt: skip
        self.sessions, self.kb, self.deliveries = sessions, kb, deliveries
        self.on_stored = on_stored
        """Told each batch once it is committed (CoT to TAK: `tak.TakFeed.stored`)."""
        self.evaluate_every = evaluate_every
        self.stopping = stopping
        self.counts = IngestCounts()
        self._days: set[date] = set()
        """Days whose partition this worker has seen committed."""
        self._tally = SensorTally()
        self._tallied = time.monotonic()

    def parse(self, topic: str, payload: bytes) -> SensorMessage | None:
        """The detection of one message, or None (counted and logged) when malformed."""
        self.counts.received += 1
        try:
            return parse_message(topic, payload)
        except MalformedMessage as error:
            self.counts.malformed += 1
            self.counts.malformed_topics[topic] += 1
            log.warning("malformed message skipped: %s", error)
            return None

    def accept(self, messages: Iterable[tuple[str, bytes]]) -> bool:
        """Parse and store one batch; True once it is committed, False if stopped first."""
        parsed, malformed = [], Counter[str]()
        for topic, payload in messages:
            found = self.parse(topic, payload)
            if found is None:
                malformed[sensor_of(topic) or "unknown"] += 1
            else:
                parsed.append(found)
        at = now()
        added = self._retried(lambda session: store_batch(session, parsed, at, self._days))
        if added is None:
            return False
        self._days |= {message.heard_at.date() for message in parsed}
        self.counts.stored += added
        self.counts.duplicates += len(parsed) - added
        self._tally.add(parsed, malformed)
        if self.on_stored is not None and parsed:
            self.on_stored(parsed)
        if time.monotonic() - self._tallied >= SENSOR_TALLY_EVERY:
            self.write_tally()
        return True

    def write_tally(self) -> None:
        """Write what the sensors reported since the last time to their rows."""
        tally, self._tally, self._tallied = self._tally, SensorTally(), time.monotonic()
        if tally:
            self._retried(lambda session: count_sensors(session, tally, now()))

    def _retried(self, work: Callable[[Session], T]) -> T | None:
        """`work` in a transaction, tried again while the database fails; its result once
        committed, None if stopped first."""
        wait = 0.1
        while True:
            try:
                with transaction(self.sessions) as session:
                    result = work(session)
                return result
            except DronevetError as error:
                self.counts.database_retries += 1
                self._days.clear()  # a partition may have gone (retention) meanwhile
                log.warning("the store failed (%s); trying again", error)
            if self.stopping():
                return None
            time.sleep(wait)
            wait = min(wait * 2, 2.0)

    def evaluate(self) -> None:
        """Raise the alerts of the recently received detections and hand them to the sinks."""
        at = now()
        try:
            with transaction(self.sessions) as session:
                raised = evaluate(session, self.kb, at, received_since=at - EVALUATE_WINDOW)
        except DronevetError as error:
            log.warning("alerts not evaluated this time (%s)", error)
            return
        self.counts.alerts += len(raised)
        for alert in raised:
            log.warning("alert %d (%s): %s", alert.id, alert.alert.rule, alert.alert.message)
        if self.deliveries is not None:
            self.deliveries.send(raised)

    def evaluate_until(self, stop: threading.Event) -> None:
        """Evaluate every `evaluate_every` seconds until `stop` is set, then once more (run
        on a thread of its own, so evaluations never hold up storing)."""
        while not stop.wait(self.evaluate_every):
            self.evaluate()
        self.evaluate()


@dataclass(frozen=True, slots=True)
class _Received:
    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes


class MqttWorker:
    """Feeds `Ingest` from an MQTT v5 broker's shared subscription (module docstring)."""

    def __init__(
        self, ingest: Ingest, host: str, port: int, prefix: str, *, group: str = "dronevet",
        client_id: str = "", batch: int = BATCH,
    ) -> None:  # fmt: skip
        self.ingest, self.prefix, self.batch = ingest, prefix, batch
        self.subscription = f"$share/{group}/{prefix}/detections/+"
        self._queue: queue.Queue[_Received] = queue.Queue()
        self._generation = 0
        self._connected = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5, manual_ack=True)  # fmt: skip
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda *_args: self._connected.set()
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = SESSION_EXPIRY
        try:
            self.client.connect(host, port, keepalive=30, clean_start=False,
                                properties=properties)  # fmt: skip
        except OSError as error:
            raise BadInputError(f"cannot reach the MQTT broker at {host}:{port}: {error}") from None
        self.client.loop_start()  # messages wait in the queue until `run` takes them

    def _on_connect(self, client: mqtt.Client, _userdata: object, _flags: object,
                    reason: ReasonCode, _properties: object) -> None:  # fmt: skip
        if reason.is_failure:
            log.warning("the MQTT broker refused the connection: %s", reason)
            return
        self._generation += 1
        client.subscribe(self.subscription, qos=1)

    def _on_disconnect(self, _client: mqtt.Client, _userdata: object, _flags: object,
                       reason: ReasonCode, _properties: object) -> None:  # fmt: skip
        self._connected.clear()
        log.warning("disconnected from the MQTT broker (%s); reconnecting", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: object,
                    message: mqtt.MQTTMessage) -> None:  # fmt: skip
        self._queue.put(_Received(self._generation, message.mid, message.qos, message.topic,
                                  bytes(message.payload)))  # fmt: skip

    def _take(self, wait: float) -> list[_Received]:
        try:
            first = self._queue.get(timeout=wait)
        except queue.Empty:
            return []
        taken = [first]
        while len(taken) < self.batch:
            try:
                taken.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return taken

    def run(self, *, once_idle: float | None = None, stop: threading.Event | None = None) -> None:
        """Ingest until `stop` is set (or Ctrl-C), or, with `once_idle`, until no message has
        come for that many seconds while connected and subscribed."""
        stop = stop or threading.Event()
        self.ingest.stopping = stop.is_set
        evaluations_end = threading.Event()
        evaluations = threading.Thread(
            target=self.ingest.evaluate_until, args=(evaluations_end,), name="alert-evaluation"
        )
        evaluations.start()
        last = time.monotonic()
        try:
            while not stop.is_set():
                taken = self._take(0.2)
                if not self._connected.is_set():
                    last = time.monotonic()  # silence while disconnected is not idleness
                if not taken:
                    if once_idle is not None and time.monotonic() - last >= once_idle:
                        break
                    continue
                last = time.monotonic()
                if not self.ingest.accept((item.topic, item.payload) for item in taken):
                    break
                for item in taken:
                    if item.qos > 0 and item.generation == self._generation:
                        self.client.ack(item.mid, item.qos)
        finally:
            self.ingest.write_tally()
            evaluations_end.set()
            evaluations.join()

    def close(self) -> None:
        """Disconnect from the broker (after the last alerts are delivered)."""
        self.client.disconnect()
        self.client.loop_stop()

    def wait_connected(self, timeout: float) -> bool:
        """Whether the worker is connected and subscribed within `timeout` seconds."""
        return self._connected.wait(timeout)
