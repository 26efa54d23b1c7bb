"""Waivers in the store, on SQLite and PostgreSQL: a request is stored as requested and
comes back as the same value; only someone other than the requester can decide it, only
once; each change is an audit entry with the waiver before and after, and the chain holds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.waivers import Waiver, WaiverState
from dronevet.store import audit
from dronevet.store.db import transaction
from dronevet.store.fleet_repo import save_organisation, upsert_aircraft
from dronevet.store.models import AuditEntryRow
from dronevet.store.waiver_repo import decide_waiver, get_waiver, list_waivers, request_waiver

Sessions = sessionmaker[Session]

ORG = Organisation("Agency", (Binding("us-asda-2023", ("operate",)),))
ASKED = Waiver(organisation="Agency", policy="us-asda-2023", use="operate",
               legal_basis="asda-agency-head-waiver", start=date(2026, 1, 1),
               end=date(2026, 7, 1), requested_by="pm", aircraft="A1",
               missions=("search-and-rescue",), controls=("offline operation", "Local Data Mode"),
               evidence=("https://example.org/leak-report.pdf",))  # fmt: skip


@pytest.fixture
def stored(sessions: Sessions) -> Sessions:
    with transaction(sessions) as session:
        save_organisation(session, ORG, actor="admin")
        save_organisation(session, Organisation("Other"), actor="admin")
        upsert_aircraft(session, "Agency", [Aircraft("A1", "DJI M30T", "dji-m30t")],
                        actor="admin")  # fmt: skip
    return sessions


def request(sessions: Sessions, waiver: Waiver = ASKED, actor: str = "pm") -> Waiver:
    with transaction(sessions) as session:
        return request_waiver(session, waiver, actor=actor)


def decide(sessions: Sessions, waiver_id: int, approve: bool, actor: str = "ao") -> Waiver:
    with transaction(sessions) as session:
        return decide_waiver(session, waiver_id, approve=approve, reason="urgent need",
                             actor=actor)  # fmt: skip


def entries(sessions: Sessions) -> list[AuditEntryRow]:
    with transaction(sessions, read_only=True) as session:
        rows = session.scalars(select(AuditEntryRow).where(AuditEntryRow.record_type == "waiver")
                               .order_by(AuditEntryRow.seq)).all()  # fmt: skip
        session.expunge_all()
        return list(rows)


def test_a_request_is_stored_as_requested_and_comes_back_the_same(stored: Sessions) -> None:
    asked = request(stored, replace(ASKED, state=WaiverState.approved, decided_by="x"))
    assert asked.id is not None
    assert asked == replace(ASKED, id=asked.id)
    with transaction(stored, read_only=True) as session:
        assert get_waiver(session, asked.id) == asked
        assert list_waivers(session, "Agency") == [asked]
        assert list_waivers(session, "Other") == []
    fleet_wide = request(stored, replace(ASKED, aircraft=None, missions=()))
    with transaction(stored, read_only=True) as session:
        assert [w.aircraft for w in list_waivers(session, "Agency")] == ["A1", None]
    assert fleet_wide.id == asked.id + 1


@pytest.mark.parametrize("approve", [True, False])
def test_a_decision_is_stored_with_who_made_it_and_why_and_audited(
    stored: Sessions, approve: bool
) -> None:
    asked = request(stored)
    assert asked.id is not None
    decided = decide(stored, asked.id, approve)
    state = WaiverState.approved if approve else WaiverState.denied
    assert decided == replace(asked, state=state, decided_by="ao", reason="urgent need")
    logged = entries(stored)
    assert [(e.action, e.actor, e.record_id) for e in logged] == [
        ("request", "pm", str(asked.id)), ("approve" if approve else "deny", "ao", str(asked.id))
    ]  # fmt: skip
    assert logged[0].state_before is None
    assert json.loads(logged[0].state_after or "") == asked.to_dict()
    assert json.loads(logged[1].state_before or "") == asked.to_dict()
    assert json.loads(logged[1].state_after or "") == decided.to_dict()
    with transaction(stored, read_only=True) as session:
        assert audit.verify(session).ok


def test_the_requester_cannot_decide_and_a_decided_waiver_stays_decided(stored: Sessions) -> None:
    asked = request(stored)
    assert asked.id is not None
    with pytest.raises(BadInputError, match="requested by pm; someone else must decide it"):
        decide(stored, asked.id, True, actor="pm")
    decide(stored, asked.id, False)
    with pytest.raises(BadInputError, match="is denied already"):
        decide(stored, asked.id, True)
    with transaction(stored, read_only=True) as session:
        assert get_waiver(session, asked.id).state is WaiverState.denied
    assert [e.action for e in entries(stored)] == ["request", "deny"]


def test_unknown_waivers_organisations_and_aircraft_are_named(stored: Sessions) -> None:
    with pytest.raises(UnknownNameError, match="no waiver #99"):
        decide(stored, 99, True)
    with pytest.raises(UnknownNameError, match="no aircraft with serial 'A9'"):
        request(stored, replace(ASKED, aircraft="A9"))
    with pytest.raises(UnknownNameError, match="no organisation named 'Nobody'"):
        request(stored, replace(ASKED, organisation="Nobody"))
    with pytest.raises(BadInputError, match="needs a reason"), transaction(stored) as session:
        decide_waiver(session, 1, approve=True, reason=" ", actor="ao")
    assert entries(stored) == []
