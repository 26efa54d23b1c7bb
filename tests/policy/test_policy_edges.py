"""Edges of the verdict engine a reviewer would notice: the words a rule uses, the dates a
rule starts on, a maker the base does not hold, a component made at home or abroad, a
listing that ended, and the clause a not-yet-in-force verdict cites."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import dronevet
from dronevet.knowledge.model import Component, ComponentKind, ListStatus, Source, Use
from dronevet.policy.evaluate import vet
from dronevet.policy.model import (
    ApplicabilityStatus,
    Outcome,
    Verdict,
    VerdictKind,
    VerdictReason,
)
from policy.policy_fixtures import TEST_SOURCE, book, kb, western_airframe

DAY = date(2026, 3, 2)


def _reason(verdict: Verdict, rule: str) -> VerdictReason:
    return next(r for r in verdict.reasons if r.rule == rule)


def test_a_maker_named_rule_names_both_companies_it_checks() -> None:
    # FY2025 NDAA §1709 names DJI and Autel Robotics: a Parrot drone is tied to neither.
    result = dronevet.vet("parrot-anafi-usa", policy="fcc", use="authorize", as_of=DAY)
    assert _reason(result, "fcc-1709-dji-autel").text == (
        "Not made by Autel Robotics Co., Ltd. or SZ DJI Technology Co., Ltd., nor by a company "
        "tied to them: the manufacturer is Parrot SA."
    )


def test_a_maker_named_rule_with_one_company_names_it_alone() -> None:
    result = dronevet.vet("parrot-anafi-usa", policy="au-defence-2023", use="operate",
                          as_of=DAY)
    assert _reason(result, "au-dji-cessation").text.startswith(
        "Not made by SZ DJI Technology Co., Ltd., nor by"
    )


def test_an_automatic_exemption_quotes_the_listing_with_a_capital() -> None:
    result = dronevet.vet("skydio-x10d", policy="fcc", use="authorize", as_of=DAY)
    exempt = _reason(result, "fcc-foreign-critical-components")
    assert exempt.outcome is Outcome.clear
    assert ". On the Blue UAS Cleared List (cleared) since 2024-05-28." in exempt.text


def test_a_rule_with_a_later_start_does_not_apply_before_it_and_does_on_the_day() -> None:
    # FY2024 NDAA §805: the direct ban from 2026-06-30, the indirect one from 2027-06-30.
    before = dronevet.vet("M30T", policy="us-dod-ndaa2024-805", use="procure",
                          as_of="2027-06-29")
    indirect = _reason(before, "dod805-indirect")
    assert indirect.outcome is Outcome.not_applicable
    assert indirect.text == "Does not apply yet: this rule takes effect on 2027-06-30."
    on_the_day = dronevet.vet("M30T", policy="us-dod-ndaa2024-805", use="procure",
                              as_of="2027-06-30")
    assert _reason(on_the_day, "dod805-indirect").outcome is Outcome.hit
    assert on_the_day.verdict is VerdictKind.prohibited


def test_a_verdict_not_yet_in_force_cites_the_clause_that_will_apply() -> None:
    result = dronevet.vet("M30T", policy="asda", use="operate", as_of="2025-06-01")
    assert result.applicability.status is ApplicabilityStatus.not_yet_in_force
    assert result.reasons[0].citation.clause == "§1824"


def test_a_policy_without_scope_does_not_ask_for_a_mission() -> None:
    result = dronevet.vet("M30T", policy="asda", use="operate", as_of=DAY)
    assert "name the mission" not in result.applicability.text


def test_a_manufacturer_id_the_knowledge_base_does_not_hold_is_a_question() -> None:
    drone = replace(western_airframe(), manufacturer="no-such-maker",
                    manufacturer_name="No Such Maker Ltd")
    result = vet(kb(), drone, book().get("us-asda-2023"), Use.procure, DAY)
    made_by = _reason(result, "asda-1823-made-by")
    assert made_by.outcome is Outcome.review
    assert made_by.text.startswith("The manufacturer No Such Maker Ltd is not in the knowledge")


def test_a_component_maker_known_only_by_name_is_named_in_the_finding() -> None:
    camera = Component(ComponentKind.camera, TEST_SOURCE, maker_name="Zzyzx Optics Ltd",
                       made_in="us")
    drone = western_airframe(swap={ComponentKind.camera: camera})
    result = vet(kb(), drone, book().get("us-dod-ndaa2020-848"), Use.procure, DAY)
    components = _reason(result, "dod848-a2-components")
    assert components.outcome is Outcome.review
    assert "maker Zzyzx Optics Ltd not in the knowledge base (camera)" in components.text


def test_critical_components_made_at_home_are_clear_and_abroad_are_not() -> None:
    fcc = book().get("us-fcc-covered-list")
    home = vet(kb(), western_airframe(), fcc, Use.authorize, date(2025, 12, 23))
    assert _reason(home, "fcc-foreign-critical-components").outcome is Outcome.clear
    radio = Component(ComponentKind.radio, TEST_SOURCE, maker="skydio", made_in="tw")
    abroad = vet(kb(), western_airframe(swap={ComponentKind.radio: radio}), fcc,
                 Use.authorize, date(2025, 12, 23))
    found = _reason(abroad, "fcc-foreign-critical-components")
    assert found.outcome is Outcome.hit and "produced in Taiwan (radio)" in found.text


def test_a_listing_that_ended_is_shown_as_past_when_the_rule_asks_for_it() -> None:
    removal = Source("test fixture: the list without the system", date(2024, 1, 1), True)
    listed = ListStatus("us-dcma-blue-uas", "cleared", TEST_SOURCE, start=date(2021, 1, 1),
                        end=date(2024, 1, 1), end_source=removal)
    drone = replace(western_airframe(maker="freefly"), list_statuses=(listed,))
    result = vet(kb(), drone, book().get("us-doj-ojp-2020"), Use.fund, DAY)
    blue = _reason(result, "bja-blue-uas")
    assert blue.outcome is Outcome.review
    assert any("was on the Blue UAS Cleared List since 2021-01-01 until 2024-01-01" in f.claim
               for f in blue.facts)
