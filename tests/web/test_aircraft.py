"""The register over HTTP, as a program manager keeps it: aircraft created, read, replaced
and deleted; a serial is one aircraft (a second POST is 409); a register file imported all
or nothing, with each bad row named by file, line and column, and imported again by serial
(updated, never duplicated); a workbook read as a CSV is.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from web.conftest import Api

PM = "sheriff-program-manager"
M4T = {"serial": "S3", "model": "DJI Matrice 4T", "purchase_date": "2025-02-01",
       "price": "9800.00", "funding": "federal-grant", "missions": ["search-and-rescue"],
       "flight_hours": 5.5}


def serials(api: Api) -> list[str]:
    return [a["serial"] for a in api.get("/api/v1/aircraft", PM).json()]


def upload(api: Api, name: str, data: bytes, **form: str) -> Any:
    return api.send("POST", "/api/v1/aircraft/import", PM, files={"file": (name, data)},
                    data=form or None)


def test_an_aircraft_is_created_read_replaced_and_deleted(api: Api) -> None:
    created = api.send("POST", "/api/v1/aircraft", PM, json=M4T)
    assert created.status_code == 201
    body = created.json()
    assert body["product_id"] == "dji-matrice-4t" and body["price"] == "9800.00"
    assert body["missions"] == ["search-and-rescue"] and body["flight_hours"] == 5.5
    assert api.get("/api/v1/aircraft/S3", PM).json() == body
    replaced = api.send("PUT", "/api/v1/aircraft/S3", PM,
                        json={**M4T, "flight_hours": 9.0, "status": "grounded"})
    assert replaced.status_code == 200
    assert replaced.json()["updated"] == 1 and replaced.json()["status"] == "grounded"
    assert api.get("/api/v1/aircraft/S3", PM).json()["flight_hours"] == 9.0
    assert api.send("DELETE", "/api/v1/aircraft/S3", PM).status_code == 204
    assert api.get("/api/v1/aircraft/S3", PM).status_code == 404
    assert api.send("DELETE", "/api/v1/aircraft/S3", PM).status_code == 404


def test_a_second_aircraft_with_the_same_serial_is_409(api: Api) -> None:
    assert api.send("POST", "/api/v1/aircraft", PM, json=M4T).status_code == 201
    for serial in ("S3", "s3"):
        again = api.send("POST", "/api/v1/aircraft", PM, json={**M4T, "serial": serial})
        assert again.status_code == 409 and "PUT" in again.json()["detail"]
    assert serials(api) == ["S1", "S2", "S3"]


def test_the_same_serial_may_live_in_two_organisations(api: Api) -> None:
    made = api.send("POST", "/api/v1/aircraft", "fire-program-manager",
                    json={"serial": "S1", "model": "Skydio X10"})
    assert made.status_code == 201
    assert api.get("/api/v1/aircraft/S1", PM).json()["model"] == "DJI M30T"


def test_an_unknown_model_is_422_with_close_names(api: Api) -> None:
    answer = api.send("POST", "/api/v1/aircraft", PM, json={"serial": "S4", "model": "DJI M30X"})
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["path"], error["line"], error["column"]) == ("request body", 1, "model")
    assert serials(api) == ["S1", "S2"]


def test_a_path_and_body_serial_that_differ_are_422(api: Api) -> None:
    answer = api.send("PUT", "/api/v1/aircraft/S1", PM, json={**M4T, "serial": "S2"})
    assert answer.status_code == 422
    assert api.get("/api/v1/aircraft/S2", PM).json()["model"] == "Skydio X10D"


def test_an_aircraft_with_a_waiver_is_not_deleted(api: Api) -> None:
    answer = api.send("DELETE", "/api/v1/aircraft/S1", PM)  # S1 has the seeded waiver
    assert answer.status_code == 422 and "retire it instead" in answer.json()["detail"]
    assert serials(api) == ["S1", "S2"]


BAD = b"""serial,model,purchase_date,price,funding,missions,flight_hours
S5,Skydio X10,2025-01-01,15000,local,search-and-rescue,1
S6,Skydio X10,2025-13-01,15000,local,search-and-rescue,1
S7,DJI M30T,2025-01-01,lots,local,,1
"""


def test_an_import_with_bad_rows_is_422_naming_file_line_and_column_and_stores_nothing(
    api: Api,
) -> None:
    before = api.get("/api/v1/audit/verify", "sheriff-admin").json()["entries"]
    answer = upload(api, "spring.csv", BAD)
    assert answer.status_code == 422
    body = answer.json()
    assert [(e["path"], e["line"], e["column"]) for e in body["errors"]] == [
        ("spring.csv", 3, "purchase_date"), ("spring.csv", 4, "price")]
    assert body["detail"].startswith("spring.csv: 2 errors in 2 of 3 rows; nothing was imported")
    assert "line 3, column 'purchase_date': '2025-13-01' is not a date" in body["detail"]
    assert serials(api) == ["S1", "S2"]
    assert api.get("/api/v1/audit/verify", "sheriff-admin").json()["entries"] == before


def test_an_import_again_by_serial_updates_and_never_duplicates(api: Api) -> None:
    good = BAD.replace(b"2025-13-01", b"2025-03-01").replace(b"lots", b"8000")
    first = upload(api, "spring.csv", good)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["updated"], first.json()["rows"]) == (3, 0, 3)
    again = upload(api, "spring.csv", good)
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0, 0, 3)
    changed = upload(api, "spring.csv", good.replace(b",8000,", b",8500,"))
    assert (changed.json()["created"], changed.json()["updated"]) == (0, 1)
    assert serials(api) == ["S1", "S2", "S5", "S6", "S7"]
    assert api.get("/api/v1/aircraft/S7", PM).json()["price"] == "8500.00"


def test_an_import_with_a_column_mapping(api: Api) -> None:
    data = b"Serial No,Aircraft,Bought\nS8,Skydio X10,2025-04-01\n"
    answer = upload(api, "inventory.csv", data,
                    columns="serial=Serial No,model=Aircraft,purchase_date=Bought")
    assert answer.status_code == 200, answer.text
    assert api.get("/api/v1/aircraft/S8", PM).json()["purchase_date"] == "2025-04-01"
    bad = upload(api, "inventory.csv", data, columns="serial")
    assert bad.status_code == 422 and "FIELD=HEADER" in bad.json()["detail"]


def _workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Fleet"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_is_imported_like_a_csv(api: Api) -> None:
    data = _workbook([["serial", "model", "purchase_date", "price"],
                      ["S10", "Skydio X10", date(2025, 5, 1), 17000],
                      [4012345, "DJI M30T", date(2023, 5, 1), 9999.5]])
    answer = upload(api, "fleet.xlsx", data, sheet="Fleet")
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 2
    assert api.get("/api/v1/aircraft/4012345", PM).json()["price"] == "9999.50"
    broken = _workbook([["serial", "model", "purchase_date"], ["S11", "Skydio X10", "soon"]])
    answer = upload(api, "fleet.xlsx", broken)
    assert answer.status_code == 422
    assert [(e["line"], e["column"]) for e in answer.json()["errors"]] == [(2, "purchase_date")]
    assert "S11" not in serials(api)


def test_a_file_that_is_not_a_register_is_422(api: Api) -> None:
    answer = upload(api, "fleet.xlsx", b"serial,model\nA,B\n")
    assert answer.status_code == 422 and "XLSX" in answer.json()["detail"]
    assert serials(api) == ["S1", "S2"]
