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


FLEET = """serial,model,purchase_date,price,funding,missions,flight_hours
SN-001,DJI M30T,2022-03-01,"$9,999",federal-grant,search-and-rescue;law-enforcement,120
SN-002,Skydio X10D,2024-05-10,16000,state,infrastructure-inspection,30
"""


def _org_with_fleet(env: dict[str, str], tmp_path: Path) -> Path:
    run(env, "fleet", "org", "Springfield Police", "--policies", "asda,ndaa-848")
    path = tmp_path / "fleet.csv"
    path.write_text(FLEET, encoding="utf-8")
    code, out = run(env, "fleet", "import", str(path), "--org", "Springfield Police")
    assert code == 0 and "2 aircraft added" in out, out
    return path


def test_a_register_imports_once_and_again_without_duplicates(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = _org_with_fleet(env, tmp_path)
    code, out = run(env, "fleet", "import", str(path), "--org", "Springfield Police",
                    "--format", "json")  # fmt: skip
    assert code == 0 and json.loads(out)["unchanged"] == 2
    path.write_text(FLEET.replace(",120\n", ",121\n"), encoding="utf-8")
    assert json.loads(run(env, "fleet", "import", str(path), "--org", "Springfield Police",
                          "--format", "json")[1])["updated"] == 1  # fmt: skip
    listed = json.loads(run(env, "fleet", "list", "--org", "Springfield Police", "-f", "json")[1])
    assert [(a["serial"], a["product_id"], a["price"], a["flight_hours"])
            for a in listed["aircraft"]] == [("SN-001", "dji-matrice-30t", "9999.00", 121.0),
                                             ("SN-002", "skydio-x10d", "16000.00", 30.0)]


def test_a_register_with_a_bad_row_changes_nothing_and_names_the_row(
    env: dict[str, str], tmp_path: Path
) -> None:
    _org_with_fleet(env, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(FLEET.splitlines()[0] + "\nSN-003,DJI M30T,2022-03-01,1,local,rescue,1\n"
                   "SN-004,Phantom Zero,2022-13-01,abc,state,gardening,x\n", encoding="utf-8")
    code, out = run(env, "fleet", "import", str(bad), "--org", "Springfield Police")
    text = " ".join(out.split())
    assert code == 3 and "nothing was imported" in text
    for column in ("model", "purchase_date", "price", "missions", "flight_hours"):
        assert f"line 3, column '{column}'" in text
    listed = json.loads(run(env, "fleet", "list", "--org", "Springfield Police", "-f", "json")[1])
    assert [a["serial"] for a in listed["aircraft"]] == ["SN-001", "SN-002"]


def test_status_follows_the_contract_and_says_when_a_verdict_changes(
    env: dict[str, str], tmp_path: Path
) -> None:
    _org_with_fleet(env, tmp_path)
    code, out = run(env, "fleet", "status", "--org", "Springfield Police", "--as-of",
                    "2025-06-01", "--format", "json")  # fmt: skip
    assert code == 0, out
    status = json.loads(out)
    assert (status["org"], status["as_of"]) == ("Springfield Police", "2025-06-01")
    dji = next(a for a in status["aircraft"] if a["serial"] == "SN-001")
    assert dji["model"] == "DJI M30T" and dji["product_id"] == "dji-matrice-30t"
    operate = next(v for v in dji["verdicts"]
                   if (v["policy"], v["use"]) == ("us-asda-2023", "operate"))  # fmt: skip
    assert operate["verdict"] == "not_applicable"  # ASDA's operation ban starts 2025-12-22
    assert operate["next_change"]["date"] == "2025-12-22"
    assert operate["next_change"]["verdict"] == "prohibited"
    assert status["totals"]["aircraft"] == 2
    code, text = run(env, "fleet", "timeline", "--org", "Springfield Police", "--as-of",
                     "2025-06-01")  # fmt: skip
    assert code == 0 and "operation prohibited from 2025-12-22 under us-asda-2023" in text


def test_export_writes_what_import_reads(env: dict[str, str], tmp_path: Path) -> None:
    _org_with_fleet(env, tmp_path)
    for suffix in (".csv", ".xlsx"):
        out_path = tmp_path / f"out{suffix}"
        assert run(env, "fleet", "export", "--org", "Springfield Police", str(out_path))[0] == 0
        run(env, "fleet", "org", f"Copy{suffix}", "--policies", "asda")
        code, out = run(env, "fleet", "import", str(out_path), "--org", f"Copy{suffix}")
        assert code == 0 and "2 aircraft added" in out, out
        copied = json.loads(run(env, "fleet", "list", "--org", f"Copy{suffix}", "-f", "json")[1])
        original = json.loads(run(env, "fleet", "list", "--org", "Springfield Police",
                                  "-f", "json")[1])  # fmt: skip
        assert copied["aircraft"] == original["aircraft"]
