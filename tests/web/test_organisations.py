"""Two organisations in one store: a user of Fire, even its administrator, never sees or
changes Sheriff's aircraft, waivers, status or audit entries.

Another organisation's records are answered 404, exactly as records that do not exist
(`auth.Caller.organisation`), so a caller cannot even learn which names are real.
"""

from __future__ import annotations

from typing import Any

import pytest

from web.conftest import WAIVER_BASIS, Api

FIRE_ADMIN = "fire-admin"
SHERIFF_ADMIN = "sheriff-admin"


def sheriff_state(api: Api) -> dict[str, Any]:
    """Everything of Sheriff's that a Fire user could try to read or change."""
    return {
        "aircraft": api.get("/api/v1/aircraft", SHERIFF_ADMIN).json(),
        "waivers": api.get("/api/v1/waivers", SHERIFF_ADMIN).json(),
        "org": api.get("/api/v1/orgs/Sheriff", SHERIFF_ADMIN).json(),
    }


def without_name(body: dict[str, Any], name: str) -> str:
    return str(body["detail"]).replace(name, "NAME")


def test_a_user_sees_only_their_own_organisation(api: Api) -> None:
    assert [o["name"] for o in api.get("/api/v1/orgs", FIRE_ADMIN).json()] == ["Fire"]
    assert [o["name"] for o in api.get("/api/v1/orgs", SHERIFF_ADMIN).json()] == ["Sheriff"]
    assert [o["name"] for o in api.get("/api/v1/orgs", "root").json()] == ["Fire", "Sheriff"]


@pytest.mark.parametrize("path", [
    "/api/v1/orgs/{org}",
    "/api/v1/aircraft?org={org}",
    "/api/v1/aircraft/S1?org={org}",
    "/api/v1/status?org={org}",
    "/api/v1/timeline?org={org}",
    "/api/v1/waivers?org={org}",
])  # fmt: skip
def test_another_organisations_records_are_404_like_missing_ones(api: Api, path: str) -> None:
    other = api.get(path.format(org="Sheriff"), FIRE_ADMIN)
    missing = api.get(path.format(org="Nowhere"), FIRE_ADMIN)
    assert other.status_code == missing.status_code == 404
    assert without_name(other.json(), "Sheriff") == without_name(missing.json(), "Nowhere")


def test_another_organisations_aircraft_is_not_found_in_ones_own(api: Api) -> None:
    assert api.get("/api/v1/aircraft/S1", FIRE_ADMIN).status_code == 404
    assert api.get("/api/v1/aircraft/S1", SHERIFF_ADMIN).status_code == 200


def test_another_organisations_waiver_is_404_like_a_missing_one(api: Api) -> None:
    sheriffs = api.seeded.waivers["Sheriff"]
    other = api.get(f"/api/v1/waivers/{sheriffs}", FIRE_ADMIN)
    missing = api.get("/api/v1/waivers/999999", FIRE_ADMIN)
    assert other.status_code == missing.status_code == 404
    assert without_name(other.json(), str(sheriffs)) == without_name(missing.json(), "999999")
    assert api.get(f"/api/v1/waivers/{sheriffs}", SHERIFF_ADMIN).status_code == 200


def test_no_change_reaches_another_organisation(api: Api) -> None:
    before = sheriff_state(api)
    sheriffs = api.seeded.waivers["Sheriff"]
    attempts = [
        ("POST", "/api/v1/aircraft?org=Sheriff", {"serial": "X1", "model": "Skydio X10"}),
        ("PUT", "/api/v1/aircraft/S1?org=Sheriff", {"serial": "S1", "model": "Skydio X10"}),
        ("DELETE", "/api/v1/aircraft/S1?org=Sheriff", None),
        ("POST", "/api/v1/waivers?org=Sheriff",
         {"policy": "asda", "use": "operate", "legal_basis": WAIVER_BASIS,
          "start": "2026-01-01", "end": "2026-02-01"}),
        ("POST", f"/api/v1/waivers/{sheriffs}/decision",
         {"approve": True, "reason": "looks fine to Fire"}),
    ]
    for method, path, body in attempts:
        answer = api.send(method, path, FIRE_ADMIN, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    upload = api.send("POST", "/api/v1/aircraft/import?org=Sheriff", FIRE_ADMIN,
                      files={"file": ("f.csv", b"serial,model\nS1,Skydio X10\n", "text/csv")})
    assert upload.status_code == 404
    assert sheriff_state(api) == before


def test_a_waiver_in_ones_own_organisation_cannot_name_anothers_aircraft(api: Api) -> None:
    asked = api.send("POST", "/api/v1/waivers", FIRE_ADMIN,
                     json={"policy": "asda", "use": "operate", "legal_basis": WAIVER_BASIS,
                           "start": "2026-01-01", "end": "2026-02-01", "aircraft": ["S1"]})
    assert asked.status_code == 422 and "'S1'" in asked.json()["detail"]
    assert "Fire" in asked.json()["detail"]


def test_an_organisation_administrator_cannot_take_over_another(api: Api) -> None:
    """Naming Sheriff a unit of Fire would hand Fire every Sheriff record."""
    before = sheriff_state(api)
    for body, status in (({"parent": "Fire"}, 409), ({}, 403), ({"parent": "Sheriff"}, 403)):
        for name in ("Sheriff", " Sheriff "):
            answer = api.send("PUT", f"/api/v1/orgs/{name}", FIRE_ADMIN, json=body)
            assert answer.status_code == status, (name, body, answer.text)
    assert sheriff_state(api) == before
    assert [o["name"] for o in api.get("/api/v1/orgs", FIRE_ADMIN).json()] == ["Fire"]
    assert api.get("/api/v1/aircraft?org=Sheriff", FIRE_ADMIN).status_code == 404


def test_an_organisation_administrator_may_add_a_unit_and_then_sees_it(api: Api) -> None:
    added = api.send("PUT", "/api/v1/orgs/Fire Station 3", FIRE_ADMIN,
                     json={"parent": "Fire", "bindings": [{"policy": "asda"}]})
    assert added.status_code == 200 and added.json()["saved"] == "created"
    assert [o["name"] for o in api.get("/api/v1/orgs", FIRE_ADMIN).json()] == [
        "Fire", "Fire Station 3"]
    assert [o["name"] for o in api.get("/api/v1/orgs", SHERIFF_ADMIN).json()] == ["Sheriff"]


def organisation_of(entry: dict[str, Any]) -> str | None:
    """Whose record an audit entry is about (an organisation's own entry: itself)."""
    state = entry["after"] if entry["after"] is not None else entry["before"]
    found: str | None = state["name" if entry["record_type"] == "organisation" else
                              "organisation"]
    return found


def test_the_audit_log_shows_only_ones_own_organisations_entries(api: Api) -> None:
    for org, user in (("Fire", "fire-security-officer"),
                      ("Sheriff", "sheriff-approving-official")):
        entries = api.get("/api/v1/audit", user).json()["entries"]
        kinds = {e["record_type"] for e in entries}
        assert kinds == {"organisation", "aircraft", "user", "waiver"}, org
        assert {organisation_of(e) for e in entries} == {org}
    every = api.get("/api/v1/audit?limit=500", "root").json()["entries"]
    assert {organisation_of(e) for e in every} == {"Fire", "Sheriff", None}


def test_a_changes_audit_entry_names_who_made_it(api: Api) -> None:
    api.send("POST", "/api/v1/aircraft", "fire-program-manager",
             json={"serial": "F9", "model": "Skydio X10"})
    newest = api.get("/api/v1/audit?limit=1", "fire-admin").json()["entries"][0]
    assert newest["actor"] == "fire-program-manager" and organisation_of(newest) == "Fire"
    assert api.get("/api/v1/audit/verify", "fire-admin").json()["ok"] is True
