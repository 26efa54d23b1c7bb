"""The compliance timeline: every verdict is the one `dronevet.vet` gives for the same
product, policy, use, date and mission (the strictest over an aircraft's missions); it
changes exactly on the dates it names, on the day and not the day before; missions count
where a policy reads them; grouping alike aircraft changes no answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dronevet
from dronevet.errors import BadInputError, UnknownNameError
from dronevet.fleet.model import Aircraft, Binding, Organisation
from dronevet.fleet.timeline import Timeline, fleet_timeline
from dronevet.fleet.tracks import SEVERITY
from dronevet.knowledge.model import Use
from dronevet.policy.loader import builtin_policies
from dronevet.policy.model import VerdictKind
from fleet.fleet_fixtures import kb

ALL = Organisation("every policy", tuple(Binding(p.id) for p in builtin_policies(kb())))
PRODUCTS = sorted(kb().products)
MISSIONS = list(builtin_policies(kb()).missions)


def strictest(
    product: str, policy: str, use: Use, day: date, missions: tuple[str, ...]
) -> VerdictKind:
    """What `dronevet.vet` says for each of the missions (or none), the strictest of them."""
    verdicts = [
        dronevet.vet(product, policy=policy, use=use, as_of=day, mission=m, kb=kb()).verdict
        for m in (missions or (None,))
    ]
    return max(verdicts, key=SEVERITY.index)


def one(
    product: str,
    *missions: str,
    org: Organisation = ALL,
    day: date = date(2025, 6, 1),
    past: bool = False,
) -> Timeline:
    aircraft = Aircraft("S1", product, product, missions=missions)
    return fleet_timeline(kb(), org, [aircraft], day, past=past)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(PRODUCTS),
    st.lists(st.sampled_from(MISSIONS), unique=True, max_size=3),
    st.dates(date(2019, 1, 1), date(2030, 12, 31)),
)
def test_every_verdict_is_the_strictest_dronevet_vet_gives_for_the_missions(
    product: str, missions: list[str], day: date
) -> None:
    timeline = one(product, *missions, day=day)
    for p, line in enumerate(timeline.lines(0)):
        policy, use = line.column.policy.id, line.column.use
        assert line.verdict is strictest(product, policy, use, day, tuple(missions)), (policy, use)
        full = timeline.verdict(0, p)
        assert full.verdict is line.verdict
        mission = timeline.mission_on(0, p, day)
        asked = dronevet.vet(product, policy=policy, use=use, as_of=day, mission=mission, kb=kb())
        assert full.subject == asked.subject  # (how the name was typed is the register's)
        assert {**full.to_dict(), "subject": None} == {**asked.to_dict(), "subject": None}


def test_each_change_happens_on_its_day_and_not_the_day_before() -> None:
    checked = 0
    for product in PRODUCTS:
        timeline = one(product, day=date(2019, 1, 1))
        for line in timeline.lines(0):
            policy, use = line.column.policy.id, line.column.use
            before = line.verdict
            for change in line.changes:
                assert strictest(product, policy, use, change.day - timedelta(days=1), ()) is before
                assert strictest(product, policy, use, change.day, ()) is change.verdict
                assert change.verdict is not before
                before = change.verdict
                checked += 1
            last = line.changes[-1].day if line.changes else date(2019, 1, 1)
            assert strictest(product, policy, use, last + timedelta(days=4000), ()) is before
    assert checked > 100


def test_the_asda_operating_ban_as_the_issue_tells_it() -> None:
    timeline = one("dji-matrice-30t", org=Organisation("agency", (Binding("asda", ("fly",)),)))
    (line,) = timeline.lines(0)
    assert (line.column.policy.id, line.column.use) == ("us-asda-2023", Use.operate)
    assert line.verdict is VerdictKind.not_applicable and line.since is None
    ban = line.next_change
    assert ban is not None and (ban.day, ban.verdict) == (
        date(2025, 12, 22),
        VerdictKind.prohibited,
    )
    assert ban.text.startswith("operation prohibited from 2025-12-22 under us-asda-2023 §1824: ")
    assert "covered entity" in ban.text
    assert [c.day for c in line.changes] == [date(2025, 12, 22), date(2028, 12, 22)]  # sunset
    after = one("dji-matrice-30t", org=timeline.org, day=date(2026, 1, 5)).lines(0)[0]
    assert after.verdict is VerdictKind.prohibited and after.since == date(2025, 12, 22)
    assert after.text.startswith("operation prohibited since 2025-12-22 under us-asda-2023 §1824")
    assert one("skydio-x10d", org=timeline.org).lines(0)[0].next_change is not None


def test_past_changes_are_listed_on_request_and_since_is_the_last_of_them() -> None:
    org = Organisation("agency", (Binding("asda"),))
    day = date(2026, 6, 1)
    future = one("dji-matrice-30t", org=org, day=day)
    everything = one("dji-matrice-30t", org=org, day=day, past=True)
    for short, full in zip(future.lines(0), everything.lines(0), strict=True):
        assert short.changes == tuple(c for c in full.changes if c.day > day)
        earlier = [c for c in full.changes if c.day <= day]
        assert short.since == (earlier[-1].day if earlier else None)
        assert short.verdict is (earlier[-1].verdict if earlier else short.verdict)


def test_missions_count_where_the_policy_reads_them() -> None:
    utah = Organisation("utah", (Binding("us-ut-72-10-1202", ("operate",)),))
    police = one("dji-matrice-30t", "police", org=utah).lines(0)[0]
    assert police.verdict is VerdictKind.not_applicable and "Outside its scope" in police.text
    inspection = one("dji-matrice-30t", "inspection", org=utah).lines(0)[0]
    assert inspection.verdict is VerdictKind.prohibited
    both = one("dji-matrice-30t", "police", "inspection", org=utah)
    assert both.lines(0)[0].verdict is VerdictKind.prohibited
    assert both.lines(0)[0].mission == "infrastructure-inspection"
    assert both.mission_on(0, 0, both.as_of) == "infrastructure-inspection"
    japan = Organisation("japan", (Binding("jp-gov-2020"),))
    critical = one("dji-matrice-30t", "search-and-rescue", org=japan).lines(0)[0]
    assert critical.verdict is VerdictKind.prohibited  # a critical operation
    mixed = one("dji-matrice-30t", "general", "search-and-rescue", org=japan).lines(0)[0]
    assert mixed.verdict is VerdictKind.prohibited and mixed.mission == "search-and-rescue"
    for missions in [("general",), ("law-enforcement",), ()]:  # standard, untiered, none
        line = one("dji-matrice-30t", *missions, org=japan).lines(0)[0]
        assert line.verdict is VerdictKind.review
        assert line.mission == ("general" if missions == ("general",) else None)
    asda = Organisation("asda", (Binding("asda", ("operate",)),))
    for missions in [(), ("police",), ("wildfire", "general")]:
        line = one("dji-matrice-30t", *missions, org=asda).lines(0)[0]
        assert line.mission is None  # ASDA's verdict reads no mission


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(PRODUCTS[:20]),
            st.lists(st.sampled_from(MISSIONS), unique=True, max_size=2),
        ),
        min_size=1,
        max_size=25,
    ),
    st.dates(date(2020, 1, 1), date(2029, 12, 31)),
)
def test_grouping_gives_what_each_aircraft_alone_gets(
    fleet: list[tuple[str, list[str]]], day: date
) -> None:
    aircraft = [Aircraft(f"S{i}", p, p, missions=tuple(m)) for i, (p, m) in enumerate(fleet)]
    together = fleet_timeline(kb(), ALL, aircraft, day)
    for i, alone in enumerate(aircraft):
        single = fleet_timeline(kb(), ALL, [alone], day)
        assert [line.to_dict() for line in together.lines(i)] == [
            line.to_dict() for line in single.lines(0)
        ]
    assert together.to_dict()["aircraft"][0]["verdicts"] == [
        line.to_dict() for line in together.lines(0)
    ]


def test_bindings_name_policies_by_alias_and_uses_by_synonym() -> None:
    org = Organisation("x", (Binding("asda", ("buy", "fly")), Binding("florida")))
    columns = [(c.policy.id, c.use) for c in one("skydio-x10d", org=org).columns]
    florida = builtin_policies(kb()).get("florida")
    assert columns == [
        ("us-asda-2023", Use.procure),
        ("us-asda-2023", Use.operate),
        *((florida.id, use) for use in florida.regulations),
    ]
    with pytest.raises(UnknownNameError):
        one("skydio-x10d", org=Organisation("x", (Binding("nope"),)))


def test_aircraft_are_resolved_by_model_and_bad_ones_are_named() -> None:
    resolved = fleet_timeline(
        kb(), ALL, [Aircraft("S9", "DJI M30T", missions=("rescue",))], date(2025, 6, 1)
    )
    assert resolved.groups[0].product.id == "dji-matrice-30t"
    assert resolved.groups[0].missions == ("search-and-rescue",)
    with pytest.raises(BadInputError, match="aircraft 'S7': model 'gone' is not in"):
        fleet_timeline(kb(), ALL, [Aircraft("S7", "x", "gone")], date(2025, 6, 1))
    with pytest.raises(BadInputError, match="aircraft 'S8': no drone model"):
        fleet_timeline(kb(), ALL, [Aircraft("S8", "Zzyzx Qwerty")], date(2025, 6, 1))
    with pytest.raises(UnknownNameError, match="aircraft 'S6': "):
        fleet_timeline(
            kb(), ALL, [Aircraft("S6", "DJI M30T", missions=("patrol",))], date(2025, 6, 1)
        )


def test_an_empty_fleet_or_an_organisation_bound_by_nothing() -> None:
    empty = fleet_timeline(kb(), ALL, [], date(2025, 6, 1))
    assert empty.to_dict() == {"org": "every policy", "as_of": "2025-06-01", "aircraft": []}
    unbound = one("dji-matrice-30t", org=Organisation("free"))
    assert unbound.lines(0) == () and unbound.to_dict()["aircraft"][0]["verdicts"] == []
