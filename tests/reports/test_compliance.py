"""The fleet compliance report a program manager hands on: where the fleet stands on a
date, which aircraft are grounded from when and why, the value at risk, the waivers, the
charts, and the clause and source behind every verdict, in the page and in the PDF."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from dronevet.fleet.model import Binding, Organisation
from dronevet.fleet.register import Register, open_register
from dronevet.fleet.waivers import Waiver
from dronevet.knowledge import load_builtin
from dronevet.reports.compliance import ComplianceReport, compliance_report
from dronevet.reports.pdf import pdf_of
from dronevet.reports.render import render_compliance
from dronevet.settings import Settings
from fleet.fleet_fixtures import aircraft
from reports.pdf_text import pdf_text

ORG = "Test County Sheriff"
ON = date(2025, 12, 22)


@pytest.fixture
def register(tmp_path: Path) -> Register:
    """A Florida sheriff with a grant-funded DJI Matrice 30T (its funding waived under the
    ASDA), a Skydio X10 and an Autel EVO Max 4T."""
    found = open_register(Settings.at(tmp_path))
    kb = load_builtin()
    org = Organisation(ORG, (Binding("us-fl-934-50"), Binding("us-asda-2023", ("fund",))),
                       "us-fl")
    found.save_organisation(org, actor="test", kb=kb)
    found.import_aircraft(ORG, [
        aircraft("DJI-1", "DJI M30T", price=Decimal("10900"), funding="federal-grant",
                 missions=("search-and-rescue",), purchase_date=date(2021, 3, 1)),
        aircraft("SKY-1", "Skydio X10", price=Decimal("16800")),
        aircraft("AUT-1", "Autel EVO Max 4T", price=Decimal("11500")),
    ], actor="test")
    [waiver] = found.request_waivers([Waiver(
        ORG, "us-asda-2023", "fund", "asda-no-data-to-covered-entity", ON - timedelta(days=30),
        ON + timedelta(days=3650),  # far ahead: not lapsed on the day the tests run
        "pm", aircraft="DJI-1", controls=("offline operation",))],
        actor="pm", kb=kb)
    assert waiver.id is not None
    found.decide_waiver(waiver.id, approve=True, reason="isolated network", actor="approver")
    return found


def _report(register: Register) -> ComplianceReport:
    return compliance_report(register, load_builtin(), register.organisation(ORG), as_of=ON,
                             prepared_on=date(2026, 1, 5))


def test_the_report_holds_the_fleet_status_waivers_and_the_basis_of_every_verdict(
    register: Register,
) -> None:
    report = _report(register)
    grounded = {g["serial"] for g in report.status["totals"]["grounded"]["list"]}
    assert grounded == {"DJI-1", "AUT-1"}  # Florida s. 934.50: Chinese makers
    assert report.status["totals"]["value_at_risk"]["total"] == "22400.00"
    assert [w.state.value for w in report.waivers] == ["approved"]
    lines = {(a["serial"], v["policy"], v["use"]) for a in report.status["aircraft"]
             for v in a["verdicts"]}
    explained = {(s, b.verdict.policy.id, b.verdict.use.value) for b in report.basis
                 for s in b.serials}
    assert explained == lines


def test_the_page_shows_the_charts_inline_and_cites_the_clauses(register: Register) -> None:
    html = render_compliance(_report(register))
    charts = [ET.fromstring(chunk[:chunk.index("</svg>") + 6])
              for chunk in ("<svg" + part for part in html.split("<svg")[1:])]
    assert [c.get("class") for c in charts] == [
        "chart verdict-counts-chart", "chart deadline-chart", "chart timeline-chart",
        "chart timeline-chart"]
    assert all(c.get("role") == "img" for c in charts)
    assert "s. 934.50 (SB 2512, 2022)" in html
    assert "asda-no-data-to-covered-entity" in html and "approved" in html


def test_the_pdf_names_grounded_aircraft_waivers_clauses_and_sources(
    register: Register,
) -> None:
    report = _report(register)
    text = pdf_text(pdf_of(render_compliance(report)))
    assert "Fleet compliance report" in text
    assert f"Organisation: {ORG}" in text and "Status as of: 2025-12-22" in text
    assert "DJI-1" in text and "AUT-1" in text
    assert "$22,400" in text  # value at risk
    assert "Aircraft grounded, by quarter" in text
    assert "asda-no-data-to-covered-entity" in text
    assert "s. 934.50 (SB 2512, 2022)" in text
    assert "§1825" in text
    for case in report.basis:
        for _, source in case.explanation.sources:
            assert source.date.isoformat() in text
    assert "UNVERIFIED" in text
