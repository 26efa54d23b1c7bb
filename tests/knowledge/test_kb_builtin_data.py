"""The built-in knowledge base: `kb check` passes (this is how CI validates the data), and the
facts other parts of dronevet rely on are there, dated and marked as the research marks them."""

from __future__ import annotations

from datetime import date

import pytest

from dronevet.knowledge import load_builtin
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.knowledge.model import ComponentKind, LinkKind, ListNature
from dronevet.knowledge.validate import REQUIRED_PRODUCTS, check_builtin
from shared_files import require_module


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_builtin()


def _designation(kb: KnowledgeBase, entity: str, list_id: str):
    found = [d for d in kb.designations_of[entity] if d.list_id == list_id]
    assert len(found) == 1, (entity, list_id, found)
    return found[0]


def test_kb_check_passes_on_the_builtin_data() -> None:
    require_module("followthemoney")
    report = check_builtin()
    assert report.errors == (), "\n".join(map(str, report.errors))
    assert report.counts["products"] >= 40


def test_every_required_product_is_present_with_a_known_maker(kb: KnowledgeBase) -> None:
    for product_id in REQUIRED_PRODUCTS:
        product = kb.products[product_id]
        assert product.manufacturer in kb.entities


def test_dji_is_findable_under_its_statutory_and_chinese_names(kb: KnowledgeBase) -> None:
    names = kb.entities["dji"].names
    # FY2025 NDAA s.1709 spells it this way; the OFAC NS-CMIC entry uses the SZ form.
    assert "Shenzhen Da-Jiang Innovations Sciences and Technologies Co., Ltd." in names
    assert kb.entities["dji"].name == "SZ DJI Technology Co., Ltd."
    assert "深圳市大疆创新科技有限公司" in names and "大疆创新" in names
    assert kb.entities["dji"].countries == ("cn",)


def test_dji_designations_carry_the_dates_of_the_listing_documents(kb: KnowledgeBase) -> None:
    entity_list = _designation(kb, "dji", "us-bis-entity-list")
    assert entity_list.listed == date(2020, 12, 18)
    assert "85 FR 83416" in entity_list.provisions
    assert _designation(kb, "dji", "us-ofac-ns-cmic").listed == date(2021, 12, 16)
    assert _designation(kb, "dji", "us-dod-1260h").listed == date(2022, 10, 5)
    covered = _designation(kb, "dji", "us-fcc-covered-list")
    assert not covered.active_on(date(2025, 12, 21)) and covered.active_on(date(2025, 12, 22))


def test_autel_entity_list_report_stays_unverified_and_1260h_is_from_january_2025(
    kb: KnowledgeBase,
) -> None:
    # No Federal Register rule adds Autel Robotics to the Entity List: the press report is
    # kept, unverified, so it can only raise a question, never cover Autel by itself.
    entity_list = _designation(kb, "autel-robotics", "us-bis-entity-list")
    assert entity_list.source.verified is False
    assert entity_list.listed == date(2024, 6, 1)  # "about mid-June 2024": month only
    listed_1260h = _designation(kb, "autel-robotics", "us-dod-1260h")
    assert listed_1260h.listed == date(2025, 1, 7)
    assert "90 FR 1105" in listed_1260h.source.citation
    assert listed_1260h.source.verified is False  # the notice's list was not read


def test_makers_whose_domicile_no_document_gives_have_none(kb: KnowledgeBase) -> None:
    for entity_id in ("hubsan", "ryze-tech", "skyrover", "lyno-dynamics"):
        assert kb.entities[entity_id].countries == (), entity_id
        assert kb.entities[entity_id].source.verified is False, entity_id
    for gone in ("walkera", "potensic"):
        assert gone not in kb.entities
    skyrover_links = kb.links_from["skyrover"]
    assert skyrover_links and all(not link.source.verified for link in skyrover_links)


def test_anzu_licence_from_dji_is_recorded_as_disputed_by_dji(kb: KnowledgeBase) -> None:
    (link,) = [link for link in kb.links_from["anzu-robotics"] if link.object == "dji"]
    assert link.kind is LinkKind.licensee_of
    assert "not an affiliate" in link.disputed


def test_hasselblad_majority_stake_is_reported_not_confirmed(kb: KnowledgeBase) -> None:
    stakes = {link.id: link for link in kb.links_from["hasselblad"]}
    minority = stakes["own-hasselblad-dji-minority"]
    majority = stakes["own-hasselblad-dji-majority"]
    assert minority.source.verified and minority.end == majority.start == date(2017, 1, 1)
    assert majority.kind is LinkKind.controlled_by and not majority.source.verified


def test_blue_uas_removals_from_a_single_secondary_source_do_not_end_the_listing(
    kb: KnowledgeBase,
) -> None:
    anafi = kb.products["parrot-anafi-usa"]
    (status,) = anafi.list_statuses
    assert status.start == date(2020, 8, 20) and status.end == date(2025, 3, 6)
    assert status.end_source is not None and status.end_source.verified is False
    # The removal is reported only by axisblade.com: it still counts as listed, as a caution.
    assert status.active_on(date(2025, 3, 6)) and status.active_on(date(2026, 12, 1))
    assert status.removal_unconfirmed(date(2026, 12, 1))
    assert kb.list_nature("us-dcma-blue-uas") is ListNature.clearance
    skydio = kb.products["skydio-x10d"].statuses_on(date(2024, 6, 1))
    assert [s.list_id for s in skydio] == ["us-dcma-blue-uas"]


def test_national_intelligence_law_article_7_is_in_force_from_2017_06_28(
    kb: KnowledgeBase,
) -> None:
    assert [law.id for law in kb.laws_on("cn", date(2017, 6, 27))] == [
        "prc-counter-espionage-law",
        "prc-national-security-law-art77",
        "prc-cybersecurity-law-art28",
    ]
    assert "prc-national-intelligence-law-art7" in [
        law.id for law in kb.laws_on("cn", date(2017, 6, 28))
    ]


def test_unknown_components_stay_explicitly_unknown(kb: KnowledgeBase) -> None:
    specta = kb.products["cogito-specta"]
    assert {c.kind for c in specta.components} == set(ComponentKind)
    assert all(not c.maker_known and c.made_in is None for c in specta.components)
    assert specta.final_assembly_country is None


def test_dji_products_name_dji_for_every_component_kind(kb: KnowledgeBase) -> None:
    for product in kb.products_by("dji"):
        kinds = {c.kind for c in product.components if c.maker == "dji"}
        assert kinds == set(ComponentKind), product.id
        assert product.final_assembly_country == "cn"
