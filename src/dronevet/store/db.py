"""Opening the store's database: an engine and sessions from a URL, one transaction at a time.

The URL is `Settings.database_url`: an SQLite file by default, PostgreSQL in production
(`postgresql+psycopg://user:password@host/db`; a plain `postgresql://` URL is read as psycopg 3).
SQLite connections get what the store relies on: foreign keys enforced, the write-ahead log
(a reader outside a transaction never waits), and real transactions - SQLAlchemy, not the
sqlite3 module, emits BEGIN, so a SELECT, DDL and SAVEPOINT all belong to the transaction
they run in (`upsert_aircraft`'s all-or-nothing and the migrations depend on it). A
transaction begins IMMEDIATE, taking SQLite's one write lock at the start: one that reads and
then writes (as appending to the audit log does) waits for another writer to finish, up to
the driver's five seconds, instead of failing once it has read. A read-only transaction
(`transaction(..., read_only=True)`) reads a snapshot and never waits for a writer; both
backends refuse a write in it.

A URL is only ever shown through `shown_url`, which replaces the password with `***`, and a
database error reaches people as a `DronevetError` naming the shown URL, never the driver's
traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dronevet.errors import BadInputError, DronevetError

_READ_ONLY = "dronevet_read_only"


def parse_url(url: str | URL) -> URL:
    """The URL as SQLAlchemy's value; PostgreSQL without a driver means psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInputError(
            "the database URL is not a URL (expected e.g. sqlite:///path/to/dronevet.sqlite3 "
            "or postgresql://user@host/dronevet)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def shown_url(url: str | URL) -> str:
    """The URL as it may be printed: the password replaced by `***`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def connect(url: str | URL) -> Engine:
    """An engine for the store at `url` (an SQLite file's directory is created if missing).

    Nothing connects yet: the first transaction does, and `transaction` reports a database
    that cannot be reached.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        directory = Path(parsed.database).expanduser().parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DronevetError(
                f"cannot create the database's directory ({error.strerror})", path=str(directory)
            ) from None
    engine = create_engine(parsed)
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connected(dbapi_connection: Any, _record: object) -> None:
    # The sqlite3 module's own transaction handling skips BEGIN before SELECT, DDL and
    # SAVEPOINT; turn it off and let `_sqlite_begin` open every transaction instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
    connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`; objects stay readable after commit (the values are copied out)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(sessions: sessionmaker[Session], *, read_only: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back if it raises;
    `read_only` for one that only reads (see above).

    A database error (unreachable server, refused statement) becomes a `DronevetError`, as
    `reported` says.
    """
    with reported(sessions.kw["bind"].url), sessions.begin() as session:
        if read_only:
            session.connection(execution_options={_READ_ONLY: True, "postgresql_readonly": True})
        yield session


@contextmanager
def reported(url: str | URL) -> Iterator[None]:
    """Turn a database error raised in the block into a `DronevetError` that names the
    database by its shown URL and says what the driver reported (its first line)."""
    try:
        yield
    except SQLAlchemyError as error:
        cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
        lines = str(cause).strip().splitlines()
        reason = lines[0] if lines else type(cause).__name__
        raise DronevetError(f"database {shown_url(url)}: {reason}") from None
