"""`dronevet fleet org|orgs|list` and `dronevet audit verify`, as a program manager runs them.

Each test runs the commands on SQLite (a new home) and on the local PostgreSQL (by
`DRONEVET_DATABASE_URL`): an organisation is recorded with the policies that bind it (aliases
become ids; a policy asked to bind a use it does not regulate is refused), saving it again
changes nothing, and the audit log verifies until someone edits it behind the register's
back, when `audit verify` names the entry and exits non-zero.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy
from typer.testing import CliRunner

from dronevet.cli import app


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"DRONEVET_HOME": str(tmp_path / "home"), "DRONEVET_DATABASE_URL": database_url}


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_an_organisation_is_recorded_with_its_policies_once(env: dict[str, str]) -> None:
    code, out = run(env, "fleet", "org", "Springfield Police", "--policies", "asda,ndaa-848",
                    "--fiscal-year-start", "7", "--format", "json")  # fmt: skip
    assert code == 0, out
    saved = json.loads(out)
    assert saved["saved"] == "created" and saved["fiscal_year_start"] == 7
    assert [b["policy"] for b in saved["bindings"]] == ["us-asda-2023", "us-dod-ndaa2020-848"]
    code, out = run(env, "fleet", "org", "Springfield Police", "--policies", "asda,ndaa-848",
                    "--fiscal-year-start", "7")  # fmt: skip
    assert code == 0 and "Springfield Police: unchanged" in out
    code, out = run(env, "fleet", "orgs", "--format", "json")
    assert [o["name"] for o in json.loads(out)] == ["Springfield Police"]


@pytest.mark.parametrize(("args", "says"), [
    (["--policies", "no-such-policy"], "no policy 'no-such-policy'"),
    (["--policies", "fcc", "--uses", "operate"], "does not regulate operate"),
    (["--policies", "asda", "--fiscal-year-start", "13"], "is not a month"),
])  # fmt: skip
def test_an_organisation_the_register_cannot_keep_is_refused(
    env: dict[str, str], args: list[str], says: str
) -> None:
    code, out = run(env, "fleet", "org", "Unit 7", *args)
    assert code == 3 and says in " ".join(out.split())
    assert json.loads(run(env, "fleet", "orgs", "--format", "json")[1]) == []


def test_an_unknown_organisation_is_named_with_the_close_ones(env: dict[str, str]) -> None:
    run(env, "fleet", "org", "Springfield Police", "--policies", "asda")
    code, out = run(env, "fleet", "list", "--org", "Springfield Polce")
    assert code == 3 and "Did you mean: Springfield Police?" in out


def test_audit_verify_passes_an_intact_log_and_names_an_edited_entry(
    env: dict[str, str], database_url: str
) -> None:
    for fiscal_year_start in ("7", "10"):  # created, then updated: two entries
        run(env, "fleet", "org", "Springfield Police", "--policies", "asda",
            "--fiscal-year-start", fiscal_year_start)  # fmt: skip
    code, out = run(env, "audit", "verify", "--format", "json")
    intact = json.loads(out)
    assert code == 0 and intact["ok"] and intact["entries"] == 2
    engine = sqlalchemy.create_engine(database_url.replace("postgresql://",
                                                           "postgresql+psycopg://"))  # fmt: skip
    with engine.begin() as connection:  # an insider rewrites history behind the register
        connection.execute(sqlalchemy.text(
            "UPDATE audit_entries SET actor = 'someone else' WHERE seq = 1"))
    engine.dispose()
    code, out = run(env, "audit", "verify")
    assert code == 4 and "TAMPERED: entry 1" in out


def test_a_log_cut_at_its_end_is_caught_against_a_noted_anchor(
    env: dict[str, str], database_url: str
) -> None:
    for fiscal_year_start in ("7", "10"):
        run(env, "fleet", "org", "Springfield Police", "--policies", "asda",
            "--fiscal-year-start", fiscal_year_start)  # fmt: skip
    head = json.loads(run(env, "audit", "verify", "--format", "json")[1])["head"]
    anchor = f"{head['seq']}:{head['hash']}"
    engine = sqlalchemy.create_engine(database_url.replace("postgresql://",
                                                           "postgresql+psycopg://"))  # fmt: skip
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DELETE FROM audit_entries WHERE seq = 2"))
    engine.dispose()
    assert run(env, "audit", "verify")[0] == 0  # the chain alone cannot see a cut end
    code, out = run(env, "audit", "verify", "--anchor", anchor)
    assert code == 4 and "entry 2" in out
