"""`dronevet vet`, `policies`, `models`: the names people type, exit codes, one-sentence
errors, the JSON contract and the text a procurement officer reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import dronevet
from commands.conftest import output_of

Run = Callable[..., Result]
REASON_KEYS = {"rule", "citation", "text", "requirement", "outcome", "facts"}
FACT_KEYS = {"claim", "source", "date", "verified"}


def test_vet_json_has_the_stable_keys(run: Run) -> None:
    result = run(
        "vet", "dji-matrice-30t", "--policy", "us-asda-2023", "--use", "operate",
        "--as-of", "2025-12-22", "--format", "json",
    )
    assert result.exit_code == 0, output_of(result)
    data = json.loads(result.output)
    assert set(data) == {
        "subject", "policy", "use", "as_of", "mission", "verdict", "applicability",
        "reasons", "exemptions", "cautions",
    }
    assert data["verdict"] == "prohibited" and data["as_of"] == "2025-12-22"
    assert data["subject"]["id"] == "dji-matrice-30t"
    assert data["subject"]["matched_by"] == "id"
    assert data["applicability"]["status"] == "in_force"
    assert data["applicability"]["from"] == "2025-12-22"
    for item in data["reasons"]:
        assert set(item) == REASON_KEYS
        for fact in item["facts"]:
            assert set(fact) == FACT_KEYS
    assert {"id", "text", "citation"} == set(data["exemptions"][0])


def test_a_use_the_policy_does_not_regulate_does_not_apply(run: Run) -> None:
    # The FCC grants equipment authorizations; it does not regulate flying a drone.
    result = run(
        "vet", "dji-mini-4-pro", "--policy", "us-fcc-covered-list", "--use", "operate",
        "--format", "json",
    )
    data = json.loads(result.output)
    assert data["verdict"] == "not_applicable"
    assert data["applicability"] == {
        **data["applicability"], "status": "use_not_regulated", "from": None, "until": None
    }
    text = run("vet", "dji-mini-4-pro", "--policy", "us-fcc-covered-list", "--use", "operate")
    assert "DOES NOT APPLY" in text.output and "PERMITTED" not in text.output


def test_before_a_policy_starts_it_does_not_apply_and_says_from_when(run: Run) -> None:
    result = run(
        "vet", "M30T", "--policy", "asda", "--use", "fly", "--as-of", "2025-12-21",
        "--format", "json",
    )
    data = json.loads(result.output)
    assert data["verdict"] == "not_applicable"
    assert data["applicability"]["status"] == "not_yet_in_force"
    assert data["applicability"]["from"] == "2025-12-22"


@pytest.mark.parametrize(
    ("typed", "product", "matched_by"),
    [
        ("dji-matrice-30t", "dji-matrice-30t", "id"),
        ("DJI Matrice 30T", "dji-matrice-30t", "name"),
        ("M30T", "dji-matrice-30t", "alias"),
        ("DJI M30T", "dji-matrice-30t", "alias"),
        ("Mavic 3T", "dji-mavic-3-thermal", "alias"),
        ("matrice 4t", "dji-matrice-4t", "name"),
        ("Skydo X10D", "skydio-x10d", "fuzzy"),
    ],
)
def test_models_resolve_by_the_names_people_type(
    run: Run, typed: str, product: str, matched_by: str
) -> None:
    result = run("vet", typed, "--policy", "asda", "--format", "json")
    assert result.exit_code == 0, output_of(result)
    subject = json.loads(result.output)["subject"]
    assert (subject["id"], subject["matched_by"]) == (product, matched_by)
    assert 0.8 <= subject["match_score"] <= 1.0


def test_a_misspelt_id_resolves_fuzzily_with_its_score(run: Run) -> None:
    result = run("vet", "dji-matrise-30t", "--policy", "asda", "--format", "json")
    subject = json.loads(result.output)["subject"]
    assert subject["id"] == "dji-matrice-30t" and subject["matched_by"] == "fuzzy"


def test_a_name_several_models_share_lists_them_and_exits_3(run: Run) -> None:
    # "ANAFI" is in the names of three Parrot models: the user must say which.
    result = run("vet", "Anafi", "--policy", "asda")
    assert result.exit_code == 3
    text = output_of(result)
    assert "parrot-anafi-usa" in text and "parrot-anafi-ai" in text


def test_a_fuzzy_match_reports_its_score_below_one(run: Run) -> None:
    result = run("vet", "Skydo X10D", "--policy", "asda", "--format", "json")
    assert json.loads(result.output)["subject"]["match_score"] < 1.0


@pytest.mark.parametrize(
    ("alias", "policy"),
    [("asda", "us-asda-2023"), ("ASDA", "us-asda-2023"), ("JP", "jp-gov-2020")],
)
def test_policies_resolve_by_alias(run: Run, alias: str, policy: str) -> None:
    result = run("vet", "M30T", "--policy", alias, "--format", "json")
    assert result.exit_code == 0, output_of(result)
    assert json.loads(result.output)["policy"] == policy


@pytest.mark.parametrize(("word", "use"), [("buy", "procure"), ("fly", "operate"),
                                           ("grant", "fund")])
def test_uses_resolve_by_synonym(run: Run, word: str, use: str) -> None:
    result = run("vet", "M30T", "--policy", "asda", "--use", word, "--format", "json")
    assert json.loads(result.output)["use"] == use


def test_mission_alias_rescue_is_search_and_rescue(run: Run) -> None:
    result = run(
        "vet", "M30T", "--policy", "jp-gov-2020", "--mission", "rescue", "--as-of", "2026-03-02",
        "--format", "json",
    )
    data = json.loads(result.output)
    assert data["mission"] == "search-and-rescue" and data["verdict"] == "prohibited"


def test_vet_all_policies_json_is_a_list_one_per_policy(run: Run) -> None:
    result = run(
        "vet", "skydio-x10d", "--policy", "all", "--as-of", "2026-03-02", "--format", "json"
    )
    assert result.exit_code == 0, output_of(result)
    data = json.loads(result.output)
    assert [d["policy"] for d in data] == [p.id for p in dronevet.api.policies()]
    assert {d["use"] for d in data} == {"procure"}


def test_use_all_answers_which_policies_forbid_it_for_what_from_when(run: Run) -> None:
    data = json.loads(
        run("vet", "M30T", "--use", "all", "--as-of", "2026-03-02", "--format", "json").output
    )
    # Only the uses each policy regulates are answered.
    book = dronevet.api.policies()
    expected = [(p.id, u.value) for p in book for u in p.regulations]
    assert [(d["policy"], d["use"]) for d in data] == expected
    asda = {d["use"]: d for d in data if d["policy"] == "us-asda-2023"}
    assert asda["operate"]["verdict"] == "prohibited"
    assert asda["operate"]["applicability"]["from"] == "2025-12-22"
    table = run("vet", "M30T", "--use", "all", "--as-of", "2026-03-02").output
    assert "in force" in table and "2025-12-22 →" in table and "operate" in table


def test_single_verdict_text_is_short_and_says_why(run: Run) -> None:
    result = run("vet", "M30T", "--policy", "asda", "--use", "operate", "--as-of", "2026-03-02")
    assert result.exit_code == 0, output_of(result)
    text = result.output
    assert "PROHIBITED" in text and "The manufacturer is a covered entity" in text
    assert "Who the makers are" in text and "Sources" in text
    # The control chain appears once, not under every rule.
    assert text.count("is domiciled in China") == 1
    assert len(text.splitlines()) < 90


def test_explain_prints_what_each_rule_requires(run: Run) -> None:
    result = run(
        "vet", "M30T", "--policy", "asda", "--use", "operate", "--as-of", "2026-03-02",
        "--explain",
    )
    assert "requires:" in result.output


def test_model_and_bom_together_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    bom = tmp_path / "bom.yaml"
    bom.write_text("name: X\nmanufacturer: Skydio\n", encoding="utf-8")
    result = run("vet", "M30T", "--bom", str(bom))
    assert result.exit_code == 2
    assert "not both" in output_of(result)


def test_no_model_is_a_usage_error(run: Run) -> None:
    result = run("vet")
    assert result.exit_code == 2 and "--bom" in output_of(result)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("vet", "dji-matrice-30", "--policy", "us-asda-2024"), "us-asda-2023"),
        (("vet", "dji-matrice-99x"), "dji-matrice-30"),
        (("vet", "Mavic 3", "--policy", "asda"), "dji-mavic-3-pro"),
        (("vet", "dji-matrice-30t", "--use", "procur"), "procure"),
        (("vet", "dji-matrice-30t", "--as-of", "22/12/2025"), "YYYY-MM-DD"),
        (("vet", "dji-matrice-30t", "--mission", "defnce"), "defence"),
        (("vet", "--bom", "does-not-exist.yaml"), "does-not-exist.yaml"),
    ],
)
def test_bad_input_exits_3_with_one_clear_sentence(run: Run, args: tuple[str, ...],
                                                   words: str) -> None:
    result = run(*args)
    assert result.exit_code == 3
    text = output_of(result)
    assert "error:" in text and words in text
    assert "Traceback" not in text


def test_malformed_bom_exits_3_naming_the_line(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text("name: X\nmanufacturer: A\ncomponents:\n  - kind: propeller\n",
                    encoding="utf-8")
    result = run("vet", "--bom", str(path), "--policy", "us-dod-ndaa2020-848")
    assert result.exit_code == 3
    assert "line 4" in output_of(result)


def test_vet_bom_json_says_it_was_given_a_bom(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text(
        "name: Garage Quad\nmanufacturer: Garage Aero LLC\nmanufacturer_country: us\n"
        "final_assembly_country: us\n",
        encoding="utf-8",
    )
    result = run("vet", "--bom", str(path), "--policy", "us-asda-2023", "--format", "json")
    assert result.exit_code == 0, output_of(result)
    subject = json.loads(result.output)["subject"]
    assert subject["name"] == "Garage Quad" and subject["matched_by"] == "bom"


def test_policies_and_models_list_as_json(run: Run) -> None:
    policies = run("policies", "--format", "json")
    assert policies.exit_code == 0
    assert len(json.loads(policies.output)) == len(dronevet.api.policies())
    models = run("models", "--format", "json")
    assert models.exit_code == 0
    assert any(m["id"] == "anzu-raptor-t" for m in json.loads(models.output))


def test_policies_and_models_text(run: Run) -> None:
    assert "us-fl-934-50" in run("policies").output
    assert "skydio-x10d" in run("models").output


def test_a_format_the_command_does_not_write_is_a_usage_error(run: Run) -> None:
    result = run("policies", "--format", "csv")
    assert result.exit_code == 2
