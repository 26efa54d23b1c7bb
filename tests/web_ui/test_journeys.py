"""The journeys people take through the web pages, in Debian's Chromium: sign in, import a
register with a bad row, find which aircraft are grounded on 22 Dec 2025 and why, vet a
parts list with a Chinese camera, ask for a waiver and have someone else approve it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from web_ui.agency import PASSWORD, SHERIFF, Agency
from web_ui.browser import sign_in
from web_ui.page_checks import check_page

BAD_REGISTER = """serial,model,purchase_date,price
SO-100,Skydio X10D,2025-01-10,21000
SO-101,Skydio X10D,2025-13-45,21000
"""


def test_signing_in_leads_back_to_the_page_asked_for(browser: Any, server: str,
                                                     artifacts: Path) -> None:
    page = browser.new_context().new_page()
    page.goto(server + "/aircraft?verdict=prohibited")
    assert re.search(r"/login\?next=", page.url)
    check_page(page, artifacts, "login")
    page.get_by_label("User name").fill("viewer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "the user name or the password is wrong" in page.get_by_role("alert").inner_text()
    page.get_by_label("User name").fill("viewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/aircraft?verdict=prohibited")
    assert "viewer" in page.locator("header").inner_text()


def test_a_register_with_a_bad_row_is_shown_back_and_changes_nothing(
        browser: Any, server: str, artifacts: Path, agency: Agency, tmp_path: Path) -> None:
    before = agency.register.aircraft(SHERIFF)
    path = tmp_path / "new-aircraft.csv"
    path.write_text(BAD_REGISTER, encoding="utf-8")
    page = sign_in(browser, server, "pm")
    page.get_by_role("link", name="Import").click()
    check_page(page, artifacts, "import")
    page.get_by_label("Register file (.csv or .xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    problems = page.get_by_role("table").inner_text()
    assert "Nothing was imported" in page.inner_text("main")
    assert re.search(r"new-aircraft\.csv\s+3\s+purchase_date", problems), problems
    check_page(page, artifacts, "import-errors")
    assert agency.register.aircraft(SHERIFF) == before


def test_the_aircraft_grounded_on_22_december_2025_and_why(browser: Any, server: str,
                                                          artifacts: Path) -> None:
    page = sign_in(browser, server, "viewer")
    check_page(page, artifacts, "dashboard")
    page.get_by_label("Show the fleet as of").fill("2025-12-22")
    page.get_by_role("button", name="Show").click()
    grounded = page.get_by_role("table", name=re.compile("forbids flying")).inner_text()
    assert "SO-001" in grounded and "SO-003" not in grounded  # DJI grounded, Skydio not
    check_page(page, artifacts, "dashboard-2025-12-22")
    page.get_by_role("link", name=re.compile(r"^See why .* is grounded")).click()
    text = page.inner_text("main")
    assert "operation prohibited since 2025-12-22 under us-asda-2023 §1824" in text
    assert "American Security Drone Act" in text and "PROHIBITED" in text
    assert page.locator("ol.sources a[href^='https://']").count() > 0
    check_page(page, artifacts, "aircraft-detail")
    page.get_by_role("link", name="Aircraft", exact=True).click()
    page.get_by_label("Verdict").select_option("prohibited")
    page.get_by_role("button", name="Show").click()
    assert "SO-001" in page.get_by_role("table").inner_text()
    check_page(page, artifacts, "aircraft-list")


def test_a_parts_list_with_a_chinese_camera_is_prohibited_for_the_defence_department(
        browser: Any, server: str, artifacts: Path) -> None:
    page = sign_in(browser, server, "pm")
    page.get_by_role("link", name="Vet a parts list").click()
    page.get_by_label("Drone name").fill("Acme Inspector 2")
    page.get_by_label("Manufacturer", exact=True).fill("Acme Robotics")
    page.get_by_label("Manufacturer's country (two letters, e.g. us)").fill("us")
    page.get_by_label("Country of final assembly (two letters)").fill("us")
    page.get_by_label("Kind of part 1").select_option("flight_controller")
    page.get_by_label("Maker of part 1").fill("Acme Robotics")
    page.get_by_label("Country part 1 is made in").fill("us")
    page.get_by_label("Kind of part 2").select_option("camera")
    page.get_by_label("Maker of part 2").fill("SZ DJI Technology Co., Ltd.")
    page.get_by_label("Country part 2 is made in").fill("cn")
    page.get_by_role("button", name="Vet the parts list").click()
    matrix = page.get_by_role("table", name=re.compile("side by side"))
    row = matrix.get_by_role("row").filter(has_text="FY2020 NDAA §848")
    assert "PROHIBITED" in row.inner_text(), matrix.inner_text()
    assert "camera" in page.inner_text("main").casefold()
    check_page(page, artifacts, "vet-bom")


def test_a_waiver_asked_for_and_approved_turns_the_timeline(browser: Any, server: str,
                                                           artifacts: Path) -> None:
    asking = sign_in(browser, server, "pm")
    asking.get_by_role("link", name="Waivers").click()
    asking.get_by_label("Policy", exact=True).select_option("us-asda-2023")
    asking.get_by_label("Use it covers").select_option("operate")
    asking.get_by_label("Legal basis: the policy's exemption route").select_option(
        "asda-agency-head-waiver")
    asking.get_by_label("From", exact=True).fill("2026-01-01")
    asking.get_by_label("Until (the first day it no longer covers)").fill("2026-07-01")
    asking.get_by_label("Aircraft serials, comma-separated (none: the whole fleet)").fill(
        "SO-004")
    asking.get_by_label("Compensating controls, one a line").fill(
        "offline operation\nLocal Data Mode")
    asking.get_by_role("button", name="Ask for the waiver").click()
    row = asking.locator("tr", has_text="SO-004").last
    assert "requested" in row.inner_text()
    number = row.locator("th").inner_text()
    assert asking.get_by_role("button", name=f"Approve waiver {number}").count() == 0
    check_page(asking, artifacts, "waivers-requested")
    detail = f"{server}/aircraft/SO-004?as_of=2026-03-01"
    asking.goto(detail)
    assert "Waiver" not in asking.locator("article").first.inner_text()

    deciding = sign_in(browser, server, "ao")
    deciding.goto(server + "/waivers")
    deciding.locator(f"#reason-{number}").fill("urgent need: no other thermal aircraft")
    deciding.get_by_role("button", name=f"Approve waiver {number}").click()
    decided = deciding.locator(f"#waiver-{number}").inner_text()
    assert "decided by ao: urgent need" in decided  # approved, or lapsed once past July 2026
    check_page(deciding, artifacts, "waivers-approved")
    deciding.goto(detail)
    operation = deciding.locator("article", has_text="Operation under American Security")
    assert f"Waiver {number} holds here" in operation.inner_text()
    assert "PERMITTED" in operation.locator("h3").inner_text()
    check_page(deciding, artifacts, "aircraft-detail-waived")


def test_every_other_page_passes_the_checks(browser: Any, server: str,
                                            artifacts: Path) -> None:
    page = sign_in(browser, server, "admin")
    for path, name in [("/vet?product=DJI+M30T&as_of=2025-12-22", "vet"),
                       ("/vet?product=DJI+M3OOO", "vet-unknown"),
                       ("/screen?name=DJI", "screen"), ("/audit?verify=true", "audit"),
                       ("/admin/users", "users"), ("/aircraft/NO-SUCH", "not-found")]:
        page.goto(server + path)
        check_page(page, artifacts, name)
    page.set_viewport_size({"width": 800, "height": 1100})
    page.goto(server + "/?as_of=2025-12-22")
    check_page(page, artifacts, "dashboard-tablet")


def test_a_plan_within_the_budgets_replaces_what_it_can_and_says_why(
        browser: Any, server: str, artifacts: Path) -> None:
    page = sign_in(browser, server, "pm")
    page.get_by_role("link", name="Plan", exact=True).click()
    check_page(page, artifacts, "plan-form")
    page.goto(server + "/plan?as_of=2025-12-22")  # the budget years follow the plan's date
    page.get_by_label("FY 2026 budget").fill("30000")
    page.get_by_label("Model quoted in quote 1").fill("Skydio X10D")
    page.get_by_label("Price in quote 1").fill("16000")
    page.get_by_label("Source of quote 1").fill("Skydio quote Q-2291")
    page.get_by_label("Date of quote 1").fill("2025-11-02")
    page.get_by_label("What if every budget changed by this many percent").fill("100")
    page.get_by_role("button", name="Make the plan").click()
    heading = page.get_by_role("heading", level=2, name=re.compile("^The plan")).inner_text()
    assert "1 of 3 aircraft replaced, 16,000.00 of 30,000.00" in heading
    replaced = page.get_by_role("table", name=re.compile("what replaces it"))
    assert "Skydio X10D" in replaced.inner_text()
    assert "Not replaced: the cheapest compliant candidate" in replaced.inner_text()
    assert "3 of 3 aircraft replaced, 48,000.00 spent" in page.inner_text("main")  # doubled
    check_page(page, artifacts, "plan")


def test_the_decision_memo_downloads_as_a_pdf_citing_the_clause(
        browser: Any, server: str, artifacts: Path) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    page = sign_in(browser, server, "pm")
    page.goto(server + "/vet?product=DJI+M30T&as_of=2025-12-22")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the procurement decision memo (PDF)").click()
    saved = artifacts / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.name == "decision-memo-DJI-M30T-2025-12-22.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages)
    text = " ".join(text.split())
    assert "DJI Matrice 30T" in text and "§1823" in text
