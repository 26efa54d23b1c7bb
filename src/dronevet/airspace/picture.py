"""The air picture from the store: tracks fused from the stored detections, correlated with
the fleet and the authorisations, and the alerts they raise.

This is the one place the pieces meet; the CLI, the worker, the HTTP API and the map page ask it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dronevet.airspace.alert_store import StoredAlert, raise_alerts
from dronevet.airspace.alerts import alerts_for
from dronevet.airspace.correlation import Correlated, correlate
from dronevet.airspace.detection_store import stored_records
from dronevet.airspace.live import LiveTracks
from dronevet.airspace.site_store import fleet_serials, load_authorisations, load_zones
from dronevet.airspace.tracks import AirspaceTrack, build_tracks
from dronevet.knowledge.base import KnowledgeBase


def correlated_tracks(
    session: Session, kb: KnowledgeBase, now: datetime, *, since: datetime | None = None,
    until: datetime | None = None, received_since: datetime | None = None,
) -> list[Correlated]:  # fmt: skip
    """Every track of the detections heard from `since` up to `until` (and received since
    `received_since`), most recently heard first, with its standing."""
    records = stored_records(session, since=since, until=until, received_since=received_since)
    return _standing(session, build_tracks(kb, records, now))


def _standing(session: Session, tracks: list[AirspaceTrack]) -> list[Correlated]:
    """Each track joined with the fleet register and the flight authorisations."""
    ours, authorisations = fleet_serials(session), load_authorisations(session)
    return [correlate(track, ours, authorisations) for track in tracks]


def live_picture(session: Session, kb: KnowledgeBase, now: datetime, live: LiveTracks
                 ) -> list[Correlated]:
    """The live picture (`live.LiveTracks`: the tracks of the detections received since
    `live.window_start(now)`), most recently heard first, with its standing."""
    return _standing(session, live.tracks(session, kb, now))


def evaluate(
    session: Session, kb: KnowledgeBase, now: datetime, *, received_since: datetime | None = None
) -> list[StoredAlert]:
    """Raise the alerts the tracks of recently received detections meet; the new ones."""
    zones = load_zones(session)
    found = correlated_tracks(session, kb, now, received_since=received_since)
    return raise_alerts(session, [alert for item in found for alert in alerts_for(item, zones)])
