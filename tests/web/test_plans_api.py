"""`POST /api/v1/plans` over the real application on a fresh SQLite store: a program
manager of the agency gets the plan `dronevet fleet plan --format json` prints for the same
register, a viewer is refused (403), a user of another organisation is answered as if the
agency did not exist (404), and bad requests get one clear 422. There is no `GET /plans`.

The agency is bound by the American Security Drone Act for operation, which prohibits
flying its two DJI Matrice 30Ts from 2025-12-22; a $16,000 quote for a Skydio X10D and a
FY2026 budget of $20,000 buy one of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dronevet.access import Role
from dronevet.accounts import add_user
from dronevet.cli import app as cli
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.register import Register
from dronevet.settings import Settings
from dronevet.web.app import create_app

AGENCY = "Test Police"
OTHER = "Other Police"
PASSWORD = "correct horse battery staple"
QUOTE = {"price": 16000, "source": "Skydio quote Q-1 to Test Police", "date": "2025-10-01"}
BODY: dict[str, Any] = {
    "org": AGENCY,
    "budgets": {"FY2026": 20000},
    "as_of": "2025-11-01",
    "quotes": {"skydio-x10d": QUOTE},
    "what_if": {"budget_percent": [100]},
}
M30T = {"model": "DJI Matrice 30T", "product_id": "dji-matrice-30t",
        "purchase_date": date(2021, 3, 1), "price": Decimal(10_000),
        "missions": ("search-and-rescue",)}  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    app = create_app(Settings.at(home))
    register: Register = app.state.register
    register.save_organisation(
        Organisation(AGENCY, (Binding("asda", ("operate",)),)), actor="admin")
    register.save_organisation(
        Organisation(OTHER, (Binding("asda", ("operate",)),)), actor="admin")
    register.import_aircraft(AGENCY, [Aircraft("A1", **M30T), Aircraft("B2", **M30T)],
                             actor="admin")  # fmt: skip
    for name, role, org in (("pm", Role.program_manager, AGENCY),
                            ("ao", Role.approving_official, AGENCY),
                            ("viewer", Role.viewer, AGENCY),
                            ("other-pm", Role.program_manager, OTHER)):
        add_user(register, name, PASSWORD, role, org, actor="admin")
    with TestClient(app) as test_client:
        yield test_client


def signed_in(client: TestClient, name: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_program_manager_gets_the_plan_the_cli_prints(
    client: TestClient, home: Path, tmp_path: Path,
) -> None:
    answer = client.post("/api/v1/plans", json=BODY, headers=signed_in(client, "pm"))
    assert answer.status_code == 200, answer.text
    plan = answer.json()
    assert plan["organisation"] == AGENCY and plan["as_of"] == "2025-11-01"
    assert [d["deadline"] for d in plan["deadlines"]] == ["2025-12-22", "2025-12-22"]
    assert sorted(a["status"] for a in plan["aircraft"]) == ["not_replaced", "replaced"]
    assert plan["years"] == [{"fiscal_year": 2026, "budget": "20000.00", "carried_in": "0",
                              "spend": "16000.00", "left": "4000.00",
                              "aircraft": plan["years"][0]["aircraft"]}]
    [more] = plan["what_if"]
    assert more["label"] == "every budget +100 %" and more["plan"]["totals"]["replaced"] == 2
    quotes = tmp_path / "quotes.yaml"
    quotes.write_text(json.dumps({"skydio-x10d": QUOTE}), encoding="utf-8")
    printed = CliRunner().invoke(
        cli, ["fleet", "plan", "--org", AGENCY, "--budget", "FY2026=20000", "--as-of",
              "2025-11-01", "--quotes", str(quotes), "--what-if-budget", "100",
              "--format", "json"], env={"DRONEVET_HOME": str(home)})
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == plan


def test_an_approving_official_may_plan_too(client: TestClient) -> None:
    answer = client.post("/api/v1/plans", json={**BODY, "org": None},
                         headers=signed_in(client, "ao"))
    assert answer.status_code == 200 and answer.json()["organisation"] == AGENCY


def test_a_viewer_may_not_plan(client: TestClient) -> None:
    answer = client.post("/api/v1/plans", json=BODY, headers=signed_in(client, "viewer"))
    assert answer.status_code == 403
    assert answer.json()["detail"] == "a viewer may not plan"


def test_another_organisations_user_is_answered_as_if_there_were_no_such_agency(
    client: TestClient,
) -> None:
    headers = signed_in(client, "other-pm")
    answer = client.post("/api/v1/plans", json=BODY, headers=headers)
    assert (answer.status_code, answer.json()["detail"]) == (404, "no organisation 'Test Police'")
    nobody = client.post("/api/v1/plans", json={**BODY, "org": "Nobody"}, headers=headers)
    assert (nobody.status_code, nobody.json()["detail"]) == (404, "no organisation 'Nobody'")


def test_signing_in_is_required_and_there_is_no_get(client: TestClient) -> None:
    assert client.post("/api/v1/plans", json=BODY).status_code == 401
    assert client.get("/api/v1/plans", headers=signed_in(client, "pm")).status_code == 405


@pytest.mark.parametrize(("change", "says"), [
    ({"budgets": {"FY20x": 1}}, "budgets: 'FY20x' is not a fiscal year"),
    ({"budgets": {"FY2026": -1}}, "budgets, FY2026: -1 must be an amount of zero or more"),
    ({"budgets": {"FY2026": 1e300}}, "budgets, FY2026: 1e+300 is more than any budget"),
    ({"budgets": {"FY2020": 1}}, "FY2020 (2019-10-01 to 2020-09-30 for Test Police) ended"),
    ({"budgets": {}}, "budgets"),
    ({"candidates": ["skydio-x11"]}, "candidate 'skydio-x11' is not a product"),
    ({"quotes": {"skydio-x10d": {"price": 1}}}, "quotes, skydio-x10d: a quote needs its source"),
    ({"requirements": {"aircraft": {"Z9": {}}}}, "requirements: the requirements name aircraft"),
    ({"requirements": {"crew": 2}}, "requirements: 'crew' is not one of aircraft, missions"),
    ({"what_if": {"budget_percent": [-100]}}, "what_if.budget_percent.0"),
    ({"programme": "x"}, "programme"),
])
def test_bad_requests_get_one_clear_422(
    client: TestClient, change: dict[str, Any], says: str,
) -> None:
    answer = client.post("/api/v1/plans", json={**BODY, **change},
                         headers=signed_in(client, "pm"))
    assert answer.status_code == 422, answer.text
    assert says in answer.json()["detail"]
