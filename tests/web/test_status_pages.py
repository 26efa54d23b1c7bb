"""`/api/v1/status` and `/api/v1/timeline`: the totals of the whole fleet, the aircraft a
page at a time, equal to the CLI's report; kept between requests only while nothing in the
register changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dronevet.fleet.reports import fleet_report
from dronevet.knowledge.loader import load_builtin
from web.conftest import Api

ADMIN = "sheriff-admin"
AS_OF = "2026-01-05"


def _serials(report: dict[str, Any]) -> list[str]:
    return [a["serial"] for a in report["aircraft"]]


def _add(api: Api, serial: str) -> None:
    body = {"serial": serial, "model": "DJI M30T", "purchase_date": "2022-01-01",
            "price": "9000", "funding": "local"}
    answer = api.send("POST", "/api/v1/aircraft", ADMIN, json=body)
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("path,changes", [("/api/v1/status", False),
                                          ("/api/v1/timeline", True)])
def test_pages_join_into_the_report_the_cli_prints(api: Api, path: str, changes: bool) -> None:
    for n in range(5):
        _add(api, f"P{n}")
    whole = fleet_report(api.register, load_builtin(), api.register.organisation("Sheriff"),
                         date.fromisoformat(AS_OF), changes=changes)
    assert len(whole["aircraft"]) == 7
    pages, offset = [], 0
    while offset is not None:
        answer = api.get(f"{path}?as_of={AS_OF}&limit=3&offset={offset}", ADMIN)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        offset = pages[-1]["page"]["next"]
    assert [len(p["aircraft"]) for p in pages] == [3, 3, 1]
    assert [p["page"]["offset"] for p in pages] == [0, 3, 6]
    assert {p["page"]["aircraft"] for p in pages} == {7}
    assert [a for p in pages for a in p["aircraft"]] == whole["aircraft"]
    for p in pages:
        assert {k: v for k, v in p.items() if k not in ("aircraft", "page")} == {
            k: v for k, v in whole.items() if k != "aircraft"}


def test_a_change_to_the_register_is_seen_at_once(api: Api) -> None:
    first = api.get(f"/api/v1/status?as_of={AS_OF}", ADMIN).json()
    assert api.get(f"/api/v1/status?as_of={AS_OF}", ADMIN).json() == first  # kept
    _add(api, "NEW-1")
    again = api.get(f"/api/v1/status?as_of={AS_OF}", ADMIN).json()
    assert "NEW-1" in _serials(again) and "NEW-1" not in _serials(first)
    assert again["page"]["aircraft"] == first["page"]["aircraft"] + 1
    assert api.send("DELETE", "/api/v1/aircraft/NEW-1", ADMIN).status_code == 204
    assert _serials(api.get(f"/api/v1/status?as_of={AS_OF}", ADMIN).json()) == _serials(first)


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1", "limit=x"])
def test_a_page_out_of_bounds_is_refused(api: Api, query: str) -> None:
    answer = api.get(f"/api/v1/status?{query}", ADMIN)
    assert answer.status_code == 422
    assert query.split("=")[0] in answer.json()["detail"]


def _fresh(api: Api) -> list[dict[str, Any]]:
    whole = fleet_report(api.register, load_builtin(), api.register.organisation("Sheriff"),
                         date.fromisoformat(AS_OF), changes=False)
    found: list[dict[str, Any]] = whole["aircraft"]
    return found


def _shown(api: Api) -> list[dict[str, Any]]:
    answer = api.get(f"/api/v1/status?as_of={AS_OF}&limit=1000", ADMIN)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["aircraft"]
    return found


def test_a_kept_fleet_caught_up_after_each_change_equals_one_read_afresh(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After creating, changing, retiring and deleting aircraft (and a change in another
    organisation), the status shown equals a fresh reading each time; only the aircraft
    the audit entries name are read again, unless too many entries came in between."""
    reads: list[object] = []
    whole_read = type(api.register).aircraft

    def counted(register: Any, organisation: str, **options: Any) -> Any:
        reads.append(options.get("serials"))
        return whole_read(register, organisation, **options)

    monkeypatch.setattr(type(api.register), "aircraft", counted)
    assert _shown(api) == _fresh(api)
    body = {"serial": "N1", "model": "DJI M30T", "purchase_date": "2022-01-01",
            "price": "9000", "funding": "local"}
    changes = [
        ("POST", "/api/v1/aircraft", ADMIN, body),
        ("PUT", "/api/v1/aircraft/N1", ADMIN, {**body, "status": "grounded"}),
        ("DELETE", "/api/v1/aircraft/S2", ADMIN, None),
        ("POST", "/api/v1/aircraft", "fire-admin", {**body, "serial": "F9"}),
    ]
    for method, path, user, payload in changes:
        answer = api.send(method, path, user, **({"json": payload} if payload else {}))
        assert answer.status_code < 300, answer.text
        reads.clear()
        shown, served_by = _shown(api), list(reads)
        assert shown == _fresh(api)
        if user == "fire-admin":
            assert served_by == []  # nothing of Sheriff's changed: nothing read again
        else:
            assert served_by and None not in served_by  # only the named aircraft read
    assert [a["serial"] for a in _shown(api)] == ["N1", "S1"]

    from dronevet.web import kept

    monkeypatch.setattr(kept, "CATCH_UP", 1)
    for n in range(2):
        _add(api, f"M{n}")
    reads.clear()
    shown, served_by = _shown(api), list(reads)
    assert shown == _fresh(api)
    assert served_by == [None]  # two entries past the limit: the fleet read whole
