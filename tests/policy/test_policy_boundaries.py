"""Every policy, on both sides of every date boundary it has (day before / day of).

The dates are the ones the policy data records from its sources. A DJI Matrice 30T (PRC-made
by a covered maker) is reached by every binding rule once it is in force. The day before a
use's first period starts the policy does not apply at all: the verdict is `not_applicable`
(never `permitted`) and says from when it will; the day of it the drone is reached. Later
periods (Connecticut's towns, ASDA's contractors, §805's indirect bar) add a group the policy
binds, and a sunset ends it (`not_applicable`, expired).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from dronevet.knowledge.model import Use
from dronevet.policy.model import ApplicabilityStatus, Outcome, VerdictKind
from policy.policy_fixtures import book, reason, verdict, western_airframe, with_assembly

DAY = timedelta(days=1)

# (policy, use, first start) as the policy data records them.
STARTS = [
    ("us-dod-ndaa2020-848", Use.procure, date(2019, 12, 20)),
    ("us-dod-ndaa2020-848", Use.operate, date(2019, 12, 20)),
    ("us-dod-ndaa2023-817", Use.operate, date(2024, 10, 1)),
    ("us-dod-ndaa2024-805", Use.procure, date(2026, 6, 30)),
    ("us-doj-ojp-2020", Use.fund, date(2020, 10, 5)),
    ("us-asda-2023", Use.procure, date(2023, 12, 22)),
    ("us-asda-2023", Use.operate, date(2025, 12, 22)),
    ("us-asda-2023", Use.fund, date(2025, 12, 22)),
    ("us-fcc-covered-list", Use.authorize, date(2025, 12, 22)),
    ("us-fl-934-50", Use.procure, date(2021, 7, 1)),
    ("us-fl-934-50", Use.operate, date(2023, 1, 1)),
    ("us-ar-act525-2023", Use.procure, date(2023, 8, 1)),
    ("us-ar-act525-2023", Use.operate, date(2027, 8, 1)),
    ("us-ct-pa25-1", Use.procure, date(2025, 10, 1)),
    ("us-ct-pa25-1", Use.operate, date(2027, 10, 1)),
    ("us-tn-hb1070-2023", Use.procure, date(2023, 4, 18)),
    ("us-ms-sb2853-2023", Use.procure, date(2023, 7, 1)),
    ("us-ms-sb2853-2023", Use.operate, date(2023, 7, 1)),
    ("us-nv-sb11", Use.procure, date(2025, 1, 1)),
    ("us-nv-sb11", Use.operate, date(2025, 1, 1)),
    ("us-ut-72-10-1202", Use.procure, date(2025, 1, 1)),
    ("us-ut-72-10-1202", Use.operate, date(2025, 1, 1)),
    ("us-ks-75-3740h", Use.procure, date(2025, 7, 1)),
    ("jp-gov-2020", Use.procure, date(2021, 4, 1)),
    ("tw-ey-2022", Use.procure, date(2022, 1, 1)),
    ("tw-ey-2022", Use.operate, date(2022, 1, 1)),
    ("au-defence-2023", Use.operate, date(2023, 5, 5)),
    ("in-dgft-2022", Use.import_, date(2022, 2, 9)),
    ("uk-gov-advisory", Use.procure, date(2023, 2, 14)),
    ("uk-gov-advisory", Use.operate, date(2023, 2, 14)),
]

# (policy, use, start, words naming the group the later period adds)
LATER_PERIODS = [
    ("us-asda-2023", Use.procure, date(2024, 11, 12), "contractors"),
    ("us-ct-pa25-1", Use.procure, date(2026, 10, 1), "municipality"),
    ("us-ct-pa25-1", Use.operate, date(2028, 10, 1), "municipality"),
    ("us-dod-ndaa2024-805", Use.procure, date(2027, 6, 30), "indirect"),
]

# (policy, use, sunset): the first day the use is no longer regulated.
SUNSETS = [
    ("us-asda-2023", Use.procure, date(2028, 12, 22)),
    ("us-asda-2023", Use.operate, date(2028, 12, 22)),
    ("us-asda-2023", Use.fund, date(2028, 12, 22)),
]

# Policies limited to some missions are asked about one inside their scope.
MISSION = {"us-ut-72-10-1202": "infrastructure-inspection"}


def _vet(policy: str, use: Use, day: date):
    return verdict("dji-matrice-30t", policy, use, day, MISSION.get(policy))


def test_every_regulated_use_has_a_boundary_case():
    declared = {(p.id, use) for p in book() for use in p.regulations}
    assert declared == {(p, u) for p, u, _ in STARTS}


def test_every_period_start_and_sunset_in_the_data_is_tested():
    starts = {(p.id, use, r.start) for p in book() for use, rs in p.regulations.items() for r in rs}
    assert starts == {s for s in STARTS} | {(p, u, d) for p, u, d, _ in LATER_PERIODS}
    ends = {(p.id, use, r.end) for p in book() for use, rs in p.regulations.items() for r in rs}
    assert {e for e in ends if e[2] is not None} == set(SUNSETS)


@pytest.mark.parametrize(("policy", "use", "start"), STARTS, ids=lambda v: str(v))
def test_day_before_start_the_policy_does_not_yet_apply(policy, use, start):
    result = _vet(policy, use, start - DAY)
    assert result.verdict is VerdictKind.not_applicable
    assert result.applicability.status is ApplicabilityStatus.not_yet_in_force
    assert result.applicability.start == start
    assert "Not yet in force" in result.reasons[0].text
    assert start.isoformat() in result.reasons[0].text
    assert len(result.reasons) == 1  # no rule is checked


@pytest.mark.parametrize(("policy", "use", "start"), STARTS, ids=lambda v: str(v))
def test_day_of_start_a_dji_matrice_30t_is_reached(policy, use, start):
    result = _vet(policy, use, start)
    assert result.applicability.status is ApplicabilityStatus.in_force
    assert result.verdict in (VerdictKind.prohibited, VerdictKind.review)
    assert any(r.outcome in (Outcome.hit, Outcome.review) for r in result.reasons)


@pytest.mark.parametrize(("policy", "use", "start", "group"), LATER_PERIODS, ids=lambda v: str(v))
def test_a_later_period_adds_its_group_on_its_start_date_not_before(policy, use, start, group):
    before = _vet(policy, use, start - DAY)
    on = _vet(policy, use, start)
    assert before.applicability.in_force and on.applicability.in_force
    assert not any(group in r.binds for r in before.applicability.regulations)
    assert any(group in r.binds for r in on.applicability.regulations)
    assert len(on.applicability.regulations) == len(before.applicability.regulations) + 1
    assert start.isoformat() in before.applicability.text  # "From <start> also ..."


@pytest.mark.parametrize(("policy", "use", "end"), SUNSETS, ids=lambda v: str(v))
def test_sunset_ends_the_ban_on_its_day(policy, use, end):
    assert _vet(policy, use, end - DAY).verdict is VerdictKind.prohibited
    expired = _vet(policy, use, end)
    assert expired.verdict is VerdictKind.not_applicable
    assert expired.applicability.status is ApplicabilityStatus.expired
    assert expired.applicability.until == end
    assert end.isoformat() in expired.reasons[0].text


def test_asda_1824_operating_ban_matrice_30t_2025_12_21_vs_12_22():
    before = verdict("dji-matrice-30t", "us-asda-2023", Use.operate, date(2025, 12, 21))
    after = verdict("dji-matrice-30t", "us-asda-2023", Use.operate, date(2025, 12, 22))
    assert before.verdict is VerdictKind.not_applicable
    assert before.applicability.status is ApplicabilityStatus.not_yet_in_force
    assert after.verdict is VerdictKind.prohibited
    assert reason(after, "asda-1824-made-by") == "hit"
    assert (
        "§1824" in next(r for r in after.reasons if r.rule == "asda-1824-made-by").citation.clause
    )


def test_805_direct_bar_is_a_question_until_the_indirect_bar_of_2027_06_30():
    # From 2026-06-30 DoD may not contract with the listed maker itself (who sells the drone
    # decides it); from 2027-06-30 it may not buy goods the listed maker produced at all.
    direct = verdict("dji-matrice-30t", "us-dod-ndaa2024-805", Use.procure, date(2027, 6, 29))
    indirect = verdict("dji-matrice-30t", "us-dod-ndaa2024-805", Use.procure, date(2027, 6, 30))
    assert direct.verdict is VerdictKind.review
    assert reason(direct, "dod805-direct") == "review"
    assert reason(direct, "dod805-indirect") == "not_applicable"
    assert indirect.verdict is VerdictKind.prohibited
    assert reason(indirect, "dod805-indirect") == "hit"


def test_fcc_blue_uas_exemption_runs_2026_01_07_until_2027_01_01():
    # A Blue-cleared airframe produced abroad: caught by the foreign-produced entry of
    # 2025-12-22, exempt from 2026-01-07, caught again from 2027-01-01.
    blue_abroad = with_assembly(western_airframe(blue_from=date(2024, 5, 28)), "ch")
    expected = {
        date(2026, 1, 6): VerdictKind.prohibited,
        date(2026, 1, 7): VerdictKind.permitted,
        date(2026, 12, 31): VerdictKind.permitted,
        date(2027, 1, 1): VerdictKind.prohibited,
    }
    for day, wanted in expected.items():
        result = verdict(blue_abroad, "us-fcc-covered-list", Use.authorize, day)
        assert result.verdict is wanted, day
    exempt = verdict(blue_abroad, "us-fcc-covered-list", Use.authorize, date(2026, 1, 7))
    assert "fcc-blue-uas-exemption" in next(
        r.text for r in exempt.reasons if r.rule == "fcc-foreign-produced"
    )


def test_fcc_software_update_waiver_to_2027_is_extended_on_2026_05_08_to_2029():
    def routes(day):
        return {
            e.id
            for e in verdict(
                "dji-matrice-30t", "us-fcc-covered-list", Use.authorize, day
            ).exemptions
        }

    assert "fcc-update-waiver-2027" in routes(date(2026, 5, 7))
    assert "fcc-update-waiver-2029" not in routes(date(2026, 5, 7))
    assert "fcc-update-waiver-2027" not in routes(date(2026, 5, 8))
    assert "fcc-update-waiver-2029" in routes(date(2026, 5, 8))
    assert "fcc-update-waiver-2029" in routes(date(2028, 12, 31))


def test_fcc_blue_exemption_does_not_touch_the_1709_dji_entry():
    blue_dji = western_airframe(maker="dji", blue_from=date(2020, 1, 1))
    result = verdict(blue_dji, "us-fcc-covered-list", Use.authorize, date(2026, 6, 1))
    assert result.verdict is VerdictKind.prohibited
    assert reason(result, "fcc-1709-dji-autel") == "hit"


def test_blue_uas_listing_counts_only_from_its_start_date():
    # §848(a)(1)(B) components rule: a US airframe with an undeclared radio is review until it
    # is listed as Blue UAS Cleared, after which DoD's vetting satisfies the rule.
    airframe = western_airframe(blue_from=date(2024, 5, 28))
    bare = replace(
        airframe, components=tuple(c for c in airframe.components if c.kind.value != "radio")
    )
    day_before = verdict(bare, "us-dod-ndaa2020-848", Use.procure, date(2024, 5, 27))
    day_of = verdict(bare, "us-dod-ndaa2020-848", Use.procure, date(2024, 5, 28))
    assert day_before.verdict is VerdictKind.review
    assert reason(day_before, "dod848-a2-components") == "review"
    assert day_of.verdict is VerdictKind.permitted


def test_a_product_released_after_the_date_gets_a_caution_not_a_different_verdict():
    # The Matrice 30T launched on 2022-03-21: vetting it for 2022-03-20 says it did not exist.
    before = verdict("dji-matrice-30t", "us-dod-ndaa2020-848", Use.procure, date(2022, 3, 20))
    on = verdict("dji-matrice-30t", "us-dod-ndaa2020-848", Use.procure, date(2022, 3, 21))
    assert before.verdict is on.verdict is VerdictKind.prohibited
    assert any("2022-03-21" in c.claim and "did not exist" in c.claim for c in before.cautions)
    assert not any("did not exist" in c.claim for c in on.cautions)
