"""The sentences a determination gives, and the ties it weighs, as a reviewer reads them.

A reviewer checks a covered finding against the law and the list it cites: the sentence
must name the law's article, the first law that reaches the entity, the list's authority
and the date the listing took effect. Ties the criteria do not follow must not cover, an
"associated with" tie and a minority stake of unknown size must ask for review, and a tie
to an entity that is itself under review must say so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.loader import load_builtin, load_from
from dronevet.knowledge.model import LinkKind
from dronevet.screening.control import determine
from dronevet.screening.model import DEFAULT_CRITERIA, CoveredStatus, ReasonKind
from screening.conftest import _company, write_kb

DAY = date(2025, 1, 1)


def test_a_domicile_finding_names_the_law_and_its_article(small_kb: KnowledgeBase) -> None:
    found = determine(small_kb, "dji", DAY, DEFAULT_CRITERIA)
    (law,) = [r for r in found.reasons if r.kind is ReasonKind.law]
    assert "National Intelligence Law, Article 7 applies to it" in law.text
    assert "(in force since 2017-06-28)" in law.text


def test_a_chain_names_the_first_law_that_reaches_the_parent() -> None:
    # China has several direction laws in the knowledge base; the chain's sentence names
    # the first of them (the National Intelligence Law), with its article.
    found = determine(load_builtin(), "dji-europe", date(2026, 3, 2), DEFAULT_CRITERIA)
    (link,) = [r for r in found.reasons if r.kind is ReasonKind.link]
    assert "where the National Intelligence Law of the People's Republic of China Article 7" in (
        link.text
    )


def test_a_designation_finding_names_the_authority_and_the_date(small_kb: KnowledgeBase) -> None:
    found = determine(small_kb, "dji", DAY, DEFAULT_CRITERIA)
    (listing,) = [r for r in found.reasons if r.kind is ReasonKind.designation]
    assert listing.text.startswith(
        "SZ DJI Technology Co., Ltd. is on the Entity List of the Test Bureau, in force since "
        "2020-12-18"
    )


def test_a_list_read_on_a_fixed_date_says_so_at_the_end_of_its_sentence() -> None:
    nevada = replace(
        DEFAULT_CRITERIA, name="nv", countries=frozenset(),
        lists=frozenset({"us-dod-1260h"}), lists_as_of=date(2024, 1, 31),
    )
    (reason,) = determine(load_builtin(), "dji", date(2026, 3, 2), nevada).reasons
    assert reason.text.endswith("(D.C. Cir. No. 25-5367) (the list as it stood on 2024-01-31).")


def _kb(tmp_path: Path, records: list[dict]) -> KnowledgeBase:
    return load_from(write_kb(tmp_path / "kb", records))


def test_an_entity_covered_by_a_listing_alone_is_the_end_of_its_own_chain(tmp_path: Path) -> None:
    listed = _company("us-listed", ["Listed Widgets Inc"], "us")
    sanction = {"id": "s1", "schema": "Sanction", "source": "doc",
                "properties": {"entity": ["us-listed"], "programId": ["entity-list"],
                               "listingDate": ["2020-01-01"]}}
    found = determine(_kb(tmp_path, [listed, sanction]), "us-listed", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.covered and found.chain == ("us-listed",)


def test_a_tie_the_criteria_do_not_follow_does_not_cover(small_kb: KnowledgeBase) -> None:
    # Anzu is a technology licensee of DJI: under criteria that follow subsidiaries only,
    # that tie is not weighed at all.
    only_subsidiaries = replace(DEFAULT_CRITERIA, follow=frozenset({LinkKind.subsidiary_of}))
    found = determine(small_kb, "anzu-robotics", DAY, only_subsidiaries)
    assert found.status is CoveredStatus.not_covered


def _tied(tmp_path: Path, link: dict, child_country: str = "us") -> KnowledgeBase:
    return _kb(tmp_path, [
        _company("child", ["Child Aero LLC"], child_country),
        _company("prc-parent", ["PRC Parent Co"], "cn"),
        {**link, "source": "doc"},
    ])  # fmt: skip


def test_an_associated_with_tie_to_a_covered_entity_asks_for_review(tmp_path: Path) -> None:
    kb = _tied(tmp_path, {"id": "l1", "schema": "UnknownLink",
                          "properties": {"subject": ["child"], "object": ["prc-parent"],
                                         "role": ["business partner"]}})
    found = determine(kb, "child", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.review
    assert any("not one that passes coverage on by itself" in r.text for r in found.reasons)


def test_a_minority_stake_of_unknown_size_asks_for_review(tmp_path: Path) -> None:
    kb = _tied(tmp_path, {"id": "o1", "schema": "Ownership",
                          "properties": {"asset": ["child"], "owner": ["prc-parent"],
                                         "role": ["minority stake"]}})
    found = determine(kb, "child", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.review
    assert any("minority one of unknown size" in r.text for r in found.reasons)


def test_a_tie_to_an_entity_under_review_says_the_parent_itself_needs_review(
    tmp_path: Path,
) -> None:
    # The parent's only mark is a listing resting on an unverified source: review, which
    # its subsidiary inherits with the parent's reason quoted.
    kb = _kb(tmp_path, [
        {**_company("child", ["Child Aero LLC"], "us"),
         "properties": {"name": ["Child Aero LLC"], "country": ["us"], "parent": ["rumoured"]}},
        _company("rumoured", ["Rumoured Holdings"], "sg"),
        {"id": "s2", "schema": "Sanction", "source": "rumour",
         "properties": {"entity": ["rumoured"], "programId": ["entity-list"],
                        "listingDate": ["2021-01-01"]}},
    ])  # fmt: skip
    found = determine(kb, "child", DAY, DEFAULT_CRITERIA)
    assert found.status is CoveredStatus.review
    assert any("which itself needs review (Rumoured Holdings is on the Entity List" in r.text
               for r in found.reasons)


def test_covered_status_is_the_same_from_a_fresh_knowledge_value() -> None:
    # Memoised answers belong to the value: a fresh copy gives the same determination.
    kb = load_builtin()
    first = determine(kb, "dji-europe", DAY, DEFAULT_CRITERIA)
    assert determine(replace(kb), "dji-europe", DAY, DEFAULT_CRITERIA) == first
