"""Every detection the broker acknowledged to a sensor is stored exactly once, while the
broker and the database are restarted under a sustained publish; a malformed message is
counted and logged with its topic and never stops a worker.

The servers are the tests' own (see conftest.py): a persistent Mosquitto and a PostgreSQL
instance on free ports, stopped and started again while two workers share the load.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import orjson
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from airspace.records import record
from airspace.servers import Mosquitto, Postgres
from dronevet.airspace.ingest import Ingest, MqttWorker
from dronevet.knowledge.base import KnowledgeBase
from dronevet.store import migrations
from dronevet.store.airspace_rows import DetectionRow, SensorRow
from dronevet.store.db import connect, session_factory, transaction

PREFIX = "site"
SENSORS = 5


class Publisher:
    """A sensor network at QoS 1 on a persistent session. A message the client cannot send
    (the broker is down) is sent again, as a sensor would: the broker may then hold two
    copies. `acknowledged` is the set of detections the broker acknowledged.

    It reconnects 3 s after losing the broker, after the workers (1 s): Mosquitto 2.0.11
    does not restore shared subscriptions from its persistence file (plain ones it does), so
    what sensors publish after a restart and before a worker subscribes again has no
    subscriber, and the broker acknowledges and drops it. No worker can store that; the
    test covers everything else.
    """

    def __init__(self, port: int) -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="test-sensors",
                                  protocol=mqtt.MQTTv5)  # fmt: skip
        self.client.reconnect_delay_set(min_delay=3, max_delay=3)
        self.client.on_publish = lambda _c, _u, mid, _r, _p: self._acked.append(mid)
        self._acked: list[int] = []
        self._numbers: dict[int, int] = {}
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        self.client.connect("127.0.0.1", port, clean_start=False, properties=properties)
        self.client.loop_start()

    @property
    def acknowledged(self) -> set[int]:
        return {self._numbers[mid] for mid in list(self._acked) if mid in self._numbers}

    def publish(self, number: int) -> None:
        payload = orjson.dumps(record("SENSORTEST01", number / 100, lat=52.0 + number * 1e-6,
                                      lon=4.0, frame=number))  # fmt: skip
        topic = f"{PREFIX}/detections/sensor-{number % SENSORS}"
        while (info := self.client.publish(topic, payload, qos=1)).rc != mqtt.MQTT_ERR_SUCCESS:
            time.sleep(0.1)
        self._numbers[info.mid] = number

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _workers(
    sessions: sessionmaker[Session], kb: KnowledgeBase, port: int, count: int
) -> Iterator[tuple[Ingest, MqttWorker, threading.Thread, threading.Event]]:
    for number in range(count):
        ingest = Ingest(sessions, kb, evaluate_every=3600)
        worker = MqttWorker(ingest, "127.0.0.1", port, PREFIX, group="test",
                            client_id=f"test-worker-{number}", batch=50)  # fmt: skip
        assert worker.wait_connected(10)
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, kwargs={"stop": stop}, daemon=True)
        thread.start()
        yield ingest, worker, thread, stop


def _stored(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(DetectionRow)) or 0)


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_acknowledged_detections_are_stored_once_across_broker_and_database_restarts(
    mosquitto: Mosquitto, own_postgres: Postgres, kb: KnowledgeBase
) -> None:
    migrations.upgrade(own_postgres.url)
    engine = connect(own_postgres.url)
    sessions = session_factory(engine)
    workers = list(_workers(sessions, kb, mosquitto.port, 2))
    publisher = Publisher(mosquitto.port)
    total = 2400

    def sensors() -> None:  # about 300 a second for 8 s
        for number in range(total):
            publisher.publish(number)
            time.sleep(1 / 300)

    sending = threading.Thread(target=sensors)
    try:
        sending.start()
        time.sleep(2)
        mosquitto.stop()
        time.sleep(0.5)
        mosquitto.start()
        time.sleep(2)
        own_postgres.stop()  # the workers go on receiving, and cannot store
        time.sleep(1.5)
        own_postgres.start()
        sending.join()
        assert _wait(lambda: len(publisher.acknowledged) == total, 60), (
            f"the broker acknowledged {len(publisher.acknowledged)} of {total}"
        )
        assert _wait(lambda: _stored(sessions) >= total, 60), f"{_stored(sessions)} stored"
        time.sleep(1)  # anything delivered twice has had time to arrive again
    finally:
        publisher.close()
        for _ingest, worker, thread, stop in workers:
            stop.set()
            thread.join(15)
            worker.close()
    with transaction(sessions) as session:
        frames = session.scalars(select(DetectionRow.record["frame"].as_integer())).all()
        heard = session.scalar(select(func.sum(SensorRow.messages)))
    assert len(frames) == total and sorted(frames) == list(range(total))
    assert heard is not None and heard >= total
    shares = [ingest.counts.stored for ingest, *_rest in workers]
    assert sum(shares) == total and all(shares), shares  # both workers took a share
    assert sum(ingest.counts.database_retries for ingest, *_rest in workers) > 0
    engine.dispose()


def test_a_malformed_message_is_counted_and_logged_with_its_topic_and_ingest_goes_on(
    mosquitto: Mosquitto, sessions: sessionmaker[Session], kb: KnowledgeBase,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    ingest = Ingest(sessions, kb, evaluate_every=3600)
    worker = MqttWorker(ingest, "127.0.0.1", mosquitto.port, PREFIX, client_id="test-bad")
    assert worker.wait_connected(10)
    sender = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    sender.connect("127.0.0.1", mosquitto.port)
    sender.loop_start()
    bad = [b"not json", b"[1, 2]", b'{"time": "yesterday", "transport": "x", "mac": "m", '
           b'"frame": 1, "msg_type": "location"}', orjson.dumps({"mac": "aa"})]  # fmt: skip
    for payload in [*bad, orjson.dumps(record("GOOD1", 1, lat=52.0, lon=4.0))]:
        sender.publish(f"{PREFIX}/detections/roof-north", payload, qos=1).wait_for_publish(5)
    sender.disconnect()
    sender.loop_stop()
    with caplog.at_level(logging.WARNING, logger="dronevet.airspace.ingest"):
        worker.run(once_idle=1.5)
    worker.close()
    assert ingest.counts.malformed == len(bad) and ingest.counts.stored == 1
    logged = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert len(logged) == len(bad)
    assert all("site/detections/roof-north" in line for line in logged)
    with transaction(sessions) as session:
        sensor = session.get_one(SensorRow, "roof-north")
        assert (sensor.messages, sensor.malformed) == (1, len(bad))
