"""Rules as the clauses say: components, licensee and affiliate chains, missions, exemptions."""

from __future__ import annotations

from datetime import date

import pytest

from dronevet.errors import UnknownNameError
from dronevet.knowledge.base import KnowledgeBase
from dronevet.knowledge.ftm import FtmRecords
from dronevet.knowledge.model import (
    Component,
    ComponentKind,
    Entity,
    Link,
    LinkKind,
    Product,
    Source,
    Use,
)
from dronevet.policy.evaluate import vet
from dronevet.policy.model import ApplicabilityStatus, Outcome, VerdictKind
from policy.policy_fixtures import TEST_SOURCE, book, kb, reason, verdict, western_airframe

DAY = date(2026, 3, 2)


def prc_part(kind: ComponentKind, maker: str | None = "dji", made_in: str | None = "cn"):
    return {kind: Component(kind=kind, source=TEST_SOURCE, maker=maker, made_in=made_in)}


@pytest.mark.parametrize("kind", [ComponentKind.camera, ComponentKind.radio])
def test_ndaa_848_a1b_western_airframe_with_prc_camera_or_radio_is_prohibited(kind):
    airframe = western_airframe(swap=prc_part(kind))
    result = verdict(airframe, "us-dod-ndaa2020-848", Use.procure, DAY)
    assert result.verdict is VerdictKind.prohibited
    assert reason(result, "dod848-a1-made-by") == "clear"
    assert reason(result, "dod848-a2-components") == "hit"
    assert "§848(a)(1)(B)" in next(
        r.citation.clause for r in result.reasons if r.outcome is Outcome.hit
    )


def test_ndaa_848_a1b_camera_by_prc_maker_made_elsewhere_is_still_prohibited():
    # "manufactured in a covered foreign country OR by an entity domiciled there"
    airframe = western_airframe(swap=prc_part(ComponentKind.camera, made_in="my"))
    result = verdict(airframe, "us-dod-ndaa2020-848", Use.procure, DAY)
    assert reason(result, "dod848-a2-components") == "hit"


def test_ndaa_848_a1c_prc_operating_software_is_prohibited_under_a1c_not_a1b():
    airframe = western_airframe(swap=prc_part(ComponentKind.operating_software))
    result = verdict(airframe, "us-dod-ndaa2020-848", Use.operate, DAY)
    assert result.verdict is VerdictKind.prohibited
    assert reason(result, "dod848-a3-software") == "hit"
    assert reason(result, "dod848-a2-components") == "clear"


def test_ndaa_848_a1d_data_storage_in_prc_is_prohibited():
    airframe = western_airframe(swap=prc_part(ComponentKind.data_storage, maker=None))
    result = verdict(airframe, "us-dod-ndaa2020-848", Use.procure, DAY)
    assert reason(result, "dod848-a4-network") == "hit"


def test_ndaa_848_unknown_radio_maker_gives_review_not_permitted():
    airframe = western_airframe(swap=prc_part(ComponentKind.radio, maker=None, made_in=None))
    result = verdict(airframe, "us-dod-ndaa2020-848", Use.procure, DAY)
    assert result.verdict is VerdictKind.review
    assert "maker unknown (radio)" in next(
        r.text for r in result.reasons if r.rule == "dod848-a2-components"
    )


def test_ndaa_848_all_domestic_components_is_permitted():
    result = verdict(western_airframe(), "us-dod-ndaa2020-848", Use.procure, DAY)
    assert result.verdict is VerdictKind.permitted


def test_asda_is_maker_based_so_a_prc_camera_alone_does_not_prohibit():
    airframe = western_airframe(swap=prc_part(ComponentKind.camera))
    assert verdict(airframe, "us-asda-2023", Use.procure, DAY).verdict is VerdictKind.permitted


def _licensee_of_dji(verified: bool) -> tuple[KnowledgeBase, Product]:
    """A knowledge base with a maker that licenses DJI's technology, and its drone."""
    source = Source("test fixture: a licence agreement", date(2024, 1, 1), verified)
    maker = Entity("acme-licensee", "Company", "Acme Licensee LLC", ("Acme Licensee LLC",),
                   ("us",), TEST_SOURCE)
    licence = Link("acme>dji", LinkKind.licensee_of, "acme-licensee", "dji", source,
                   role="technology licensee")
    base = kb().with_layer("test", FtmRecords(entities=[maker], links=[licence]))
    return base, western_airframe(maker="acme-licensee")


def test_fcc_1709_reaches_a_technology_licensing_partner_of_dji():
    # FY2025 NDAA §1709 names DJI "and ... technology licensing partners".
    base, drone = _licensee_of_dji(verified=True)
    result = vet(base, drone, book().get("us-fcc-covered-list"), Use.authorize, DAY)
    assert result.verdict is VerdictKind.prohibited
    hit = next(r for r in result.reasons if r.rule == "fcc-1709-dji-autel")
    assert hit.outcome is Outcome.hit
    assert "Acme Licensee LLC → SZ DJI Technology" in hit.text


def test_fcc_1709_tie_resting_on_an_unverified_source_is_a_question():
    base, drone = _licensee_of_dji(verified=False)
    result = vet(base, drone, book().get("us-fcc-covered-list"), Use.authorize, DAY)
    tie = next(r for r in result.reasons if r.rule == "fcc-1709-dji-autel")
    assert tie.outcome is Outcome.review and "not yet verified" in tie.text


def test_anzu_raptor_t_under_fcc_1709_shows_the_licence_and_the_dispute():
    # Anzu's licence of DJI technology is told by Anzu and disputed by DJI as an
    # affiliation; the committee's letter that reports it is not verified here.
    result = verdict("anzu-raptor-t", "us-fcc-covered-list", Use.authorize, DAY)
    tie = next(r for r in result.reasons if r.rule == "fcc-1709-dji-autel")
    assert tie.outcome in (Outcome.hit, Outcome.review)
    assert "Anzu" in tie.text and "DJI" in tie.text
    assert any("disputed" in f.claim.casefold() for f in tie.facts)


def test_anzu_raptor_t_asda_licence_tie_is_review_not_prohibited():
    # ASDA §1822 reaches subsidiaries and affiliates; a technology licence is a question.
    result = verdict("anzu-raptor-t", "us-asda-2023", Use.procure, DAY)
    assert result.verdict is VerdictKind.review
    made_by = next(r for r in result.reasons if r.rule == "asda-1823-made-by")
    assert made_by.outcome is Outcome.review
    assert "technology licensed from" in made_by.text
    assert "a person must decide" in made_by.text


def test_affiliate_chain_ryze_tello_is_covered_under_asda():
    result = verdict("ryze-tello", "us-asda-2023", Use.procure, DAY)
    assert result.verdict is VerdictKind.prohibited


def test_australian_defence_order_names_dji_only_not_autel():
    assert verdict("dji-matrice-30t", "au-defence-2023", Use.operate, DAY).verdict is (
        VerdictKind.prohibited
    )
    assert verdict("autel-evo-max-4t", "au-defence-2023", Use.operate, DAY).verdict is (
        VerdictKind.permitted
    )


@pytest.mark.parametrize(
    "mission",
    [
        "defence",
        "criminal-investigation",
        "infrastructure-inspection",
        "confidential-survey",
        "search-and-rescue",
    ],
)
def test_japan_critical_operations_prohibit_a_dji_drone(mission):
    result = verdict("dji-matrice-30t", "jp-gov-2020", Use.procure, DAY, mission)
    assert result.verdict is VerdictKind.prohibited
    assert reason(result, "jp-critical-operations") == "hit"


def test_japan_other_operations_send_a_dji_drone_to_consultation():
    result = verdict("dji-matrice-30t", "jp-gov-2020", Use.procure, DAY, "general")
    assert result.verdict is VerdictKind.review
    assert reason(result, "jp-critical-operations") == "not_applicable"


def test_japan_without_a_mission_asks_for_it():
    result = verdict("dji-matrice-30t", "jp-gov-2020", Use.procure, DAY)
    assert result.verdict is VerdictKind.review
    assert "name the mission" in next(
        r.text for r in result.reasons if r.rule == "jp-critical-operations"
    )


def test_japan_critical_mission_with_a_western_drone_is_permitted():
    assert verdict("skydio-x10d", "jp-gov-2020", Use.procure, DAY, "defence").verdict is (
        VerdictKind.permitted
    )


def test_unknown_mission_is_refused_with_a_suggestion():
    with pytest.raises(UnknownNameError) as error:
        verdict("dji-matrice-30t", "jp-gov-2020", Use.procure, DAY, "defense")
    assert "defence" in error.value.suggestions


def test_prohibited_verdict_lists_asda_waiver_routes():
    result = verdict("dji-matrice-30t", "us-asda-2023", Use.operate, DAY)
    routes = {e.id for e in result.exemptions}
    assert {
        "asda-agency-head-waiver",
        "asda-security-missions",
        "asda-no-data-to-covered-entity",
    } <= routes


def test_permitted_verdict_lists_no_routes_and_automatic_exemptions_are_never_routes():
    assert verdict("skydio-x10d", "us-asda-2023", Use.operate, DAY).exemptions == ()
    fcc = verdict("dji-matrice-30t", "us-fcc-covered-list", Use.authorize, DAY)
    ids = {e.id for e in fcc.exemptions}
    assert "fcc-blue-uas-exemption" not in ids
    assert "fcc-buy-american-domestic" in ids


def test_india_import_exemptions_for_rd_and_defence_are_offered():
    result = verdict("skydio-x10d", "in-dgft-2022", Use.import_, DAY)
    assert result.verdict is VerdictKind.prohibited
    assert {e.id for e in result.exemptions} == {"in-rd-import", "in-defence-security-import"}


def test_india_drone_built_in_india_is_not_an_import():
    built_here = western_airframe(assembled="in")
    assert verdict(built_here, "in-dgft-2022", Use.import_, DAY).verdict is VerdictKind.permitted


@pytest.mark.parametrize(
    ("policy", "use"),
    [
        ("us-doj-ojp-2020", Use.procure),
        ("us-fcc-covered-list", Use.operate),
        ("in-dgft-2022", Use.operate),
        ("jp-gov-2020", Use.fund),
    ],
)
def test_a_use_the_policy_does_not_regulate_does_not_apply_and_says_so(policy, use):
    # The FCC does not regulate flying a drone: the honest answer is "does not apply",
    # never "permitted".
    result = verdict("dji-matrice-30t", policy, use, DAY)
    assert result.verdict is VerdictKind.not_applicable
    assert result.applicability.status is ApplicabilityStatus.use_not_regulated
    assert f"does not regulate {use.value}" in result.reasons[0].text
    assert result.to_dict()["applicability"]["status"] == "use_not_regulated"


def test_uk_advisory_guidance_never_prohibits_and_gives_its_advice():
    result = verdict("dji-matrice-30t", "uk-gov-advisory", Use.procure, DAY)
    assert result.verdict is VerdictKind.review
    assert any(r.rule == "advice" and "advisory" in r.text for r in result.reasons)
    assert verdict("skydio-x10d", "uk-gov-advisory", Use.procure, DAY).verdict is (
        VerdictKind.permitted
    )


def test_bja_grants_need_blue_uas_so_an_unlisted_western_drone_is_review():
    result = verdict(western_airframe(), "us-doj-ojp-2020", Use.fund, DAY)
    assert result.verdict is VerdictKind.review
    assert reason(result, "bja-blue-uas") == "review"
    assert reason(result, "ojp-extrajudicial-direction") == "clear"


def test_florida_blue_uas_status_on_the_date_decides_the_approved_list_rule():
    # A maker not on Florida's approved-manufacturer list: its system's own Blue listing
    # is what counts, from the day it starts.
    listed = western_airframe(maker="freefly", blue_from=date(2022, 1, 1))
    assert verdict(listed, "us-fl-934-50", Use.operate, DAY).verdict is VerdictKind.permitted
    assert verdict(listed, "us-fl-934-50", Use.procure, date(2021, 12, 31)).verdict is (
        VerdictKind.review
    )


def test_unverified_facts_are_marked_on_the_verdict():
    # Arkansas' dates are UNVERIFIED in the research record and must stay so.
    result = verdict("dji-matrice-30t", "us-ar-act525-2023", Use.procure, DAY)
    assert result.unverified
    assert not result.reasons[0].citation.source.verified


def test_screening_review_propagates_hasselblad_reported_dji_control_is_review():
    # Hasselblad: DJI's majority stake is reported but unconfirmed, so screening says review;
    # ASDA's verdict on a Hasselblad-made drone must stay review, with screening's reasons.
    hasselblad_made = western_airframe(maker="hasselblad", assembled="se")
    result = verdict(hasselblad_made, "us-asda-2023", Use.procure, DAY)
    assert result.verdict is VerdictKind.review
    made_by = next(r for r in result.reasons if r.rule == "asda-1823-made-by")
    assert made_by.outcome is Outcome.review
    assert any("DJI" in f.claim and not f.source.verified for f in made_by.facts)


def test_ndaa_848_domicile_test_does_not_follow_hasselblad_to_dji():
    # §848(a)(1) asks where the maker is domiciled (Sweden), not who owns it.
    hasselblad_made = western_airframe(maker="hasselblad", assembled="se")
    result = verdict(hasselblad_made, "us-dod-ndaa2020-848", Use.procure, DAY)
    assert reason(result, "dod848-a1-made-by") == "clear"


def test_maker_with_unknown_domicile_gives_review_skyrover():
    result = verdict("skyrover-x1", "us-asda-2023", Use.procure, DAY)
    assert result.verdict is VerdictKind.review
    assert "domiciled" in next(r.text for r in result.reasons if r.rule == "asda-1823-made-by")
