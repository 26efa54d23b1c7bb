"""Fleet roll-ups add up: counts, groundings, value at risk by fiscal year and missions
left uncovered equal what the aircraft's own verdict lines (and, for missions, the engine
asked mission by mission) say, worked out here aircraft by aircraft and date by date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

import dronevet
from dronevet.fleet.model import AircraftStatus, Binding, Organisation
from dronevet.fleet.rollup import rollup
from dronevet.fleet.status import fleet_status
from dronevet.fleet.timeline import Timeline, fleet_timeline
from dronevet.knowledge.model import Use
from dronevet.policy.model import VerdictKind
from fleet.fleet_fixtures import aircraft, kb

ORG = Organisation(
    "County Sheriff",
    (Binding("asda"), Binding("florida"), Binding("us-ut-72-10-1202"), Binding("us-ct-pa25-1")),
    fiscal_year_start=7,
)
FEDERAL = Organisation("Federal agency", (Binding("asda"),), fiscal_year_start=10)
ORGS = pytest.mark.parametrize("org", [ORG, FEDERAL], ids=["state", "federal"])
AS_OF = date(2025, 6, 1)
FLEET = [
    aircraft("M30-1", "DJI M30T", price=Decimal("9999.00"), missions=("law-enforcement",)),
    aircraft(
        "M30-2", "DJI M30T", price=Decimal("1234.56"), missions=("infrastructure-inspection",)
    ),
    aircraft(
        "X10-1",
        "Skydio X10D",
        price=Decimal("16000"),
        missions=("law-enforcement", "infrastructure-inspection"),
    ),
    aircraft(
        "MAX-1",
        "Autel EVO Max 4T",
        price=Decimal("12599"),
        status=AircraftStatus.grounded,
        missions=("infrastructure-inspection",),
    ),
    aircraft(
        "M3T-1",
        "DJI Mavic 3 Thermal",
        price=Decimal("5000"),
        status=AircraftStatus.retired,
        missions=("search-and-rescue",),
    ),
    aircraft("ANA-1", "Parrot ANAFI USA", missions=("search-and-rescue",)),
    aircraft("RAP-1", "Anzu Raptor T", price=Decimal("5000"), missions=("wildfire",)),
    aircraft("M30-3", "DJI M30T", missions=("search-and-rescue", "wildfire")),
]


def timeline(org: Organisation) -> Timeline:
    return fleet_timeline(kb(), org, FLEET, AS_OF, past=True)


def serving(t: Timeline) -> list[int]:
    return [i for i, a in enumerate(t.aircraft) if a.status is not AircraftStatus.retired]


def candidate_days(t: Timeline) -> list[date]:
    """`as_of` and every day any line changes: between them nothing changes."""
    days = {AS_OF} | {
        c.day for i in range(len(t.aircraft)) for ln in t.lines(i) for c in ln.changes
    }
    return sorted(days)


def window(
    days: list[date], flag: Callable[[date], bool]
) -> tuple[date | None, date | None] | None:
    """The run of `flag` holding on AS_OF (else the next one): (start or None for 'always',
    end or None for 'no end known'); None when there is none."""
    now = days.index(AS_OF)
    held = [flag(d) for d in days]
    if held[now]:
        first = now
        while first > 0 and held[first - 1]:
            first -= 1
        start = days[first] if first > 0 else None
        if start is not None and flag(start - timedelta(days=1)):
            start = None  # held before the first candidate day too
    else:
        later = [g for g in range(now + 1, len(days)) if held[g]]
        if not later:
            return None
        first = later[0]
        start = days[first]
    ends = [days[g] for g in range(first + 1, len(days)) if not held[g]]
    return start, (ends[0] if ends else None)


@ORGS
def test_counts_are_the_lines_of_the_aircraft_in_service_on_each_date(org: Organisation) -> None:
    t = timeline(org)
    totals = rollup(t)
    assert (totals.in_service, totals.retired) == (7, 1)
    days = [AS_OF] + [d for d in candidate_days(t) if d > AS_OF]
    changing = [AS_OF] + [
        d
        for d in days[1:]
        if any(
            t.verdict_on(i, p, d) is not t.verdict_on(i, p, d - timedelta(days=1))
            for i in serving(t)
            for p in range(len(t.columns))
        )
    ]
    assert [day for day, _ in totals.counts] == changing
    for day, counts in totals.counts:
        for p, column in enumerate(t.columns):
            expected = Counter(t.verdict_on(i, p, day) for i in serving(t))
            found = counts[(column.policy.id, column.use)]
            assert {k: n for k, n in found.items() if n} == dict(expected), (day, column)


def _operate_columns(t: Timeline, *uses: Use) -> list[int]:
    return [p for p, c in enumerate(t.columns) if c.use in uses]


@ORGS
def test_grounded_aircraft_and_from_when(org: Organisation) -> None:
    t = timeline(org)
    days = candidate_days(t)
    operate = _operate_columns(t, Use.operate)
    expected = {}
    for i in serving(t):
        run = window(
            days,
            lambda d, i=i: any(t.verdict_on(i, p, d) is VerdictKind.prohibited for p in operate),
        )
        if run is not None:
            expected[t.aircraft[i].serial] = run
    found = {g.serial: (g.start, g.until) for g in rollup(t).grounded}
    assert found == expected
    assert "M30-1" in found and "M3T-1" not in found  # a DJI flown by police; retired
    if org is FEDERAL:
        assert found["M30-1"] == (date(2025, 12, 22), date(2028, 12, 22))  # ASDA §1824
    for g in rollup(t).grounded:
        assert g.text.startswith("operation prohibited") and g.policy in g.text


def test_a_grounding_under_way_gives_the_reason_behind_its_start() -> None:
    """Two bans overlap (Florida's since 2023, the ASDA's since 22 Dec 2025, the ASDA bound
    first): on a day after both, the reason given is the one that has held since the date
    given, not the first binding's."""
    t = fleet_timeline(kb(), ORG, FLEET, date(2026, 6, 1), past=True)
    found = {g.serial: g for g in rollup(t).grounded}
    m30 = found["M30-1"]
    assert m30.start is not None and m30.start < date(2025, 12, 22)
    assert m30.policy == "us-fl-934-50"
    assert f"since {m30.start.isoformat()}" in m30.text
    for g in found.values():
        assert g.start is not None and f"since {g.start.isoformat()}" in g.text


@ORGS
def test_value_at_risk_by_the_organisations_fiscal_year(org: Organisation) -> None:
    t = timeline(org)
    days = candidate_days(t)
    at_risk = _operate_columns(t, Use.operate, Use.fund)
    values: Counter[int] = Counter()
    counts: Counter[int] = Counter()
    unpriced = 0
    for i in serving(t):
        run = window(
            days,
            lambda d, i=i: any(t.verdict_on(i, p, d) is VerdictKind.prohibited for p in at_risk),
        )
        if run is None:
            continue
        price = t.aircraft[i].price
        if price is None:
            unpriced += 1
            continue
        year = org.fiscal_year(max(run[0] or AS_OF, AS_OF))
        values[year] += price  # type: ignore[assignment]
        counts[year] += 1
    totals = rollup(t)
    assert {e.fiscal_year: (e.aircraft, e.value) for e in totals.value_at_risk} == {
        y: (counts[y], values[y]) for y in values
    }
    assert totals.unpriced == unpriced and unpriced >= 1  # M30-3 has no price
    assert org.fiscal_year(date(2025, 12, 22)) == 2026  # named for the year it ends
    total = Decimal(totals.to_dict()["value_at_risk"]["total"])
    assert total == sum(values.values())


@ORGS
def test_missions_left_uncovered_follow_the_engine_mission_by_mission(org: Organisation) -> None:
    t = timeline(org)
    days = candidate_days(t)
    active = [i for i, a in enumerate(t.aircraft) if a.status is AircraftStatus.active]
    operate = [c.policy.id for c in t.columns if c.use is Use.operate]

    def cleared(i: int, mission: str, day: date) -> bool:
        product = t.aircraft[i].product_id
        assert product is not None
        return all(
            dronevet.vet(
                product, policy=p, use="operate", as_of=day, mission=mission, kb=kb()
            ).verdict
            in (VerdictKind.permitted, VerdictKind.not_applicable)
            for p in operate
        )

    missions = dict.fromkeys(m for i in active for m in t.aircraft[i].missions)
    expected = {}
    for mission in missions:
        flying = [i for i in active if mission in t.aircraft[i].missions]
        run = window(days, lambda d, f=flying, m=mission: not any(cleared(i, m, d) for i in f))
        if run is not None:
            expected[mission] = (*run, len(flying))
    found = {g.mission: (g.start, g.until, g.aircraft) for g in rollup(t).uncovered}
    assert found == expected
    assert "law-enforcement" not in found  # the Skydio still flies for the police


def test_the_status_contract() -> None:
    status = fleet_status(kb(), ORG, FLEET, AS_OF).to_dict()
    assert set(status) == {"org", "as_of", "aircraft", "totals"}
    assert (status["org"], status["as_of"]) == ("County Sheriff", "2025-06-01")
    first = status["aircraft"][0]
    assert (first["serial"], first["model"], first["product_id"]) == (
        "M30-1",
        "DJI M30T",
        "dji-matrice-30t",
    )
    for line in first["verdicts"]:
        assert {"policy", "use", "verdict", "next_change"} <= set(line) and "changes" not in line
        if line["next_change"] is not None:
            assert {"date", "verdict"} <= set(line["next_change"])
    totals = status["totals"]
    assert totals["aircraft"] == 7 and totals["grounded"]["aircraft"] == len(
        totals["grounded"]["list"]
    )
    asda = totals["counts"]["us-asda-2023"]["operate"]
    assert sum(asda.values()) == 7


def test_an_empty_fleet_or_an_unbound_organisation_rolls_up_to_nothing() -> None:
    empty = rollup(fleet_timeline(kb(), ORG, [], AS_OF))
    assert (empty.in_service, empty.grounded, empty.value_at_risk, empty.uncovered) == (
        0,
        (),
        (),
        (),
    )
    unbound = rollup(fleet_timeline(kb(), Organisation("free"), FLEET, AS_OF))
    assert unbound.in_service == 7 and unbound.grounded == () and unbound.uncovered == ()
    assert unbound.to_dict()["counts"] == {}
