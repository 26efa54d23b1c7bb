"""policies.yaml as a record: the required policies, sourced facts, and a loader that names
the file, line and policy when the data is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dronevet.errors import KnowledgeError, UnknownNameError
from dronevet.knowledge.loader import data_dir
from dronevet.knowledge.model import Use
from dronevet.policy.loader import load_policies
from dronevet.policy.model import PolicyNature
from policy.policy_fixtures import book, kb

REQUIRED = {
    "us-dod-ndaa2020-848",
    "us-dod-ndaa2023-817",
    "us-dod-ndaa2024-805",
    "us-doj-ojp-2020",
    "us-asda-2023",
    "us-fcc-covered-list",
    "us-fl-934-50",
    "us-ar-act525-2023",
    "us-ct-pa25-1",
    "us-tn-hb1070-2023",
    "us-ms-sb2853-2023",
    "us-nv-sb11",
    "us-ut-72-10-1202",
    "us-ks-75-3740h",
    "jp-gov-2020",
    "tw-ey-2022",
    "au-defence-2023",
    "in-dgft-2022",
    "uk-gov-advisory",
}


def test_the_required_policies_are_all_there():
    assert set(book().policies) == REQUIRED


def test_asda_dates_match_the_act():
    asda = book().get("us-asda-2023")
    agencies = {use: periods[0] for use, periods in asda.regulations.items()}
    assert agencies[Use.procure].start == date(2023, 12, 22)
    assert agencies[Use.operate].start == date(2025, 12, 22)
    assert agencies[Use.fund].start == date(2025, 12, 22)
    assert {r.end for periods in asda.regulations.values() for r in periods} == {date(2028, 12, 22)}
    # FAR clause 52.240-1 flows the procurement ban down to contractors from 2024-11-12.
    (_, contractors) = asda.regulations[Use.procure]
    assert contractors.start == date(2024, 11, 12) and "contractors" in contractors.binds
    assert "89 FR 89464" in contractors.citation.source.citation


def test_every_policy_alias_names_one_policy_and_the_usual_ones_resolve():
    for name, wanted in [
        ("asda", "us-asda-2023"),
        ("american-security-drone-act", "us-asda-2023"),
        ("florida", "us-fl-934-50"),
        ("FL", "us-fl-934-50"),
        ("japan", "jp-gov-2020"),
        ("ct", "us-ct-pa25-1"),
        ("connecticut", "us-ct-pa25-1"),
        ("nevada", "us-nv-sb11"),
        ("utah", "us-ut-72-10-1202"),
        ("mississippi", "us-ms-sb2853-2023"),
        ("tennessee", "us-tn-hb1070-2023"),
        ("kansas", "us-ks-75-3740h"),
        ("arkansas", "us-ar-act525-2023"),
    ]:
        assert book().get(name).id == wanted, name


def test_fcc_blue_exemption_window_and_uk_advisory_nature():
    fcc = book().get("us-fcc-covered-list")
    blue = next(e for e in fcc.exemptions if e.id == "fcc-blue-uas-exemption")
    assert (blue.start, blue.end) == (date(2026, 1, 7), date(2027, 1, 1))
    assert blue.automatic is not None and "fcc-foreign-produced" in blue.clears
    assert book().get("uk-gov-advisory").nature is PolicyNature.advisory


def test_facts_only_secondary_sources_give_stay_unverified():
    arkansas = book().get("us-ar-act525-2023")
    (operate,) = arkansas.regulations[Use.operate]
    assert not operate.citation.source.verified
    # "Four years" from the 2023 effective date; 2027-05-01 came from Oklahoma HB 3068.
    assert operate.start == date(2027, 8, 1)
    japan = book().get("jp-gov-2020")
    assert japan.coverage is not None and not japan.coverage.citation.source.verified
    connecticut = book().get("us-ct-pa25-1")
    assert all(
        not r.citation.source.verified for rs in connecticut.regulations.values() for r in rs
    )
    assert not book().get("us-tn-hb1070-2023").source.verified


def test_every_clause_has_a_dated_source():
    for policy in book():
        citations = [r.citation for periods in policy.regulations.values() for r in periods]
        citations += [r.citation for r in policy.rules] + [e.citation for e in policy.exemptions]
        for citation in citations:
            assert citation.clause and citation.source.citation
            assert date(2015, 1, 1) <= citation.source.date <= date(2026, 12, 1), citation


def test_848_clause_labels_follow_the_statute():
    labels = {r.id: r.citation.clause for r in book().get("us-dod-ndaa2020-848").rules}
    assert labels["dod848-a1-made-in"] == labels["dod848-a1-made-by"] == "§848(a)(1)(A)"
    assert labels["dod848-a2-components"] == "§848(a)(1)(B)"
    assert labels["dod848-a3-software"] == "§848(a)(1)(C)"
    assert labels["dod848-a4-network"] == "§848(a)(1)(D)"
    # Every §848 test accepts the Blue UAS Cleared List as DoD's own finding.
    assert all(
        r.cleared_by == ("us-dcma-blue-uas",) for r in book().get("us-dod-ndaa2020-848").rules
    )


def test_japan_critical_missions_are_the_five_named_operations():
    japan = book().get("jp-gov-2020")
    critical = {m for m, tier in japan.missions.items() if tier == "critical"}
    assert critical == {
        "defence",
        "criminal-investigation",
        "infrastructure-inspection",
        "confidential-survey",
        "search-and-rescue",
    }


def test_unknown_policy_id_suggests_close_ones():
    with pytest.raises(UnknownNameError) as error:
        book().get("us-asda-2024")
    assert "us-asda-2023" in error.value.suggestions


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (data_dir() / "policies.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "policies.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "policy_sources.yaml").write_text(
        (data_dir() / "policy_sources.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("test: maker_covered", "test: maker_covred", "unknown rule test 'maker_covred'"),
        ("cleared_by: [us-dcma-blue-uas]", "cleared_by: [us-blue]", "'us-blue', not in lists.yaml"),
        ("entities: [dji, autel-robotics]", "entities: [dji, autel]", "entity 'autel'"),
        (
            "      procure:\n        start: 2021-04-01",
            "      buy:\n        start: 2021-04-01",
            "unknown use 'buy'",
        ),
        ("source: asda-pl-118-31", "source: no-such-source", "unknown source id"),
        (
            "kinds: [flight_controller, radio, data_transmission, camera, gimbal]",
            "kinds: [flight_controller, propeller]",
            "propeller",
        ),
        (
            "clears: [fcc-foreign-produced, fcc-foreign-critical-components]",
            "clears: [fcc-foreign-made]",
            "clears an unknown rule",
        ),
    ],
)
def test_bad_policy_data_names_file_and_policy(tmp_path, old, new, words):
    directory = _copy_with(tmp_path, old, new)
    with pytest.raises(KnowledgeError) as error:
        load_policies(kb(), directory)
    message = str(error.value)
    assert "policies.yaml" in message
    assert "policy " in message
    assert words in message


def test_bad_policy_yaml_syntax_names_the_line(tmp_path):
    (tmp_path / "policies.yaml").write_text(
        "policies:\n  - id: x\n    title: [\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as error:
        load_policies(kb(), tmp_path)
    assert error.value.line is not None
