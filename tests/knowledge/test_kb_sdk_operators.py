"""The operators of the SDK domains drone apps reach, as their documents record them: where
each is incorporated and based (annual reports and SEC filings), and which of them the DoD
1260H list names, on both sides of the update that added it (2025-01-07: Tencent;
2026-06-08: Alibaba and Autel Intelligent). ByteDance is on neither update."""

from __future__ import annotations

from datetime import date

import pytest

import dronevet
from dronevet.knowledge import load_builtin
from dronevet.knowledge.domains import load_domains
from dronevet.knowledge.loader import KnowledgeBase
from dronevet.knowledge.model import LinkKind
from dronevet.screening.control import determine
from dronevet.screening.model import CoveredCriteria, CoveredStatus

ONLY_1260H = CoveredCriteria(name="1260h", countries=frozenset(), lists=frozenset({"us-dod-1260h"}))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_builtin()


def _1260h(kb: KnowledgeBase, entity: str) -> list:
    return [d for d in kb.designations_of.get(entity, ()) if d.list_id == "us-dod-1260h"]


def test_each_sdk_domain_names_its_operator(kb: KnowledgeBase) -> None:
    table = load_domains(kb)
    assert {
        d: table[d].entity
        for d in ("qq.com", "amap.com", "autonavi.com", "mapbox.com", "agora.io", "volcengine.com")
    } == {
        "qq.com": "tencent",
        "amap.com": "autonavi",
        "autonavi.com": "autonavi",
        "mapbox.com": "mapbox",
        "agora.io": "agora",
        "volcengine.com": "volcano-engine",
    }


def test_tencent_is_on_the_1260h_list_from_the_notice_of_2025_01_07(kb: KnowledgeBase) -> None:
    (listing,) = _1260h(kb, "tencent")
    assert listing.listed == date(2025, 1, 7)
    assert not listing.active_on(date(2025, 1, 6)) and listing.active_on(date(2025, 1, 7))
    assert "90 FR 1105" in listing.source.citation
    assert listing.source.verified is False  # the notice's list itself was not read
    result = dronevet.screen("Tencent Holdings", kb=kb, as_of="2026-12-01")
    assert result.match is not None and result.match.entity_id == "tencent"
    assert result.status is CoveredStatus.covered


def test_tencent_is_a_cayman_company_run_from_shenzhen(kb: KnowledgeBase) -> None:
    tencent = kb.entities["tencent"]
    assert set(tencent.countries) == {"cn", "ky"} and tencent.source.verified
    assert "Cricket Square" in tencent.source.citation and "Shenzhen" in tencent.source.citation


def test_alibaba_is_on_the_1260h_list_only_from_the_update_of_2026_06_08(kb: KnowledgeBase) -> None:
    (listing,) = _1260h(kb, "alibaba")
    assert listing.listed == date(2026, 6, 8)
    assert "91 FR 35189" in listing.source.citation and not listing.source.verified
    # The February 2026 posting was withdrawn within the hour: it never took effect.
    assert determine(kb, "alibaba", date(2026, 3, 1), ONLY_1260H).status is (
        CoveredStatus.not_covered
    )
    assert determine(kb, "alibaba", date(2026, 6, 8), ONLY_1260H).status is CoveredStatus.review
    # Its principal executive offices are in Hong Kong (20-F), outside the default countries.
    assert set(kb.entities["alibaba"].countries) == {"hk", "ky"}
    assert determine(kb, "alibaba", date(2026, 6, 1)).status is CoveredStatus.not_covered


def test_autonavi_is_owned_by_alibaba_and_based_in_beijing(kb: KnowledgeBase) -> None:
    (link,) = [x for x in kb.links_from["autonavi"] if x.object == "alibaba"]
    assert link.kind is LinkKind.controlled_by and not link.source.verified
    assert "cn" in kb.entities["autonavi"].countries
    assert determine(kb, "autonavi", date(2026, 6, 1)).status is CoveredStatus.covered


def test_autel_intelligent_is_listed_in_2026_in_its_own_entry_still_apart_from_autel_robotics(
    kb: KnowledgeBase,
) -> None:
    (listing,) = _1260h(kb, "autel-intelligent")
    assert listing.listed == date(2026, 6, 8)
    assert not kb.links_from.get("autel-intelligent")
    (robotics,) = _1260h(kb, "autel-robotics")
    assert robotics.listed == date(2025, 1, 7)


def test_bytedance_is_covered_by_domicile_not_by_a_1260h_listing(kb: KnowledgeBase) -> None:
    assert not _1260h(kb, "bytedance") and not _1260h(kb, "volcano-engine")
    assert determine(kb, "bytedance", date(2026, 12, 1), ONLY_1260H).status is (
        CoveredStatus.not_covered
    )
    assert determine(kb, "bytedance", date(2026, 12, 1)).status is CoveredStatus.covered
    (link,) = kb.links_from["volcano-engine"]
    assert link.kind is LinkKind.brand_of and link.object == "bytedance"


def test_agora_is_a_cayman_company_with_its_executive_offices_in_shanghai(
    kb: KnowledgeBase,
) -> None:
    agora = kb.entities["agora"]
    assert set(agora.countries) == {"cn", "ky"} and agora.source.verified
    assert "333-238960" in agora.source.citation
    assert determine(kb, "mapbox", date(2026, 12, 1)).status is CoveredStatus.not_covered
