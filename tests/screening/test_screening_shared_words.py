"""A name that carries a covered entity's distinctive word is at least a question for a person.

A reseller, a shell or a new subsidiary rarely appears under the registered name; it
carries the brand ("DJI Store Berlin", "Dajiang Baiwang", "Autel ..."). Screening
must not call such a name unknown, nor clear it because it matched some other company.
"""

from __future__ import annotations

from datetime import date

import pytest

import dronevet
from dronevet.screening.model import CoveredStatus, ReasonKind

DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("DJI Store Berlin GmbH", "dji"),
        ("Dajiang Foods Trading Co.", "dajiang"),
        ("Da-Jiang Aero Parts Ltd", "dajiang"),
        ("大疆 Service Centre", "dajiang"),
        ("Autel Drone Parts Wholesale", "autel"),
    ],
)
def test_a_name_with_a_covered_brand_word_is_at_least_review(name: str, word: str) -> None:
    result = dronevet.screen(name, as_of=DAY)
    assert result.status in (CoveredStatus.review, CoveredStatus.covered)
    if result.status is CoveredStatus.review:
        (shared,) = [r for r in result.reasons if r.kind is ReasonKind.shared_word]
        assert f"'{word}'" in shared.text and "a person must decide" in shared.text


def test_the_word_counts_even_when_the_name_matched_an_uncovered_company() -> None:
    # A name can match an entity that is not covered yet carry a covered group's brand.
    result = dronevet.screen("Parrot DJI Accessories", as_of=DAY)
    assert result.status is not CoveredStatus.not_covered


def test_the_word_does_not_count_before_its_entity_is_covered() -> None:
    # Before any PRC law letting the state direct companies was in force (the
    # Counter-Espionage Law of 2014-11-01 is the first the knowledge base holds) and before
    # DJI's listings, DJI was not covered: its brand word raised no question then.
    result = dronevet.screen("DJI Store Berlin GmbH", as_of=date(2014, 1, 1))
    assert not any(r.kind is ReasonKind.shared_word for r in result.reasons)


def test_a_name_without_any_brand_word_is_not_touched() -> None:
    result = dronevet.screen("Acme Widgets GmbH", as_of=DAY)
    assert result.status is CoveredStatus.unknown
    assert not any(r.kind is ReasonKind.shared_word for r in result.reasons)


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Shenzhen DJI Innovation Technology Co., Ltd.", "dji"),  # the 1260H list's name
        ("SZ DJI Osmo Technology Co., Ltd.", "dji-osmo"),
        ("Shenzhen Dajiang Baiwang Technology Co., Ltd.", "dji-baiwang"),
    ],
)
def test_dji_group_names_on_lists_and_in_court_records_are_covered(name: str, entity: str) -> None:
    result = dronevet.screen(name, as_of=DAY)
    assert result.match is not None and result.match.entity_id == entity
    assert result.status is CoveredStatus.covered
