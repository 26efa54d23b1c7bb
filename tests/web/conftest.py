"""Fixtures for the API tests: two organisations, Sheriff and Fire, in a store on SQLite
and on PostgreSQL, each with aircraft, a waiver asked for and an account of every role.

Hashing a password with argon2 takes a quarter of a second here, so the store is filled
once per test run (a template) and every test gets a copy of it: a copied SQLite file, or
a PostgreSQL database created from the template. Each account also has a bearer token
opened in the template, so a test calls the API as any role without signing in again;
signing in itself is tested in `test_auth.py`.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy.engine import make_url

from dronevet import accounts
from dronevet.access import Role
from dronevet.fleet.importer import parse_fleet
from dronevet.fleet.model import Binding, Organisation
from dronevet.fleet.register import Register, open_register
from dronevet.fleet.waivers import Waiver
from dronevet.knowledge import load_builtin
from dronevet.settings import Settings
from dronevet.web.app import create_app

PASSWORD = "correct horse battery staple"
ORGS = ("Sheriff", "Fire")
ROOT = "root"
"""The administrator of the whole store (no organisation)."""
FLEETS = {
    "Sheriff": """serial,model,purchase_date,price,funding,missions,flight_hours
S1,DJI M30T,2022-03-01,12000,federal-grant,search-and-rescue,120
S2,Skydio X10D,2024-05-01,21000,local,search-and-rescue,40
""",
    "Fire": """serial,model,purchase_date,price,funding,missions,flight_hours
F1,DJI Mavic 3 Thermal,2021-07-01,6000,state,search-and-rescue,300
F2,Skydio X2D,2023-01-15,15000,local,,10
""",
}
WAIVER_BASIS = "asda-agency-head-waiver"


def user_name(org: str, role: Role) -> str:
    """The account of `role` in `org`: `sheriff-program-manager`."""
    return f"{org.lower()}-{role.value}"


@dataclass(frozen=True, slots=True)
class Seeded:
    """What the template holds besides the fleets: tokens by user name, and the number of
    the waiver each organisation's program manager asked for."""

    tokens: dict[str, str]
    waivers: dict[str, int]


def _register(url: str, home: Path) -> Register:
    return open_register(Settings.at(home, database_url=url))


def _dispose(register: Register) -> None:
    register.sessions.kw["bind"].dispose()


def _fill(register: Register) -> Seeded:
    kb = load_builtin()
    tokens: dict[str, str] = {}
    waivers: dict[str, int] = {}
    for org in ORGS:
        register.save_organisation(
            Organisation(org, (Binding("asda", ("operate",)),)), actor="setup", kb=kb
        )
        found = parse_fleet(FLEETS[org].encode(), f"{org}.csv", kb=kb)
        register.import_aircraft(org, found.committable(), actor="setup")
        for role in Role:
            user = accounts.add_user(register, user_name(org, role), PASSWORD, role, org,
                                     actor="setup")
            tokens[user.name] = accounts.sign_in(register, user, kind=accounts.BEARER).token
        first = FLEETS[org].splitlines()[1].split(",")[0]
        [asked] = register.request_waivers(
            [Waiver(org, "asda", "operate", WAIVER_BASIS, date(2026, 1, 1), date(2026, 7, 1),
                    user_name(org, Role.program_manager), first,
                    controls=("offline operation",))],
            actor=user_name(org, Role.program_manager), kb=kb,
        )
        assert asked.id is not None
        waivers[org] = asked.id
    root = accounts.add_user(register, ROOT, PASSWORD, Role.admin, None, actor="setup")
    tokens[ROOT] = accounts.sign_in(register, root, kind=accounts.BEARER).token
    return Seeded(tokens, waivers)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    folder = tmp_path_factory.mktemp("web-template")
    path = folder / "template.sqlite3"
    register = _register(f"sqlite:///{path}", folder)
    seeded = _fill(register)
    _dispose(register)
    return path, seeded


@pytest.fixture(scope="session")
def postgres_template(
    postgres_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Seeded]]:
    """A database filled once, from which each test's database is created."""
    name = f"{make_url(postgres_database).database}_web"
    with psycopg.connect(postgres_database, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(postgres_database).set(database=name).render_as_string(hide_password=False)
    register = _register(url, tmp_path_factory.mktemp("web-pg-template"))
    seeded = _fill(register)
    _dispose(register)
    yield name, seeded
    with psycopg.connect(postgres_database, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class Api:
    """A test's own copy of the store, and a client of the application over it."""

    client: TestClient
    register: Register
    seeded: Seeded
    url: str

    def auth(self, user: str) -> dict[str, str]:
        """The headers that sign a request as `user`."""
        return {"Authorization": f"Bearer {self.seeded.tokens[user]}"}

    def get(self, path: str, user: str | None = None, **options: Any) -> Any:
        return self.client.get(path, headers=self.auth(user) if user else None, **options)

    def send(self, method: str, path: str, user: str | None = None, **options: Any) -> Any:
        headers = {**(self.auth(user) if user else {}), **options.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **options)


def _api(url: str, seeded: Seeded, home: Path) -> Iterator[Api]:
    app = create_app(Settings.at(home, database_url=url))
    with TestClient(app) as client:
        yield Api(client, app.state.register, seeded, url)
    _dispose(app.state.register)


@pytest.fixture
def sqlite_store(sqlite_template: tuple[Path, Seeded], tmp_path: Path) -> tuple[str, Seeded]:
    """A copy of the SQLite template, as a URL."""
    path, seeded = sqlite_template
    copy = tmp_path / "store.sqlite3"
    shutil.copyfile(path, copy)
    return f"sqlite:///{copy}", seeded


@pytest.fixture
def sqlite_api(sqlite_store: tuple[str, Seeded], tmp_path: Path) -> Iterator[Api]:
    """The application on a copy of the SQLite template."""
    yield from _api(*sqlite_store, tmp_path / "home")


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """The application on a copy of the template, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url, seeded = request.getfixturevalue("sqlite_store")
        yield from _api(url, seeded, tmp_path / "home")
        return
    template, seeded = request.getfixturevalue("postgres_template")
    server: str = request.getfixturevalue("postgres_database")
    name = f"{template}_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield from _api(url, seeded, tmp_path / "home")
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
