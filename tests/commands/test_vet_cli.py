"""`dronevet vet`, `policies`, `models`, `demo`: exit codes, one-sentence errors, JSON keys."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dronevet.cli import app

runner = CliRunner()
REASON_KEYS = {"rule", "citation", "text", "outcome", "facts"}
FACT_KEYS = {"claim", "source", "date", "verified"}


def run(*args: str):
    return runner.invoke(app, list(args))


def all_output(result) -> str:
    try:
        return result.output + (result.stderr or "")
    except ValueError:  # stderr not captured separately
        return result.output


def test_vet_json_has_the_stable_keys():
    result = run(
        "vet",
        "dji-matrice-30t",
        "--policy",
        "us-asda-2023",
        "--use",
        "operate",
        "--as-of",
        "2025-12-22",
        "--format",
        "json",
    )
    assert result.exit_code == 0, all_output(result)
    data = json.loads(result.output)
    assert set(data) == {
        "subject",
        "policy",
        "use",
        "as_of",
        "mission",
        "verdict",
        "reasons",
        "exemptions",
    }
    assert data["verdict"] == "prohibited" and data["as_of"] == "2025-12-22"
    assert data["subject"]["id"] == "dji-matrice-30t"
    for item in data["reasons"]:
        assert set(item) == REASON_KEYS
        for fact in item["facts"]:
            assert set(fact) == FACT_KEYS
    assert {"id", "text", "citation"} == set(data["exemptions"][0])


def test_vet_all_policies_json_is_a_list_one_per_policy():
    result = run(
        "vet", "skydio-x10d", "--policy", "all", "--as-of", "2026-03-02", "--format", "json"
    )
    assert result.exit_code == 0, all_output(result)
    data = json.loads(result.output)
    assert isinstance(data, list) and len(data) == 11
    assert {d["policy"] for d in data} >= {"us-asda-2023", "jp-gov-2020"}


def test_vet_text_shows_verdict_citation_and_unverified_mark():
    result = run("vet", "M30T", "--policy", "us-ar-act525-2023", "--as-of", "2026-03-02")
    assert result.exit_code == 0, all_output(result)
    assert "PROHIBITED" in result.output
    assert "25-1-127" in result.output
    assert "UNVERIFIED" in result.output


def test_vet_all_text_prints_the_matrix():
    result = run("vet", "anzu-raptor-t", "--policy", "all", "--use", "authorize")
    assert result.exit_code == 0, all_output(result)
    assert "us-fcc-covered-list" in result.output and "PROHIBITED" in result.output


def test_vet_mission_for_japan_critical_operation():
    result = run(
        "vet",
        "dji-matrice-30t",
        "--policy",
        "jp-gov-2020",
        "--mission",
        "defence",
        "--as-of",
        "2026-03-02",
        "--format",
        "json",
    )
    assert result.exit_code == 0, all_output(result)
    assert json.loads(result.output)["verdict"] == "prohibited"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("vet", "dji-matrice-30", "--policy", "us-asda-2024"), "us-asda-2023"),
        (("vet", "dji-matrise-30t"), "dji-matrice-30t"),
        (("vet", "dji-matrice-30t", "--use", "procur"), "procure"),
        (("vet", "dji-matrice-30t", "--as-of", "22/12/2025"), "YYYY-MM-DD"),
        (("vet", "dji-matrice-30t", "--mission", "defense"), "defence"),
        (("vet",), "--bom"),
        (("vet", "--bom", "does-not-exist.yaml"), "does-not-exist.yaml"),
    ],
)
def test_bad_input_exits_3_with_one_clear_sentence(args, words):
    result = run(*args)
    assert result.exit_code == 3
    text = all_output(result)
    assert "error:" in text and words in text


def test_malformed_bom_exits_3_naming_the_line(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text("name: X\ncomponents:\n  - kind: propeller\n", encoding="utf-8")
    result = run("vet", "--bom", str(path), "--policy", "us-dod-ndaa2020-848")
    assert result.exit_code == 3
    assert "line 3" in all_output(result)


def test_vet_bom_json(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text(
        "name: Garage Quad\nmanufacturer_country: us\nfinal_assembly_country: us\n",
        encoding="utf-8",
    )
    result = run("vet", "--bom", str(path), "--policy", "us-asda-2023", "--format", "json")
    assert result.exit_code == 0, all_output(result)
    assert json.loads(result.output)["subject"]["name"] == "Garage Quad"


def test_policies_and_models_list_as_json():
    policies = run("policies", "--format", "json")
    assert policies.exit_code == 0
    assert len(json.loads(policies.output)) == 11
    models = run("models", "--format", "json")
    assert models.exit_code == 0
    assert any(m["id"] == "anzu-raptor-t" for m in json.loads(models.output))


def test_policies_and_models_text():
    assert "us-fl-934-50" in run("policies").output
    assert "skydio-x10d" in run("models").output


def test_unsupported_format_exits_3():
    assert run("policies", "--format", "csv").exit_code == 3


def test_demo_walks_through_fleet_verdict_and_screening():
    result = run("demo", "--as-of", "2026-03-02")
    assert result.exit_code == 0, all_output(result)
    for words in ("fleet", "2025-12-21", "2025-12-22", "PERMITTED", "PROHIBITED", "Anzu"):
        assert words in result.output
