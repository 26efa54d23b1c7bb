"""The fleet's SVG charts: what a program manager reads off each bar and band is the data
it was drawn from, in words as well as colours, and no text can break out of the SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from typing import Any

from dronevet.fleet.model import Binding, Organisation
from dronevet.fleet.status import fleet_status
from dronevet.fleet.timeline import fleet_timeline
from dronevet.knowledge import load_builtin
from dronevet.reports.charts import nice_step
from dronevet.reports.fleet_charts import (
    aircraft_timeline_chart,
    deadline_chart,
    plan_spend_chart,
    verdict_counts_chart,
)
from fleet.fleet_fixtures import aircraft

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def groups(root: ET.Element, name: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == name]


def status(grounded: list[dict[str, Any]], as_of: str = "2025-06-01") -> dict[str, Any]:
    """A `fleet status` JSON reduced to what the charts read."""
    return {"as_of": as_of, "totals": {"grounded": {"list": grounded}, "counts": {}}}


def grounding(serial: str, start: str | None) -> dict[str, Any]:
    return {"serial": serial, "from": start, "until": None, "policy": "us-asda-2023",
            "explanation": "operation prohibited"}


def test_every_chart_is_an_accessible_image_without_inline_styles() -> None:
    charts = [
        deadline_chart(status([grounding("A", "2025-12-22")])),
        deadline_chart(status([])),
        verdict_counts_chart({"as_of": "2025-06-01", "totals": {"counts": {
            "us-asda-2023": {"operate": {"prohibited": 1, "permitted": 2}}}}}),
        plan_spend_chart({"organisation": "X", "aircraft": [], "years": [
            {"fiscal_year": 2026, "budget": "100", "carried_in": "0", "spend": "50",
             "aircraft": []}]}),
    ]
    for svg in charts:
        root = parse(svg)
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert all("style" not in e.attrib for e in root.iter())
        assert not list(root.iter(f"{SVG}script"))


def test_deadline_bars_count_the_aircraft_grounded_in_each_month_and_their_value() -> None:
    found = status([grounding("OLD", "2023-01-01"), grounding("A", "2025-12-22"),
                    grounding("B", "2025-12-30"), grounding("C", "2026-03-01"),
                    grounding("NOPRICE", "2026-03-02"), grounding("LOST", "2026-05-01")])
    prices = {"OLD": Decimal("1000"), "A": Decimal("9500.50"), "B": "2000", "C": "300",
              "NOPRICE": None, "LOST": None}
    root = parse(deadline_chart(found, prices=prices))
    bars = groups(root, "bar-group")
    labels = [texts(g) for g in bars]
    assert labels == [["1 aircraft", "now", "$1,000 value"],
                      ["2 aircraft", "Dec 2025", "$11,500.50 value"],
                      ["2 aircraft", "Mar 2026", "$300 value, 1 unpriced"],
                      ["1 aircraft", "May 2026", "value unknown"]]
    heights = [float(g.find(f"{SVG}rect").get("height")) for g in bars]  # type: ignore[union-attr]
    assert heights[1] == heights[2] == 2 * heights[0]
    assert "A, B" in (bars[1].find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_deadline_bars_by_quarter_join_the_months_of_a_quarter() -> None:
    found = status([grounding("A", "2026-01-05"), grounding("B", "2026-03-31"),
                    grounding("C", "2026-04-01")])
    root = parse(deadline_chart(found, by="quarter"))
    assert [texts(g) for g in groups(root, "bar-group")] == [
        ["2 aircraft", "2026 Q1"], ["1 aircraft", "2026 Q2"]]


def test_a_fleet_with_nothing_grounded_says_so_in_words() -> None:
    root = parse(deadline_chart(status([])))
    assert "No aircraft are grounded on or after 2025-06-01." in texts(root)


def test_text_from_the_register_is_escaped_not_markup() -> None:
    serial = '<script>alert("x")</script>&'
    svg = deadline_chart(status([grounding(serial, "2025-12-22")]))
    root = parse(svg)
    assert "<script>" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert serial in (groups(root, "bar-group")[0].find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_control_characters_in_names_do_not_break_the_svg() -> None:
    parse(deadline_chart(status([grounding("A\x00\x1b", "2025-12-22")])))


def test_verdict_counts_number_every_part_and_name_every_verdict_in_the_legend() -> None:
    found = {"as_of": "2025-06-01", "totals": {"counts": {
        "us-asda-2023": {"operate": {"prohibited": 3, "review": 0, "permitted": 1,
                                     "not_applicable": 2}},
        "us-fl-934-50": {"procure": {"prohibited": 6}}}}}
    root = parse(verdict_counts_chart(found))
    stacks = groups(root, "stack")
    assert [texts(s)[0] for s in stacks] == ["us-asda-2023 operation",
                                             "us-fl-934-50 procurement"]
    first = [(r.get("class"), r.get("data-value")) for r in stacks[0].iter(f"{SVG}rect")]
    assert first == [("part prohibited", "3"), ("part permitted", "1"),
                     ("part not_applicable", "2")]
    widths = [float(r.get("width") or 0) for r in stacks[1].iter(f"{SVG}rect")]
    assert widths == [sum(float(r.get("width") or 0) for r in stacks[0].iter(f"{SVG}rect"))]
    assert texts(groups(root, "legend")[0]) == ["✕", "prohibited", "✓", "permitted", "–",
                                                "not regulated"]


def test_an_aircraft_timeline_draws_each_line_as_bands_from_its_changes() -> None:
    line = {"policy": "us-asda-2023", "use": "operate", "verdict": "not_applicable",
            "since": None, "explanation": "no rule yet", "waiver": None,
            "changes": [{"date": "2025-12-22", "verdict": "prohibited", "mission": None,
                         "explanation": "operation prohibited from 2025-12-22"}]}
    waived = {"policy": "us-fl-934-50", "use": "operate", "verdict": "permitted",
              "since": "2024-01-01", "explanation": "under waiver #1", "waiver": 1,
              "changes": [{"date": "2026-01-01", "verdict": "prohibited", "mission": None,
                           "explanation": "waiver #1 ends"}]}
    entry = {"serial": "S-1", "model": "DJI M30T", "verdicts": [line, waived]}
    root = parse(aircraft_timeline_chart(entry, date(2025, 6, 1)))
    bands = groups(root, "band")
    spans = [[(r.get("class"), r.get("data-start"), r.get("data-end"))
              for r in band.iter(f"{SVG}rect")] for band in bands]
    assert spans == [
        [("segment not_applicable", "2024-06-01", "2025-12-22"),
         ("segment prohibited", "2025-12-22", "2028-01-01")],
        [("segment waived", "2024-06-01", "2026-01-01"),
         ("segment prohibited", "2026-01-01", "2028-01-01")],
    ]
    words = texts(root)
    assert "as of 2025-06-01" in words
    assert "prohibited" in words and "permitted under a waiver" in words
    assert "operation prohibited from 2025-12-22" in "".join(
        t.text or "" for t in root.iter(f"{SVG}title"))


def test_plan_spend_draws_budget_and_spend_for_each_fiscal_year() -> None:
    plan = {"organisation": "County", "aircraft": [], "years": [
        {"fiscal_year": 2026, "budget": "100000", "carried_in": "0", "spend": "80000",
         "aircraft": ["A", "B"]},
        {"fiscal_year": 2027, "budget": "50000", "carried_in": "20000", "spend": "0",
         "aircraft": []}]}
    root = parse(plan_spend_chart(plan))
    bars = [(r.get("class"), r.get("data-value")) for r in root.iter(f"{SVG}rect")
            if (r.get("class") or "").startswith("bar")]
    assert bars == [("bar budget", "100000"), ("bar spend", "80000"),
                    ("bar budget", "50000"), ("bar spend", "0")]
    words = texts(root)
    assert {"FY2026", "FY2027", "$100,000", "$80,000", "$0"} <= set(words)
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "$20,000 carried in" in (desc.text or "")


def test_nice_steps_are_one_two_or_five_times_a_power_of_ten() -> None:
    assert [nice_step(v) for v in (4, 9, 23, 170, 3_100_000)] == [1, 2, 5, 50, 1_000_000]


def test_charts_read_the_fleet_status_and_timeline_the_fleet_gives() -> None:
    """The charts' input is the `fleet status` / `fleet timeline` JSON contract itself:
    Florida's s. 934.50 grounds a DJI Matrice 30T; a Skydio X10 stays permitted."""
    org = Organisation("Sheriff", (Binding("us-fl-934-50"), Binding("us-asda-2023")), "us-fl")
    fleet = [aircraft("DJI-1", "DJI M30T", price=Decimal("9000")),
             aircraft("SKY-1", "Skydio X10", price=Decimal("15000"))]
    as_of = date(2025, 6, 1)
    found = fleet_status(load_builtin(), org, fleet, as_of).to_dict()
    root = parse(deadline_chart(found, prices={a.serial: a.price for a in fleet}))
    assert [texts(g) for g in groups(root, "bar-group")] == [["1 aircraft", "now",
                                                              "$9,000 value"]]
    counts = parse(verdict_counts_chart(found))
    assert "us-fl-934-50 operation" in texts(counts)
    timeline = fleet_timeline(load_builtin(), org, fleet, as_of).to_dict(changes=True)
    chart = parse(aircraft_timeline_chart(timeline["aircraft"][0], as_of))
    assert "us-fl-934-50 operation" in texts(chart)
    assert "segment prohibited" in [r.get("class") for r in chart.iter(f"{SVG}rect")]
