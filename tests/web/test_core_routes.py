"""`POST /vet` and `GET /screen` answer exactly the core's `to_dict()`: the HTTP API
decides nothing of its own (DESIGN.md, "one core, many fronts")."""

from __future__ import annotations

from typing import Any

import pytest

from dronevet import api as core
from dronevet.screening.model import DEFAULT_THRESHOLD
from web.conftest import Api

USER = "fire-viewer"


@pytest.mark.parametrize(("body", "expected"), [
    ({"product": "DJI M30T", "policy": "asda", "use": "operate", "as_of": "2026-03-02"},
     lambda kb: core.vet("DJI M30T", policy="asda", use="operate", as_of="2026-03-02", kb=kb)),
    ({"product": "Skydio X10D", "policy": "florida", "use": "procure", "as_of": "2024-06-01",
      "mission": "search-and-rescue"},
     lambda kb: core.vet("Skydio X10D", policy="florida", use="procure", as_of="2024-06-01",
                         mission="search-and-rescue", kb=kb)),
    ({"product": "Autel EVO Max 4T", "as_of": "2026-03-02"},
     lambda kb: core.vet_matrix("Autel EVO Max 4T", as_of="2026-03-02", kb=kb)),
    ({"product": "DJI Mavic 3 Thermal", "use": "fund", "as_of": "2025-01-01"},
     lambda kb: core.vet_matrix("DJI Mavic 3 Thermal", uses="fund", as_of="2025-01-01", kb=kb)),
])  # fmt: skip
def test_vet_answers_the_cores_json(sqlite_api: Api, body: dict[str, Any], expected: Any) -> None:
    answer = sqlite_api.send("POST", "/api/v1/vet", USER, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected(core.load_knowledge()).to_dict()


BOM = {
    "name": "Test Inspector", "manufacturer": "Skydio", "manufacturer_country": "us",
    "final_assembly_country": "us",
    "components": [{"kind": "flight_controller", "maker": "Skydio", "made_in": "us"},
                   {"kind": "camera", "maker": "SZ DJI Technology Co., Ltd.", "made_in": "cn"}],
}


def test_vet_of_a_bill_of_materials_answers_the_cores_json(sqlite_api: Api) -> None:
    answer = sqlite_api.send("POST", "/api/v1/vet", USER,
                             json={"bom": BOM, "policy": "asda", "use": "procure",
                                   "as_of": "2026-03-02"})
    assert answer.status_code == 200, answer.text
    kb = core.load_knowledge()
    expected = core.vet(BOM, policy="asda", use="procure", as_of="2026-03-02", kb=kb)
    assert answer.json() == expected.to_dict()


@pytest.mark.parametrize("query", [
    {"name": "DJI"}, {"name": "Autel Robotics", "as_of": "2020-01-01"},
    {"name": "Skydio", "threshold": 0.5}, {"name": "zzzz nothing like it"},
])  # fmt: skip
def test_screen_answers_the_cores_json(sqlite_api: Api, query: dict[str, Any]) -> None:
    answer = sqlite_api.get("/api/v1/screen", USER, params=query)
    assert answer.status_code == 200, answer.text
    expected = core.screen(query["name"], as_of=query.get("as_of"),
                           threshold=query.get("threshold", DEFAULT_THRESHOLD),
                           kb=core.load_knowledge())
    assert answer.json() == expected.to_dict()


@pytest.mark.parametrize(("body", "says"), [
    ({"product": "DJI M30X"}, "DJI Matrice 30T (dji-matrice-30t)"),
    ({"product": "DJI M30T", "policy": "no-such-policy"}, "no policy"),
    ({"product": "DJI M30T", "use": "sell"}, "sell"),
    ({}, "give either product or bom"),
    ({"product": "DJI M30T", "colour": "red"}, "colour"),
])  # fmt: skip
def test_a_question_the_core_refuses_is_422_saying_why(
    sqlite_api: Api, body: dict[str, Any], says: str
) -> None:
    answer = sqlite_api.send("POST", "/api/v1/vet", USER, json=body)
    assert answer.status_code == 422
    found = answer.json()
    assert says in found["detail"] or says in found["suggestions"], found
