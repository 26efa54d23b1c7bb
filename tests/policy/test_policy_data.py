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
    "us-doj-ojp-2020",
    "us-asda-2023",
    "us-fcc-covered-list",
    "us-fl-934-50",
    "us-ar-act525-2023",
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
    assert asda.regulations[Use.procure].start == date(2023, 12, 22)
    assert asda.regulations[Use.operate].start == date(2025, 12, 22)
    assert asda.regulations[Use.fund].start == date(2025, 12, 22)
    assert {r.end for r in asda.regulations.values()} == {date(2028, 12, 22)}


def test_fcc_blue_exemption_window_and_uk_advisory_nature():
    fcc = book().get("us-fcc-covered-list")
    blue = next(e for e in fcc.exemptions if e.id == "fcc-blue-uas-exemption")
    assert (blue.start, blue.end) == (date(2026, 1, 7), date(2027, 1, 1))
    assert blue.automatic is not None and "fcc-foreign-produced" in blue.clears
    assert book().get("uk-gov-advisory").nature is PolicyNature.advisory


def test_research_unverified_facts_stay_unverified():
    arkansas = book().get("us-ar-act525-2023")
    assert not arkansas.regulations[Use.operate].citation.source.verified
    assert arkansas.regulations[Use.operate].start == date(2027, 5, 1)
    japan = book().get("jp-gov-2020")
    assert japan.coverage is not None and not japan.coverage.citation.source.verified


def test_every_clause_has_a_dated_source():
    for policy in book():
        citations = [r.citation for r in policy.regulations.values()]
        citations += [r.citation for r in policy.rules] + [e.citation for e in policy.exemptions]
        for citation in citations:
            assert citation.clause and citation.source.citation
            assert date(2015, 1, 1) <= citation.source.date <= date(2027, 1, 1), citation


def test_japan_critical_missions_are_the_five_named_operations():
    japan = book().get("jp-gov-2020")
    critical = {m for m, tier in japan.missions.items() if tier == "critical"}
    assert critical == {
        "defence",
        "criminal-investigation",
        "infrastructure-inspection",
        "confidential-survey",
        "rescue",
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
            "      procure:\n        start: 2023-12-22",
            "      buy:\n        start: 2023-12-22",
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
