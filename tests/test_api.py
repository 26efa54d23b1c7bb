"""The public Python API is the CLI's core: same answers, immutable knowledge, thread-safe.

`dronevet.vet(...).to_dict()` must equal `dronevet vet ... --format json` for every product,
policy, use and a few dates; the knowledge base is a value that many server threads can
share; and the user's imports count for vetting exactly as they do for screening.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dronevet
from dronevet.cli import app
from dronevet.knowledge.ftm import FtmRecords
from dronevet.knowledge.loader import load_builtin
from dronevet.knowledge.model import Entity, Source, Use
from dronevet.policy.model import VerdictKind

DATES = ("2024-06-01", "2026-03-02")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DRONEVET_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_api_verdicts_equal_the_cli_json_for_every_product_policy_use_and_date() -> None:
    kb = dronevet.load_knowledge()
    runner = CliRunner()
    compared = 0
    for product in kb.products:
        for day in DATES:
            for use in Use:
                result = runner.invoke(
                    app,
                    ["vet", product, "--policy", "all", "--use", use.value, "--as-of", day,
                     "--format", "json"],
                )
                assert result.exit_code == 0, result.output
                for cli in json.loads(result.output):
                    api = dronevet.vet(product, policy=cli["policy"], use=use, as_of=day, kb=kb)
                    assert api.to_dict() == cli, (product, cli["policy"], use, day)
                    compared += 1
    assert compared == len(kb.products) * len(DATES) * len(Use) * len(dronevet.api.policies(kb))


def test_the_matrix_equals_single_verdicts() -> None:
    matrix = dronevet.vet_matrix("M30T", as_of="2026-03-02")
    for verdict in matrix.verdicts:
        alone = dronevet.vet("M30T", policy=verdict.policy.id, use=verdict.use,
                             as_of="2026-03-02")
        assert alone.to_dict() == verdict.to_dict()
    assert all(v.policy.regulates(v.use) for v in matrix.verdicts)


def test_screen_json_contract_comes_from_the_api() -> None:
    result = CliRunner().invoke(app, ["screen", "Da Jiang Innovations", "--as-of",
                                      "2021-01-01", "--format", "json"])
    assert json.loads(result.output) == dronevet.screen(
        "Da Jiang Innovations", as_of=date(2021, 1, 1)
    ).to_dict()


def test_one_knowledge_base_answers_the_same_from_many_threads() -> None:
    kb = replace(load_builtin())  # a fresh value: nothing derived from it is built yet
    names = ["Da Jiang Innovations", "Autel Robotics", "Skydio", "Parrot Drones SAS",
             "Anzu Robotics", "SZ DJI Osmo", "Teal Drones"] * 6
    products = sorted(kb.products)
    policies = [p.id for p in dronevet.api.policies(kb)]

    def work(i: int) -> tuple[object, ...]:
        name = names[i % len(names)]
        product = products[i % len(products)]
        policy = policies[i % len(policies)]
        screened = dronevet.screen(name, as_of="2026-03-02", kb=kb).to_dict()
        vetted = dronevet.vet(product, policy=policy, use="procure", as_of="2026-03-02",
                              kb=kb).to_dict()
        return screened, vetted

    jobs = range(len(names) * 3)
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(work, jobs))
    alone = [work(i) for i in jobs]
    assert together == alone


def test_adding_a_layer_gives_a_new_value_and_leaves_the_old_one_alone() -> None:
    kb = load_builtin()
    source = Source("test export", date(2026, 1, 1), verified=False)
    newcomer = Entity("acme-aero", "Company", "Acme Aero", ("Acme Aero",), ("us",), source,
                      origin="test")
    grown = kb.with_layer("test", FtmRecords(entities=[newcomer]))
    assert "acme-aero" in grown.entities and "acme-aero" not in kb.entities
    assert dronevet.screen("Acme Aero", kb=grown).match is not None
    assert dronevet.screen("Acme Aero", kb=kb).match is None
    with pytest.raises(TypeError):
        kb.entities["x"] = newcomer  # type: ignore[index]


def test_a_layer_never_replaces_a_held_entity() -> None:
    kb = load_builtin()
    fake = Entity("dji", "Company", "DJI", ("DJI",), ("us",),
                  Source("test export", date(2026, 1, 1), verified=False), origin="test")
    grown = kb.with_layer("test", FtmRecords(entities=[fake]))
    assert grown.entities["dji"].countries == ("cn",)
    assert any("'dji' is already held" in line for line in grown.skipped)


def test_an_imported_designation_counts_for_vetting_as_for_screening(
    home: Path, tmp_path: Path
) -> None:
    # A maker known only from the user's import (a PRC company, on the Entity List there):
    # screening finds it, so vetting its system must find it too, not call it unknown.
    export = tmp_path / "export.ftm.jsonl"
    export.write_text(
        json.dumps({"id": "zz-maker", "schema": "Company",
                    "properties": {"name": ["Zephyr Quux Aerial Ltd"], "country": ["cn"]}})
        + "\n"
        + json.dumps({"id": "zz-maker-el", "schema": "Sanction",
                      "properties": {"entity": ["zz-maker"], "programId": ["us-bis-entity-list"],
                                     "listingDate": ["2024-01-01"]}})
        + "\n",
        encoding="utf-8",
    )
    imports = home / "imports"
    imports.mkdir(parents=True)
    (imports / "export.ftm.jsonl").write_bytes(export.read_bytes())
    bom = {"name": "ZQ-1", "manufacturer": "Zephyr Quux Aerial Ltd",
           "final_assembly_country": "sg"}
    without = dronevet.vet(bom, policy="us-ar-act525-2023", use="procure", as_of="2026-03-02",
                           kb=load_builtin())
    assert without.verdict is VerdictKind.review  # a maker nobody knows
    kb = dronevet.load_knowledge()
    assert dronevet.screen("Zephyr Quux Aerial", kb=kb).match is not None
    verdict = dronevet.vet(bom, policy="us-ar-act525-2023", use="procure", as_of="2026-03-02")
    assert verdict.verdict is VerdictKind.prohibited
    assert verdict.to_dict()["subject"]["matched_by"] == "bom"
