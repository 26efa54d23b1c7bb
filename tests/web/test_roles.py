"""The role matrix over HTTP: every role of both organisations, against one request of
each route family, is let through exactly when `access.ALLOWED` says so, and refused with
403 otherwise.

The expectation comes from `access.ALLOWED`; a few cells are also written out by hand
from the matrix in `access.py`'s docstring (a viewer only reads, only an approving
official or an administrator decides a waiver...), so a wrong matrix fails here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from dronevet.access import ALLOWED, Action, Role
from web.conftest import FLEETS, ORGS, WAIVER_BASIS, Api, user_name


def _second_serial(org: str) -> str:
    return str(FLEETS[org].splitlines()[2].split(",")[0])


@dataclass(frozen=True)
class Call:
    """One request of a route family, made in the caller's own organisation, and the
    status it gets when the role allows it."""

    method: str
    path: str
    succeeds: int
    body: dict[str, Any] | None = None
    upload: bool = False

    def send(self, api: Api, user: str, org: str) -> Any:
        path = self.path.format(waiver=api.seeded.waivers[org], org=org,
                                second=_second_serial(org))
        if self.upload:
            files = {"file": ("more.csv", b"serial,model\nN1,Skydio X10\n", "text/csv")}
            return api.send(self.method, path, user, files=files)
        return api.send(self.method, path, user, json=self.body)


FAMILIES: dict[Action, list[Call]] = {
    Action.read: [
        Call("GET", "/api/v1/orgs", 200), Call("GET", "/api/v1/orgs/{org}", 200),
        Call("GET", "/api/v1/aircraft", 200), Call("GET", "/api/v1/status", 200),
        Call("GET", "/api/v1/timeline", 200), Call("GET", "/api/v1/waivers", 200),
        Call("GET", "/api/v1/waivers/{waiver}", 200),
        Call("POST", "/api/v1/vet", 200, {"product": "DJI M30T", "policy": "asda",
                                          "use": "operate"}),
        Call("GET", "/api/v1/screen?name=DJI", 200),
        Call("GET", "/api/v1/airspace/detections", 200),
        Call("GET", "/api/v1/airspace/sensors", 200),
    ],
    Action.edit_fleet: [
        Call("POST", "/api/v1/aircraft", 201, {"serial": "N1", "model": "Skydio X10"}),
        Call("PUT", "/api/v1/aircraft/N1", 200, {"serial": "N1", "model": "Skydio X10"}),
        Call("DELETE", "/api/v1/aircraft/{second}", 204),
        Call("POST", "/api/v1/aircraft/import", 200, upload=True),
    ],
    Action.request_waiver: [
        Call("POST", "/api/v1/waivers", 201, {"policy": "asda", "use": "operate",
                                              "legal_basis": WAIVER_BASIS,
                                              "start": "2026-01-01", "end": "2026-03-01"}),
    ],
    Action.decide_waiver: [
        Call("POST", "/api/v1/waivers/{waiver}/decision", 200,
             {"approve": True, "reason": "offline operation only, for six months"}),
    ],
    Action.read_audit: [Call("GET", "/api/v1/audit", 200),
                        Call("GET", "/api/v1/audit/verify", 200)],
    Action.guard_airspace: [
        Call("POST", "/api/v1/airspace/alerts/1/ack", 404),
    ],
    Action.administer: [
        Call("PUT", "/api/v1/orgs/{org}", 200,
             {"bindings": [{"policy": "asda", "uses": ["operate"]}]}),
    ],
}  # fmt: skip
NOT_HERE = {Action.plan}
"""Actions with no route in this test (the plans routes are tested in test_plans_api.py)."""

BY_HAND = {
    (Role.viewer, Action.read): True,
    (Role.viewer, Action.edit_fleet): False,
    (Role.viewer, Action.request_waiver): False,
    (Role.program_manager, Action.edit_fleet): True,
    (Role.program_manager, Action.decide_waiver): False,
    (Role.program_manager, Action.read_audit): False,
    (Role.security_officer, Action.read_audit): True,
    (Role.security_officer, Action.edit_fleet): False,
    (Role.approving_official, Action.decide_waiver): True,
    (Role.approving_official, Action.request_waiver): False,
    (Role.approving_official, Action.administer): False,
    (Role.admin, Action.administer): True,
    (Role.security_officer, Action.guard_airspace): True,
    (Role.program_manager, Action.guard_airspace): False,
}


def test_every_action_has_a_route_family_here() -> None:
    assert set(FAMILIES) | NOT_HERE == set(Action)


@pytest.mark.parametrize(("role", "action"), sorted(BY_HAND))
def test_the_matrix_says_what_its_table_says(role: Role, action: Action) -> None:
    assert (action in ALLOWED[role]) is BY_HAND[(role, action)]


@pytest.mark.parametrize("org", ORGS)
@pytest.mark.parametrize("action", sorted(FAMILIES))
@pytest.mark.parametrize("role", list(Role))
def test_a_role_reaches_a_route_family_exactly_when_the_matrix_allows(
    sqlite_api: Api, role: Role, action: Action, org: str
) -> None:
    user = user_name(org, role)
    allowed = action in ALLOWED[role]
    if (role, action) in BY_HAND:
        assert allowed is BY_HAND[(role, action)]
    for call in FAMILIES[action]:
        answer = call.send(sqlite_api, user, org)
        if allowed:
            assert answer.status_code == call.succeeds, (call, answer.text)
        else:
            assert answer.status_code == 403, (call, answer.text)
            assert answer.json()["detail"] == (
                f"a {role.value} may not {action.value.replace('-', ' ')}")


@pytest.mark.parametrize("role", list(Role))
def test_a_refused_change_changes_nothing(sqlite_api: Api, role: Role) -> None:
    user = user_name("Sheriff", role)
    before = sqlite_api.get("/api/v1/aircraft", "sheriff-admin").json()
    for call in FAMILIES[Action.edit_fleet]:
        call.send(sqlite_api, user, "Sheriff")
    after = sqlite_api.get("/api/v1/aircraft", "sheriff-admin").json()
    if Action.edit_fleet in ALLOWED[role]:
        assert after != before
    else:
        assert after == before and {a["serial"] for a in after} == {"S1", _second_serial("Sheriff")}


def test_me_lists_what_the_role_may_do(sqlite_api: Api) -> None:
    for role in Role:
        me = sqlite_api.get("/api/v1/auth/me", user_name("Fire", role)).json()
        assert set(me["may"]) == {a.value for a in ALLOWED[role]}
    assert sqlite_api.get("/api/v1/auth/me", "fire-viewer").json()["may"] == ["read"]
