"""Designations, names and listings as the documents record them: each test reads as the
record it comes from (a Federal Register notice, a court filing, a list), on both sides of
the dates it gives."""

from __future__ import annotations

import re
from datetime import date

import pytest

import dronevet
from dronevet.errors import AmbiguousNameError
from dronevet.knowledge import load_builtin
from dronevet.knowledge.loader import KnowledgeBase, data_dir
from dronevet.knowledge.model import LinkKind
from dronevet.screening.control import determine
from dronevet.screening.model import CoveredCriteria, CoveredStatus


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_builtin()


def _designation(kb: KnowledgeBase, entity: str, list_id: str):
    (found,) = [d for d in kb.designations_of[entity] if d.list_id == list_id]
    return found


def _links(kb: KnowledgeBase, subject: str, obj: str):
    return [link for link in kb.links_from.get(subject, ()) if link.object == obj]


def _screen(kb: KnowledgeBase, name: str, day: str = "2026-12-01"):
    return dronevet.screen(name, kb=kb, as_of=day)


# --- Entity List, 85 FR 83416 ---------------------------------------------------------------


def test_dji_entity_list_entry_took_effect_2020_12_18_and_was_published_2020_12_22(kb):
    listing = _designation(kb, "dji", "us-bis-entity-list")
    assert listing.listed == date(2020, 12, 18)
    assert not listing.active_on(date(2020, 12, 17)) and listing.active_on(date(2020, 12, 18))
    assert "85 FR 83416" in listing.provisions and "2020-12-22" in listing.provisions
    assert listing.source.verified and "2020-28031" in listing.source.citation


def test_autel_entity_list_report_has_no_federal_register_rule_so_it_never_covers_autel(kb):
    listing = _designation(kb, "autel-robotics", "us-bis-entity-list")
    assert listing.source.verified is False
    entity_list_only = CoveredCriteria(
        name="entity-list-only", countries=frozenset(), lists=frozenset({"us-bis-entity-list"})
    )
    det = determine(kb, "autel-robotics", date(2026, 12, 1), entity_list_only)
    assert det.status is CoveredStatus.review  # a question, never "covered"


# --- DoD 1260H list ----------------------------------------------------------------------


def test_the_1260h_list_name_of_dji_resolves_to_dji(kb):
    result = _screen(kb, "Shenzhen DJI Innovation Technology Co., Ltd.")
    assert result.match is not None and result.match.entity_id == "dji"
    assert result.status is CoveredStatus.covered


def test_dji_on_the_1260h_list_from_2022_10_05(kb):
    listing = _designation(kb, "dji", "us-dod-1260h")
    assert listing.listed == date(2022, 10, 5) and listing.source.verified
    assert not listing.active_on(date(2022, 10, 4)) and listing.active_on(date(2022, 10, 5))
    assert "24-cv-02970" in listing.reason and "25-5367" in listing.reason


def test_autel_robotics_on_the_1260h_list_from_the_notice_of_2025_01_07_90_fr_1105(kb):
    listing = _designation(kb, "autel-robotics", "us-dod-1260h")
    assert listing.listed == date(2025, 1, 7)
    assert not listing.active_on(date(2025, 1, 6)) and listing.active_on(date(2025, 1, 7))
    assert "90 FR 1105" in listing.source.citation and "2025-00070" in listing.source.citation


def test_nevada_reads_the_1260h_list_as_it_stood_on_2024_01_31_dji_covered_autel_not(kb):
    nevada = CoveredCriteria(
        name="nevada",
        countries=frozenset(),
        lists=frozenset({"us-dod-1260h"}),
        lists_as_of=date(2024, 1, 31),
    )
    later = date(2026, 12, 1)
    assert determine(kb, "dji", later, nevada).status is CoveredStatus.covered
    assert determine(kb, "autel-robotics", later, nevada).status is CoveredStatus.not_covered
    today = CoveredCriteria(name="today", countries=frozenset(), lists=frozenset({"us-dod-1260h"}))
    # On the current list Autel's listing is held but unverified: a question, not a cover.
    assert determine(kb, "autel-robotics", later, today).status is CoveredStatus.review


# --- DJI group names in court records ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Shenzen Baiwang Technology Co. Ltd.",  # Bishop v. SZ DJI, E.D. Tex. 4:24-cv-268
        "Shenzhen Baiwang Technology Co., Ltd.",
        "SZ DJI Baiwang Technology Co. Ltd.",  # Textron v. SZ DJI, E.D. Tex. 2:22-cv-351
        "Shenzhen Dajiang Baiwang Technology Co., Ltd.",
    ],
)
def test_dji_baiwang_names_in_the_texas_filings_are_one_entity_tied_to_dji(kb, name):
    result = _screen(kb, name)
    assert result.match is not None and result.match.entity_id == "dji-baiwang"
    assert result.status is CoveredStatus.covered
    (link,) = _links(kb, "dji-baiwang", "dji")
    assert link.kind is LinkKind.affiliate_of and "DJI Defendants" in link.role
    assert link.source.verified and "4:24-cv-268" in link.source.citation


def test_dji_europe_and_dji_technology_inc_are_dji_subsidiaries_as_named_in_court(kb):
    for name, entity, country in [
        ("DJI Europe B.V.", "dji-europe", "nl"),
        ("DJI Technology, Inc.", "dji-technology-inc", "us"),
    ]:
        result = _screen(kb, name)
        assert result.match is not None and result.match.entity_id == entity
        assert kb.entities[entity].countries == (country,)
        (link,) = _links(kb, entity, "dji")
        assert link.kind is LinkKind.subsidiary_of


def test_sz_dji_osmo_technology_is_its_own_entity_linked_to_dji(kb):
    result = _screen(kb, "SZ DJI Osmo Technology Co., Ltd.")
    assert result.match is not None and result.match.entity_id == "dji-osmo"
    (link,) = _links(kb, "dji-osmo", "dji")
    assert link.kind is LinkKind.affiliate_of and not link.source.verified


def test_iflight_technology_company_is_the_hong_kong_co_defendant_not_the_fpv_brand(kb):
    result = _screen(kb, "iFlight Technology Company Ltd.")
    assert result.match is not None and result.match.entity_id == "dji-iflight-hk"
    entity = kb.entities["dji-iflight-hk"]
    assert entity.countries == ("hk",)
    assert "Not the FPV drone brand" in entity.properties["summary"][0]
    (link,) = _links(kb, "dji-iflight-hk", "dji")
    assert not link.source.verified  # co-defendant, relation not documented: a question


# --- Autel names ---------------------------------------------------------------------------


def test_autel_robotics_names_resolve_to_the_1260h_entity(kb):
    for name in ["Autel Robotics Co., Ltd.", "深圳市道通智能航空技术股份有限公司"]:
        result = _screen(kb, name)
        assert result.match is not None and result.match.entity_id == "autel-robotics", name


def test_autel_robotics_usa_llc_of_itc_337_ta_1133_is_a_us_entity_tied_only_as_a_question(kb):
    result = _screen(kb, "Autel Robotics USA LLC")
    assert result.match is not None and result.match.entity_id == "autel-robotics-usa"
    assert "Autel Robotics USA, Inc." in kb.entities["autel-robotics-usa"].names
    assert kb.entities["autel-robotics-usa"].source.verified  # 83 FR 49575
    (link,) = _links(kb, "autel-robotics-usa", "autel-robotics")
    assert not link.source.verified


def test_autel_intelligent_technology_is_kept_apart_from_autel_robotics(kb):
    result = _screen(kb, "Autel Intelligent Technology Corp., Ltd.")
    assert result.match is not None and result.match.entity_id == "autel-intelligent"
    assert result.chain == ("autel-intelligent",)
    assert not kb.links_from.get("autel-intelligent")
    assert "道通科技" in kb.entities["autel-intelligent"].names
    assert "道通科技" not in kb.entities["autel-robotics"].names


# --- Anzu Robotics -------------------------------------------------------------------------


def test_anzu_per_drone_payment_is_anzus_own_interview_statement_cited_by_the_committee(kb):
    (link,) = _links(kb, "anzu-robotics", "dji")
    assert link.kind is LinkKind.licensee_of
    assert "acknowledged in interviews" in link.role and "payment for every drone" in link.role
    assert "no royalties" in link.role  # Anzu's own claim
    assert "not an affiliate" in link.disputed  # DJI's position
    assert link.source.verified is False  # the Committee's own letter was not read
    assert link.source.date == date(2024, 8, 27)


# --- Florida DMS approved manufacturers ----------------------------------------------------


def test_florida_dms_list_of_2021_12_31_named_five_manufacturers_until_2023_04_05(kb):
    listed = {d.entity_id for d in kb.designations if d.list_id == "us-fl-dms-approved"}
    assert listed == {"skydio", "parrot", "altavian", "teal-drones", "vantage-robotics"}
    parrot = _designation(kb, "parrot", "us-fl-dms-approved")
    assert not parrot.active_on(date(2021, 12, 30)) and parrot.active_on(date(2021, 12, 31))
    assert parrot.active_on(date(2023, 4, 4)) and not parrot.active_on(date(2023, 4, 5))
    assert kb.lists["us-fl-dms-approved"].clears_products


# --- Blue UAS Cleared List, per product ----------------------------------------------------


@pytest.mark.parametrize(
    ("product", "start"),
    [
        ("skydio-x2d", date(2020, 8, 20)),
        ("parrot-anafi-usa", date(2020, 8, 20)),
        ("teal-golden-eagle", date(2020, 8, 20)),
        ("vantage-vesper", date(2020, 8, 20)),
        ("flir-ion-m440", date(2020, 8, 20)),
        ("sensefly-ebee-tac", date(2022, 3, 7)),
        ("freefly-alta-x", date(2022, 4, 13)),
        ("wingtra-one-gen-ii", date(2022, 6, 3)),
        ("ascent-spirit", date(2022, 6, 3)),
        ("bluehalo-intense-eye-v2", date(2022, 8, 25)),
        ("inspired-flight-if750a", date(2022, 9, 16)),
        ("inspired-flight-if1200a", date(2022, 9, 16)),
        ("teal-2", date(2023, 6, 21)),
        ("skydio-x10d", date(2024, 5, 28)),
    ],
)
def test_blue_uas_listing_starts_on_its_documented_date(kb, product, start):
    statuses = [s for s in kb.products[product].list_statuses if s.list_id == "us-dcma-blue-uas"]
    assert statuses[0].start == start
    listed = kb.products[product].statuses_on
    assert not any(
        s.list_id == "us-dcma-blue-uas" for s in listed(start.fromordinal(start.toordinal() - 1))
    )
    assert any(s.list_id == "us-dcma-blue-uas" for s in listed(start))


def test_skydio_x10_is_a_different_product_from_the_blue_listed_x10d(kb):
    assert kb.products["skydio-x10"].list_statuses == ()
    assert kb.products["skydio-x10d"].list_statuses[0].start == date(2024, 5, 28)


def test_green_uas_since_2025_07_16_puts_a_certified_platform_on_the_blue_list(kb):
    spectre = kb.products["hoverfly-spectre"]
    green = [s for s in spectre.list_statuses if s.list_id == "us-auvsi-green-uas"]
    assert green[0].start == date(2024, 9, 16)
    assert any(
        s.list_id == "us-dcma-blue-uas" and s.start == date(2025, 7, 16)
        for s in spectre.list_statuses
    )


# --- Products ------------------------------------------------------------------------------


def test_evo_ii_dual_640t_v2_and_v3_are_two_products_and_the_bare_name_asks_which(kb):
    assert {"autel-evo-ii-dual-640t", "autel-evo-ii-dual-640t-v2"} <= set(kb.products)
    assert (
        dronevet.find_product("EVO II Dual 640T V2", kb=kb).product.id
        == "autel-evo-ii-dual-640t-v2"
    )
    assert (
        dronevet.find_product("EVO II Dual 640T V3", kb=kb).product.id == "autel-evo-ii-dual-640t"
    )
    with pytest.raises(AmbiguousNameError):
        dronevet.find_product("EVO II Dual 640T", kb=kb)


@pytest.mark.parametrize(
    ("typed", "product"),
    [
        ("M30T", "dji-matrice-30t"),
        ("Mavic 3T", "dji-mavic-3-thermal"),
        ("Matrice 4T", "dji-matrice-4t"),
        ("ANAFI USA GOV", "parrot-anafi-usa"),
        ("X10D", "skydio-x10d"),
        ("M3TD", "dji-matrice-3td"),
        ("M2EA", "dji-mavic-2-enterprise-advanced"),
    ],
)
def test_short_forms_people_type_resolve(kb, typed, product):
    assert dronevet.find_product(typed, kb=kb).product.id == product


def test_release_dates_are_kept_only_where_a_document_gives_the_day(kb):
    assert kb.products["dji-matrice-30t"].released == date(2022, 3, 21)
    assert kb.products["dji-matrice-300-rtk"].released == date(2020, 5, 7)
    assert kb.products["parrot-anafi-usa"].released == date(2020, 6, 30)
    assert kb.products["skydio-x10"].released is None  # "late September 2023": no day


def test_dji_spec_figures_come_from_djis_developer_page(kb):
    m30t = kb.products["dji-matrice-30t"].capabilities
    assert (m30t.weight_g, m30t.flight_time_min) == (3770, 41)
    assert "developer.dji.com" in m30t.source.citation and m30t.source.verified
    assert kb.products["dji-matrice-3td"].capabilities.weight_g == 1382


def test_no_price_and_no_figure_without_a_document(kb):
    for product in kb.products.values():
        assert product.price is None, product.id
        if product.capabilities.source is None:
            assert product.capabilities.weight_g is None, product.id


def test_assembly_countries_the_sources_do_not_establish_are_unknown(kb):
    for product_id in (
        "vantage-vesper",
        "flir-siras",
        "wingtra-one-gen-ii",
        "quantum-systems-vector",
        "autel-evo-max-4t",
    ):
        assert kb.products[product_id].final_assembly_country is None, product_id


def test_no_source_names_research_notes_or_the_makers_websites_in_general():
    text = (data_dir() / "sources.yaml").read_text(encoding="utf-8").casefold()
    for phrase in (
        "research note",
        "general knowledge",
        "makers' own websites",
        "maker websites and press releases",
    ):
        assert phrase not in text, phrase
    machine_path = re.compile(r"(?<![\w.])/(?:work|tmp|home|root|users)/")  # a file here
    assert not machine_path.search(text), machine_path.search(text)
