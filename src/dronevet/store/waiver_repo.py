"""Waivers in and out of the store: asked for, decided, listed.

Functions over a `Session` that take and give `dronevet.fleet.waivers.Waiver` values, never
rows, like `fleet_repo`: every change is audited (`audit.record`) in the same transaction
by the actor the caller names, and the caller commits. A waiver is stored `requested`;
only a requested waiver can be decided (approved or denied), and never by who asked for
it. An approved waiver whose end has come is stored `lapsed` by `lapse_waivers`, which the
register runs before it reads waivers: each lapse is an audit entry by `system`. Checking the
policy, use, legal basis and missions against the policy book is the register's work
(`fleet.register`), before a waiver reaches the store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.waivers import Waiver, WaiverState
from dronevet.store import audit
from dronevet.store.fleet_repo import _aircraft_row, _organisation_row
from dronevet.store.models import AircraftRow, OrganisationRow, WaiverRow

SYSTEM = "system"
"""Who the audit log names for changes no person made (a waiver lapsing at its end)."""


def _waiver(row: WaiverRow, organisation: str, serial: str | None) -> Waiver:
    return Waiver(
        organisation=organisation,
        policy=row.policy,
        use=row.use,
        legal_basis=row.legal_basis,
        start=row.start_date,
        end=row.end_date,
        requested_by=row.requested_by,
        aircraft=serial,
        missions=tuple(row.missions),
        controls=tuple(row.controls),
        evidence=tuple(row.evidence),
        state=WaiverState(row.state),
        decided_by=row.decided_by,
        reason=row.reason,
        id=row.id,
    )


def _read(session: Session, row: WaiverRow) -> Waiver:
    organisation = session.get_one(OrganisationRow, row.organisation_id)
    aircraft = None if row.aircraft_id is None else session.get_one(AircraftRow, row.aircraft_id)
    return _waiver(row, organisation.name, aircraft.serial if aircraft else None)


def request_waiver(session: Session, waiver: Waiver, *, actor: str) -> Waiver:
    """Store `waiver` as requested by `actor`; the stored value (with its id) comes back."""
    org = _organisation_row(session, waiver.organisation)
    aircraft = None if waiver.aircraft is None else _aircraft_row(session, org, waiver.aircraft)
    row = WaiverRow(
        organisation_id=org.id,
        aircraft_id=aircraft.id if aircraft else None,
        policy=waiver.policy,
        use=waiver.use,
        legal_basis=waiver.legal_basis,
        missions=list(waiver.missions),
        start_date=waiver.start,
        end_date=waiver.end,
        state=WaiverState.requested.value,
        requested_by=actor,
        decided_by=None,
        controls=list(waiver.controls),
        evidence=list(waiver.evidence),
        reason=None,
    )
    session.add(row)
    session.flush()
    stored = _read(session, row)
    audit.record(session, actor, audit.Change("request", "waiver", str(row.id), None,
                                              stored.to_dict()))  # fmt: skip
    return stored


def _waiver_row(session: Session, waiver_id: int) -> WaiverRow:
    row = session.get(WaiverRow, waiver_id)
    if row is None:
        raise UnknownNameError(f"no waiver #{waiver_id} in the store.")
    return row


def decide_waiver(
    session: Session, waiver_id: int, *, approve: bool, reason: str, actor: str
) -> Waiver:
    """Approve or deny requested waiver #`waiver_id`, for `reason`, as `actor` (who must not
    be who asked for it)."""
    if not reason.strip():
        raise BadInputError(f"waiver #{waiver_id}: a decision needs a reason")
    row = _waiver_row(session, waiver_id)
    before = _read(session, row)
    if before.state is not WaiverState.requested:
        raise BadInputError(
            f"waiver #{waiver_id} is {before.state.value} already; only a requested waiver "
            "can be decided"
        )
    if actor == before.requested_by:
        raise BadInputError(
            f"waiver #{waiver_id} was requested by {actor}; someone else must decide it"
        )
    row.state = (WaiverState.approved if approve else WaiverState.denied).value
    row.decided_by, row.reason = actor, reason
    session.flush()
    after = _read(session, row)
    audit.record(session, actor, audit.Change("approve" if approve else "deny", "waiver",
                                              str(row.id), before.to_dict(), after.to_dict()))
    return after


def get_waiver(session: Session, waiver_id: int) -> Waiver:
    """Waiver #`waiver_id` (`UnknownNameError` if there is none)."""
    return _read(session, _waiver_row(session, waiver_id))


def list_waivers(session: Session, organisation: str) -> list[Waiver]:
    """`organisation`'s waivers, by number."""
    org = _organisation_row(session, organisation)
    rows = session.scalars(
        select(WaiverRow).where(WaiverRow.organisation_id == org.id).order_by(WaiverRow.id)
    ).all()
    return [_read(session, row) for row in rows]


def lapse_waivers(session: Session, today: date) -> list[Waiver]:
    """Store every approved waiver whose end date is `today` or earlier as `lapsed`, each
    lapse an audit entry by `SYSTEM` with the waiver before and after; the lapsed waivers
    come back. A second call finds none left to lapse and writes nothing. The rows are
    locked first (on PostgreSQL), so two callers at once lapse each waiver once."""
    rows = session.scalars(
        select(WaiverRow)
        .where(WaiverRow.state == WaiverState.approved.value, WaiverRow.end_date <= today)
        .order_by(WaiverRow.id)
        .with_for_update()
    ).all()
    lapsed, changes = [], []
    for row in rows:
        before = _read(session, row)
        row.state = WaiverState.lapsed.value
        after = replace(before, state=WaiverState.lapsed)
        lapsed.append(after)
        changes.append(audit.Change("lapse", "waiver", str(row.id), before.to_dict(),
                                    after.to_dict()))
    session.flush()
    audit.record(session, SYSTEM, *changes)
    return lapsed
