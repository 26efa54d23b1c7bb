"""Every policy, on both sides of every date boundary it has (day before / day of).

The dates are the ones the research record gives (shared research notes on policies): a
DJI Matrice 30T (PRC-made by a covered maker) is reached by every binding rule once it is
in force, so the day before a start it must be permitted ("not yet in force") and the day of
it must not be.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from dronevet.knowledge.model import Use
from dronevet.policy.model import Outcome, VerdictKind
from policy.policy_fixtures import book, reason, verdict, western_airframe, with_assembly

# (policy, use, start) as the research record states them.
STARTS = [
    ("us-dod-ndaa2020-848", Use.procure, date(2019, 12, 20)),
    ("us-dod-ndaa2020-848", Use.operate, date(2019, 12, 20)),
    ("us-doj-ojp-2020", Use.fund, date(2020, 10, 5)),
    ("us-asda-2023", Use.procure, date(2023, 12, 22)),
    ("us-asda-2023", Use.operate, date(2025, 12, 22)),
    ("us-asda-2023", Use.fund, date(2025, 12, 22)),
    ("us-fcc-covered-list", Use.authorize, date(2025, 12, 22)),
    ("us-fl-934-50", Use.procure, date(2021, 7, 1)),
    ("us-fl-934-50", Use.operate, date(2023, 1, 1)),
    ("us-ar-act525-2023", Use.procure, date(2023, 8, 1)),
    ("us-ar-act525-2023", Use.operate, date(2027, 5, 1)),
    ("jp-gov-2020", Use.procure, date(2021, 4, 1)),
    ("tw-ey-2022", Use.procure, date(2022, 1, 1)),
    ("tw-ey-2022", Use.operate, date(2022, 1, 1)),
    ("au-defence-2023", Use.operate, date(2023, 5, 5)),
    ("in-dgft-2022", Use.import_, date(2022, 2, 9)),
    ("uk-gov-advisory", Use.procure, date(2023, 2, 14)),
    ("uk-gov-advisory", Use.operate, date(2023, 2, 14)),
]


def test_every_regulated_use_has_a_boundary_case():
    declared = {(p.id, use) for p in book() for use in p.regulations}
    assert declared == {(p, u) for p, u, _ in STARTS}


@pytest.mark.parametrize(("policy", "use", "start"), STARTS, ids=lambda v: str(v))
def test_day_before_start_the_policy_did_not_yet_apply(policy, use, start):
    result = verdict("dji-matrice-30t", policy, use, start - timedelta(days=1))
    assert result.verdict is VerdictKind.permitted
    assert "Not yet in force" in result.reasons[0].text
    assert start.isoformat() in result.reasons[0].text


@pytest.mark.parametrize(("policy", "use", "start"), STARTS, ids=lambda v: str(v))
def test_day_of_start_a_dji_matrice_30t_is_reached(policy, use, start):
    result = verdict("dji-matrice-30t", policy, use, start)
    assert result.verdict is not VerdictKind.permitted
    assert any(r.outcome in (Outcome.hit, Outcome.review) for r in result.reasons)


def test_asda_sunset_2028_12_22_ends_all_three_bans():
    for use in (Use.procure, Use.operate, Use.fund):
        assert verdict("dji-matrice-30t", "us-asda-2023", use, date(2028, 12, 21)).verdict is (
            VerdictKind.prohibited
        )
        expired = verdict("dji-matrice-30t", "us-asda-2023", use, date(2028, 12, 22))
        assert expired.verdict is VerdictKind.permitted
        assert "Expired" in expired.reasons[0].text and "2028-12-22" in expired.reasons[0].text


def test_asda_1824_operating_ban_matrice_30t_2025_12_21_vs_12_22():
    before = verdict("dji-matrice-30t", "us-asda-2023", Use.operate, date(2025, 12, 21))
    after = verdict("dji-matrice-30t", "us-asda-2023", Use.operate, date(2025, 12, 22))
    assert before.verdict is VerdictKind.permitted
    assert after.verdict is VerdictKind.prohibited
    assert reason(after, "asda-1824-made-by") == "hit"
    assert "§1824" in after.reasons[1].citation.clause


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


def test_fcc_blue_exemption_does_not_touch_the_1709_dji_entry():
    blue_dji = western_airframe(maker="dji", blue_from=date(2020, 1, 1))
    result = verdict(blue_dji, "us-fcc-covered-list", Use.authorize, date(2026, 6, 1))
    assert result.verdict is VerdictKind.prohibited
    assert reason(result, "fcc-1709-dji-autel") == "hit"


def test_blue_uas_listing_counts_only_from_its_start_date():
    # §848 components rule: a US airframe with an undeclared radio is review until it is
    # listed as Blue UAS Cleared, after which DIU's vetting satisfies the rule.
    airframe = western_airframe(blue_from=date(2024, 5, 28))
    bare = replace(
        airframe, components=tuple(c for c in airframe.components if c.kind.value != "radio")
    )
    day_before = verdict(bare, "us-dod-ndaa2020-848", Use.procure, date(2024, 5, 27))
    day_of = verdict(bare, "us-dod-ndaa2020-848", Use.procure, date(2024, 5, 28))
    assert day_before.verdict is VerdictKind.review
    assert reason(day_before, "dod848-a2-components") == "review"
    assert day_of.verdict is VerdictKind.permitted
