"""The aircraft list and the plan downloaded as CSV and XLSX, over real HTTP to the app
(httpx's ASGI transport): the files hold the rows the pages show, under the filters the
page had, import back as the same aircraft, and come with a content type and a file name
a browser saves them under."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from dronevet.fleet.columns import FIELDS
from dronevet.web.app import create_app
from dronevet.web.pages_reports import safe_name
from web_ui.agency import SHERIFF, Agency
from web_ui.test_pages_http import signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN = {"as_of": "2025-12-22", "year_1": "FY2026", "budget_1": "30000",
        "product_1": "Skydio X10D", "price_1": "16000", "source_1": "Skydio quote Q-2291",
        "quoted_1": "2025-11-02"}


@pytest.fixture(scope="module")
def client(agency: Agency) -> Iterator[TestClient]:
    with TestClient(create_app(agency.settings), follow_redirects=False) as found:
        yield found


def page_rows(html: str) -> list[list[str]]:
    """The aircraft table of a list page: each row's serial, then its verdict words."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        serial = re.search(r'<th scope="row"><a [^>]*>([^<]+)</a>', row)
        assert serial
        verdicts = re.findall(r'<span class="verdict[^"]*">([^<]+)</span>', row)
        rows.append([serial.group(1), *verdicts])
    return rows


def link(html: str, text: str) -> str:
    found = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", html)
    assert found, f"no link {text!r} on the page"
    return found.group(1).replace("&amp;", "&")


def test_the_aircraft_list_downloads_as_csv_with_the_page_s_filters(client: TestClient) -> None:
    signed_in(client, "pm")
    html = client.get("/aircraft?as_of=2025-12-22&q=dji&sort=serial&order=desc").text
    shown = page_rows(html)
    assert [row[0] for row in shown] == ["SO-002", "SO-001"]  # the two DJI aircraft
    answer = client.get(link(html, "aircraft list as CSV"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == \
        'attachment; filename="aircraft-County-Sheriff-2025-12-22.csv"'
    header, *rows = list(csv.reader(io.StringIO(answer.text)))
    assert tuple(header[:len(FIELDS)]) == FIELDS
    assert len(header) == len(FIELDS) + len(shown[0]) - 1  # one column per verdict shown
    assert all(h.startswith("verdict: ") for h in header[len(FIELDS):])
    # the rows the page shows, in its order, each with the verdicts the page gives it
    assert [[row[0], *(v.split(" by waiver")[0] for v in row[len(FIELDS):])]
            for row in rows] == shown
    assert rows[1][:3] == ["SO-001", "DJI M30T", "2022-03-01"]


def test_the_csv_of_the_aircraft_list_imports_back_as_the_same_aircraft(
        client: TestClient, agency: Agency) -> None:
    from dronevet.fleet.importer import parse_fleet
    from dronevet.knowledge import load_builtin

    signed_in(client, "pm")
    answer = client.get("/aircraft.csv?as_of=2025-12-22")
    found = parse_fleet(answer.content, "aircraft.csv", kb=load_builtin())
    assert list(found.committable()) == agency.register.aircraft(SHERIFF)


def test_the_aircraft_list_downloads_as_a_workbook_of_every_page(client: TestClient) -> None:
    from openpyxl import load_workbook

    signed_in(client, "pm")
    html = client.get("/aircraft?as_of=2025-12-22&sort=price&order=desc").text
    answer = client.get(link(html, "aircraft list as an Excel workbook (XLSX)"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"] == \
        'attachment; filename="aircraft-County-Sheriff-2025-12-22.xlsx"'
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True)["Fleet"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:len(FIELDS)] == FIELDS
    assert [row[0] for row in rows] == [row[0] for row in page_rows(html)]
    assert [row[0] for row in rows] == ["SO-003", "SO-001", "SO-004", "SO-002"]  # by price
    first = dict(zip(header, rows[0], strict=True))
    assert first["purchase_date"].date() == date(2024, 2, 1)  # a date cell, not text
    assert first["price"] == 21000


def test_a_download_of_another_organisation_s_list_is_not_found(client: TestClient) -> None:
    signed_in(client, "firepm")
    assert client.get("/aircraft.csv?org=County+Sheriff").status_code == 404
    rows = list(csv.reader(io.StringIO(client.get("/aircraft.csv").text)))
    assert [row[0] for row in rows[1:]] == ["FD-001"]


def test_the_plan_downloads_as_csv_and_xlsx_with_the_rows_the_page_shows(
        client: TestClient) -> None:
    from openpyxl import load_workbook

    from dronevet.reports.plan_export import COLUMNS

    signed_in(client, "pm")
    html = client.get("/plan?" + urlencode(PLAN)).text
    assert "1 of 3 aircraft replaced" in html
    table = html.split("what replaces it", 1)[1].split("</tbody>", 1)[0]
    serials = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', table)
    answer = client.get(link(html, "plan as CSV"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == \
        'attachment; filename="replacement-plan-County-Sheriff-2025-12-22.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert tuple(rows[0]) == COLUMNS
    assert [row["serial"] for row in rows] == serials
    replaced = [row for row in rows if row["status"] == "replaced"]
    assert [(r["replacement"], r["fiscal_year"], r["cost"]) for r in replaced] == \
        [("Skydio X10D", "2026", "16000.00")]
    assert all(row["reasons"] for row in rows)
    answer = client.get(link(html, "plan as an Excel workbook (XLSX)"))
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"].endswith('-2025-12-22.xlsx"')
    sheet = load_workbook(io.BytesIO(answer.content), read_only=True)["Plan"]
    header, *cells = list(sheet.iter_rows(values_only=True))
    assert [dict(zip(header, row, strict=True))["serial"] for row in cells] == serials


def test_a_plan_download_needs_a_budget_and_a_planner(client: TestClient) -> None:
    signed_in(client, "pm")
    answer = client.get("/plan.csv?as_of=2025-12-22")
    assert answer.status_code == 422 and "give a budget" in answer.text
    signed_in(client, "viewer")
    assert client.get("/plan.xlsx?" + urlencode(PLAN)).status_code == 403
    client.cookies.clear()
    assert client.get("/plan.csv?" + urlencode(PLAN)).status_code == 302


@pytest.mark.parametrize(("name", "safe"), [
    ("County Sheriff", "County-Sheriff"),
    ("Évry Fire & Rescue", "Evry-Fire-Rescue"),
    ('a"b\r\nContent-Type: x/../..', "a-b-Content-Type-x"),
    ("消防局", "report"),
])
def test_a_download_s_file_name_holds_only_letters_digits_and_dashes(name: str,
                                                                     safe: str) -> None:
    assert safe_name(name) == safe
