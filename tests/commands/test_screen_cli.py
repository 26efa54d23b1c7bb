"""`dronevet screen`: the JSON contract, the text for people, and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

import dronevet.api
from dronevet.knowledge.base import KnowledgeBase
from dronevet.screening.model import CoveredStatus

Run = Callable[..., Result]


@pytest.fixture
def app(small_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, run: Run) -> Run:
    """The real CLI, screening against the small test knowledge base."""
    monkeypatch.setattr(dronevet.api, "load_knowledge", lambda home=None: small_kb)
    return run


def test_json_output_follows_the_contract(app: Run) -> None:
    result = app("screen", "DJI Europe BV", "--as-of", "2025-01-01", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"query", "as_of", "match", "status", "reasons"}
    assert data["match"]["entity_id"] == "dji-europe"
    assert data["status"] == "covered"
    assert data["as_of"] == "2025-01-01"
    for reason in data["reasons"]:
        assert set(reason) == {"kind", "text", "source", "date", "verified"}


def test_no_match_gives_null_match_and_unknown(app: Run) -> None:
    result = app("screen", "Acme Widgets", "--format", "json")
    data = json.loads(result.output)
    assert data["match"] is None and data["status"] == "unknown"


def test_text_output_shows_verdict_chain_and_sources(app: Run) -> None:
    result = app("screen", "DJI Europe", "--as-of", "2025-01-01")
    assert result.exit_code == 0, result.output
    assert "COVERED" in result.output
    assert "Chain: DJI Europe B.V. → SZ DJI Technology Co., Ltd." in result.output
    assert "source: Test document" in result.output


def test_bad_date_exits_3_with_one_sentence(app: Run) -> None:
    result = app("screen", "DJI", "--as-of", "18/12/2020")
    assert result.exit_code == 3
    assert "not a date" in result.output


def test_threshold_outside_0_to_1_is_bad_input(app: Run) -> None:
    result = app("screen", "DJI", "--threshold", "7")
    assert result.exit_code == 3


def test_empty_name_is_a_usage_error(app: Run) -> None:
    result = app("screen", "  ")
    assert result.exit_code == 2 and "empty" in result.output


def test_markup_in_the_name_is_printed_literally(app: Run) -> None:
    # A name with console markup must neither crash the command nor lose its brackets.
    result = app("screen", "[bold]Acme[/] [/x] Widgets")
    assert result.exit_code == 0, result.output
    assert "[bold]Acme[/] [/x] Widgets" in result.output


def test_cli_json_equals_the_api_answer(app: Run, small_kb: KnowledgeBase) -> None:
    result = app("screen", "DJI Europe BV", "--as-of", "2025-01-01", "--format", "json")
    answer = dronevet.api.screen("DJI Europe BV", as_of="2025-01-01", kb=small_kb)
    assert answer.status is CoveredStatus.covered
    assert json.loads(result.output) == answer.to_dict()
