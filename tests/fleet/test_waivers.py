"""Waivers over the compliance timeline: an approved waiver turns a prohibited verdict to
permitted only for its aircraft, missions, policy and use, from its start until its end,
says so, and the line changes back on its end date; requested and denied waivers change
nothing, and a lapsed one (approved, then stored lapsed at its end) reads only over its period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from dronevet.errors import BadInputError
from dronevet.fleet.model import Binding, Organisation
from dronevet.fleet.timeline import fleet_timeline
from dronevet.fleet.waivers import Waiver, WaiverState, applies, timeline_dict, waived_lines
from dronevet.policy.model import VerdictKind
from fleet.fleet_fixtures import aircraft, kb

ASDA_BAN = date(2025, 12, 22)
"""ASDA §1824: operating a covered UAS is prohibited from this day (until 2028-12-22)."""
ORG = Organisation("Agency", (Binding("us-asda-2023", ("operate", "procure")),))
FLEET = [aircraft("A1", missions=("search-and-rescue",)),
         aircraft("A2", missions=("inspection",))]  # fmt: skip
WAIVER = Waiver(organisation="Agency", policy="us-asda-2023", use="operate",
                legal_basis="asda-agency-head-waiver", start=date(2026, 1, 1),
                end=date(2026, 7, 1), requested_by="pm", aircraft="A1",
                state=WaiverState.approved, decided_by="ao", reason="urgent need", id=7)


def lines_on(day: date, *waivers: Waiver) -> dict[str, list[dict[str, Any]]]:
    found = timeline_dict(fleet_timeline(kb(), ORG, FLEET, day), waivers, changes=True)
    return {a["serial"]: a["verdicts"] for a in found["aircraft"]}


def operate(lines: dict[str, list[dict[str, Any]]], serial: str) -> dict[str, Any]:
    return next(line for line in lines[serial] if line["use"] == "operate")


def test_inside_scope_and_period_a_prohibited_verdict_reads_permitted_and_says_why() -> None:
    line = operate(lines_on(date(2026, 3, 1), WAIVER), "A1")
    assert line["verdict"] == "permitted"
    assert line["waiver"] == 7
    text = str(line["explanation"])
    assert "under waiver #7 (route asda-agency-head-waiver) until 2026-07-01" in text
    assert "without it: operation prohibited under us-asda-2023 §1824" in text
    upcoming = line["next_change"]
    assert isinstance(upcoming, dict)
    assert (upcoming["date"], upcoming["verdict"]) == ("2026-07-01", "prohibited")


def test_outside_its_scope_nothing_changes() -> None:
    day = date(2026, 3, 1)
    plain = lines_on(day)
    waived = lines_on(day, WAIVER)
    # Another aircraft, and the other use of the same policy.
    assert operate(waived, "A2") == {**operate(plain, "A2"), "waiver": None}
    procure = [line for line in waived["A1"] if line["use"] == "procure"]
    assert procure == [{**line, "waiver": None} for line in plain["A1"] if line["use"] == "procure"]
    # Another mission, and another policy.
    for other in (replace(WAIVER, aircraft=None, missions=("wildfire",)),
                  replace(WAIVER, policy="us-fl-934-50")):  # fmt: skip
        assert lines_on(day, other) == {s: [{**line, "waiver": None} for line in ls]
                                        for s, ls in plain.items()}  # fmt: skip


def test_a_waiver_for_every_aircraft_covers_each_of_them() -> None:
    fleet_wide = replace(WAIVER, aircraft=None)
    lines = lines_on(date(2026, 3, 1), fleet_wide)
    assert [operate(lines, s)["verdict"] for s in ("A1", "A2")] == ["permitted", "permitted"]


@pytest.mark.parametrize("day", [date(2025, 12, 31), date(2026, 7, 1), date(2027, 1, 1)])
def test_before_its_start_and_from_its_end_the_verdict_is_the_policys(day: date) -> None:
    line = operate(lines_on(day, WAIVER), "A1")
    assert (line["verdict"], line["waiver"]) == ("prohibited", None)


def test_the_timeline_before_it_shows_the_waiver_starting_and_ending() -> None:
    line = operate(lines_on(date(2025, 6, 1), WAIVER), "A1")
    changes = line["changes"]
    assert isinstance(changes, list)
    assert [(c["date"], c["verdict"]) for c in changes] == [
        (ASDA_BAN.isoformat(), "prohibited"), ("2026-01-01", "permitted"),
        ("2026-07-01", "prohibited"), ("2028-12-22", "not_applicable"),
    ]  # fmt: skip
    assert "permitted from 2026-01-01 under waiver #7" in changes[1]["explanation"]
    assert changes[2]["explanation"].startswith("operation prohibited from 2026-07-01 under "
                                                "us-asda-2023 §1824")


def test_a_waiver_never_turns_a_verdict_that_is_not_prohibited() -> None:
    early = replace(WAIVER, start=date(2025, 1, 1))
    line = operate(lines_on(date(2025, 6, 1), early), "A1")
    assert (line["verdict"], line["waiver"]) == ("not_applicable", None)
    changes = line["changes"]
    assert isinstance(changes, list)
    assert [(c["date"], c["verdict"]) for c in changes][:2] == [
        (ASDA_BAN.isoformat(), "permitted"), ("2026-07-01", "prohibited"),
    ]  # fmt: skip


@pytest.mark.parametrize("state", [WaiverState.requested, WaiverState.denied])
def test_a_waiver_that_is_not_approved_changes_nothing(state: WaiverState) -> None:
    timeline = fleet_timeline(kb(), ORG, FLEET, date(2026, 3, 1))
    assert waived_lines(timeline, [replace(WAIVER, state=state)]) == {}
    assert operate(lines_on(date(2026, 3, 1), replace(WAIVER, state=state)), "A1")["verdict"] \
        == "prohibited"


def test_a_lapsed_waiver_still_reads_over_its_period_and_not_after_it() -> None:
    lapsed = replace(WAIVER, state=WaiverState.lapsed)
    assert operate(lines_on(date(2026, 3, 1), lapsed), "A1")["verdict"] == "permitted"
    assert operate(lines_on(WAIVER.end, lapsed), "A1")["verdict"] == "prohibited"
    assert lapsed.state_on(date(2026, 3, 1)) is WaiverState.approved
    assert lapsed.state_on(WAIVER.end) is WaiverState.lapsed


def test_applies_reads_scope_and_period_and_an_approved_waiver_past_its_end_is_lapsed() -> None:
    day = date(2026, 3, 1)
    assert applies(WAIVER, "A1", "us-asda-2023", "operate", None, day)
    assert not applies(WAIVER, "A2", "us-asda-2023", "operate", None, day)
    assert not applies(WAIVER, "A1", "us-asda-2023", "procure", None, day)
    assert not applies(WAIVER, "A1", "us-fl-934-50", "operate", None, day)
    assert applies(WAIVER, "A1", "us-asda-2023", "operate", None, WAIVER.start)
    assert not applies(WAIVER, "A1", "us-asda-2023", "operate", None, WAIVER.start - timedelta(1))
    assert not applies(WAIVER, "A1", "us-asda-2023", "operate", None, WAIVER.end)
    scoped = replace(WAIVER, missions=("search-and-rescue",))
    assert applies(scoped, "A1", "us-asda-2023", "operate", "search-and-rescue", day)
    assert not applies(scoped, "A1", "us-asda-2023", "operate", "inspection", day)
    assert WAIVER.state_on(WAIVER.end) is WaiverState.lapsed
    assert WAIVER.to_dict(as_of=WAIVER.end)["state"] == "lapsed"
    assert replace(WAIVER, state=WaiverState.denied).state_on(WAIVER.end) is WaiverState.denied


def test_a_waiver_must_end_after_it_starts() -> None:
    with pytest.raises(BadInputError, match="must end after it starts"):
        replace(WAIVER, end=WAIVER.start)


def test_a_mission_waiver_covers_only_when_that_mission_decides() -> None:
    sar = replace(WAIVER, aircraft=None, missions=("search-and-rescue",))
    lines = lines_on(date(2026, 3, 1), sar)
    assert operate(lines, "A1")["verdict"] == "permitted"
    assert operate(lines, "A2")["verdict"] == VerdictKind.prohibited.value
