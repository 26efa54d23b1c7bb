"""Name resolution: variants of real drone makers' names as procurement records, FCC filings
and the press write them resolve to the right entity; unrelated names resolve to nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dronevet.knowledge.loader import KnowledgeBase, load, load_builtin, load_from
from dronevet.screening.model import DEFAULT_THRESHOLD, CoveredStatus
from dronevet.screening.normalize import name_tokens
from dronevet.screening.score import as_match, rank, ranked, resolve, score_names
from dronevet.screening.screen import Screener, screen
from dronevet.screening.search import names_of


def _best(kb: KnowledgeBase, query: str) -> str | None:
    matches = resolve(kb, query)
    return matches[0].entity_id if matches else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SZ DJI TECHNOLOGY CO LTD", "dji"),  # upper case, no punctuation (FPDS style)
        ("DJI Technology Co Ltd SZ", "dji"),  # word order
        ("sz dji technology co., ltd", "dji"),  # case and punctuation
        ("Shenzhen Da Jiang Innovations Sciences & Technologies", "dji"),  # split word, &
        ("深圳市大疆创新科技有限公司", "dji"),  # registry name in Chinese
        ("DJI Innovations", "dji"),  # former name
        ("Autel Robotic", "autel-robotics"),  # typo (missing letter)
        ("Autle Robotics Co. Limited", "autel-robotics"),  # transposition + legal form
        ("ООО Росдрон", "rosdron"),  # Cyrillic with legal form
        ("Rosdron", "rosdron"),  # romanised
        ("Skydio Inc", "skydio"),
    ],
)
def test_name_variants_resolve_on_the_small_base(
    small_kb: KnowledgeBase, query: str, expected: str
) -> None:
    assert _best(small_kb, query) == expected


@pytest.mark.parametrize(
    "query",
    ["Acme Widgets", "Dijon Mustard Ltd", "Autel Intelligent Technology", "Sky Studio Inc"],
)
def test_unrelated_and_near_miss_names_match_nothing(small_kb: KnowledgeBase, query: str) -> None:
    assert _best(small_kb, query) is None


def test_unknown_name_screens_as_unknown_without_a_match(small_kb: KnowledgeBase) -> None:
    result = screen(small_kb, "Acme Widgets Ltd", date(2025, 1, 1))
    assert result.match is None
    assert result.status is CoveredStatus.unknown
    assert result.reasons[0].kind.value == "no_match"


def test_missing_rare_token_costs_more_than_missing_generic_one() -> None:
    def idf(token: str) -> float:
        return 5.0

    generic_missing = score_names(("dajiang", "technology"), ("dajiang",), idf)
    rare_missing = score_names(("parrot", "analytics"), ("parrot",), idf)
    assert generic_missing >= DEFAULT_THRESHOLD > rare_missing


def test_short_names_need_an_exact_token() -> None:
    assert score_names(("dij",), ("dji",), lambda _: 5.0) < DEFAULT_THRESHOLD


def test_screener_answers_repeated_queries_identically(small_kb: KnowledgeBase) -> None:
    screener = Screener(small_kb)
    first = screener.screen("Autel Robotic", date(2025, 1, 1))
    again = screener.screen("Autel Robotic", date(2025, 1, 1))
    assert first == again and first.match is not None


def test_name_from_an_imported_ftm_file_is_screened(kb_dir: Path, tmp_path: Path) -> None:
    base = kb_dir
    extra = tmp_path / "opensanctions.ftm.json"
    record = {
        "id": "os-volga-uav",
        "schema": "Company",
        "properties": {"name": ["Volga Unmanned Systems JSC"], "country": ["ru"]},
    }
    sanction = {
        "id": "os-volga-uav-sanction",
        "schema": "Sanction",
        "properties": {
            "entity": ["os-volga-uav"],
            "programId": ["eu-russia-sanctions"],
            "startDate": ["2023-02-25"],
        },
    }
    extra.write_text(json.dumps(record) + "\n" + json.dumps(sanction) + "\n", encoding="utf-8")
    kb = load_from(base, [extra])
    result = screen(kb, "VOLGA UNMANNED SYSTEMS", date(2024, 1, 1))
    assert result.match is not None and result.match.entity_id == "os-volga-uav"
    # An imported designation carries an unverified source: review, not covered.
    assert result.status is CoveredStatus.review
    assert any(r.kind.value == "designation" and not r.verified for r in result.reasons)


@pytest.fixture(scope="module")
def builtin() -> KnowledgeBase:
    return load_builtin()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Da-Jiang Innovations", "dji"),
        ("SZ DJI TECHNOLOGY CO LTD", "dji"),
        ("Autel Robotic", "autel-robotics"),
        ("Anzu Robotics, L.L.C.", "anzu-robotics"),
        ("Skydio Inc.", "skydio"),
    ],
)
def test_name_variants_resolve_on_the_builtin_base(
    builtin: KnowledgeBase, query: str, expected: str
) -> None:
    assert _best(builtin, query) == expected


def test_builtin_load_with_extra_file_keeps_builtin_entities(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ftm.jsonl"
    extra.write_text(
        json.dumps(
            {"id": "x-co", "schema": "Company", "properties": {"name": ["Xylophone Aero Ltd"]}}
        )
        + "\n",
        encoding="utf-8",
    )
    kb = load([extra])
    assert _best(kb, "Xylophone Aero") == "x-co"
    assert _best(kb, "SZ DJI Technology") == "dji"


_SMALL_NAMES = [
    "SZ DJI Technology Co., Ltd.", "Shenzhen Da-Jiang Innovations Sciences", "Autel Robotics",
    "Anzu Robotics LLC", "DJI Europe B.V.", "Skydio, Inc.", "Mystery Drones", "Minority Holdco",
    "Acme Widgets", "Sky Studio Inc",
]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(_SMALL_NAMES), st.integers(0, 40), st.sampled_from(["", "x", " Ltd"]))
def test_the_pruned_answer_equals_the_full_ranking(
    small_kb: KnowledgeBase, name: str, cut: int, extra: str
) -> None:
    # A typo (one letter dropped) and a suffix. Screening stops scoring once the best is at
    # the threshold, and skips candidates whose bound cannot change the answer: its match
    # must be the full ranking's first, and its closest names the full ranking's.
    query = name[:cut] + name[cut + 1 :] + extra
    tokens = name_tokens(query)
    search = names_of(small_kb)
    full = rank(search, tokens, limit=len(small_kb.entities), raw=query)
    answer = [
        as_match(search.index, e)
        for e in ranked(search, tokens, limit=5, enough=DEFAULT_THRESHOLD, raw=query)
    ]
    if answer and answer[0].score >= DEFAULT_THRESHOLD:
        assert answer == full[:1]
    else:
        assert answer == full[:5]


def test_no_match_explains_itself_with_the_closest_names(small_kb: KnowledgeBase) -> None:
    result = Screener(small_kb, cache_size=0).screen("Autel Intelligent Technology",
                                                     date(2025, 1, 1))
    assert result.match is None and result.candidates
    assert result.candidates[0].entity_id == "autel-robotics"
    assert "Autel Robotics" in result.reasons[0].text
