"""Waivers lapse at their end, on SQLite and PostgreSQL: an approved waiver whose end date
has come is stored `lapsed`, the lapse is an audit entry by `system` with the waiver before
and after, a second lapse writes nothing, the chain still verifies, and the register lapses
waivers before it lists them. Requested and denied waivers, and approved ones still in
their period, are left as they are."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.register import Register
from dronevet.fleet.waivers import Waiver, WaiverState
from dronevet.store import audit
from dronevet.store.db import transaction
from dronevet.store.fleet_repo import save_organisation, upsert_aircraft
from dronevet.store.models import AuditEntryRow
from dronevet.store.waiver_repo import (
    SYSTEM,
    decide_waiver,
    lapse_waivers,
    list_waivers,
    request_waiver,
)

Sessions = sessionmaker[Session]

ORG = Organisation("Agency", (Binding("us-asda-2023", ("operate",)),))
ENDS = date(2026, 7, 1)
ASKED = Waiver(organisation="Agency", policy="us-asda-2023", use="operate",
               legal_basis="asda-agency-head-waiver", start=date(2026, 1, 1), end=ENDS,
               requested_by="pm", aircraft="A1")  # fmt: skip


@pytest.fixture
def stored(sessions: Sessions) -> Sessions:
    with transaction(sessions) as session:
        save_organisation(session, ORG, actor="admin")
        upsert_aircraft(session, "Agency", [Aircraft("A1", "DJI M30T", "dji-m30t")],
                        actor="admin")  # fmt: skip
    return sessions


def waiver(sessions: Sessions, *, approve: bool | None, end: date = ENDS) -> Waiver:
    """A waiver asked for by `pm` until `end`, then approved, denied or (None) left."""
    with transaction(sessions) as session:
        asked = request_waiver(session, replace(ASKED, end=end), actor="pm")
        assert asked.id is not None
        if approve is None:
            return asked
        return decide_waiver(session, asked.id, approve=approve, reason="urgent need",
                             actor="ao")  # fmt: skip


def lapse(sessions: Sessions, today: date) -> list[Waiver]:
    with transaction(sessions) as session:
        return lapse_waivers(session, today)


def audit_count(sessions: Sessions) -> int:
    with transaction(sessions, read_only=True) as session:
        return session.scalar(select(func.count()).select_from(AuditEntryRow)) or 0


def test_an_approved_waiver_lapses_on_its_end_date_and_the_lapse_is_audited(
    stored: Sessions,
) -> None:
    approved = waiver(stored, approve=True)
    assert lapse(stored, date(2026, 6, 30)) == []  # the last day it covers
    [lapsed] = lapse(stored, ENDS)
    assert lapsed == replace(approved, state=WaiverState.lapsed)
    with transaction(stored, read_only=True) as session:
        assert list_waivers(session, "Agency") == [lapsed]
        last = session.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq.desc())).first()
        assert last is not None
        assert (last.actor, last.action, last.record_type, last.record_id) == (
            SYSTEM, "lapse", "waiver", str(approved.id))
        assert json.loads(last.state_before or "") == approved.to_dict()
        assert json.loads(last.state_after or "")["state"] == "lapsed"
        assert audit.verify(session).ok


def test_a_second_lapse_writes_nothing(stored: Sessions) -> None:
    waiver(stored, approve=True)
    assert len(lapse(stored, date(2026, 12, 3))) == 1
    written = audit_count(stored)
    assert lapse(stored, date(2026, 12, 3)) == []
    assert lapse(stored, date(2027, 12, 3)) == []
    assert audit_count(stored) == written


def test_only_approved_waivers_past_their_end_lapse(stored: Sessions) -> None:
    requested = waiver(stored, approve=None)
    denied = waiver(stored, approve=False)
    current = waiver(stored, approve=True, end=date(2027, 1, 1))
    ended = waiver(stored, approve=True)
    assert [w.id for w in lapse(stored, date(2026, 12, 3))] == [ended.id]
    with transaction(stored, read_only=True) as session:
        states = {w.id: w.state for w in list_waivers(session, "Agency")}
    assert states == {requested.id: WaiverState.requested, denied.id: WaiverState.denied,
                      current.id: WaiverState.approved, ended.id: WaiverState.lapsed}


def test_the_register_lapses_waivers_before_it_lists_them_and_the_log_verifies(
    stored: Sessions,
) -> None:
    approved = waiver(stored, approve=True)
    register = Register(stored, "test store")
    assert [w.state for w in register.waivers("Agency", today=date(2026, 3, 1))] == [
        WaiverState.approved]
    written = audit_count(stored)
    assert [w.state for w in register.waivers("Agency", today=ENDS)] == [WaiverState.lapsed]
    assert [w.state for w in register.waivers("Agency", today=ENDS)] == [WaiverState.lapsed]
    assert audit_count(stored) == written + 1
    result = register.verify_audit()
    assert result.ok and result.broken is None
    # Over its own period the lapsed waiver still reads as the approval it was.
    [lapsed] = register.waivers("Agency")
    assert lapsed.id == approved.id
    assert lapsed.state_on(date(2026, 3, 1)) is WaiverState.approved
    assert lapsed.to_dict(as_of=ENDS)["state"] == "lapsed"
