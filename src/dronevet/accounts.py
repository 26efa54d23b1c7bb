"""Local accounts: add them, check a password, open and close signed-in sessions.

Passwords are hashed with argon2id (`argon2-cffi`'s defaults, re-hashed on sign-in when
those grow). A session token is 32 random bytes (URL-safe text); the store keeps only its
SHA-256, so a stolen copy of the database lets nobody in. An unknown name costs the same
hashing work as a wrong password, so the answer's timing does not tell whether an account
exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from dronevet.access import Role, User
from dronevet.errors import BadInputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from dronevet.fleet.register import Register

SESSION_LIFETIME = timedelta(hours=12)
"""How long a token or a browser session stays valid after signing in."""
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
"""Longer ones are refused before hashing: hashing megabytes is a denial of service."""
BEARER, COOKIE = "bearer", "cookie"


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of a new password (12 characters at least)."""
    if len(password) < MIN_PASSWORD:
        raise BadInputError(f"a password needs {MIN_PASSWORD} characters at least")
    if len(password) > MAX_PASSWORD:
        raise BadInputError(f"a password has {MAX_PASSWORD} characters at most")
    return _hasher().hash(password)


def token_hash(token: str) -> str:
    """What the store keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: its token (shown once), CSRF token (cookie sessions) and expiry."""

    user: User
    token: str
    csrf_token: str | None
    expires_at: datetime


def add_user(register: Register, name: str, password: str, role: Role,
             organisation: str | None, *, actor: str) -> User:
    """Create an account with a hashed password."""
    from dronevet.store import account_repo, db

    hashed = hash_password(password)
    with db.transaction(register.sessions) as session:
        return account_repo.add_user(session, name, hashed, role, organisation, actor=actor)


def authenticate(register: Register, name: str, password: str) -> User | None:
    """The account if `password` is its password; None otherwise (unknown name included)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    from dronevet.store import account_repo, db

    if len(password) > MAX_PASSWORD or len(name) > account_repo.NAME_LIMIT:
        return None
    with db.transaction(register.sessions, read_only=True) as session:
        found = account_repo.credentials(session, name)
    hasher = _hasher()
    if found is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(), password)
        return None
    user, stored = found
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(stored):
        with db.transaction(register.sessions) as session:
            account_repo.set_password_hash(session, user.id, hasher.hash(password))
    return user


def sign_in(register: Register, user: User, *, kind: str) -> SignedIn:
    """Open a session of `kind` (`bearer` for the API, `cookie` for the web pages)."""
    from dronevet.store import account_repo, db
    from dronevet.store.models import now

    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == COOKIE else None
    expires = now() + SESSION_LIFETIME
    with db.transaction(register.sessions) as session:
        account_repo.open_session(session, user.id, kind=kind, token_hash=token_hash(token),
                                  csrf_token=csrf, expires_at=expires)
    return SignedIn(user, token, csrf, expires)


def session_user(register: Register, token: str, *, kind: str) -> tuple[User, str | None] | None:
    """Who an unexpired session token of `kind` is for, and its CSRF token."""
    from dronevet.store import account_repo, db

    if not token or len(token) > 128:
        return None
    with db.transaction(register.sessions, read_only=True) as session:
        return account_repo.session_user(session, token_hash(token), kind)


def sign_out(register: Register, token: str) -> None:
    """Close the session with this token (nothing happens for an unknown one)."""
    from dronevet.store import account_repo, db

    with db.transaction(register.sessions) as session:
        account_repo.close_session(session, token_hash(token))


def users(register: Register, organisation: str | None = None) -> list[User]:
    """The accounts (of `organisation`, when given)."""
    from dronevet.store import account_repo, db

    with db.transaction(register.sessions, read_only=True) as session:
        return account_repo.list_users(session, organisation)


def remove_user(register: Register, name: str, *, actor: str) -> User:
    """Delete an account; its sessions end with it."""
    from dronevet.store import account_repo, db

    with db.transaction(register.sessions) as session:
        return account_repo.remove_user(session, name, actor=actor)
