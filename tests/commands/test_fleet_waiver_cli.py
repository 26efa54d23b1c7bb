"""`dronevet fleet waiver request|decide|list`, and `fleet status|timeline` with waivers, on
SQLite and PostgreSQL: a program manager asks for a waiver on one of the policy's exemption
routes, someone else approves or denies it, and only an approved one turns the aircraft's
verdict, only inside its scope and period, saying so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dronevet.cli import app

REGISTER = """serial,model,purchase_date,price,funding,missions,flight_hours
A1,DJI M30T,2022-03-01,12000,federal-grant,search-and-rescue,120
A2,DJI M30T,2022-03-01,12000,federal-grant,search-and-rescue,80
"""
REQUEST = ["fleet", "waiver", "request", "--org", "Agency", "--policy", "asda",
           "--use", "operate", "--basis", "asda-agency-head-waiver", "--from", "2026-01-01",
           "--until", "2026-07-01", "--control", "offline operation",
           "--control", "Local Data Mode", "--evidence", "leak report 2025-11",
           "--by", "pm", "--format", "json"]  # fmt: skip


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    env = {"DRONEVET_HOME": str(tmp_path / "home"), "DRONEVET_DATABASE_URL": database_url}
    register = tmp_path / "fleet.csv"
    register.write_text(REGISTER, encoding="utf-8")
    assert run(env, "fleet", "org", "Agency", "--policies", "asda", "--uses", "operate")[0] == 0
    code, out = run(env, "fleet", "import", str(register), "--org", "Agency")
    assert code == 0, out
    return env


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def verdict(env: dict[str, str], serial: str, day: str) -> dict[str, Any]:
    code, out = run(env, "fleet", "status", "--org", "Agency", "--as-of", day, "--format", "json")
    assert code == 0, out
    found = json.loads(out)
    line: dict[str, Any] = next(a for a in found["aircraft"] if a["serial"] == serial)[
        "verdicts"][0]
    return line


def test_an_approved_waiver_turns_its_aircraft_inside_its_period(env: dict[str, str]) -> None:
    code, out = run(env, *REQUEST, "--aircraft", "A1")
    assert code == 0, out
    [asked] = json.loads(out)
    assert (asked["state"], asked["requested_by"], asked["policy"]) == (
        "requested", "pm", "us-asda-2023")
    assert asked["controls"] == ["offline operation", "Local Data Mode"]
    assert verdict(env, "A1", "2026-03-01")["verdict"] == "prohibited"  # not yet decided
    code, out = run(env, "fleet", "waiver", "decide", str(asked["id"]), "--approve",
                    "--reason", "urgent need", "--by", "ao", "--format", "json")  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["state"] == "approved"
    inside = verdict(env, "A1", "2026-03-01")
    assert (inside["verdict"], inside["waiver"]) == ("permitted", asked["id"])
    assert f"waiver #{asked['id']} (route asda-agency-head-waiver) until 2026-07-01" in \
        inside["explanation"]
    assert inside["next_change"]["date"] == "2026-07-01"
    assert verdict(env, "A2", "2026-03-01")["verdict"] == "prohibited"
    assert verdict(env, "A1", "2026-07-01")["verdict"] == "prohibited"
    code, out = run(env, "fleet", "timeline", "--org", "Agency", "--as-of", "2025-06-01")
    assert code == 0 and "permitted from 2026-01-01 under waiver" in " ".join(out.split())
    code, out = run(env, "fleet", "status", "--org", "Agency", "--as-of", "2026-03-01")
    assert code == 0 and "these totals are without waivers" in " ".join(out.split())
    code, out = run(env, "fleet", "waiver", "list", "--org", "Agency", "--as-of", "2026-07-01",
                    "--format", "json")  # fmt: skip
    assert [w["state"] for w in json.loads(out)["waivers"]] == ["lapsed"]
    code, out = run(env, "audit", "verify", "--format", "json")
    assert code == 0 and json.loads(out)["ok"]


def test_a_denied_waiver_changes_nothing_and_cannot_be_decided_again(
    env: dict[str, str]
) -> None:
    [asked] = json.loads(run(env, *REQUEST)[1])
    assert asked["aircraft"] is None
    code, out = run(env, "fleet", "waiver", "decide", str(asked["id"]), "--approve",
                    "--reason", "mine", "--by", "pm")  # fmt: skip
    assert code == 3 and "someone else must decide it" in out
    code, out = run(env, "fleet", "waiver", "decide", str(asked["id"]), "--deny",
                    "--reason", "a compliant aircraft exists", "--by", "ao")  # fmt: skip
    assert code == 0 and "denied by ao" in out
    assert verdict(env, "A1", "2026-03-01")["verdict"] == "prohibited"
    code, out = run(env, "fleet", "waiver", "decide", str(asked["id"]), "--approve",
                    "--reason", "second thoughts", "--by", "boss")  # fmt: skip
    assert code == 3 and "is denied already" in out


@pytest.mark.parametrize(("args", "says"), [
    (["--basis", "no-such-route"], "is not an exemption route of us-asda-2023"),
    (["--use", "procure"], "is not bound by us-asda-2023 for procure"),
    (["--aircraft", "A1,A9"], "no aircraft with serial 'A9'"),
    (["--from", "2026-07-01"], "must end after it starts"),
])  # fmt: skip
def test_a_waiver_the_register_cannot_keep_is_refused_and_nothing_is_stored(
    env: dict[str, str], args: list[str], says: str
) -> None:
    code, out = run(env, *REQUEST, *args)
    assert code == 3 and says in " ".join(out.split()), out
    code, out = run(env, "fleet", "waiver", "list", "--org", "Agency", "--format", "json")
    assert json.loads(out)["waivers"] == []
