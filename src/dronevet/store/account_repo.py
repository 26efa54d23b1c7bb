"""Accounts and signed-in sessions in the store.

A user's password is kept only as its argon2 hash (the encoded string, salt and parameters
inside); a session only as its token's SHA-256. Creating or removing an account is written
to the audit log (without the hash); signing in and out is not a change of any record the
log keeps, so it is not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dronevet.access import Role, User
from dronevet.errors import BadInputError, UnknownNameError
from dronevet.store import audit
from dronevet.store.models import OrganisationRow, SessionRow, UserRow, now
from dronevet.suggest import close_matches

NAME_LIMIT = 200


def _user(row: UserRow, organisation: str | None) -> User:
    return User(row.id, row.name, Role(row.role), organisation)


def _organisation_id(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    found = session.scalar(select(OrganisationRow.id).where(OrganisationRow.name == name))
    if found is None:
        names = session.scalars(select(OrganisationRow.name)).all()
        raise UnknownNameError(f"no organisation {name!r} in the register.",
                               suggestions=close_matches(name, names))
    return found


def _check_name(name: str) -> None:
    if not name.strip() or name != name.strip() or len(name) > NAME_LIMIT:
        raise BadInputError(f"a user name is 1 to {NAME_LIMIT} characters without spaces "
                            "around it")
    if any(not ch.isprintable() for ch in name):
        raise BadInputError("a user name holds printable characters only")


def add_user(session: Session, name: str, password_hash: str, role: Role,
             organisation: str | None, *, actor: str) -> User:
    """Create an account; a name already taken is refused."""
    _check_name(name)
    if role is not Role.admin and organisation is None:
        raise BadInputError(f"a {role.value} belongs to an organisation: give --org")
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise BadInputError(f"a user named {name!r} exists already")
    row = UserRow(name=name, password_hash=password_hash, role=role.value,
                  organisation_id=_organisation_id(session, organisation))
    session.add(row)
    session.flush()
    user = _user(row, organisation)
    audit.record(session, actor, audit.Change("create", "user", str(row.id), None,
                                              user.to_dict()))
    return user


def _organisation_names(session: Session) -> dict[int, str]:
    rows = session.execute(select(OrganisationRow.id, OrganisationRow.name)).all()
    return {id_: name for id_, name in rows}


def list_users(session: Session, organisation: str | None = None) -> list[User]:
    """Every account (of `organisation` only, when given), by name."""
    names = _organisation_names(session)
    query = select(UserRow).order_by(UserRow.name)
    if organisation is not None:
        query = query.where(UserRow.organisation_id == _organisation_id(session, organisation))
    rows = session.scalars(query).all()
    return [_user(row, names.get(row.organisation_id or -1)) for row in rows]


def remove_user(session: Session, name: str, *, actor: str) -> User:
    """Delete an account and its sessions."""
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        users = session.scalars(select(UserRow.name)).all()
        raise UnknownNameError(f"no user named {name!r}.", suggestions=close_matches(name, users))
    user = _user(row, _organisation_names(session).get(row.organisation_id or -1))
    record_id = str(row.id)
    session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
    session.delete(row)
    session.flush()
    audit.record(session, actor, audit.Change("delete", "user", record_id, user.to_dict(), None))
    return user


def credentials(session: Session, name: str) -> tuple[User, str] | None:
    """The account called `name` and its password hash; None if there is none."""
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        return None
    organisation = _organisation_names(session).get(row.organisation_id or -1)
    return _user(row, organisation), row.password_hash


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """Replace a hash (argon2 asks for it when its parameters have grown since)."""
    row = session.get(UserRow, user_id)
    if row is not None:
        row.password_hash = password_hash


def open_session(session: Session, user_id: int, *, kind: str, token_hash: str,
                 csrf_token: str | None, expires_at: datetime) -> None:
    """Record a signed-in session (and drop the user's expired ones)."""
    session.execute(delete(SessionRow).where(SessionRow.user_id == user_id,
                                             SessionRow.expires_at <= now()))
    session.add(SessionRow(token_hash=token_hash, user_id=user_id, kind=kind,
                           csrf_token=csrf_token, expires_at=expires_at))


def session_user(session: Session, token_hash: str, kind: str) -> tuple[User, str | None] | None:
    """Who the unexpired session of `kind` with this token is for, and its CSRF token."""
    found = session.execute(
        select(UserRow, SessionRow.csrf_token, OrganisationRow.name)
        .join(SessionRow, SessionRow.user_id == UserRow.id)
        .outerjoin(OrganisationRow, OrganisationRow.id == UserRow.organisation_id)
        .where(SessionRow.token_hash == token_hash, SessionRow.kind == kind,
               SessionRow.expires_at > now())
    ).first()
    if found is None:
        return None
    row, csrf, organisation = found
    return _user(row, organisation), csrf


def close_session(session: Session, token_hash: str) -> None:
    """Forget a session (signing out)."""
    session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))
