"""Fleet values in and out of the store: organisations with their bindings, and aircraft.

Functions over a `Session` that take and give the fleet's values (`dronevet.fleet.model`),
never rows. Every change is audited (`audit.record`) in the same transaction, by the actor
the caller names; the caller commits (see `db.transaction`).

`upsert_aircraft` is how a register comes in: all or nothing, and idempotent by serial
(an aircraft already stored under that serial is updated, never duplicated; one that is
the same is left alone). It checks every value first, against what the database can keep
exactly on both backends (valid text without NUL characters, within its column's length;
prices in cents within `PRICE_PRECISION` digits; finite flight hours), and refuses the
whole batch at the first value it cannot keep, naming it (`BadAircraftError`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, func, select
from sqlalchemy.orm import Session, selectinload

from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.model import Aircraft, AircraftStatus, Binding, Organisation
from dronevet.store import audit
from dronevet.store.models import (
    PRICE_PRECISION,
    PRICE_SCALE,
    AircraftRow,
    BindingRow,
    OrganisationRow,
    WaiverRow,
)
from dronevet.suggest import close_matches

_AIRCRAFT_TEXT = ("serial", "model", "product_id", "funding", "unit")
_AIRCRAFT_LISTS = ("missions", "capabilities")
_PRICE_LIMIT = Decimal(10) ** (PRICE_PRECISION - PRICE_SCALE)
_CENT = Decimal(1).scaleb(-PRICE_SCALE)


class Saved(StrEnum):
    """What saving a value did to the store."""

    created = "created"
    updated = "updated"
    unchanged = "unchanged"


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """How many aircraft of a batch were created, updated and left as they were."""

    created: int
    updated: int
    unchanged: int

    def to_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(eq=False)
class BadAircraftError(BadInputError):
    """An aircraft of a batch the store cannot keep: `index` is its place in the batch (from
    0) and `field` the attribute at fault, for an importer to name the line and column."""

    index: int = 0
    field: str = ""


def _string_problem(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode()
    except UnicodeEncodeError:
        return "is not valid Unicode (it holds a lone surrogate)"
    return None


def _text_problem(column: Column[Any], value: str) -> str | None:
    problem = _string_problem(value)
    if problem:
        return problem
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        return f"is {len(value)} characters long; the store keeps at most {length}"
    return None


def _column(row_type: type[Any], name: str) -> Column[Any]:
    return row_type.__table__.c[name]  # type: ignore[no-any-return]


# Organisations ------------------------------------------------------------------------------


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(
        name=row.name,
        bindings=tuple(Binding(b.policy, tuple(b.uses)) for b in row.bindings),
        jurisdiction=row.jurisdiction,
        fiscal_year_start=row.fiscal_year_start,
        parent=row.parent.name if row.parent else None,
    )


def _organisation_row(session: Session, name: str) -> OrganisationRow:
    row = session.scalars(select(OrganisationRow).where(OrganisationRow.name == name)).first()
    if row is None:
        known = session.scalars(select(OrganisationRow.name)).all()
        raise UnknownNameError(f"no organisation named {name!r} in the store.",
                               suggestions=close_matches(name, known))
    return row


def _check_organisation(organisation: Organisation) -> None:
    if not organisation.name.strip():
        raise BadInputError("an organisation needs a name")
    texts = [("name", organisation.name), ("jurisdiction", organisation.jurisdiction)]
    for name, value in texts:
        problem = None if value is None else _text_problem(_column(OrganisationRow, name), value)
        if problem:
            raise BadInputError(f"organisation {organisation.name!r}: {name} {problem}")
    seen: set[str] = set()
    for binding in organisation.bindings:
        if not binding.policy.strip():
            raise BadInputError(f"organisation {organisation.name!r}: a binding has no policy")
        problem = _text_problem(_column(BindingRow, "policy"), binding.policy) or next(
            (f"use {use!r} {found}" for use in binding.uses if (found := _string_problem(use))),
            None,
        )
        if problem:
            raise BadInputError(
                f"organisation {organisation.name!r}: binding {binding.policy!r}: {problem}"
            )
        if binding.policy in seen:
            raise BadInputError(
                f"organisation {organisation.name!r}: policy {binding.policy!r} is bound twice; "
                "list its uses in one binding"
            )
        seen.add(binding.policy)


def _parent_row(session: Session, organisation: Organisation) -> OrganisationRow | None:
    if organisation.parent is None:
        return None
    if organisation.parent == organisation.name:
        raise BadInputError(f"organisation {organisation.name!r} cannot be a unit of itself")
    parent = _organisation_row(session, organisation.parent)
    ancestor: OrganisationRow | None = parent
    while ancestor is not None:
        if ancestor.name == organisation.name:
            raise BadInputError(
                f"organisation {organisation.name!r} cannot be a unit of {parent.name!r}: "
                f"{parent.name!r} is already one of its units"
            )
        ancestor = ancestor.parent
    return parent


def save_organisation(session: Session, organisation: Organisation, *, actor: str) -> Saved:
    """Store `organisation` (created, or updated by name: its bindings are replaced)."""
    _check_organisation(organisation)
    parent = _parent_row(session, organisation)
    row = session.scalars(
        select(OrganisationRow).where(OrganisationRow.name == organisation.name)
    ).first()
    before = None if row is None else _organisation(row)
    if before == organisation:
        return Saved.unchanged
    if row is None:
        row = OrganisationRow(name=organisation.name)
        session.add(row)
    row.jurisdiction = organisation.jurisdiction
    row.fiscal_year_start = organisation.fiscal_year_start
    row.parent = parent
    # Rows are kept per policy (and re-ordered), so no policy is ever deleted and inserted
    # again in one flush against the (organisation, policy) unique constraint.
    kept = {binding.policy: binding for binding in row.bindings}
    row.bindings = [
        kept.get(binding.policy) or BindingRow(policy=binding.policy)
        for binding in organisation.bindings
    ]
    for position, (binding_row, binding) in enumerate(
        zip(row.bindings, organisation.bindings, strict=True)
    ):
        binding_row.position, binding_row.uses = position, list(binding.uses)
    session.flush()
    audit.record(session, actor, audit.Change(
        "create" if before is None else "update", "organisation", str(row.id),
        None if before is None else before.to_dict(),
        organisation.to_dict(),
    ))
    return Saved.created if before is None else Saved.updated


def get_organisation(session: Session, name: str) -> Organisation:
    """The organisation named `name` (`UnknownNameError`, with close names, if none)."""
    return _organisation(_organisation_row(session, name))


def list_organisations(session: Session) -> list[Organisation]:
    """Every organisation, by name."""
    rows = session.scalars(select(OrganisationRow).options(
        selectinload(OrganisationRow.bindings), selectinload(OrganisationRow.parent)
    )).all()
    return sorted((_organisation(row) for row in rows), key=lambda org: org.name)


# Aircraft -----------------------------------------------------------------------------------


def _aircraft(row: AircraftRow) -> Aircraft:
    return Aircraft(
        serial=row.serial,
        model=row.model,
        product_id=row.product_id,
        purchase_date=row.purchase_date,
        price=row.price,
        funding=row.funding,
        missions=tuple(row.missions),
        status=AircraftStatus(row.status),
        flight_hours=row.flight_hours,
        unit=row.unit,
        capabilities=tuple(row.capabilities),
    )


def _fill(row: AircraftRow, aircraft: Aircraft) -> None:
    for name in (*_AIRCRAFT_TEXT, "purchase_date", "price", "status", "flight_hours"):
        setattr(row, name, getattr(aircraft, name))
    row.missions, row.capabilities = list(aircraft.missions), list(aircraft.capabilities)


def _aircraft_state(organisation: str, aircraft: Aircraft) -> dict[str, Any]:
    return {"organisation": organisation, **aircraft.to_dict()}


def _aircraft_problem(aircraft: Aircraft) -> tuple[str, str] | None:
    """The first field of `aircraft` the store cannot keep exactly, and why."""
    if not aircraft.serial.strip():
        return "serial", "is empty"
    for name in _AIRCRAFT_TEXT:
        value = getattr(aircraft, name)
        problem = None if value is None else _text_problem(_column(AircraftRow, name), value)
        if problem:
            return name, problem
    for name in _AIRCRAFT_LISTS:
        for item in getattr(aircraft, name):
            problem = _string_problem(item)
            if problem:
                return name, f"item {item!r} {problem}"
    price = aircraft.price
    if price is not None:
        if not price.is_finite() or abs(price) >= _PRICE_LIMIT:
            return "price", f"{price} is not an amount under {_PRICE_LIMIT:,}"
        if price != price.quantize(_CENT):
            return "price", f"{price} has fractions of a cent; the store keeps cents"
    if aircraft.flight_hours is not None and not math.isfinite(aircraft.flight_hours):
        return "flight_hours", f"{aircraft.flight_hours} is not a number of hours"
    return None


def _check_batch(aircraft: Sequence[Aircraft]) -> None:
    first_at: dict[str, int] = {}
    for index, item in enumerate(aircraft):
        found = _aircraft_problem(item)
        if found is None and item.serial in first_at:
            found = "serial", f"repeats aircraft {first_at[item.serial] + 1}'s"
        if found:
            name, problem = found
            raise BadAircraftError(
                f"aircraft {index + 1} of {len(aircraft)} (serial {item.serial!r}): "
                f"{name} {problem}; nothing was stored",
                index=index, field=name,
            )
        first_at[item.serial] = index


def _aircraft_rows(session: Session, organisation: OrganisationRow) -> list[AircraftRow]:
    return list(session.scalars(
        select(AircraftRow).where(AircraftRow.organisation_id == organisation.id)
    ))


def upsert_aircraft(
    session: Session, organisation: str, aircraft: Sequence[Aircraft], *, actor: str
) -> UpsertCounts:
    """Store `aircraft` in `organisation`'s register: all or nothing, idempotent by serial.

    A bad value refuses the whole batch (`BadAircraftError`, naming it) before anything is
    written; a database error part way rolls back the batch's savepoint, so the session's
    earlier work stands and none of the batch does.
    """
    org = _organisation_row(session, organisation)
    _check_batch(aircraft)
    existing = {row.serial: row for row in _aircraft_rows(session, org)}
    changed: list[tuple[AircraftRow, Aircraft | None, Aircraft]] = []
    unchanged = 0
    with session.begin_nested():
        for item in aircraft:
            row = existing.get(item.serial)
            before = None if row is None else _aircraft(row)
            if before == item:
                unchanged += 1
                continue
            if row is None:
                row = AircraftRow(organisation_id=org.id)
                session.add(row)
            _fill(row, item)
            changed.append((row, before, item))
        session.flush()
        audit.record(session, actor, *(
            audit.Change(
                "create" if before is None else "update", "aircraft", str(row.id),
                None if before is None else _aircraft_state(org.name, before),
                _aircraft_state(org.name, after),
            )
            for row, before, after in changed
        ))
    created = sum(1 for _row, before, _after in changed if before is None)
    return UpsertCounts(created, len(changed) - created, unchanged)


def list_aircraft(
    session: Session, organisation: str, *, status: AircraftStatus | None = None,
    serials: Collection[str] | None = None,
) -> list[Aircraft]:
    """`organisation`'s aircraft (those with `status`, those with `serials`, if given), by
    serial.

    Read as plain rows (they have the ORM object's fields), not ORM objects: a whole
    fleet's status reads every aircraft on every request, and building and tracking
    10,000 ORM objects took most of that time.
    """
    table = AircraftRow.__table__
    query = select(*table.c).where(
        table.c.organisation_id == _organisation_row(session, organisation).id)
    if status is not None:
        query = query.where(table.c.status == status)
    if serials is not None:
        query = query.where(table.c.serial.in_(list(serials)))
    found = [_aircraft(row) for row in session.execute(query)]  # type: ignore[arg-type]
    return sorted(found, key=lambda item: item.serial)  # by code point on every backend


def _aircraft_row(session: Session, organisation: OrganisationRow, serial: str) -> AircraftRow:
    row = session.scalars(select(AircraftRow).where(
        AircraftRow.organisation_id == organisation.id, AircraftRow.serial == serial
    )).first()
    if row is None:
        serials = session.scalars(
            select(AircraftRow.serial).where(AircraftRow.organisation_id == organisation.id)
        ).all()
        raise UnknownNameError(
            f"no aircraft with serial {serial!r} in {organisation.name!r}.",
            suggestions=close_matches(serial, serials),
        )
    return row


def retire_aircraft(session: Session, organisation: str, serial: str, *, actor: str) -> Saved:
    """Mark an aircraft retired: it stays in the register (and its history with it)."""
    org = _organisation_row(session, organisation)
    row = _aircraft_row(session, org, serial)
    if row.status == AircraftStatus.retired:
        return Saved.unchanged
    before = _aircraft(row)
    row.status = AircraftStatus.retired
    session.flush()
    audit.record(session, actor, audit.Change(
        "retire", "aircraft", str(row.id), _aircraft_state(org.name, before),
        _aircraft_state(org.name, _aircraft(row)),
    ))
    return Saved.updated


def delete_aircraft(session: Session, organisation: str, serial: str, *, actor: str) -> Aircraft:
    """Remove an aircraft entered by mistake; one with waivers must be retired instead."""
    org = _organisation_row(session, organisation)
    row = _aircraft_row(session, org, serial)
    waivers = session.scalar(
        select(func.count()).select_from(WaiverRow).where(WaiverRow.aircraft_id == row.id)
    )
    if waivers:
        raise BadInputError(
            f"aircraft {serial!r} of {org.name!r} has {waivers} waiver(s); retire it instead, "
            "so their record stays"
        )
    gone = _aircraft(row)
    record_id = str(row.id)
    session.delete(row)
    session.flush()
    audit.record(session, actor, audit.Change(
        "delete", "aircraft", record_id, _aircraft_state(org.name, gone), None
    ))
    return gone
