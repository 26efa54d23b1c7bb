"""The demo site's air picture (`dronevet demo`), so that the Airspace page has something to show.

Made up, like the rest of the demo: the Bayshore County jail and its protected zone, two
sensors on it, and four minutes of three flights ending when the demo starts:

- a DJI Mavic 2 Enterprise Advanced heard only on DJI DroneID (no Remote ID), flying from
  outside into the zone, its pilot standing outside it: alerts for a covered maker's drone
  and an unknown drone in the zone, and for DroneID without Remote ID;
- one of the Sheriff's own aircraft on Remote ID, inside the area and window of a flight
  authorisation: ours and authorised, no alert;
- a Remote ID drone of a maker the knowledge base does not know, passing outside the zone.

The serial numbers are made up in their makers' formats (ANSI/CTA-2063-A). The detections go
in as a sensor's messages would (`messages.parse_message`), are stored once each, and are
evaluated for alerts as the ingest worker does. Each start adds the flights again, ending at
that start, so the live picture shows them for the next hour; the zone and the
authorisation are replaced by name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson

from dronevet.airspace.authorisations import authorisation
from dronevet.airspace.detection_store import SensorTally, count_sensors, store_batch
from dronevet.airspace.messages import SensorMessage, parse_message
from dronevet.airspace.picture import evaluate
from dronevet.airspace.site_store import save_authorisations, save_zones
from dronevet.airspace.zones import Zone
from dronevet.fleet.demo_data import SHERIFF
from dronevet.fleet.register import Register
from dronevet.knowledge.base import KnowledgeBase
from dronevet.store.db import transaction

ZONE = "Bayshore County Jail"
JAIL = {"type": "Polygon", "coordinates": [[[-82.4230, 27.9600], [-82.4170, 27.9600],
                                            [-82.4170, 27.9640], [-82.4230, 27.9640],
                                            [-82.4230, 27.9600]]]}  # fmt: skip
PATROL = {"type": "Polygon", "coordinates": [[[-82.4400, 27.9450], [-82.4250, 27.9450],
                                              [-82.4250, 27.9560], [-82.4400, 27.9560],
                                              [-82.4400, 27.9450]]]}  # fmt: skip
SENSORS = {"jail-roof": (27.9621, -82.4199, 24.0), "north-gate": (27.9643, -82.4212, 6.0)}
DJI_SERIAL = "1581F5BKD22C00D3E7"
DJI_M2EA = 69
"""The DroneID product type of the DJI Mavic 2 Enterprise Advanced (`products.yaml`)."""
STRANGER = "1999ZZ0PASSING01"
"""A serial whose maker code the knowledge base does not attribute."""
MINUTES = 4
AUTHORISATION = "DEMO-PATROL"


def _envelope(when: datetime, transport: str, mac: str, frame: int, sensor: str
              ) -> dict[str, Any]:
    lat, lon, alt = SENSORS[sensor]
    return {"time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "transport": transport,
            "mac": mac, "frame": frame,
            "sensor": {"position": {"lat": lat, "lon": lon, "alt": alt}}}  # fmt: skip


def _dji(when: datetime, share: float, frame: int) -> dict[str, Any]:
    """The Mavic's DroneID burst `share` of the way from the south-west into the zone."""
    lat, lon = 27.9560 + 0.0060 * share, -82.4290 + 0.0090 * share
    return {**_envelope(when, "ocusync", "ocusync", frame, "jail-roof"),
            "msg_type": "dji_flight_info", "serial": DJI_SERIAL, "product_type": DJI_M2EA,
            "lat": lat, "lon": lon, "alt": 60.0, "pilot_lat": 27.9552, "pilot_lon": -82.4301,
            "home_lat": 27.9553, "home_lon": -82.4300}  # fmt: skip


def _remote_id(when: datetime, serial: str, mac: str, point: tuple[float, float],
               frame: int, sensor: str) -> list[dict[str, Any]]:
    """A Basic ID and a Location message of a Remote ID drone."""
    head = _envelope(when, "wifi-beacon", mac, frame, sensor)
    return [{**head, "msg_type": "basic_id", "version": 2, "uas_id": serial,
             "id_type": "serial_number", "ua_type": "helicopter_or_multirotor"},
            {**head, "msg_type": "location", "version": 2, "lat": point[0], "lon": point[1],
             "alt_geo": 90.0, "alt_baro": None, "status": "airborne"}]  # fmt: skip


def flights(ours: str, end: datetime) -> list[SensorMessage]:
    """The three flights' detections over the `MINUTES` before `end`, as sensors publish
    them; `ours` is the serial of the Sheriff's aircraft flying the authorised patrol."""
    records: list[tuple[str, dict[str, Any]]] = []
    steps = MINUTES * 30
    for step in range(steps):
        when, share = end - timedelta(seconds=2 * (steps - step)), step / (steps - 1)
        records.append(("jail-roof", _dji(when, share, step)))
        patrol = (27.9470 + 0.0070 * share, -82.4380 + 0.0100 * share)
        records += [("north-gate", r) for r in _remote_id(
            when, ours, "60:60:1f:aa:00:01", patrol, step, "north-gate")]
        passing = (27.9700 - 0.0020 * share, -82.4500 + 0.0150 * share)
        records += [("north-gate", r) for r in _remote_id(
            when, STRANGER, "5c:e0:c5:bb:00:02", passing, step, "north-gate")]
    return [parse_message(f"demo/detections/{sensor}", orjson.dumps(record))
            for sensor, record in records]


def patrol_aircraft(register: Register) -> str:
    """The serial of the demo Sheriff's first Skydio: the aircraft on the authorised patrol."""
    return next(a.serial for a in register.aircraft(SHERIFF)
                if (a.product_id or "").startswith("skydio"))


def add_air_picture(register: Register, kb: KnowledgeBase, now: datetime) -> int:
    """Store the demo site's zone, the patrol's authorisation and the three flights ending
    at `now`, and raise their alerts; how many detections were stored."""
    ours = patrol_aircraft(register)
    messages = flights(ours, now)
    patrol = authorisation({"reference": AUTHORISATION, "serial": ours, "pilot": "Deputy Ruiz",
                            "start": (now - timedelta(hours=1)).isoformat(),
                            "end": (now + timedelta(hours=2)).isoformat()}, PATROL)
    with transaction(register.sessions) as session:
        save_zones(session, [Zone.of(ZONE, JAIL, None, 120.0)])
        save_authorisations(session, [patrol])
        stored = store_batch(session, messages, now)
        tally = SensorTally()
        tally.add(messages, {})
        count_sensors(session, tally, now)
    with transaction(register.sessions) as session:
        evaluate(session, kb, now, received_since=now - timedelta(minutes=1))
    return stored
