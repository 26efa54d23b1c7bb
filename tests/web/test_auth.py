"""Signing in to the API: the OAuth2 password form gives a bearer token, a browser gets a
session cookie whose changes need the CSRF token, and an attacker learns nothing.

A wrong password and an unknown name are answered alike (the same body, about the same
time), repeated failures are refused for a while (429, whether or not the name exists),
an expired, revoked or made-up token is 401, and every response carries the security
headers. Every route but the two sign-in forms and the OpenAPI document answers 401 to a
request that is not signed.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from dronevet.store.models import SessionRow, now
from dronevet.web.app import SECURITY_HEADERS
from dronevet.web.auth import CSRF_HEADER, SESSION_COOKIE
from web.conftest import PASSWORD, Api

TOKEN = "/api/v1/auth/token"
LOGIN = "/api/v1/auth/login"
PUBLIC = {TOKEN, LOGIN, "/api/v1/openapi.json"}
"""The OpenAPI document is public: it describes the interface, holds no record, and is
what clients and the schema tests read before they can sign in."""
NEW_AIRCRAFT = {"serial": "S9", "model": "Skydio X10"}


def sign_in(api: Api, username: str, password: str = PASSWORD,
            form: str = TOKEN) -> httpx.Response:
    answer: httpx.Response = api.client.post(form, data={"username": username,
                                                          "password": password})
    return answer


def test_the_password_form_gives_a_bearer_token_that_signs_requests(api: Api) -> None:
    answer = sign_in(api, "sheriff-viewer")
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 12 * 3600
    assert body["user"] == {"name": "sheriff-viewer", "role": "viewer", "organisation": "Sheriff"}
    me = api.client.get("/api/v1/auth/me",
                        headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["may"] == ["read"] and me.json()["organisations"] == ["Sheriff"]


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(api: Api) -> None:
    wrong = sign_in(api, "sheriff-viewer", "not the password at all")
    unknown = sign_in(api, "nobody-here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {
        "detail": "the user name or the password is wrong", "suggestions": []}
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]


def test_a_wrong_password_and_an_unknown_name_take_about_the_same_time(sqlite_api: Api) -> None:
    """Each is an argon2 verification; an unknown name must not answer sooner."""

    def seconds(username: str) -> float:
        started = time.perf_counter()
        assert sign_in(sqlite_api, username, "not the password at all").status_code == 401
        return time.perf_counter() - started

    # different names each time, so the per-name throttle never starts; taken in turn,
    # so the other work on this machine slows both alike
    wrong: list[float] = []
    unknown: list[float] = []
    for i, name in enumerate(("sheriff-viewer", "sheriff-admin", "fire-viewer", "fire-admin")):
        wrong.append(seconds(name))
        unknown.append(seconds(f"nobody-{i}"))
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.5 < ratio < 2.0, (wrong, unknown)


def test_repeated_failures_for_a_name_are_refused_even_with_the_right_password(
    sqlite_api: Api,
) -> None:
    for _ in range(5):
        assert sign_in(sqlite_api, "fire-viewer", "guess guess guess").status_code == 401
    refused = sign_in(sqlite_api, "fire-viewer")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many failed sign-ins" in refused.json()["detail"]
    assert sign_in(sqlite_api, "sheriff-viewer").status_code == 200


def test_an_unknown_name_is_throttled_like_a_real_one(sqlite_api: Api) -> None:
    for _ in range(5):
        sign_in(sqlite_api, "nobody-here", "guess guess guess")
    assert sign_in(sqlite_api, "nobody-here", "guess guess guess").status_code == 429


@pytest.mark.parametrize("token", ["garbage", "x" * 500, "", "a b c"])
def test_a_made_up_token_is_401(api: Api, token: str) -> None:
    answer = api.client.get("/api/v1/aircraft", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_token_in_another_scheme_is_401(api: Api) -> None:
    token = api.seeded.tokens["sheriff-viewer"]
    answer = api.client.get("/api/v1/aircraft", headers={"Authorization": f"Basic {token}"})
    assert answer.status_code == 401 and "Bearer <token>" in answer.json()["detail"]


def test_an_expired_token_is_401(api: Api) -> None:
    assert api.get("/api/v1/aircraft", "sheriff-viewer").status_code == 200
    with api.register.sessions.begin() as session:  # twelve hours later
        session.execute(update(SessionRow).values(expires_at=now() - timedelta(seconds=1)))
    answer = api.get("/api/v1/aircraft", "sheriff-viewer")
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


def test_logout_revokes_the_token(api: Api) -> None:
    token = sign_in(api, "fire-viewer").json()["access_token"]
    signed = {"Authorization": f"Bearer {token}"}
    assert api.client.post("/api/v1/auth/logout", headers=signed).status_code == 204
    assert api.client.get("/api/v1/auth/me", headers=signed).status_code == 401
    assert api.get("/api/v1/auth/me", "fire-viewer").status_code == 200  # other sessions live


def test_a_cookie_session_needs_the_csrf_token_to_change_anything(api: Api) -> None:
    login = sign_in(api, "sheriff-program-manager", form=LOGIN)
    assert login.status_code == 200
    csrf = login.json()["csrf_token"]
    cookie = login.cookies[SESSION_COOKIE]
    assert "httponly" in login.headers["set-cookie"].lower()
    assert "samesite=strict" in login.headers["set-cookie"].lower()
    api.client.cookies.set(SESSION_COOKIE, cookie)
    assert api.client.get("/api/v1/aircraft").status_code == 200  # reading needs no token
    changes = [("POST", "/api/v1/aircraft", NEW_AIRCRAFT),
               ("PUT", "/api/v1/aircraft/S1", {"serial": "S1", "model": "DJI M30T"}),
               ("DELETE", "/api/v1/aircraft/S2", None)]
    for method, path, body in changes:
        for sent in ({}, {CSRF_HEADER: "not-the-token"}):
            refused = api.client.request(method, path, json=body, headers=sent)
            assert refused.status_code == 403, (method, sent)
            assert CSRF_HEADER in refused.json()["detail"]
    serials = [a["serial"] for a in api.client.get("/api/v1/aircraft").json()]
    assert serials == ["S1", "S2"]  # nothing changed
    for method, path, body in changes:
        done = api.client.request(method, path, json=body, headers={CSRF_HEADER: csrf})
        assert done.status_code in (200, 201, 204), (method, done.text)
    assert [a["serial"] for a in api.client.get("/api/v1/aircraft").json()] == ["S1", "S9"]


def test_a_cookie_session_ends_at_logout(api: Api) -> None:
    login = sign_in(api, "fire-viewer", form=LOGIN)
    csrf = login.json()["csrf_token"]
    api.client.cookies.set(SESSION_COOKIE, login.cookies[SESSION_COOKIE])
    assert api.client.post("/api/v1/auth/logout", headers={CSRF_HEADER: csrf}).status_code == 204
    assert api.client.get("/api/v1/auth/me").status_code == 401


def test_a_bearer_token_is_not_a_session_cookie(api: Api) -> None:
    api.client.cookies.set(SESSION_COOKIE, api.seeded.tokens["fire-viewer"])
    assert api.client.get("/api/v1/auth/me").status_code == 401


def _unsigned_requests(api: Api) -> list[tuple[str, str]]:
    """Every operation the OpenAPI document lists, with its path filled in."""
    paths = api.client.get("/api/v1/openapi.json").json()["paths"]
    found: list[tuple[str, str]] = []
    for path, operations in paths.items():
        filled = path.replace("{serial}", "S1").replace("{waiver_id}", "1")
        filled = filled.replace("{name}", "Sheriff")
        found.extend((method.upper(), filled) for method in operations)
    return found


def test_every_route_but_signing_in_answers_401_unsigned(sqlite_api: Api) -> None:
    requests = _unsigned_requests(sqlite_api)
    assert len(requests) >= 20  # every route the app has, not a hand-made list
    for method, path in requests:
        if path in PUBLIC:
            continue
        answer = sqlite_api.client.request(method, path)
        assert answer.status_code == 401, (method, path, answer.text)
        assert "sign in first" in answer.json()["detail"]


def test_the_openapi_document_is_public_and_holds_no_records(sqlite_api: Api) -> None:
    answer = sqlite_api.client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert "/api/v1/aircraft" in answer.json()["paths"]
    assert "Sheriff" not in answer.text and "S1" not in answer.text


@pytest.mark.parametrize(("method", "path", "user", "status"), [
    ("GET", "/api/v1/aircraft", "sheriff-viewer", 200),
    ("GET", "/api/v1/aircraft", None, 401),
    ("GET", "/api/v1/aircraft/NOPE", "sheriff-viewer", 404),
    ("POST", "/api/v1/aircraft", "sheriff-viewer", 403),
    ("POST", "/api/v1/vet", "sheriff-viewer", 422),
    ("GET", "/api/v1/openapi.json", None, 200),
    ("GET", "/no/such/page", None, 404),
])  # fmt: skip
def test_every_answer_carries_the_security_headers(
    sqlite_api: Api, method: str, path: str, user: str | None, status: int
) -> None:
    answer = sqlite_api.send(method, path, user, json={})
    assert answer.status_code == status
    for name, value in SECURITY_HEADERS:
        assert answer.headers[name.decode()] == value.decode()
    if path.startswith("/api/"):
        assert answer.headers["cache-control"] == "no-store"
