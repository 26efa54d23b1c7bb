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
