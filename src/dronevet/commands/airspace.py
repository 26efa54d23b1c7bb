"""`dronevet airspace`: live drones and pilots from a sensor network, joined with the fleet,
flight authorisations and protected zones.

`ingest` runs a worker that stores the detections sensors publish over MQTT (or a file's,
with --replay) and raises alerts; `tracks` shows the drones the store holds (both send them
to TAK with --cot); `prune` forgets
old days of detections; `zones import`
and `authorisations import` load what the site knows; `alerts list|ack` shows and
acknowledges the alerts; `sensors` lists the receivers and whether they have gone quiet.
The store is the one `--database` names (default: the settings' `DRONEVET_DATABASE_URL`, else
the SQLite file in `DRONEVET_HOME`).
"""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from dronevet.commands.common import (
    FORMAT_HELP,
    TextOrJson,
    dump_json,
    existing_file,
    finite,
    guarded,
    parse_date,
    say,
)
from dronevet.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from sqlalchemy.orm import Session, sessionmaker

    from dronevet.knowledge.base import KnowledgeBase
    from dronevet.sinks.cot import CotAddress

app = typer.Typer(
    help="Airspace awareness: drones and pilots heard by a sensor network, whether they are "
    "ours or authorised, and alerts.",
    no_args_is_help=True,
)
zones_app = typer.Typer(help="Protected zones (GeoJSON polygons with altitude bands).",
                        no_args_is_help=True)  # fmt: skip
authorisations_app = typer.Typer(help="Flight authorisations (CSV or GeoJSON).",
                                 no_args_is_help=True)  # fmt: skip
alerts_app = typer.Typer(help="Alerts raised from the tracks.", no_args_is_help=True)
app.add_typer(zones_app, name="zones")
app.add_typer(authorisations_app, name="authorisations")
app.add_typer(alerts_app, name="alerts")

Database = Annotated[
    str | None,
    typer.Option("--database", help="the store's URL, e.g. postgresql://user@host/dronevet "
                 "(default: DRONEVET_DATABASE_URL, else the SQLite file in DRONEVET_HOME)"),
]  # fmt: skip
Format = Annotated[TextOrJson, typer.Option("--format", "-f", help=FORMAT_HELP)]
Cot = Annotated[
    str | None,
    typer.Option("--cot", help="send the drones and their pilots to TAK as Cursor on Target, "
                 "to udp://host:port (TAK's multicast group: udp://239.2.3.1:6969)"),
]  # fmt: skip
STANDING = {True: "authorised", False: "OUTSIDE its authorisation", None: "not authorised"}
"""A drone that is not ours, by whether an authorisation covers it (none names it: None)."""


def _sessions(database: str | None) -> sessionmaker[Session]:
    """Sessions on the store, its schema brought up to date first."""
    from dronevet.settings import Settings
    from dronevet.store import db, schema

    url = database or Settings.from_env().database_url
    with db.reported(url):
        engine = db.connect(url)
        if schema.stored_revision(engine) != schema.HEAD:
            from dronevet.store import migrations

            migrations.upgrade(url)
    return db.session_factory(engine)


def _actor() -> str:
    from dronevet.commands.fleet import actor

    return actor()


@app.command()
@guarded
def ingest(
    mqtt: Annotated[
        str | None,
        typer.Option("--mqtt", help="the broker and topic prefix, mqtt://HOST:PORT/PREFIX; "
                     "sensors publish to PREFIX/detections/SENSOR_ID"),
    ] = None,
    database: Database = None,
    once_idle: Annotated[
        float | None,
        typer.Option("--once-idle", help="stop after this many seconds without a message"),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option("--replay", help="ingest a capture (pcap, pcapng) or detection JSON lines "
                     "instead of listening"),
    ] = None,
    sensor: Annotated[
        str, typer.Option("--sensor", help="the sensor id a --replay file is filed under")
    ] = "replay",
    group: Annotated[
        str, typer.Option("--group", help="the shared subscription's group: workers of one "
                          "group share the messages")
    ] = "dronevet",
    client_id: Annotated[
        str | None,
        typer.Option("--client-id", help="the worker's MQTT client id; keep it across restarts "
                     "to take up the messages left unacknowledged"),
    ] = None,
    webhook: Annotated[
        list[str] | None,
        typer.Option("--webhook", help="POST each alert to this URL, signed with HMAC-SHA256 "
                     "under DRONEVET_WEBHOOK_SECRET (repeatable)"),
    ] = None,
    cot: Cot = None,
) -> None:
    """Store the detections sensors publish (each once), track the drones and raise alerts.

    Publishes each new alert on PREFIX/alerts/ZONE (with --mqtt) and to each --webhook; with
    --cot, each drone and pilot update stored is sent to TAK as it comes. Malformed messages
    are counted and logged with their topic; they never stop the worker.
    """
    from dronevet.airspace.delivery import AlertSink, Deliveries, MqttAlertSink, WebhookSink
    from dronevet.airspace.ingest import Ingest, MqttWorker
    from dronevet.api import load_knowledge
    from dronevet.sinks.cot import CotAddress
    from dronevet.sinks.mqtt import BrokerAddress

    if (mqtt is None) == (replay is None):
        raise UsageError("give either --mqtt URL (listen) or --replay FILE (not both).")
    finite(once_idle, "--once-idle", positive=True)
    logging.basicConfig(format="%(message)s", level=logging.WARNING)
    sessions = _sessions(database)
    sinks: list[AlertSink] = []
    secret = os.environ.get("DRONEVET_WEBHOOK_SECRET", "")
    if webhook and not secret:
        raise UsageError("--webhook needs DRONEVET_WEBHOOK_SECRET set: alerts are signed.")
    sinks += [WebhookSink(url, secret.encode()) for url in webhook or ()]
    deliveries = Deliveries(sinks)
    kb = load_knowledge()
    to_tak = None
    if cot is not None:
        from dronevet.airspace.tak import TakFeed

        to_tak = TakFeed(kb, CotAddress.parse(cot))
    core = Ingest(sessions, kb, deliveries, on_stored=to_tak.stored if to_tak else None)
    try:
        if replay is not None:
            from dronevet.airspace.replay import replay as replay_file

            replay_file(core, existing_file(replay), "replay", sensor)
        else:
            assert mqtt is not None
            address = BrokerAddress.parse(mqtt)
            prefix = urlsplit(mqtt).path.strip("/") or "dronevet"
            worker = MqttWorker(core, address.host, address.port, prefix, group=group,
                                client_id=client_id or f"dronevet-{socket.gethostname()}-"
                                f"{os.getpid()}")  # fmt: skip
            deliveries.sinks += (MqttAlertSink(worker.client, prefix),)
            say(f"listening on {address.host}:{address.port} to {worker.subscription}", err=True)
            try:
                worker.run(once_idle=once_idle)
            except KeyboardInterrupt:
                pass
            finally:
                deliveries.close()
                worker.close()
    finally:
        deliveries.close()
        if to_tak is not None:
            to_tak.close()
    counts = core.counts
    topics = ", ".join(sorted(counts.malformed_topics))
    say(f"stored {counts.stored} new detections ({counts.duplicates} already stored); "
        f"{counts.malformed} malformed messages skipped" + (f" (on {topics})" if topics else "")
        + f"; {counts.alerts} alerts raised", err=True)  # fmt: skip


@app.command()
@guarded
def tracks(
    database: Database = None,
    since: Annotated[
        str | None, typer.Option("--since", help="only detections heard from this ISO time on")
    ] = None,
    fmt: Format = TextOrJson.text,
    cot: Cot = None,
) -> None:
    """The drones in the store: identity, maker's covered status, position, pilot, standing.

    With --cot, also sends each drone and pilot to TAK at its latest position, one Cursor on
    Target datagram each.
    """
    from datetime import UTC, datetime

    from dronevet.airspace.detection_store import stored_records
    from dronevet.airspace.picture import correlated_tracks
    from dronevet.api import load_knowledge
    from dronevet.errors import BadInputError
    from dronevet.store.db import transaction
    from dronevet.store.models import now

    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            raise BadInputError(f"--since {since!r} is not an ISO 8601 time.") from None
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
    address = None
    if cot is not None:
        from dronevet.sinks.cot import CotAddress

        address = CotAddress.parse(cot)
    kb = load_knowledge()
    with transaction(_sessions(database), read_only=True) as session:
        found = correlated_tracks(session, kb, now(), since=start)
        if address is not None:
            _send_cot(kb, address, stored_records(session, since=start))
    if fmt is TextOrJson.json:
        print(dump_json({"tracks": [item.to_dict() for item in found]}))
        return
    if not found:
        say("No drones in the store" + (f" heard since {since}." if since else "."))
    for item in found:
        entry = item.to_dict()
        where = entry["position"]
        maker = (entry["identity"].get("manufacturer") or {}).get("name") or "unknown maker"
        standing = "ours" if item.ours else STANDING[item.authorised]
        say((item.track.key, "bold"), f"  {maker}, covered status {item.track.covered_status}; "
            f"{standing}; {item.track.state}, last heard {entry['last_seen']}")  # fmt: skip
        if where:
            say(f"    drone at {where['lat']:.5f}, {where['lon']:.5f}"
                + (f", altitude {where['alt']:g} m" if where["alt"] is not None else ""))
        if entry["pilot"]:
            say(f"    pilot at {entry['pilot']['lat']:.5f}, {entry['pilot']['lon']:.5f}")
        say(f"    {entry['messages']} messages from {', '.join(entry['sensors'])}")


def _send_cot(kb: KnowledgeBase, address: CotAddress,
              records: Iterable[tuple[str, dict[str, Any]]]) -> None:  # fmt: skip
    from dronevet.airspace.tak import picture_events
    from dronevet.sinks.cot import CotSender

    events = picture_events(kb, records)
    with CotSender(address) as sender:
        for event in events:
            sender.send(event)
    say(f"sent {len(events)} Cursor on Target events to {address.host}:{address.port}",
        err=True)  # fmt: skip


@app.command()
@guarded
def sensors(database: Database = None, fmt: Format = TextOrJson.text) -> None:
    """The sensors that have reported, where each stands (as it last said), and whether each
    is still reporting or gone quiet."""
    from dronevet.airspace.detection_store import sensors as stored_sensors
    from dronevet.store.db import transaction
    from dronevet.store.models import now

    with transaction(_sessions(database), read_only=True) as session:
        found = [sensor.to_dict() for sensor in stored_sensors(session, now())]
    if fmt is TextOrJson.json:
        print(dump_json({"sensors": found}))
        return
    if not found:
        say("No sensor has reported yet.")
    for item in found:
        where = item["position"]
        at = "position not sent"
        if where:
            at = f"at {where['lat']:.5f}, {where['lon']:.5f}" + (
                f", altitude {where['alt']:g} m" if where["alt"] is not None else "")
        say((item["id"], "bold"), f"  {item['health']}, {at}, last heard {item['last_heard']}, "
            f"{item['messages']} messages ({item['malformed']} malformed), "
            f"{', '.join(item['kinds']) or 'no detections yet'}")  # fmt: skip


@app.command()
@guarded
def prune(
    before: Annotated[str, typer.Option("--before", help="forget detections heard before this "
                                        "date (YYYY-MM-DD, UTC)")],
    database: Database = None,
) -> None:  # fmt: skip
    """Retention: forget the detections of the days before a date (on PostgreSQL their day
    partitions are dropped whole). Alerts, with their evidence, are kept."""
    from dronevet.airspace.partitions import drop_before
    from dronevet.store.db import transaction

    day = parse_date(before, option="--before")
    with transaction(_sessions(database)) as session:
        drop_before(session, day)
    say(f"forgot the detections heard before {day.isoformat()}")


@zones_app.command("import")
@guarded
def zones_import(
    file: Annotated[Path, typer.Argument(help="a GeoJSON FeatureCollection of polygons")],
    database: Database = None,
) -> None:
    """Load protected zones: each feature's `name`, and `floor_m`/`ceiling_m` if banded."""
    from dronevet.airspace.site_store import save_zones
    from dronevet.airspace.zones import read_zones
    from dronevet.store.db import transaction

    found = read_zones(existing_file(file))
    with transaction(_sessions(database)) as session:
        save_zones(session, found)
    say(f"imported {len(found)} zones: {', '.join(zone.name for zone in found)}")


@authorisations_app.command("import")
@guarded
def authorisations_import(
    file: Annotated[Path, typer.Argument(help="a CSV file or a GeoJSON FeatureCollection")],
    database: Database = None,
) -> None:
    """Load flight authorisations: reference, serial, pilot, start, end and the area."""
    from dronevet.airspace.authorisations import read_authorisations
    from dronevet.airspace.site_store import save_authorisations
    from dronevet.store.db import transaction

    found = read_authorisations(existing_file(file))
    with transaction(_sessions(database)) as session:
        save_authorisations(session, found)
    say(f"imported {len(found)} authorisations")


@zones_app.command("list")
@guarded
def zones_list(database: Database = None, fmt: Format = TextOrJson.text) -> None:
    """The protected zones in the store."""
    from dronevet.airspace.site_store import load_zones
    from dronevet.store.db import transaction

    with transaction(_sessions(database), read_only=True) as session:
        found = load_zones(session)
    if fmt is TextOrJson.json:
        print(dump_json({"zones": [zone.to_dict() for zone in found]}))
        return
    for zone in found:
        say((zone.name, "bold"), f"  {zone.band()}")


@authorisations_app.command("list")
@guarded
def authorisations_list(database: Database = None, fmt: Format = TextOrJson.text) -> None:
    """The flight authorisations in the store."""
    from dronevet.airspace.site_store import load_authorisations
    from dronevet.store.db import transaction

    with transaction(_sessions(database), read_only=True) as session:
        found = load_authorisations(session)
    if fmt is TextOrJson.json:
        print(dump_json({"authorisations": [item.to_dict() for item in found]}))
        return
    for item in found:
        pilot = item.pilot or "not named"
        say((item.reference, "bold"), f"  aircraft {item.serial}, pilot {pilot}, from "
            f"{item.starts_at:%Y-%m-%d %H:%M} to {item.ends_at:%Y-%m-%d %H:%M} UTC")  # fmt: skip


@alerts_app.command("list")
@guarded
def alerts_list(
    database: Database = None,
    open_only: Annotated[bool, typer.Option("--open", help="only those not acknowledged")] = False,
    fmt: Format = TextOrJson.text,
) -> None:
    """The alerts raised, newest first."""
    from dronevet.airspace.alert_store import list_alerts
    from dronevet.store.db import transaction

    with transaction(_sessions(database), read_only=True) as session:
        found = list_alerts(session, open_only=open_only)
    if fmt is TextOrJson.json:
        print(dump_json({"alerts": [item.to_dict() for item in found]}))
        return
    if not found:
        say("No alerts.")
    for item in found:
        done = (f"acknowledged by {item.acknowledged_by}" if item.acknowledged_by
                else "not acknowledged")  # fmt: skip
        say((f"alert {item.id}", "bold"), f" ({item.alert.rule}, {done}): {item.alert.message}")


@alerts_app.command("ack")
@guarded
def alerts_ack(
    number: Annotated[int, typer.Argument(help="the alert's number, as alerts list shows it")],
    database: Database = None,
    by: Annotated[
        str | None, typer.Option("--by", help="who acknowledges it (default: your user name)")
    ] = None,
) -> None:
    """Acknowledge an alert; the audit log records who and when."""
    from dronevet.airspace.alert_store import acknowledge
    from dronevet.store.db import transaction

    with transaction(_sessions(database)) as session:
        found = acknowledge(session, number, by or _actor())
    say(f"alert {found.id} acknowledged by {found.acknowledged_by}")
