"""Covered-entity determination: domicile and direction law, designations by date, link chains."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dronevet.errors import UnknownNameError
from dronevet.knowledge.loader import KnowledgeBase, load_builtin
from dronevet.screening.control import determine
from dronevet.screening.model import DEFAULT_CRITERIA, CoveredStatus, ReasonKind


def _kinds(det: object) -> set[str]:
    return {r.kind.value for r in det.reasons}  # type: ignore[attr-defined]


def test_prc_maker_is_covered_by_domicile_and_intelligence_law(small_kb: KnowledgeBase) -> None:
    det = determine(small_kb, "dji", date(2019, 1, 1))
    assert det.status is CoveredStatus.covered
    assert {"domicile", "law"} <= _kinds(det)
    assert det.chain == ("dji",)


def test_before_the_intelligence_law_took_effect_prc_domicile_only_gives_review(
    small_kb: KnowledgeBase,
) -> None:
    # National Intelligence Law art. 7 in force from 2017-06-28 (test data mirrors it).
    assert determine(small_kb, "dji", date(2017, 6, 27)).status is CoveredStatus.review
    assert determine(small_kb, "dji", date(2017, 6, 28)).status is CoveredStatus.covered


def test_entity_list_designation_counts_only_from_2020_12_18(small_kb: KnowledgeBase) -> None:
    before = determine(small_kb, "dji", date(2020, 12, 17))
    after = determine(small_kb, "dji", date(2020, 12, 18))
    assert "designation" not in _kinds(before)
    assert "designation" in _kinds(after)


def test_designation_alone_covers_when_criteria_name_no_countries(
    small_kb: KnowledgeBase,
) -> None:
    lists_only = replace(DEFAULT_CRITERIA, name="lists only", countries=frozenset())
    assert determine(small_kb, "dji", date(2021, 1, 1), lists_only).status is (
        CoveredStatus.covered
    )
    assert determine(small_kb, "dji", date(2020, 1, 1), lists_only).status is (
        CoveredStatus.not_covered
    )


def test_lists_outside_the_criteria_do_not_count(small_kb: KnowledgeBase) -> None:
    other_lists = replace(
        DEFAULT_CRITERIA, name="other", countries=frozenset(), lists=frozenset({"x"})
    )
    assert determine(small_kb, "dji", date(2021, 1, 1), other_lists).status is (
        CoveredStatus.not_covered
    )


def test_subsidiary_of_a_prc_maker_is_covered_through_the_chain(small_kb: KnowledgeBase) -> None:
    det = determine(small_kb, "dji-europe", date(2025, 1, 1))
    assert det.status is CoveredStatus.covered
    assert det.chain == ("dji-europe", "dji")
    link = next(r for r in det.reasons if r.kind is ReasonKind.link)
    assert "subsidiary of SZ DJI Technology" in link.text and "China" in link.text


def test_disputed_licensee_link_gives_review_not_covered(small_kb: KnowledgeBase) -> None:
    # Anzu licenses DJI technology; DJI disputes that Anzu is an affiliate: a person decides.
    det = determine(small_kb, "anzu-robotics", date(2025, 1, 1))
    assert det.status is CoveredStatus.review
    link = next(r for r in det.reasons if r.kind is ReasonKind.link)
    assert "disputed" in link.text and "licensed from SZ DJI Technology" in link.text


def test_link_not_active_on_the_date_is_ignored(small_kb: KnowledgeBase) -> None:
    # The Anzu licence link starts in 2024.
    assert determine(small_kb, "anzu-robotics", date(2023, 6, 1)).status is (
        CoveredStatus.not_covered
    )


def test_minority_stake_below_threshold_gives_review(small_kb: KnowledgeBase) -> None:
    det = determine(small_kb, "holdco", date(2025, 1, 1))
    assert det.status is CoveredStatus.review
    assert "20% owned" in det.reasons[0].text


def test_clearance_listing_is_reported_but_does_not_make_covered(small_kb: KnowledgeBase) -> None:
    det = determine(small_kb, "skydio", date(2025, 1, 1))
    assert det.status is CoveredStatus.not_covered
    assert "clearance" in _kinds(det)


def test_entity_without_known_domicile_is_unknown(small_kb: KnowledgeBase) -> None:
    assert determine(small_kb, "mystery-drones", date(2025, 1, 1)).status is (
        CoveredStatus.unknown
    )


def test_unknown_entity_id_is_a_typed_error(small_kb: KnowledgeBase) -> None:
    with pytest.raises(UnknownNameError):
        determine(small_kb, "no-such-entity", date(2025, 1, 1))


def test_repeated_determinations_are_memoised(small_kb: KnowledgeBase) -> None:
    first = determine(small_kb, "dji-europe", date(2024, 3, 1))
    assert determine(small_kb, "dji-europe", date(2024, 3, 1)) is first


@pytest.fixture(scope="module")
def builtin() -> KnowledgeBase:
    return load_builtin()


def test_builtin_dji_designations_start_on_2020_12_18(builtin: KnowledgeBase) -> None:
    before = determine(builtin, "dji", date(2020, 12, 17))
    after = determine(builtin, "dji", date(2021, 1, 1))
    assert before.status is after.status is CoveredStatus.covered
    assert "designation" not in _kinds(before)
    assert "designation" in _kinds(after)


def test_builtin_anzu_is_review_because_dji_disputes_the_link(builtin: KnowledgeBase) -> None:
    det = determine(builtin, "anzu-robotics", date(2025, 6, 1))
    assert det.status is CoveredStatus.review
    assert any("disputed" in r.text for r in det.reasons if r.kind is ReasonKind.link)


def test_builtin_skydio_is_not_covered(builtin: KnowledgeBase) -> None:
    assert determine(builtin, "skydio", date(2025, 6, 1)).status is CoveredStatus.not_covered


def test_builtin_reasons_cite_sources(builtin: KnowledgeBase) -> None:
    det = determine(builtin, "autel-robotics", date(2025, 6, 1))
    assert det.status is CoveredStatus.covered
    assert all(r.source is not None for r in det.reasons)
