"""When the server itself fails (here: a store edited behind the register's back, so an
aircraft row no longer reads), the caller gets a JSON 500 with one sentence and the
security headers, never a traceback; the traceback goes to the log."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from dronevet.web.app import SECURITY_HEADERS
from web.conftest import Api


def test_a_failure_is_a_json_500_and_its_traceback_is_logged(
    sqlite_api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with sqlite_api.register.sessions.begin() as session:  # a list of missions no more
        session.execute(text("UPDATE aircraft SET missions = '42' WHERE serial = 'S1'"))
    client = TestClient(sqlite_api.client.app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="dronevet.web"):
        answer = client.get("/api/v1/aircraft", headers=sqlite_api.auth("sheriff-viewer"))
    assert answer.status_code == 500
    assert answer.json() == {"detail": "the server failed to answer this request; the "
                                       "failure is in its log", "suggestions": []}
    assert "Traceback" not in answer.text and "TypeError" not in answer.text
    for name, value in SECURITY_HEADERS:
        assert answer.headers[name.decode()] == value.decode()
    [logged] = [r for r in caplog.records if r.name == "dronevet.web"]
    assert logged.getMessage() == "GET /api/v1/aircraft failed" and logged.exc_info
    other = client.get("/api/v1/aircraft", headers=sqlite_api.auth("fire-viewer"))
    assert other.status_code == 200  # one bad row fails only the requests that read it
