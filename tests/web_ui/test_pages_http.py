"""The pages' guards, over real HTTP to the app (httpx's ASGI transport): nobody unsigned
sees a page, a viewer is shown no decision and may not post one, and a change posted
without the session's CSRF token is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from dronevet.web.app import create_app
from web_ui.agency import PASSWORD, SHERIFF, Agency, build

PAGES = ["/", "/aircraft", "/aircraft/SO-001", "/vet", "/vet/bom", "/screen", "/waivers",
         "/import", "/audit", "/admin/users"]


@pytest.fixture(scope="module")
def client(agency: Agency) -> Iterator[TestClient]:
    with TestClient(create_app(agency.settings), follow_redirects=False) as found:
        yield found


def signed_in(client: TestClient, user: str) -> str:
    """Sign `client` in as `user`; the CSRF token its pages' forms carry."""
    client.cookies.clear()
    answer = client.post("/login", data={"username": user, "password": PASSWORD})
    assert answer.status_code == 303
    page = client.get("/waivers").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_asked_for_unsigned_redirects_to_the_sign_in_page(client: TestClient,
                                                                 path: str) -> None:
    client.cookies.clear()
    answer = client.get(path + "?as_of=2025-12-22")
    assert answer.status_code == 302
    assert answer.headers["location"] == "/login?next=" + quote(path + "?as_of=2025-12-22",
                                                                safe="")


def test_the_sign_in_page_never_sends_anyone_to_another_site(client: TestClient) -> None:
    client.cookies.clear()
    answer = client.post("/login", data={"username": "viewer", "password": PASSWORD,
                                         "next": "//evil.example/"})
    assert answer.headers["location"] == "/"


def test_a_viewer_sees_no_decision_and_may_not_post_one(client: TestClient,
                                                        agency: Agency) -> None:
    from dronevet.fleet.waivers import Waiver, WaiverState
    from dronevet.knowledge import load_builtin

    [asked] = agency.register.request_waivers(
        [Waiver("County Sheriff", "us-asda-2023", "operate", "asda-agency-head-waiver",
                date(2026, 1, 1), date(2026, 7, 1), "pm", "SO-002")],
        actor="pm", kb=load_builtin())
    csrf = signed_in(client, "viewer")
    page = client.get("/waivers").text
    assert f"waiver-{asked.id}" in page and f"Approve waiver {asked.id}" not in page
    assert "An approving official decides it." in page
    answer = client.post(f"/waivers/{asked.id}/decision",
                         data={"csrf_token": csrf, "decision": "approve", "reason": "why not"})
    assert answer.status_code == 403 and "a viewer may not decide waiver" in answer.text
    assert next(w for w in agency.register.waivers("County Sheriff")
                if w.id == asked.id).state is WaiverState.requested
    signed_in(client, "ao")
    assert f"Approve waiver {asked.id}" in client.get("/waivers").text


def test_a_change_without_the_csrf_token_is_refused(client: TestClient,
                                                    agency: Agency) -> None:
    signed_in(client, "admin")
    before = agency.register.aircraft("County Sheriff")
    answer = client.post("/import", files={"file": ("more.csv", b"serial,model\nX9,DJI M30T\n")})
    assert answer.status_code == 403 and "CSRF" in answer.text
    answer = client.post("/import", data={"csrf_token": "forged"},
                         files={"file": ("more.csv", b"serial,model\nX9,DJI M30T\n")})
    assert answer.status_code == 403
    assert agency.register.aircraft("County Sheriff") == before


def test_a_user_of_one_organisation_never_sees_another_s_aircraft(client: TestClient) -> None:
    signed_in(client, "firepm")
    assert client.get("/aircraft/SO-001").status_code == 404
    assert client.get("/aircraft?org=County+Sheriff").status_code == 404
    assert "FD-001" in client.get("/aircraft").text



def test_the_plan_form_comes_filled_with_what_the_planning_file_keeps(tmp_path: Path) -> None:
    mine = build(tmp_path / "home")
    (tmp_path / "home" / "planning.yaml").write_text(f"""
"{SHERIFF}":
  budgets: {{FY2027: 45000}}
  quotes:
    skydio-x10d: {{price: 16000, source: "Skydio quote Q-9", date: 2026-11-02}}
""", encoding="utf-8")
    with TestClient(create_app(mine.settings), follow_redirects=False) as own:
        signed_in(own, "pm")
        page = own.get("/plan", params={"as_of": "2026-12-01"}).text
        asked = own.get("/plan", params={
            "as_of": "2026-12-01", "year_1": "FY2027", "budget_1": "7", "product_1":
            "skydio-x10d", "price_1": "15000", "source_1": "Q-1", "quoted_1": "2026-11-01"})
    # FY2027 runs from October 2026: the form's first year on 2026-12-01
    assert re.search(r'name="budget_1"[^>]*value="45000.00"', page)
    assert re.search(r'name="product_1" value="skydio-x10d"', page)
    assert 'value="Skydio quote Q-9"' in page and 'value="2026-11-02"' in page
    assert asked.status_code == 200, asked.text
    assert re.search(r'name="budget_1"[^>]*value="7"', asked.text)  # what was asked wins
    assert 'value="Skydio quote Q-9"' not in asked.text
