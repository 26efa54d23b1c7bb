"""What a site knows, in the store: its protected zones, its flight authorisations and the
serials of its own aircraft (the fleet register).

An import replaces the rows of the same name (zone) or reference (authorisation) and adds
the rest, in the caller's transaction, so a file imports whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dronevet.airspace.authorisations import Authorisation
from dronevet.airspace.geometry import area_of
from dronevet.airspace.zones import Zone
from dronevet.store.airspace_rows import AuthorisationRow, ZoneRow
from dronevet.store.models import AircraftRow


def save_zones(session: Session, zones: Sequence[Zone]) -> None:
    """Store `zones`, replacing those of the same name."""
    session.execute(delete(ZoneRow).where(ZoneRow.name.in_([zone.name for zone in zones])))
    session.add_all(
        ZoneRow(name=z.name, geometry=dict(z.geometry), floor_m=z.floor_m, ceiling_m=z.ceiling_m)
        for z in zones
    )
    session.flush()


def load_zones(session: Session) -> list[Zone]:
    """Every stored zone, by name."""
    rows = session.scalars(select(ZoneRow).order_by(ZoneRow.name))
    return [Zone(r.name, r.geometry, area_of(r.geometry), r.floor_m, r.ceiling_m) for r in rows]


def save_authorisations(session: Session, found: Sequence[Authorisation]) -> None:
    """Store authorisations, replacing those of the same reference."""
    references = [item.reference for item in found]
    session.execute(delete(AuthorisationRow).where(AuthorisationRow.reference.in_(references)))
    session.add_all(
        AuthorisationRow(reference=a.reference, serial=a.serial, pilot=a.pilot,
                         area=dict(a.geometry), starts_at=a.starts_at, ends_at=a.ends_at)
        for a in found
    )  # fmt: skip
    session.flush()


def load_authorisations(session: Session) -> list[Authorisation]:
    """Every stored authorisation, by reference."""
    rows = session.scalars(select(AuthorisationRow).order_by(AuthorisationRow.reference))
    return [
        Authorisation(r.reference, r.serial, r.pilot, r.area, area_of(r.area), r.starts_at,
                      r.ends_at)
        for r in rows
    ]


def fleet_serials(session: Session) -> frozenset[str]:
    """The serials of every aircraft in the fleet register, upper-cased."""
    return frozenset(serial.upper() for serial in session.scalars(select(AircraftRow.serial)))
