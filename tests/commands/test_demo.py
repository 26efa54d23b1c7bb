"""`dronevet demo`: a demo agency on the embedded SQLite database, made once per data
directory, then the web application on 127.0.0.1 with a sign-in that works, stopped
cleanly by Ctrl-C; and the text walkthrough on the built-in data."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import Result

from commands.conftest import output_of
from dronevet.access import Role
from dronevet.accounts import authenticate, users
from dronevet.fleet.demo_data import ACCOUNTS_FILE, BUDGETS, FIRE, QUOTES, SHERIFF, create_demo
from dronevet.fleet.planning_file import on_file
from dronevet.fleet.register import open_register
from dronevet.fleet.waivers import WaiverState
from dronevet.knowledge import load_builtin
from dronevet.settings import Settings

Run = Callable[..., Result]
TODAY = date(2025, 12, 1)


def test_the_demo_agency_is_made_once_with_everything_the_demo_shows(tmp_path: Path) -> None:
    kb = load_builtin()
    register = open_register(Settings.at(tmp_path))
    first = create_demo(register, kb, tmp_path, today=TODAY)
    again = create_demo(register, kb, tmp_path, today=TODAY)
    assert first.created and not again.created
    assert first.accounts == again.accounts  # the same passwords: kept in the data dir
    assert dict(again.aircraft) == dict(first.aircraft) == {SHERIFF: 36, FIRE: 24}

    orgs = {o.name: o for o in register.organisations()}
    assert set(orgs) == {SHERIFF, FIRE}
    for org in orgs.values():
        assert org.jurisdiction == "us-fl" and org.fiscal_year_start == 10
        bound = {(b.policy, b.uses) for b in org.bindings}
        assert bound == {("us-fl-934-50", ()), ("us-asda-2023", ("fund",)),
                         ("us-doj-ojp-2020", ("fund",))}
        fleet = register.aircraft(org.name)
        assert len({a.serial for a in fleet}) == len(fleet)
        assert all(a.product_id in kb.products for a in fleet)
        assert len({a.product_id for a in fleet}) >= 8  # mixed makes and models
        assert all(a.price and a.purchase_date and a.missions and a.unit for a in fleet)
        assert all(a.flight_hours is not None and a.flight_hours > 0 for a in fleet)
        assert any(a.funding == "federal-grant" for a in fleet)
        assert len({a.purchase_date.year for a in fleet if a.purchase_date}) >= 5
        assert {a.status.value for a in fleet} == {"active", "grounded", "retired"}
        kept = on_file(tmp_path, org.name)  # the planning file: three years from today
        first_year = org.fiscal_year(TODAY)
        assert sorted(kept.budgets) == [first_year, first_year + 1, first_year + 2]
        assert [int(v) for v in kept.budgets.values()] == list(BUDGETS[org.name])
        assert {q.product_id for q in kept.quotes} == set(QUOTES)
        assert all("made up" in q.price.source.citation for q in kept.quotes)
    makers = {p.split("-")[0] for o in orgs for p in
              (a.product_id or "" for a in register.aircraft(o))}
    assert {"dji", "autel", "skydio", "parrot"} <= makers

    waivers = register.waivers(SHERIFF) + register.waivers(FIRE)
    assert [w.state for w in waivers] == [WaiverState.requested] * 2
    accounts = users(register)
    assert {u.role for u in accounts} == set(Role)
    assert len(accounts) == len(first.accounts)
    sign_in = first.sign_in
    assert sign_in.role is Role.program_manager
    assert authenticate(register, sign_in.name, sign_in.password) is not None
    kept = json.loads((tmp_path / ACCOUNTS_FILE).read_text(encoding="utf-8"))
    assert kept[sign_in.name] == sign_in.password
    assert (tmp_path / ACCOUNTS_FILE).stat().st_mode & 0o077 == 0


def test_no_serve_makes_the_data_and_prints_every_account(run: Run, tmp_path: Path) -> None:
    result = run("demo", "--no-serve", "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 0, output_of(result)
    for words in ("Created the demo agency", SHERIFF, FIRE, "36 aircraft", "pm.sheriff",
                  "approving-official", "security-officer", "viewer", "admin"):
        assert words in result.output
    again = run("demo", "--no-serve", "--data-dir", str(tmp_path / "data"))
    assert "Reusing the demo agency" in again.output


def test_as_of_belongs_to_the_text_walkthrough(run: Run) -> None:
    result = run("demo", "--as-of", "2026-03-02")
    assert result.exit_code == 2
    assert "--text" in output_of(result)


def test_the_text_walkthrough_shows_fleet_verdict_and_screening(run: Run) -> None:
    result = run("demo", "--text", "--as-of", "2026-03-02")
    assert result.exit_code == 0, output_of(result)
    for words in ("fleet", "2025-12-21", "2025-12-22", "DOES NOT APPLY", "PROHIBITED", "Anzu"):
        assert words in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """`dronevet demo --port P --data-dir DIR` running, and the lines it printed by their
    first word (`URL`, `Sign in`)."""
    port = _free_port()
    command = [sys.executable, "-c", "from dronevet.cli import main; main()", "demo",
               "--port", str(port), "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(x) for x in stdout], daemon=True).start()
    found: dict[str, str] = {}
    try:
        while "Sign in" not in found:
            line = lines.get(timeout=180).rstrip("\n")
            key, _, value = line.partition(": ")
            if key in ("URL", "Sign in"):
                found[key] = value
        yield process, found
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_demo_serves_and_its_sign_in_works_until_ctrl_c(
    demo_server: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, printed = demo_server
    url = printed["URL"]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/")
    user, _, password = printed["Sign in"].partition(" / ")
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/").status_code < 500
        assert client.get("/api/v1/orgs").status_code == 401
        token = client.post("/api/v1/auth/token", data={"username": user, "password": password})
        assert token.status_code == 200, token.text
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        orgs = client.get("/api/v1/orgs", headers=bearer)
        assert orgs.status_code == 200
        assert SHERIFF in orgs.text
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0


def test_the_demo_site_shows_three_flights_the_jail_alerts_and_its_sensors(
        run: Run, tmp_path: Path) -> None:
    from dronevet.airspace.alert_store import list_alerts
    from dronevet.airspace.demo import DJI_SERIAL, STRANGER, ZONE, patrol_aircraft
    from dronevet.airspace.detection_store import sensors
    from dronevet.airspace.picture import correlated_tracks
    from dronevet.store.db import transaction
    from dronevet.store.models import now

    assert run("demo", "--no-serve", "--data-dir", str(tmp_path)).exit_code == 0
    register = open_register(Settings.at(tmp_path))
    with transaction(register.sessions, read_only=True) as session:
        found = {c.track.key: c for c in correlated_tracks(session, load_builtin(), now())}
        alerts = {(a.alert.rule, a.alert.track_key) for a in list_alerts(session)}
        heard = {s.id: s for s in sensors(session, now())}
    ours = patrol_aircraft(register)
    assert set(found) == {DJI_SERIAL, STRANGER, ours}
    assert found[DJI_SERIAL].track.covered_status == "covered"
    assert found[DJI_SERIAL].track.pilot is not None
    assert (found[ours].ours, found[ours].authorised) == (True, True)
    assert alerts == {("unknown_in_zone", DJI_SERIAL), ("covered_make_in_zone", DJI_SERIAL),
                      ("droneid_without_remoteid", DJI_SERIAL)}
    assert set(heard) == {"jail-roof", "north-gate"} and all(
        s.position is not None and not s.stale for s in heard.values())
    assert ZONE in run("airspace", "zones", "list", "--database",
                       Settings.at(tmp_path).database_url).output
