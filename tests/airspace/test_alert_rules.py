"""The five alert rules, each on the case it is for, and each alert raised once per track and
rule, with its evidence; acknowledging one is recorded in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from airspace.records import START, record
from dronevet.airspace.alert_store import acknowledge, list_alerts
from dronevet.airspace.alerts import Alert, alerts_for
from dronevet.airspace.authorisations import authorisation
from dronevet.airspace.correlation import correlate
from dronevet.airspace.detection_store import store_batch
from dronevet.airspace.messages import parse_message
from dronevet.airspace.picture import evaluate
from dronevet.airspace.site_store import save_zones
from dronevet.airspace.tracks import build_tracks
from dronevet.airspace.zones import Zone
from dronevet.errors import BadInputError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.store.db import transaction
from dronevet.store.models import AuditEntryRow

SQUARE = {"type": "Polygon", "coordinates": [[[4.0, 52.0], [4.1, 52.0], [4.1, 52.1],
                                               [4.0, 52.1], [4.0, 52.0]]]}  # fmt: skip
PRISON = Zone.of("Prison", SQUARE, None, 150.0)
DJI_SERIAL = "1581F6N8A23B2ML3Y3KR"  # the ANSI/CTA-2063-A form of a DJI serial
OTHER_SERIAL = "MFR1C123456789ABC"  # maker code MFR1: not one the knowledge base attributes
INSIDE, OUTSIDE = (52.05, 4.05), (52.5, 4.05)


def _flight(serial: str, where: tuple[float, float], **location: Any) -> list[dict[str, Any]]:
    return [record(serial, 0), record(serial, 1, lat=where[0], lon=where[1], **location)]


def _alerts(kb: KnowledgeBase, records: Sequence[dict[str, Any]], *, ours: Sequence[str] = (),
            authorisations: Sequence[Any] = ()) -> list[Alert]:  # fmt: skip
    [track] = build_tracks(kb, [("roof", r) for r in records], START + timedelta(seconds=5))
    found = correlate(track, frozenset(ours), authorisations)
    return alerts_for(found, [PRISON])


def _rules(alerts: Sequence[Alert]) -> list[str]:
    return [alert.rule for alert in alerts]


def _auth(area: dict[str, Any] = SQUARE, hours: int = 1) -> Any:
    return authorisation({"reference": "A-1", "serial": OTHER_SERIAL, "pilot": "P",
                          "start": START.isoformat(),
                          "end": (START + timedelta(hours=hours)).isoformat()}, area)  # fmt: skip


def test_an_unknown_drone_inside_a_zone_raises_an_alert_with_the_position(
    kb: KnowledgeBase,
) -> None:
    [alert] = _alerts(kb, _flight(OTHER_SERIAL, INSIDE))
    assert (alert.rule, alert.zone, alert.track_key) == ("unknown_in_zone", "Prison", OTHER_SERIAL)
    assert alert.evidence["position"]["lat"] == INSIDE[0]
    assert alert.evidence["sensors"] == ["roof"] and alert.evidence["ours"] is False
    assert "neither ours nor authorised" in alert.message and "Prison" in alert.message


def test_our_own_or_an_authorised_drone_inside_a_zone_is_not_unknown(kb: KnowledgeBase) -> None:
    assert _alerts(kb, _flight(OTHER_SERIAL, INSIDE), ours=[OTHER_SERIAL]) == []
    assert _alerts(kb, _flight(OTHER_SERIAL, INSIDE), authorisations=[_auth()]) == []


def test_a_drone_above_the_zones_ceiling_is_not_inside_it(kb: KnowledgeBase) -> None:
    assert _alerts(kb, _flight(OTHER_SERIAL, INSIDE, alt=400.0)) == []


def test_a_covered_makers_drone_inside_a_zone_raises_the_covered_make_alert(
    kb: KnowledgeBase,
) -> None:
    alerts = _alerts(kb, _flight(DJI_SERIAL, INSIDE), ours=[DJI_SERIAL])
    assert _rules(alerts) == ["covered_make_in_zone"]  # ours, yet made by a covered maker
    assert alerts[0].evidence["covered_status"] == "covered"
    assert "covered entity" in alerts[0].message


def test_a_dji_drone_heard_on_droneid_but_not_on_remote_id_raises_an_alert(
    kb: KnowledgeBase,
) -> None:
    burst = {"time": "2026-12-03T10:00:00Z", "transport": "ocusync", "mac": "ocusync",
             "frame": 1, "msg_type": "dji_flight_info", "serial": DJI_SERIAL,
             "lat": OUTSIDE[0], "lon": OUTSIDE[1], "alt": 80.0}  # fmt: skip
    assert _rules(_alerts(kb, [burst])) == ["droneid_without_remoteid"]
    with_remote_id = [burst, *_flight(DJI_SERIAL, OUTSIDE)]
    assert _rules(_alerts(kb, with_remote_id)) == []


def test_an_authorised_aircraft_outside_its_area_or_window_raises_an_alert(
    kb: KnowledgeBase,
) -> None:
    elsewhere = {"type": "Polygon", "coordinates": [[[5.0, 53.0], [5.1, 53.0], [5.1, 53.1],
                                                     [5.0, 53.0]]]}  # fmt: skip
    [alert] = _alerts(kb, _flight(OTHER_SERIAL, OUTSIDE), authorisations=[_auth(elsewhere)])
    assert alert.rule == "outside_authorisation" and alert.evidence["authorisations"] == ["A-1"]
    assert alert.evidence["position"]["lat"] == OUTSIDE[0]


def test_flying_after_the_window_closes_is_outside_the_authorisation(kb: KnowledgeBase) -> None:
    late = [record(OTHER_SERIAL, 7200), record(OTHER_SERIAL, 7201, lat=INSIDE[0], lon=INSIDE[1])]
    alerts = _alerts(kb, late, authorisations=[_auth()])
    assert "outside_authorisation" in _rules(alerts)
    assert "unknown_in_zone" in _rules(alerts)  # out of its window it is not authorised there


def test_a_pilot_inside_a_zone_raises_an_alert_though_the_drone_is_outside(
    kb: KnowledgeBase,
) -> None:
    flight = _flight(OTHER_SERIAL, OUTSIDE, operator_lat=INSIDE[0], operator_lon=INSIDE[1])
    [alert] = _alerts(kb, flight)
    assert (alert.rule, alert.zone) == ("pilot_in_zone", "Prison")
    assert alert.evidence["pilot"] == {"lat": INSIDE[0], "lon": INSIDE[1]}


def _store(sessions: sessionmaker[Session], records: Sequence[dict[str, Any]]) -> None:
    messages = [parse_message("site/detections/roof", orjson.dumps(r)) for r in records]
    with transaction(sessions) as session:
        store_batch(session, messages, START)


def test_each_alert_is_raised_once_per_track_and_rule_and_acknowledged_in_the_audit_log(
    sessions: sessionmaker[Session], kb: KnowledgeBase
) -> None:
    with transaction(sessions) as session:
        save_zones(session, [PRISON])
    _store(sessions, _flight(OTHER_SERIAL, INSIDE))
    with transaction(sessions) as session:
        [raised] = evaluate(session, kb, START + timedelta(seconds=5))
    _store(sessions, [record(OTHER_SERIAL, 3, lat=52.06, lon=4.06)])  # still inside
    with transaction(sessions) as session:
        assert evaluate(session, kb, START + timedelta(seconds=6)) == []
        acknowledged = acknowledge(session, raised.id, "officer.jones")
    assert acknowledged.acknowledged_by == "officer.jones"
    with transaction(sessions) as session:
        [stored] = list_alerts(session)
        assert stored.acknowledged_at is not None and list_alerts(session, open_only=True) == []
        entry = session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.record_type == "alert")).one()  # fmt: skip
        assert (entry.actor, entry.action, entry.record_id) == (
            "officer.jones", "acknowledge", str(raised.id))  # fmt: skip
    with pytest.raises(BadInputError, match=r"already acknowledged by officer\.jones"), \
            transaction(sessions) as session:  # fmt: skip
        acknowledge(session, raised.id, "someone.else")
