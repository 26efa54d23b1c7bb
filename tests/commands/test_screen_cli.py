"""`dronevet screen`: the JSON contract, the text for people, and bad input."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from dronevet.commands import screen as screen_command
from dronevet.knowledge.loader import KnowledgeBase


@pytest.fixture
def app(small_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr(screen_command, "_knowledge", lambda with_imports: small_kb)
    application = typer.Typer()
    screen_command.register(application)

    @application.command("other")
    def other() -> None:  # a second command keeps Typer from collapsing the group
        """Unused."""

    return application


def test_json_output_follows_the_contract(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["screen", "DJI Europe BV", "--as-of", "2025-01-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"query", "as_of", "match", "status", "reasons"}
    assert data["match"]["entity_id"] == "dji-europe"
    assert data["status"] == "covered"
    assert data["as_of"] == "2025-01-01"
    for reason in data["reasons"]:
        assert set(reason) == {"kind", "text", "source", "date", "verified"}


def test_no_match_gives_null_match_and_unknown(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["screen", "Acme Widgets", "--format", "json"])
    data = json.loads(result.output)
    assert data["match"] is None and data["status"] == "unknown"


def test_text_output_shows_verdict_chain_and_sources(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["screen", "DJI Europe", "--as-of", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert "COVERED" in result.output
    assert "Chain: DJI Europe B.V. -> SZ DJI Technology Co., Ltd." in result.output
    assert "source: Test document" in result.output


def test_bad_date_exits_3_with_one_sentence(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["screen", "DJI", "--as-of", "18/12/2020"])
    assert result.exit_code == 3
    assert "not a date" in result.output


def test_threshold_outside_0_to_1_is_bad_input(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["screen", "DJI", "--threshold", "7"])
    assert result.exit_code == 3
