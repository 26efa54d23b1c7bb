"""Organisations and aircraft go into the store and come back as the same values; a register
imported twice is not duplicated, and a batch with a bad aircraft changes nothing."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from dronevet.errors import BadInputError, DronevetError, UnknownNameError
from dronevet.fleet.model import Aircraft, AircraftStatus, Binding, Organisation
from dronevet.store.db import transaction
from dronevet.store.fleet_repo import (
    BadAircraftError,
    Saved,
    UpsertCounts,
    delete_aircraft,
    get_organisation,
    list_aircraft,
    list_organisations,
    retire_aircraft,
    save_organisation,
    upsert_aircraft,
)
from dronevet.store.models import AircraftRow, AuditEntryRow, OrganisationRow, WaiverRow

Sessions = sessionmaker[Session]

STATE = Organisation("Florida Highway Patrol", (Binding("us-fl-sb44"),), "US-FL", 7)
COUNTY = Organisation(
    "Orange County Sheriff",
    (Binding("us-fl-sb44", ("operate", "procure")), Binding("us-asda-2023", ("fund",))),
    jurisdiction="US-FL",
    fiscal_year_start=10,
    parent="Florida Highway Patrol",
)
M30T = Aircraft(
    serial="1581F5BKD223S00A0J7K",
    model="DJI M30T",
    product_id="dji-matrice-30t",
    purchase_date=date(2022, 3, 14),
    price=Decimal("10890.00"),
    funding="federal-grant",
    missions=("search-and-rescue", "accident-reconstruction"),
    flight_hours=211.5,
    unit="Aviation Unit, Orlando",
    capabilities=("thermal", "zoom"),
)
SKYDIO = Aircraft(serial="SKD-X10-0042", model="Skydio X10", price=Decimal("0.10"),
                  missions=("tactical",))
ANAFI = Aircraft(serial="ANAFI-ÉQUIPE-7", model="Parrot ANAFI USA",
                 purchase_date=date(2021, 1, 1), price=Decimal("999999999999.99"),
                 status=AircraftStatus.grounded, flight_hours=0.0)


def _with_orgs(sessions: Sessions) -> None:
    with transaction(sessions) as session:
        save_organisation(session, STATE, actor="admin")
        save_organisation(session, COUNTY, actor="admin")


def _count(session: Session, row: type[AircraftRow | AuditEntryRow]) -> int:
    return session.scalar(select(func.count()).select_from(row)) or 0


def test_organisations_come_back_as_saved(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session:
        assert get_organisation(session, COUNTY.name) == COUNTY
        assert list_organisations(session) == [STATE, COUNTY]


def test_saving_an_organisation_again_changes_only_what_changed(sessions: Sessions) -> None:
    _with_orgs(sessions)
    changed = Organisation(
        COUNTY.name,
        (Binding("us-asda-2023", ("fund", "procure")), Binding("us-ndaa-2024-848"),
         Binding("us-fl-sb44", ("operate",))),
        jurisdiction="US-FL", fiscal_year_start=10, parent=None,
    )
    with transaction(sessions) as session:
        assert save_organisation(session, COUNTY, actor="admin") is Saved.unchanged
        assert save_organisation(session, changed, actor="admin") is Saved.updated
    with transaction(sessions) as session:
        assert get_organisation(session, COUNTY.name) == changed
        assert get_organisation(session, STATE.name) == STATE
        assert _count(session, AuditEntryRow) == 3  # two creations and one update


def test_an_unknown_organisation_is_named_with_close_names(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session, pytest.raises(UnknownNameError) as raised:
        upsert_aircraft(session, "Orange County Sherif", [M30T], actor="importer")
    assert "Orange County Sheriff" in raised.value.suggestions
    with transaction(sessions) as session, pytest.raises(UnknownNameError):
        save_organisation(session, Organisation("Unit 3", parent="Nowhere PD"), actor="admin")


def test_an_organisation_cannot_be_a_unit_of_its_own_unit(sessions: Sessions) -> None:
    _with_orgs(sessions)
    looped = Organisation(STATE.name, STATE.bindings, "US-FL", 7, parent=COUNTY.name)
    with transaction(sessions) as session, pytest.raises(BadInputError, match="its units"):
        save_organisation(session, looped, actor="admin")
    itself = Organisation(STATE.name, parent=STATE.name)
    with transaction(sessions) as session, pytest.raises(BadInputError, match="of itself"):
        save_organisation(session, itself, actor="admin")


def test_aircraft_come_back_as_stored(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session:
        counts = upsert_aircraft(session, COUNTY.name, [SKYDIO, M30T, ANAFI], actor="importer")
    assert counts == UpsertCounts(created=3, updated=0, unchanged=0)
    with transaction(sessions) as session:
        stored = list_aircraft(session, COUNTY.name)
        assert stored == sorted([SKYDIO, M30T, ANAFI], key=lambda a: a.serial)
        assert isinstance(stored[0].price, Decimal) and isinstance(stored[0].missions, tuple)
        assert list_aircraft(session, COUNTY.name, status=AircraftStatus.grounded) == [ANAFI]
        assert list_aircraft(session, STATE.name) == []


def test_importing_twice_updates_and_never_duplicates(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session:
        upsert_aircraft(session, COUNTY.name, [M30T, SKYDIO, ANAFI], actor="importer")
    with transaction(sessions) as session:
        again = upsert_aircraft(session, COUNTY.name, [M30T, SKYDIO, ANAFI], actor="importer")
    assert again == UpsertCounts(created=0, updated=0, unchanged=3)
    flown = replace(M30T, flight_hours=250.0, missions=("patrol",))
    extra = Aircraft(serial="NEW-1", model="Freefly Astro")
    with transaction(sessions) as session:
        counts = upsert_aircraft(session, COUNTY.name, [SKYDIO, flown, extra], actor="importer")
    assert counts == UpsertCounts(created=1, updated=1, unchanged=1)
    with transaction(sessions) as session:
        assert list_aircraft(session, COUNTY.name) == sorted(
            [flown, SKYDIO, ANAFI, extra], key=lambda a: a.serial
        )
        assert _count(session, AircraftRow) == 4
        # 2 organisations, 3 aircraft created, then 1 updated and 1 created: nothing for
        # the unchanged import.
        assert _count(session, AuditEntryRow) == 2 + 3 + 2


def test_a_bad_aircraft_in_the_middle_leaves_the_database_as_it_was(
    sessions: Sessions, engine: Engine
) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session:
        upsert_aircraft(session, COUNTY.name, [M30T], actor="importer")
    with engine.connect() as connection:
        before = [connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
                  for table in ("aircraft", "audit_entries")]
    renamed = replace(M30T, model="DJI Matrice 30T")
    bad = Aircraft(serial="BAD-7", model="Autel EVO II", price=Decimal("1249.995"))
    batch = [renamed, SKYDIO, bad, ANAFI]
    with pytest.raises(BadAircraftError) as raised, transaction(sessions) as session:
        upsert_aircraft(session, COUNTY.name, batch, actor="importer")
    error = raised.value
    assert (error.index, error.field) == (2, "price")
    assert "aircraft 3 of 4 (serial 'BAD-7')" in str(error) and "1249.995" in str(error)
    with engine.connect() as connection:
        after = [connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
                 for table in ("aircraft", "audit_entries")]
    assert after == before


def test_a_failed_batch_keeps_the_sessions_earlier_work(sessions: Sessions) -> None:
    _with_orgs(sessions)
    unit = Organisation("Orange County Sheriff, Marine Unit", parent=COUNTY.name)
    with transaction(sessions) as session:
        save_organisation(session, unit, actor="admin")
        with pytest.raises(BadAircraftError):
            upsert_aircraft(session, unit.name, [SKYDIO, SKYDIO], actor="importer")
        upsert_aircraft(session, unit.name, [SKYDIO], actor="importer")
    with transaction(sessions) as session:
        assert get_organisation(session, unit.name) == unit
        assert list_aircraft(session, unit.name) == [SKYDIO]


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"serial": "  "}, "serial", "is empty"),
        ({"serial": "A" * 101}, "serial", "101 characters long; the store keeps at most 100"),
        ({"model": "M30T\x00"}, "model", "NUL character"),
        ({"missions": ("patrol", "sar\x00")}, "missions", "NUL character"),
        ({"unit": "Troop \ud800"}, "unit", "lone surrogate"),
        ({"price": Decimal("1E12")}, "price", "not an amount under 1,000,000,000,000"),
        ({"price": Decimal("NaN")}, "price", "not an amount"),
        ({"price": Decimal("0.001")}, "price", "fractions of a cent"),
        ({"flight_hours": float("nan")}, "flight_hours", "not a number of hours"),
        ({"flight_hours": float("inf")}, "flight_hours", "not a number of hours"),
    ],
)
def test_a_value_the_store_cannot_keep_is_named(
    sessions: Sessions, change: dict[str, object], field: str, says: str
) -> None:
    _with_orgs(sessions)
    bad = replace(SKYDIO, **{"serial": "OK-2", **change})
    with transaction(sessions) as session, pytest.raises(BadAircraftError) as raised:
        upsert_aircraft(session, COUNTY.name, [M30T, bad], actor="importer")
    assert (raised.value.index, raised.value.field) == (1, field)
    assert says in str(raised.value) and "aircraft 2 of 2" in str(raised.value)
    with transaction(sessions) as session:
        assert list_aircraft(session, COUNTY.name) == []


def test_a_serial_repeated_in_a_batch_is_refused(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session, pytest.raises(BadAircraftError) as raised:
        upsert_aircraft(session, COUNTY.name, [M30T, SKYDIO, M30T], actor="importer")
    assert raised.value.index == 2 and "repeats aircraft 1's" in str(raised.value)


def test_a_serial_is_unique_within_an_organisation_only(sessions: Sessions) -> None:
    _with_orgs(sessions)
    other = Aircraft(serial=M30T.serial, model="DJI M30T", unit="Troop D")
    with transaction(sessions) as session:
        upsert_aircraft(session, COUNTY.name, [M30T], actor="importer")
        upsert_aircraft(session, STATE.name, [other], actor="importer")
    with transaction(sessions) as session:
        assert list_aircraft(session, COUNTY.name) == [M30T]
        assert list_aircraft(session, STATE.name) == [other]
    # The database itself refuses a second row with the same serial in one organisation.
    refused = pytest.raises(DronevetError, match=r"^database .*(unique|UNIQUE)")
    with refused, transaction(sessions) as session:
        county = session.scalars(
            select(OrganisationRow).where(OrganisationRow.name == COUNTY.name)
        ).one()
        session.add(AircraftRow(organisation_id=county.id, serial=M30T.serial, model="copy",
                                missions=[], capabilities=[], status=AircraftStatus.active))


def test_retiring_keeps_the_aircraft_and_deleting_removes_it(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session:
        upsert_aircraft(session, COUNTY.name, [M30T, SKYDIO], actor="importer")
        assert retire_aircraft(session, COUNTY.name, M30T.serial, actor="pm") is Saved.updated
        assert retire_aircraft(session, COUNTY.name, M30T.serial, actor="pm") is Saved.unchanged
        assert delete_aircraft(session, COUNTY.name, SKYDIO.serial, actor="pm") == SKYDIO
    with transaction(sessions) as session:
        (retired,) = list_aircraft(session, COUNTY.name)
        assert retired == replace(M30T, status=AircraftStatus.retired)
        actions = session.scalars(select(AuditEntryRow.action).order_by(AuditEntryRow.seq))
        assert list(actions)[-2:] == ["retire", "delete"]
    with transaction(sessions) as session, pytest.raises(UnknownNameError) as raised:
        delete_aircraft(session, COUNTY.name, "SKD-X10-0043", actor="pm")
    assert "1581F5BKD223S00A0J7K" not in raised.value.suggestions


def test_an_aircraft_with_waivers_is_retired_not_deleted(sessions: Sessions) -> None:
    _with_orgs(sessions)
    with transaction(sessions) as session:
        upsert_aircraft(session, COUNTY.name, [M30T], actor="importer")
        row = session.scalars(select(AircraftRow)).one()
        session.add(WaiverRow(
            organisation_id=row.organisation_id, aircraft_id=row.id, policy="us-fl-sb44",
            use="operate", legal_basis="emergency-use", missions=["search-and-rescue"],
            start_date=date(2025, 1, 1), end_date=date(2025, 12, 31), state="requested",
            requested_by="pm", controls=["local-data-mode"], evidence=[],
        ))
    with transaction(sessions) as session, pytest.raises(BadInputError, match="retire it"):
        delete_aircraft(session, COUNTY.name, M30T.serial, actor="pm")
    with transaction(sessions) as session:
        assert list_aircraft(session, COUNTY.name) == [M30T]


_chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
_text = st.text(_chars, max_size=40)
_names = st.lists(st.text(_chars, min_size=1, max_size=20), max_size=4).map(tuple)
aircraft_values = st.builds(
    Aircraft,
    serial=_text.filter(str.strip),
    model=_text,
    product_id=st.none() | _text,
    purchase_date=st.none() | st.dates(),
    price=st.none() | st.decimals(min_value=Decimal("-999999999999.99"),
                                  max_value=Decimal("999999999999.99"), places=2),
    funding=st.none() | _text,
    missions=_names,
    status=st.sampled_from(AircraftStatus),
    flight_hours=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    unit=st.none() | _text,
    capabilities=_names,
)


_orgs = itertools.count()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fleet=st.lists(aircraft_values, max_size=6, unique_by=lambda a: a.serial))
def test_any_aircraft_comes_back_as_stored(sessions: Sessions, fleet: list[Aircraft]) -> None:
    name = f"Org {next(_orgs)}"
    with transaction(sessions) as session:
        save_organisation(session, Organisation(name), actor="test")
        counts = upsert_aircraft(session, name, fleet, actor="test")
    assert counts == UpsertCounts(created=len(fleet), updated=0, unchanged=0)
    with transaction(sessions) as session:
        assert list_aircraft(session, name) == sorted(fleet, key=lambda a: a.serial)
        again = upsert_aircraft(session, name, fleet, actor="test")
    assert again == UpsertCounts(created=0, updated=0, unchanged=len(fleet))


