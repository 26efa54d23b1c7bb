"""`dronevet fleet plan`, as a program manager runs it on a register in a fresh SQLite store.

The cases are worked out by hand. Two DJI Matrice 30Ts fly for an agency bound by the
American Security Drone Act for operation, which prohibits flying them from 2025-12-22
(§1824); an approved waiver keeps one (B2) flying until 2027-03-01; a Skydio X10D (C3) is
not due. With a quote of $16,000 for the X10D and FY2026 and FY2027 budgets of $16,000
each, A1 (deadline 2025-12-22) must take FY2026's money and B2 waits for FY2027; a fifth
less money buys neither. A Florida sheriff in the FY2023-24 Drone Replacement Program is
paid 90 % of a $10,000 drone flown 40 hours when surrendering it, so a $12,000 replacement
costs it $3,000. Hostile arguments and files exit 2 or 3 with one clear sentence.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from dronevet.cli import app

REGISTER = """serial,model,purchase_date,price,funding,missions,flight_hours
A1,DJI Matrice 30T,2021-03-01,10000,local,search-and-rescue,40
B2,DJI Matrice 30T,2021-03-01,10000,local,search-and-rescue,40
C3,Skydio X10D,2024-03-01,16000,local,search-and-rescue,10
"""
QUOTES = """
skydio-x10d: {price: 16000, source: "Skydio quote Q-1 to Test Police", date: 2025-10-01}
"""
AGENCY = "Test Police"
SHERIFF = "Orange County Sheriff"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "fleet.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "quotes.yaml").write_text(QUOTES, encoding="utf-8")
    return tmp_path


@pytest.fixture
def agency(files: Path) -> Path:
    """The ASDA agency, its register, and B2's waiver approved until 2027-03-01."""
    ok("fleet", "org", AGENCY, "--policies", "asda", "--uses", "operate")
    ok("fleet", "import", str(files / "fleet.csv"), "--org", AGENCY)
    ok("fleet", "waiver", "request", "--org", AGENCY, "--policy", "asda", "--use", "operate",
       "--basis", "asda-agency-head-waiver", "--from", "2025-12-01", "--until", "2027-03-01",
       "--aircraft", "B2", "--by", "pm")
    ok("fleet", "waiver", "decide", "1", "--approve", "--reason", "urgent need", "--by", "ao")
    return files


def plan_json(files: Path, *args: str, org: str = AGENCY) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok(
        "fleet", "plan", "--org", org, "--quotes", str(files / "quotes.yaml"),
        "--format", "json", *args))
    return found


def by_serial(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["serial"]: a for a in plan["aircraft"]}


def test_the_earlier_deadline_takes_the_first_years_money(agency: Path) -> None:
    plan = plan_json(agency, "--as-of", "2025-11-01", "--budget", "FY2026=16000",
                     "--budget", "FY2027=16000")
    assert {d["serial"]: (d["deadline"], d["overdue"]) for d in plan["deadlines"]} == {
        "A1": ("2025-12-22", False), "B2": ("2027-03-01", False)}
    assert plan["not_due"] == ["C3"]
    aircraft = by_serial(plan)
    assert (aircraft["A1"]["fiscal_year"], aircraft["B2"]["fiscal_year"]) == (2026, 2027)
    assert aircraft["A1"]["candidate"]["product_id"] == "skydio-x10d"
    assert [(y["fiscal_year"], y["spend"], y["aircraft"]) for y in plan["years"]] == [
        (2026, "16000.00", ["A1"]), (2027, "16000.00", ["B2"])]
    assert any("it went to aircraft with earlier deadlines (A1)" in r
               for r in aircraft["B2"]["reasons"])
    assert plan["totals"]["replaced"] == 2 and plan["totals"]["optimal"] is True


def test_a_budget_for_one_replacement_replaces_one_and_says_where_the_money_went(
    agency: Path,
) -> None:
    plan = plan_json(agency, "--as-of", "2025-11-01", "--budget", "FY2026=20000")
    statuses = sorted(a["status"] for a in plan["aircraft"])
    assert statuses == ["not_replaced", "replaced"]
    [left] = [a for a in plan["aircraft"] if a["status"] == "not_replaced"]
    [bought] = [a for a in plan["aircraft"] if a["status"] == "replaced"]
    assert "more than the money left up to FY" in left["reasons"][0]
    assert bought["serial"] in left["reasons"][0]
    assert plan["years"][0]["left"] == "4000.00"


def test_what_ifs_compare_less_and_more_money_and_later_deadlines(agency: Path) -> None:
    plan = plan_json(agency, "--as-of", "2025-11-01", "--budget", "FY2026=16000",
                     "--budget", "FY2027=16000", "--what-if-budget", "-20",
                     "--what-if-budget", "20", "--what-if-later", "400")
    less, more, later = plan["what_if"]
    assert less["label"] == "every budget -20 %"
    assert [y["budget"] for y in less["plan"]["years"]] == ["12800.00", "12800.00"]
    assert less["plan"]["totals"]["replaced"] == 0  # $12,800 buys no $16,000 drone
    assert {c["serial"] for c in less["changes"]["aircraft"]} == {"A1", "B2"}
    assert more["plan"]["totals"]["replaced"] == 2 and more["changes"]["aircraft"] == []
    assert later["label"] == "every deadline 400 days later"
    assert {a["serial"]: a["deadline"] for a in later["plan"]["aircraft"]} == {
        "A1": "2027-01-26", "B2": "2028-04-04"}


def test_the_text_says_what_to_buy_each_year_and_why(agency: Path) -> None:
    out = " ".join(ok("fleet", "plan", "--org", AGENCY, "--as-of", "2025-11-01",
                      "--quotes", str(agency / "quotes.yaml"), "--budget", "FY2026=16000",
                      "--budget", "FY2027=16000", "--what-if-budget", "-20").split())
    assert "FY2026: budget $16,000; to spend $16,000; left $0" in out
    assert "buy Skydio X10D to replace A1 (DJI Matrice 30T): $16,000" in out
    assert "deadline 2025-12-22 (bought by FY2026): operation prohibited from 2025-12-22 " \
           "under us-asda-2023 §1824" in out
    assert "Not due (no binding policy bars their operation or funding): C3" in out
    assert "2 of 2 aircraft replaced, 0 not; $32,000 spent of $32,000 budgeted." in out
    assert "What if every budget -20 %: 0 of 2 aircraft replaced (plan: 2)" in out


def test_requirements_per_aircraft_and_mission_combine_into_shortfalls(agency: Path) -> None:
    needs = agency / "needs.yaml"
    needs.write_text("aircraft:\n  A1: {min_flight_time_min: 600, min_ip_rating: IPX7, "
                     "trade_in: 500}\nmissions:\n  rescue: {capabilities: "
                     "[night-vision-goggles], min_ip_rating: IP54}\n", encoding="utf-8")
    plan = plan_json(agency, "--as-of", "2025-11-01", "--budget", "FY2026=40000",
                     "--requirements", str(needs))
    a1 = by_serial(plan)["A1"]
    assert a1["cost"]["trade_in"] == "500.00" and a1["cost"]["net"] == "15500.00"
    assert "no night-vision-goggles" in a1["shortfalls"]
    assert any(s.endswith("of the 600 required") or "flight time not published" in s
               for s in a1["shortfalls"])
    # the mission's IP54 and the aircraft's IPX7 together ask for IP57
    assert "no IP rating published (IP57 required)" in a1["shortfalls"]
    assert by_serial(plan)["B2"]["shortfalls"] == [
        "no night-vision-goggles", "no IP rating published (IP54 required)"]


def test_a_florida_sheriff_in_the_programme_is_paid_for_what_it_surrenders(files: Path) -> None:
    ok("fleet", "org", SHERIFF, "--policies", "us-fl-934-50", "--jurisdiction", "us-fl",
       "--fiscal-year-start", "7")
    ok("fleet", "import", str(files / "fleet.csv"), "--org", SHERIFF)
    (files / "quotes.yaml").write_text(
        "parrot-anafi-usa: {price: 12000, source: 'Parrot quote P-7', date: 2023-07-15}\n",
        encoding="utf-8")
    plan = plan_json(files, "--as-of", "2023-08-01", "--budget", "FY2024=6000",
                     "--program", "us-fl-fdle-drp-2023", org=SHERIFF)
    assert {d["serial"]: d["overdue"] for d in plan["deadlines"]} == {"A1": True, "B2": True}
    for serial in ("A1", "B2"):
        cost = by_serial(plan)[serial]["cost"]
        assert (cost["credit"], cost["net"], cost["program"]) == (
            "9000.00", "3000.00", "us-fl-fdle-drp-2023")
    assert plan["totals"]["spend"] == "6000.00"
    # Without the programme the same money buys nothing.
    plain = plan_json(files, "--as-of", "2023-08-01", "--budget", "FY2024=6000", org=SHERIFF)
    assert plain["totals"]["replaced"] == 0


@pytest.mark.parametrize(("args", "code", "says"), [
    (["--org", "Nobody", "--budget", "FY2026=1"], 3, "no organisation named 'Nobody'"),
    (["--org", AGENCY, "--budget", "FY20x=100"], 3, "'FY20x' is not a fiscal year"),
    (["--org", AGENCY, "--budget", "FY2026=-5"], 3, "-5 must be an amount of zero or more"),
    (["--org", AGENCY, "--budget", "FY2026=lots"], 3, "'lots' is not an amount of money"),
    (["--org", AGENCY, "--budget", "FY2026"], 2, "write FY=AMOUNT"),
    (["--org", AGENCY], 2, "give the money per fiscal year"),
    (["--org", AGENCY, "--budget", "FY2020=100"], 3, "FY2020 (2019-10-01 to 2020-09-30 for "
     "Test Police) ended before the plan's date 2025-11-01; the first year to plan is FY2026"),
    (["--org", AGENCY, "--budget", "FY2026=1", "--candidates", "skydio-x11"], 3,
     "candidate 'skydio-x11' is not a product the knowledge base holds. Did you mean"),
    (["--org", AGENCY, "--budget", "FY2026=1", "--candidates", " , "], 2,
     "--candidates needs product ids"),
    (["--org", AGENCY, "--budget", "FY2026=1", "--program", "florida"], 3,
     "no replacement programme 'florida'"),
    (["--org", AGENCY, "--budget", "FY2026=1", "--program", "us-fl-fdle-drp-2023"], 3,
     "programme us-fl-fdle-drp-2023 is for us-fl agencies"),
    (["--org", AGENCY, "--budget", "FY2026=1", "--what-if-budget", "-150"], 3,
     "-150 % is not between -100 % and +1000 %"),
    (["--org", AGENCY, "--budget", "FY2026=1", "--as-of", "soon"], 3, "'soon' is not a date"),
])
def test_hostile_arguments_are_refused_in_one_sentence(
    agency: Path, args: list[str], code: int, says: str,
) -> None:
    result = run("fleet", "plan", "--quotes", str(agency / "quotes.yaml"), *args,
                 *([] if "--as-of" in args else ["--as-of", "2025-11-01"]))
    out = " ".join(result.output.split())
    assert result.exit_code == code, out
    assert says in out and "Traceback" not in out


@pytest.mark.parametrize(("option", "text", "says"), [
    ("--budgets", "- 100\n- 200\n", "the budgets must be a mapping; this is a list"),
    ("--budgets", "FY2026: 10\n2026: 20\n", "FY2026 is given twice"),
    ("--requirements", "just words\n", "the requirements must be a mapping; this is a str"),
    ("--requirements", "aircraft:\n  Z9: {min_payload_kg: 1}\n",
     "the requirements name aircraft 'Z9', which the register does not hold"),
    ("--requirements", "aircraft:\n  A1: {min_ip_rating: IP7}\n", "'IP7' is not an IP rating"),
    ("--requirements", "aircraft:\n  A1: {speed: 3}\n", "'speed' is not one of"),
    ("--requirements", "missions:\n  resuce: {capabilities: [thermal]}\n",
     "'resuce' is not a mission any policy names. Did you mean"),
    ("--quotes", "skydio-x10d: {price: 16000, date: 2025-10-01}\n",
     "a quote needs its source"),
    ("--quotes", "nope-drone: {price: 1, source: x, date: 2025-10-01}\n",
     "a quote names product 'nope-drone'"),
    ("--quotes", "skydio-x10d: [1, 2\n", "not valid YAML"),
])
def test_hostile_files_are_named_and_refused(
    agency: Path, option: str, text: str, says: str,
) -> None:
    path = agency / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    args = ["fleet", "plan", "--org", AGENCY, "--as-of", "2025-11-01", "--budget",
            "FY2027=1", "--quotes", str(agency / "quotes.yaml"), option, str(path)]
    result = run(*args)
    out = " ".join(result.output.split())
    assert result.exit_code == 3, out
    assert str(path) in out and says in out and "Traceback" not in out


def test_a_missing_file_is_named(agency: Path) -> None:
    result = run("fleet", "plan", "--org", AGENCY, "--budgets", str(agency / "none.yaml"))
    assert result.exit_code == 3 and "none.yaml: is not a file" in " ".join(result.output.split())


def test_without_quotes_the_plan_asks_for_them_unless_nothing_is_due(agency: Path) -> None:
    result = run("fleet", "plan", "--org", AGENCY, "--as-of", "2025-11-01", "--budget",
                 "FY2026=1")
    assert result.exit_code == 3
    assert "no candidate has a price" in " ".join(result.output.split())
    ok("fleet", "org", "Springfield Police", "--policies", "asda", "--uses", "operate")
    out = " ".join(ok("fleet", "plan", "--org", "Springfield Police", "--as-of", "2025-11-01",
                      "--budget", "FY2026=1").split())
    assert "No aircraft must be replaced" in out


def test_the_plan_is_written_as_a_spreadsheet_beside_its_json(agency: Path) -> None:
    sheet = agency / "plan.csv"
    result = run("fleet", "plan", "--org", AGENCY, "--quotes", str(agency / "quotes.yaml"),
                 "--as-of", "2025-11-01", "--budget", "FY2026=16000", "--budget",
                 "FY2027=16000", "--output", str(sheet), "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)  # the note about the file goes to stderr
    assert f"{sheet}: the plan" in result.stderr

    rows = {row["serial"]: row for row in csv.DictReader(sheet.open(encoding="utf-8"))}
    assert set(rows) == {a["serial"] for a in plan["aircraft"]}
    assert (rows["A1"]["fiscal_year"], rows["A1"]["replacement_product_id"]) == (
        "2026", "skydio-x10d")
    workbook = agency / "plan.xlsx"
    ok("fleet", "plan", "--org", AGENCY, "--quotes", str(agency / "quotes.yaml"), "--as-of",
       "2025-11-01", "--budget", "FY2026=16000", "-o", str(workbook))
    assert workbook.read_bytes()[:2] == b"PK"


def _planning_file(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "planning.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_budgets_and_quotes_kept_on_file_are_used_unless_given(
    agency: Path, home: Path
) -> None:
    _planning_file(home, f"""
"{AGENCY}":
  budgets: {{FY2026: 16000, FY2027: 16000}}
  quotes:
    skydio-x10d: {{price: 16000, source: "Skydio quote Q-7 on file", date: 2025-10-01}}
""")
    result = run("fleet", "plan", "--org", AGENCY, "--as-of", "2025-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Budgets from" in result.stderr and "Quotes from" in result.stderr
    from_file = json.loads(result.stdout)
    assert from_file["totals"]["replaced"] == 2
    assert [(y["fiscal_year"], y["budget"]) for y in from_file["years"]] == [
        (2026, "16000.00"), (2027, "16000.00")]
    given = plan_json(agency, "--as-of", "2025-11-01", "--budget", "FY2026=16000")
    assert [y["fiscal_year"] for y in given["years"]] == [2026]  # the command line wins


@pytest.mark.parametrize("text,named", [
    ("- a list\n", "found no mapping"),
    (f'"{AGENCY}": {{budget: 5}}\n', "holds `budgets` and `quotes` only"),
    (f'"{AGENCY}": {{budgets: {{FY2026: -5}}}}\n', "budgets"),
    (f'"{AGENCY}": {{quotes: {{skydio-x10d: {{price: 9}}}}}}\n', "skydio-x10d"),
    ("a: [b\n", "line"),
])
def test_a_bad_planning_file_is_named(agency: Path, home: Path, text: str, named: str) -> None:
    path = _planning_file(home, text)
    result = run("fleet", "plan", "--org", AGENCY, "--as-of", "2025-11-01", "--budget",
                 "FY2026=1000", "--quotes", str(agency / "quotes.yaml"))
    assert result.exit_code == 3, result.output
    assert str(path) in result.output and named in result.output
    assert "Traceback" not in result.output


def test_an_organisation_not_in_the_store_is_named_before_the_budget_is_asked_for(
    agency: Path,
) -> None:
    result = run("fleet", "plan", "--org", "Test Polise")
    assert result.exit_code == 3, result.output
    assert "no organisation named 'Test Polise'" in result.output
    assert "Test Police" in result.output and "--budget" not in result.output
